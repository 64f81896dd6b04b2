"""Exact numbers: rounding and formatting of fractions, in integer arithmetic throughout."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "MODES",
    "fixed",
    "integer_text",
    "plain",
    "round_to",
    "scaled",
    "scaled_text",
    "terminates",
]


# Each mode rounds a non-negative quotient q with remainder r of division by d.
def _half_up(q: int, r: int, d: int) -> int:
    # Half away from zero, as 四舍五入 and Decimal's ROUND_HALF_UP read it.
    return q + (2 * r >= d)


def _half_even(q: int, r: int, d: int) -> int:
    return q + (2 * r > d or (2 * r == d and q % 2 == 1))


def _down(q: int, r: int, d: int) -> int:
    return q


def _up(q: int, r: int, d: int) -> int:
    return q + (r > 0)


MODES: dict[str, Callable[[int, int, int], int]] = {
    "half up": _half_up,
    "half even": _half_even,
    "down": _down,
    "up": _up,
}


def _scaled(value: Fraction, places: int, mode: str) -> int:
    """value × 10^places rounded to a whole number with mode, rounding the magnitude."""
    numerator, denominator = value.numerator, value.denominator
    q, r = divmod(abs(numerator) * 10**places, denominator)
    rounded = MODES[mode](q, r, denominator) if r else q
    return -rounded if numerator < 0 else rounded


def round_to(value: Fraction, places: int, mode: str) -> Fraction:
    """Round value to a number of decimal places with one of MODES; the result is exact."""
    return Fraction(_scaled(value, places, mode), 10**places)


def terminates(value: Fraction, places: int) -> bool:
    """Whether value has at most `places` decimals."""
    return bool((10**places) % value.denominator == 0)


def _digits(number: int) -> str:
    # str(int) refuses numbers of more digits than sys.get_int_max_str_digits() (4300, or as
    # few as 640 where a program lowers it); Decimal does not.
    return str(number) if number.bit_length() < 2000 else f"{Decimal(number):f}"


def integer_text(number: int) -> str:
    """An int as decimal text, however many digits it has: str() refuses more than 4300."""
    return _digits(number) if number >= 0 else "-" + _digits(-number)


def fixed(value: Fraction, places: int, mode: str = "half up") -> str:
    """Format with exactly `places` decimals, rounding with mode: 85.5 → '85.50'."""
    return _fixed(value.numerator, value.denominator, places, mode)


@lru_cache(maxsize=8192)  # scores repeat: 0, full marks, the same few cents
def _fixed(numerator: int, denominator: int, places: int, mode: str) -> str:
    value = Fraction(numerator, denominator)
    return scaled_text(_scaled(value, places, mode), places)


def plain(value: Fraction, places: int = 2) -> str:
    """Format for a sentence: as few decimals as needed, rounded to `places`: 2, 0.5, 1.25."""
    text = fixed(value, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def scaled_text(scaled: int, places: int) -> str:
    """A count of 10^-places as decimal text with exactly `places` decimals: 8550 → '85.50'."""
    digits = _digits(abs(scaled)).rjust(places + 1, "0")
    sign = "-" if scaled < 0 else ""
    if not places:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


@lru_cache(maxsize=8192)  # the same few scores come back unit after unit
def scaled(value: int, unit: int) -> Fraction:
    """The exact value of a count of 1/unit: 8550 of 1/100 is 171/2."""
    return Fraction(value, unit)
