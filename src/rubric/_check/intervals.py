"""Sets of numbers as intervals with open or closed ends, and unions of them kept sorted."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from fractions import Fraction
from typing import NamedTuple

import attrs

from rubric._numbers import plain, terminates

__all__ = [
    "EVERYTHING",
    "NEG_INF",
    "ONE",
    "POS_INF",
    "ZERO",
    "Interval",
    "IntervalUnion",
    "Pos",
    "at",
    "band_text",
    "from_bounds",
    "show",
]

# A position on the number line: -∞, +∞, or a number v read as v itself (0), the numbers just
# below it (-1) or just above it (+1). An interval is every number between two positions,
# both included, which makes open and closed ends, emptiness, containment and adjacency plain
# comparisons of tuples.
Pos = tuple[int, Fraction, int]
# Made once: a Fraction costs a call each time one is made, and the analysis makes many.
ZERO = Fraction(0)
ONE = Fraction(1)
NEG_INF: Pos = (-1, ZERO, 0)
POS_INF: Pos = (1, ZERO, 0)


def at(value: Fraction) -> Pos:
    return (0, value, 0)


def below(value: Fraction) -> Pos:
    return (0, value, -1)


def above(value: Fraction) -> Pos:
    return (0, value, 1)


def _next(hi: Pos) -> Pos:
    """The first position after an upper end: what an adjacent interval starts with."""
    kind, value, side = hi
    return hi if kind else (0, value, side + 1)


def _before(lo: Pos) -> Pos:
    """The last position before a lower end."""
    kind, value, side = lo
    return lo if kind else (0, value, side - 1)


class Interval(NamedTuple):
    """The numbers from lo to hi, both positions included; empty when lo is after hi.

    A named tuple, not an attrs class: the bounds analysis makes hundreds of thousands.
    """

    lo: Pos = NEG_INF
    hi: Pos = POS_INF

    @property
    def empty(self) -> bool:
        # ±∞ are ends, not numbers: an interval from -∞ to -∞ holds none.
        lo, hi = self.lo, self.hi
        return lo[0] == 1 or hi[0] == -1 or lo > hi

    def meet(self, other: Interval) -> Interval:
        return Interval(max(self.lo, other.lo), min(self.hi, other.hi))

    def within(self, other: Interval) -> bool:
        return self.empty or (other.lo <= self.lo and self.hi <= other.hi)

    def holds(self, value: Fraction) -> bool:
        return self.lo <= at(value) <= self.hi

    @property
    def low(self) -> Fraction | None:
        """The lower end, None for -∞."""
        return None if self.lo[0] else self.lo[1]

    @property
    def high(self) -> Fraction | None:
        return None if self.hi[0] else self.hi[1]

    @property
    def low_closed(self) -> bool:
        return not self.lo[0] and self.lo[2] == 0

    @property
    def high_closed(self) -> bool:
        return not self.hi[0] and self.hi[2] == 0

    def on_grid(self, step: Fraction) -> Interval | None:
        """The smallest interval holding every multiple of step in this one; None if none is.

        Counts step by 1; a number fact `in steps of` its step: both take only multiples.
        """
        lo, hi = self.lo, self.hi
        if not lo[0] and not lo[2] and not hi[0] and not hi[2]:
            # Closed ends on the grid already, the usual case: kept cheap.
            if step == 1:
                on = lo[1].denominator == 1 and hi[1].denominator == 1
            else:
                on = not lo[1] % step and not hi[1] % step
            if on:
                return None if lo[1] > hi[1] else self
        if not lo[0]:
            lo = at(_multiple(lo[1], step, lo[2] > 0, up=True))
        elif lo[0] > 0:
            return None
        if not hi[0]:
            hi = at(_multiple(hi[1], step, hi[2] < 0, up=False))
        elif hi[0] < 0:
            return None
        found = Interval(lo, hi)
        return None if found.empty else found

    def text(self, subject: str = "") -> str:
        """The interval as a band is written: '>= 80 and < 90', '= 5', '< 0'."""
        return band_text(self, subject)


EVERYTHING = Interval()


def _multiple(value: Fraction, step: Fraction, past: bool, *, up: bool) -> Fraction:
    """The first multiple of step at or above value (up), or at or below it; strictly past
    it when `past`. In whole numbers: Fraction arithmetic costs far more, and this runs for
    every fact domain narrowed."""
    # value / step = num / den; its ceiling or floor counts the steps.
    num = value.numerator * step.denominator
    den = value.denominator * step.numerator
    steps = -(-num // den) if up else num // den
    if steps * den == num:  # the value itself is a multiple
        if not past:
            return value
        steps += 1 if up else -1  # but is left out
    return Fraction(steps * step.numerator, step.denominator)


def from_bounds(bounds: tuple[tuple[str, Fraction], ...]) -> Interval:
    """The interval of a band's bounds: (op, number) pairs, all of which must hold."""
    interval = EVERYTHING
    for op, value in bounds:
        match op:
            case ">=":
                part = Interval(at(value), POS_INF)
            case ">":
                part = Interval(above(value), POS_INF)
            case "<=":
                part = Interval(NEG_INF, at(value))
            case "<":
                part = Interval(NEG_INF, below(value))
            case "=":
                part = Interval(at(value), at(value))
            case _:
                raise AssertionError(f"no interval for {op!r}")
        interval = interval.meet(part)
    return interval


