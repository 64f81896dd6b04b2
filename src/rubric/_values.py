"""The values facts hold once validated, and the manual adjustment they may carry."""

from __future__ import annotations

from fractions import Fraction
from typing import TypeAlias

import attrs

__all__ = ["Adjustment", "FactValue", "Value"]


@attrs.frozen
class Adjustment:
    """A manual adjustment given as a fact: its points and the reason for them."""

    points: Fraction
    reason: str


FactValue: TypeAlias = bool | int | Fraction | str | frozenset[str] | Adjustment
Value: TypeAlias = FactValue
