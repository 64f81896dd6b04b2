"""The checker's entry point, kept where the compiler and the rubric import it from."""

from rubric._check import Checked, Findings, NodeBounds, TreeNode, Type, check

__all__ = ["Checked", "Findings", "NodeBounds", "TreeNode", "Type", "check"]
