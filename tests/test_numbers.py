"""Exact numbers: rounding modes, fixed and plain formatting, exact texts."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rubric._numbers import fixed, plain, round_to
from rubric._wording import exact_text

fractions = st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**9)


@given(st.integers(-(10**12), 10**12), st.integers(0, 6), st.integers(1, 3))
def test_half_up_and_half_even_agree_with_decimal(units: int, places: int, extra: int) -> None:
    # A decimal with a few more places than kept: Decimal's quantize is the reference.
    exact = Decimal(units).scaleb(-(places + extra))
    value = Fraction(exact)
    quantum = Decimal(1).scaleb(-places)
    assert Decimal(fixed(value, places, "half up")) == exact.quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    assert Decimal(fixed(value, places, "half even")) == exact.quantize(
        quantum, rounding=ROUND_HALF_EVEN
    )


@given(fractions, st.integers(0, 6), st.sampled_from(["half up", "half even", "down", "up"]))
def test_rounding_stays_within_one_unit(value: Fraction, places: int, mode: str) -> None:
    rounded = round_to(value, places, mode)
    assert abs(rounded - value) < Fraction(1, 10**places)
    assert (rounded * 10**places).denominator == 1


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("2.345", "half up", "2.35"),
        ("-2.345", "half up", "-2.35"),
        ("2.345", "half even", "2.34"),
        ("2.349", "down", "2.34"),
        ("-2.349", "down", "-2.34"),
        ("2.341", "up", "2.35"),
        ("-0.001", "half up", "0.00"),
        ("85.5", "half up", "85.50"),
    ],
)
def test_fixed(value: str, mode: str, expected: str) -> None:
    assert fixed(Fraction(value), 2, mode) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(2), "2"),
        (Fraction(1, 2), "0.5"),
        (Fraction(5, 4), "1.25"),
        (Fraction(5, 3), "1.67"),
        (Fraction(-1, 10), "-0.1"),
        (Fraction(1, 1000), "0"),
    ],
)
def test_plain(value: Fraction, expected: str) -> None:
    assert plain(value) == expected


@given(fractions)
def test_exact_text_round_trips(value: Fraction) -> None:
    assert Fraction(exact_text(value)) == value


def test_huge_values_format_without_the_int_digit_limit() -> None:
    huge = Fraction(10**5000 + 1)
    assert fixed(huge, 2).endswith("1.00")
    assert len(fixed(huge, 2)) == 5004
