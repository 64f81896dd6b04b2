"""Chinese wording of numbers, points and quantities in explanations."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from rubric._numbers import fixed, integer_text, plain, terminates

__all__ = [
    "approx_sign",
    "capped",
    "exact_text",
    "gain",
    "nothing",
    "points",
    "quantity",
    "signed",
    "step_unit",
    "verb",
]

# Rule literals and sums of them end within this many decimals; beyond it a value reads as 约.
_EXACT_PLACES = 10
# The same few figures are worded again and again (the points of each rule, 0, 1, 2 …): the
# functions that word a figure alone keep the last few thousand words they wrote.

OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "=", "!=": "≠"}


def exact_text(value: Fraction) -> str:
    """An exact, Fraction-parsable text: '1.25' when the decimal ends, '5/3' when it does not."""
    return _exact_text(value.numerator, value.denominator)


@lru_cache(maxsize=8192)
def _exact_text(numerator: int, denominator: int) -> str:
    value = Fraction(numerator, denominator)
    for places in range(29):
        if terminates(value, places):
            return plain(value, places) if places else integer_text(value.numerator)
    return f"{integer_text(value.numerator)}/{integer_text(value.denominator)}"


def approx_sign(*values: Fraction, places: int) -> str:
    """'=' when every value shows exactly with `places` decimals, else '≈'."""
    return "=" if all(terminates(v, places) for v in values) else "≈"


def points(value: Fraction, places: int) -> str:
    """Points in a sentence, exact where the decimal ends: '2', '0.25', '约1.67' (magnitude)."""
    return _points(abs(value.numerator), value.denominator, places)


@lru_cache(maxsize=8192)
def _points(numerator: int, denominator: int, places: int) -> str:
    magnitude = Fraction(numerator, denominator)
    for shown in range(places, _EXACT_PLACES + 1):
        if terminates(magnitude, shown):
            return plain(magnitude, shown)
    return "约" + plain(magnitude, places)


def signed(value: Fraction, places: int) -> str:
    """A score that may be negative, as a figure: '7.2', '-6.83', '约-1.67'."""
    shown = points(value, places)
    if value.numerator >= 0:
        return shown
    return "约-" + shown.removeprefix("约") if shown.startswith("约") else "-" + shown


def gain(value: Fraction, places: int, *, zero: str = "不得分") -> str:
    """'得2分', '扣0.5分', or the zero wording."""
    if value.numerator > 0:
        return f"得{points(value, places)}分"
    if value.numerator < 0:
        return f"扣{points(value, places)}分"
    return zero


def quantity(value: Fraction | int, unit: str | None, places: int, *, integral: bool) -> str:
    """A value with its unit: '97.50%', '25个工作日', '3户', '0.5'."""
    if integral and isinstance(value, int):
        text = plain(Fraction(value), 0)
    elif unit == "%":
        text = fixed(Fraction(value), places)
    else:
        text = plain(Fraction(value), places)
    return f"{text}{unit or ''}"


def step_unit(unit: str | None) -> str:
    """The unit of a difference: percentages differ by percentage points."""
    if unit == "%":
        return "个百分点"
    return unit or ""


def verb(value: Fraction) -> str:
    """'得' for an award, '扣' for a deduction."""
    return "扣" if value.numerator < 0 else "得"


def nothing(value: Fraction) -> str:
    """What a rule that gives `value` per time says when it gives nothing."""
    return "不扣分" if value.numerator < 0 else "不得分"


def capped(total: Fraction, cap: Fraction, result: Fraction, places: int) -> str:
    """'最多得3分，按3分计' / '最多扣4分，按扣4分计': the cap and what it left."""
    v = verb(total)
    after = f"扣{points(result, places)}" if result.numerator < 0 else points(result, places)
    return f"最多{v}{points(cap, places)}分，按{after}分计"
