"""The checker's limits: how big a rubric's numbers, chains, ids and reports may grow."""

from __future__ import annotations

from typing import Literal

from rubric.dsl import nodes as n

__all__ = [
    "MAX_CHAIN",
    "MAX_DIGITS",
    "MAX_ID_LEVELS",
    "MAX_PLACES",
    "MAX_PROBLEMS",
    "MAX_VALUE_BITS",
    "literal_digits",
    "rounding_of",
]

# Digits of a number written in a rubric.
MAX_DIGITS = 30
# Decimal places scores are rounded to: checked before any 10**places is worked out.
MAX_PLACES = 10
# How deep values may build on values, and ids on ids: scoring recurses through both.
MAX_CHAIN = 200
MAX_ID_LEVELS = 16
# Errors (and warnings) reported in full; the rest are counted. A constant until the shared
# limits (rubric._limits.Limits.max_errors) reach this branch.
MAX_PROBLEMS = 100
# The bounds analysis works on exact numbers; past this size it gives up on a bound (takes it
# as unbounded, which is always safe) rather than compute ever larger ones.
MAX_VALUE_BITS = 4096


def literal_digits(number: n.Number) -> int:
    """How many digits a number is written with."""
    return sum(map(str.isdigit, number.text))


RoundingScope = Literal["indicators", "total"]
RoundingMode = Literal["half up", "half even", "down", "up"]


def rounding_of(rounding: n.Rounding) -> tuple[RoundingScope, RoundingMode]:
    """What a `round` line rounds, and how, as the parser spells them."""
    match rounding.scope:
        case "indicators" | "total":
            scope: RoundingScope = rounding.scope
        case _:
            raise AssertionError(f"the parser gave an unknown rounding {rounding.scope!r}")
    match rounding.mode:
        case "half up" | "half even" | "down" | "up":
            mode: RoundingMode = rounding.mode
        case _:
            raise AssertionError(f"the parser gave an unknown rounding mode {rounding.mode!r}")
    return scope, mode
