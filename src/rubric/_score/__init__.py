"""Scoring: the plan to numbers, by two paths that must agree (interpret and codegen)."""
