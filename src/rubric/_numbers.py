"""Exact numbers: conversion from inputs, rounding, and formatting."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

__all__ = ["MODES", "fixed", "plain", "round_to", "to_decimal"]


def _half_up(x: Fraction) -> int:
    # Half away from zero, as 四舍五入 and Decimal's ROUND_HALF_UP read it.
    magnitude = math.floor(abs(x) + Fraction(1, 2))
    return magnitude if x >= 0 else -magnitude


def _half_even(x: Fraction) -> int:
    return round(x)


def _down(x: Fraction) -> int:
    return math.trunc(x)


def _up(x: Fraction) -> int:
    return math.ceil(x) if x >= 0 else math.floor(x)


MODES = {"half up": _half_up, "half even": _half_even, "down": _down, "up": _up}


def round_to(value: Fraction, places: int, mode: str) -> Fraction:
    """Round value to a number of decimal places with one of MODES; the result is exact."""
    scale = 10**places
    return Fraction(MODES[mode](value * scale), scale)


def to_decimal(value: Fraction, places: int) -> Decimal:
    """Return an exactly representable value as a Decimal with exactly `places` decimals."""
    scaled = value * 10**places
    if scaled.denominator != 1:
        raise ValueError(f"{value} has more than {places} decimal places")
    with localcontext() as ctx:
        # Enough digits for any size of number; str(int) would hit Python's digit limit.
        ctx.prec = max(28, (scaled.numerator.bit_length() * 1233 >> 12) + places + 4)
        return Decimal(scaled.numerator).scaleb(-places)


def fixed(value: Fraction, places: int, mode: str = "half up") -> str:
    """Format with exactly `places` decimals, rounding with mode: 85.5 → '85.50'."""
    rounded = round_to(value, places, mode)
    text = f"{to_decimal(rounded, places):f}"
    return text.lstrip("-") if rounded == 0 else text


def terminates(value: Fraction, places: int) -> bool:
    """Whether value has at most `places` decimals."""
    return (value * 10**places).denominator == 1


def plain(value: Fraction, places: int = 2) -> str:
    """Format for a sentence: as few decimals as needed, rounded to `places`: 2, 0.5, 1.25."""
    text = fixed(value, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
