"""Many units at once: reading them from tables and files, and scoring them as one evaluation."""
