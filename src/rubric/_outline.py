"""The outline of a compiled rubric: its nodes and grade lines as declared.

Imported when first read (`Rubric.outline`, `Rubric.grades`): scoring never needs it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

__all__ = ["GradeLine", "OutlineNode"]


@attrs.frozen
class GradeLine:
    """A grade line as declared, from the top down; several lines may give one grade."""

    name: str
    line: int
    # The least total the line asks for, where its condition is a plain `total >= N` (or
    # `total > N`: strict); None for `otherwise` and for conditions on more than the total.
    threshold: Fraction | None
    strict: bool


@attrs.frozen
class OutlineNode:
    """A node of a rubric's tree as declared: its id, title, points and the facts it reads."""

    id: str
    title: str
    kind: str
    depth: int
    parent: str | None
    max: Decimal
    min: Decimal | None
    role: str
    way: str | None
    weight: Fraction | None
    facts: tuple[str, ...]
    declared: Decimal | None  # the max written in the rubric; None where none is written
