"""`python -m rubric`: the command line."""

import sys

from rubric.cli import main

sys.exit(main())
