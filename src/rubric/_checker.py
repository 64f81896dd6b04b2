"""The checker's entry point, kept where the compiler and the rubric import it from."""

from rubric._check import Checked, TreeNode, Type, check

__all__ = ["Checked", "TreeNode", "Type", "check"]