def band_text(interval: Interval, subject: str = "") -> str:
    lead = f"{subject} " if subject else ""
    low, high = interval.low, interval.high
    if low is not None and low == high:
        return f"{lead}= {show(low)}"
    parts = []
    if low is not None:
        parts.append(f"{lead}{'>=' if interval.low_closed else '>'} {show(low)}")
    if high is not None:
        parts.append(f"{lead}{'<=' if interval.high_closed else '<'} {show(high)}")
    return " and ".join(parts) or "any value"


def show(value: Fraction) -> str:
    """A number as a rubric writes it: exact when it has few decimals, else to 6 places."""
    return plain(value, 30) if terminates(value, 30) else plain(value, 6)


@attrs.define
class IntervalUnion:
    """A union of intervals, kept as sorted, disjoint, non-adjacent pieces.

    Each test or addition costs a binary search and the pieces it touches, so a table of n
    arms is checked in about n log n steps, not n³.
    """

    lows: list[Pos] = attrs.Factory(list)
    highs: list[Pos] = attrs.Factory(list)

    def covers(self, interval: Interval) -> bool:
        """Whether every number of the interval is in the union."""
        if interval.empty:
            return True
        index = bisect.bisect_right(self.lows, interval.lo) - 1
        return index >= 0 and self.highs[index] >= interval.hi

    def meets(self, interval: Interval) -> bool:
        """Whether the union holds any number of the interval."""
        return any(True for _ in self.pieces_within(interval))

    def add(self, interval: Interval) -> None:
        if interval.empty:
            return
        lo, hi = interval.lo, interval.hi
        # Pieces that overlap the interval or touch it merge with it.
        first = bisect.bisect_left(self.highs, lo)
        if first > 0 and _next(self.highs[first - 1]) >= lo:
            first -= 1
        last = bisect.bisect_right(self.lows, hi)
        if last < len(self.lows) and self.lows[last] <= _next(hi):
            last += 1
        if first < last:
            lo = min(lo, self.lows[first])
            hi = max(hi, self.highs[last - 1])
        self.lows[first:last] = [lo]
        self.highs[first:last] = [hi]

    def pieces_within(self, interval: Interval) -> Iterator[Interval]:
        """The parts of the union inside an interval, in order."""
        index = max(0, bisect.bisect_right(self.lows, interval.lo) - 1)
        while index < len(self.lows) and self.lows[index] <= interval.hi:
            piece = Interval(self.lows[index], self.highs[index]).meet(interval)
            if not piece.empty:
                yield piece
            index += 1

    def gaps_within(self, interval: Interval) -> Iterator[Interval]:
        """The parts of an interval the union leaves out, in order."""
        start = interval.lo
        for piece in self.pieces_within(interval):
            gap = Interval(start, _before(piece.lo))
            if not gap.empty:
                yield gap
            start = _next(piece.hi)
            if piece.hi == POS_INF:
                return
        gap = Interval(start, interval.hi)
        if not gap.empty:
            yield gap

    @property
    def hull(self) -> Interval:
        """From the lowest piece to the highest; empty when the union is."""
        if not self.lows:
            return Interval(POS_INF, NEG_INF)
        return Interval(self.lows[0], self.highs[-1])
