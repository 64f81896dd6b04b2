"""What an expression can be over all valid facts: ranges of numbers, truths, and witnesses.

A range is sound: every value the expression takes on valid facts lies in it. An end of a
range may carry a witness: facts, each held to a domain (a value, an interval, some words),
for which the expression is exactly that end, whatever the other facts are. Witnesses merge
by meeting their domains; when two cannot meet, an end is still sound, only not shown reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Literal

import attrs

from rubric._check.intervals import (
    EVERYTHING,
    NEG_INF,
    ONE,
    POS_INF,
    ZERO,
    Interval,
    Pos,
    above,
    at,
    below,
)
from rubric._check.limits import MAX_VALUE_BITS
from rubric._numbers import round_to

__all__ = [
    "Choice",
    "Dom",
    "Items",
    "Num",
    "Range",
    "Truth",
    "Witness",
    "absolute",
    "add",
    "clamp",
    "const",
    "divide",
    "extreme",
    "meet",
    "merge",
    "multiply",
    "negate",
    "round_range",
    "scale",
    "total",
    "within",
]

# ---------------------------------------------------------------- what a fact may be


@attrs.frozen
class Num:
    """A count's, a number's or an adjustment's points: an interval, maybe on a grid."""

    interval: Interval
    step: Fraction | None = None  # only multiples of it: 1 for counts

    def meet(self, other: Num) -> Num | None:
        # Steps are mostly the one ONE, or None: compared as objects first, as cheaper.
        same_grid = other.step is None or self.step is other.step or self.step == other.step
        if same_grid and self.interval.within(other.interval) and not self.interval.empty:
            return self  # nothing to narrow: the usual case, kept cheap
        step = self.step or other.step
        interval = self.interval.meet(other.interval)
        if step is not None:
            on_grid = interval.on_grid(step)
            return None if on_grid is None else Num(on_grid, step)
        return None if interval.empty else Num(interval, step)

    def pick(self, prefer: Literal["low", "high", "middle"]) -> Fraction | None:
        """A value of the domain: its low or high end where it has one, else one inside."""
        interval = self.interval
        if self.step is not None:
            on_grid = interval.on_grid(self.step)
            if on_grid is None:
                return None
            interval = on_grid  # both ends, where it has them, are on the grid and closed
        unit = self.step or ONE
        low, high = interval.low, interval.high
        # Inside an open end: a step in, or halfway to the other end.
        if low is not None and not interval.low_closed:
            low = low + unit if high is None or low + unit < high else (low + high) / 2
        if high is not None and not interval.high_closed:
            high = high - unit if low is None or high - unit > low else (low + high) / 2
        if low is not None and high is not None:
            middle = low + ((high - low) / 2 // unit) * unit if self.step else (low + high) / 2
            found = {"low": low, "high": high, "middle": middle}[prefer]
        elif low is not None:
            found = low if prefer == "low" else low + 100 * unit
        elif high is not None:
            found = high if prefer == "high" else high - 100 * unit
        else:
            found = {"low": Fraction(-100), "high": Fraction(100), "middle": ZERO}[prefer]
        return found if self.interval.holds(found) and self._on_step(found) else None

    def _on_step(self, value: Fraction) -> bool:
        return self.step is None or value % self.step == 0


@attrs.frozen
class Choice:
    """A bool's or a level's possible values."""

    values: frozenset[object]

    def meet(self, other: Choice) -> Choice | None:
        values = self.values & other.values
        return Choice(values) if values else None


@attrs.frozen
class Items:
    """A set's possible values: items it must hold, items it must not, how many it holds."""

    universe: frozenset[str] | None  # the allowed items; None: any names
    has: frozenset[str] = frozenset()
    lacks: frozenset[str] = frozenset()
    size: Interval = attrs.field(factory=lambda: Interval(at(ZERO), POS_INF))

    def sized(self, size: Interval) -> Items:
        """The same items, held to a size; made directly, not by attrs.evolve (which looks
        every field up by name): the analysis makes one for every set it narrows."""
        return Items(self.universe, self.has, self.lacks, size)

    def meet(self, other: Items) -> Items | None:
        return Items(
            self.universe if self.universe is not None else other.universe,
            self.has | other.has,
            self.lacks | other.lacks,
            self.size.meet(other.size),
        ).normal()

    def normal(self) -> Items | None:
        if self.has & self.lacks:
            return None
        if self.universe is not None and not self.has <= self.universe:
            return None
        most = POS_INF
        if self.universe is not None:
            most = at(Fraction(len(self.universe - self.lacks)))
        size = self.size.meet(Interval(at(Fraction(len(self.has))), most)).on_grid(ONE)
        return None if size is None else self.sized(size)

    def pick(self) -> frozenset[str]:
        count = self.size.low or ZERO
        items = set(self.has)
        spare: Iterable[str]
        if self.universe is not None:
            spare = sorted(self.universe - self.lacks - self.has)
        else:
            spare = (f"项{i}" for i in range(1, 1_000_000) if f"项{i}" not in self.lacks)
        for item in spare:
            if len(items) >= count:
                break
            items.add(item)
        return frozenset(items)


Dom = Num | Choice | Items


def meet(a: Dom, b: Dom) -> Dom | None:
    """What a fact may be under both domains; None when nothing is."""
    if isinstance(a, Num) and isinstance(b, Num):
        return a.meet(b)
    if isinstance(a, Choice) and isinstance(b, Choice):
        return a.meet(b)
    if isinstance(a, Items) and isinstance(b, Items):
        return a.meet(b)
    raise AssertionError(f"domains of different kinds: {a!r} and {b!r}")


# ---------------------------------------------------------------- witnesses

# Facts held to domains: for every facts within them, an expression takes one known value.
Witness = Mapping[str, Dom]
NOTHING: Witness = {}


def merge(a: Witness | None, b: Witness | None) -> Witness | None:
    """Facts that are in both witnesses' domains; None when either is None or they clash."""
    if a is None or b is None:
        return None
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    merged = dict(a)
    for name, dom in b.items():
        if name in merged:
            both = meet(merged[name], dom)
            if both is None:
                return None
            merged[name] = both
        else:
            merged[name] = dom
    return merged


def merge_all(witnesses: Iterable[Witness | None]) -> Witness | None:
    found: Witness | None = NOTHING
    for witness in witnesses:
        found = merge(found, witness)
        if found is None:
            return None
    return found


# ---------------------------------------------------------------- ranges of numbers


@attrs.frozen
class Range:
    """The values a numeric expression takes, and witnesses of its ends where known."""

    interval: Interval
    integral: bool = False
    low_w: Witness | None = None
    high_w: Witness | None = None

    @property
    def low(self) -> Fraction | None:
        return self.interval.low

    @property
    def high(self) -> Fraction | None:
        return self.interval.high


ANY = Range(EVERYTHING)


def const(value: Fraction) -> Range:
    end = at(value)  # one position for both ends: comparing them is then comparing it to itself
    return Range(Interval(end, end), value.denominator == 1, NOTHING, NOTHING)


# An end of a range: its value (None: infinite, with the sign of `side`), whether the value
# itself is taken, and what reaches it.
_End = tuple[Fraction | None, bool, Witness | None]


def _low(r: Range) -> _End:
    return r.interval.low, r.interval.low_closed, r.low_w if r.interval.low_closed else None


def _high(r: Range) -> _End:
    return r.interval.high, r.interval.high_closed, r.high_w if r.interval.high_closed else None


def _too_big(numerator: int, denominator: int) -> bool:
    """Whether a value, as its numerator and denominator, is past the size limit."""
    # Two ints, not a Fraction or a pair: callers hold either, and this is on every range made.
    return numerator.bit_length() > MAX_VALUE_BITS or denominator.bit_length() > MAX_VALUE_BITS


def _make(low: _End, high: _End, integral: bool) -> Range:
    """A range from its two ends; a value grown past the size limit is taken as unbounded."""
    # Each end read once, its position built in place: a range is made for every operation.
    lo_value, lo_closed, lo_w = low
    hi_value, hi_closed, hi_w = high
    lo: Pos
    hi: Pos
    if lo_value is None or _too_big(lo_value.numerator, lo_value.denominator):
        lo, lo_w = NEG_INF, None
    elif lo_closed:
        lo = (0, lo_value, 0)
    else:
        lo, lo_w = (0, lo_value, 1), None
    if hi_value is None or _too_big(hi_value.numerator, hi_value.denominator):
        hi, hi_w = POS_INF, None
    elif hi_closed:
        hi = (0, hi_value, 0)
    else:
        hi, hi_w = (0, hi_value, -1), None
    return Range(Interval(lo, hi), integral, lo_w, hi_w)


def negate(r: Range) -> Range:
    lo_value, lo_closed, lo_w = _low(r)
    hi_value, hi_closed, hi_w = _high(r)
    return _make(
        (None if hi_value is None else -hi_value, hi_closed, hi_w),
        (None if lo_value is None else -lo_value, lo_closed, lo_w),
        r.integral,
    )


def add(a: Range, b: Range) -> Range:
    def end(x: _End, y: _End) -> _End:
        if x[0] is None or y[0] is None:
            return None, False, None
        return x[0] + y[0], x[1] and y[1], merge(x[2], y[2])

    return _make(end(_low(a), _low(b)), end(_high(a), _high(b)), a.integral and b.integral)


def total(ranges: Iterable[Range]) -> Range:
    """The range of a sum, without witnesses: the ends summed in one pass.

    The same range as adding the ranges one by one to 0 and dropping the witnesses (an end
    once too big stays unbounded), without a range made for every partial sum.
    """
    # Each sum kept as numerator and denominator: whole ends, the usual case, add as ints,
    # far cheaper than Fractions; the size limit is read off the same two ints.
    lows, highs = (0, 1), (0, 1)
    lo_open = hi_open = False
    lo_gone = hi_gone = False  # an end unbounded, or grown past the size limit
    integral = True
    for r in ranges:
        lo, hi = r.interval
        integral = integral and r.integral
        if not lo_gone:
            if lo[0]:
                lo_gone = True
            else:
                lows = _plus(lows, lo[1])
                lo_open = lo_open or lo[2] != 0
                lo_gone = _too_big(*lows)
        if not hi_gone:
            if hi[0]:
                hi_gone = True
            else:
                highs = _plus(highs, hi[1])
                hi_open = hi_open or hi[2] != 0
                hi_gone = _too_big(*highs)
    low: _End = (None, False, None) if lo_gone else (Fraction(*lows), not lo_open, None)
    high: _End = (None, False, None) if hi_gone else (Fraction(*highs), not hi_open, None)
    return _make(low, high, integral)


def _plus(ratio: tuple[int, int], value: Fraction) -> tuple[int, int]:
    """A sum, as numerator and denominator in lowest terms, plus a value."""
    numerator, denominator = ratio
    if denominator == 1 and value.denominator == 1:
        return numerator + value.numerator, 1
    found = Fraction(numerator, denominator) + value
    return found.numerator, found.denominator


def subtract(a: Range, b: Range) -> Range:
    return add(a, negate(b))


# An extended number for products: a value, or ±∞ as (None, sign).
_Ext = tuple[Fraction | None, int]


def _times(x: _Ext, y: _Ext) -> _Ext:
    (xv, xs), (yv, ys) = x, y
    if xv is not None and yv is not None:
        return xv * yv, 0
    # 0 × ∞ counts as 0: only a factor of exactly 0 reaches it, and its end says if it is.
    if (xv is not None and xv == 0) or (yv is not None and yv == 0):
        return ZERO, 0
    sign = (xs if xv is None else (1 if xv > 0 else -1)) * (
        ys if yv is None else (1 if yv > 0 else -1)
    )
    return None, sign


def multiply(a: Range, b: Range) -> Range:
    # By a written number (no witness to merge, not 0) a range of two distinct ends just
    # moves, as scale does it: far cheaper than four corners. (A single point keeps the
    # corners: its two ends reach the same product, and the first witness of the two wins.)
    scaled = None
    if _written(b) and _spread(a):
        scaled = scale(a, b.interval.lo[1])
    elif _written(a) and _spread(b):
        scaled = scale(b, a.interval.lo[1])
    if scaled is not None:
        # Whole when both factors are, as below, whatever scale reads off the number.
        return Range(scaled.interval, a.integral and b.integral, scaled.low_w, scaled.high_w)
    corners: list[tuple[_Ext, bool, Witness | None]] = []
    b_ends = ((_low(b), -1), (_high(b), 1))
    for x, x_side in ((_low(a), -1), (_high(a), 1)):
        x_zero = x[0] == 0 and x[1]
        for y, y_side in b_ends:
            value = _times((x[0], x_side), (y[0], y_side))
            if value[0] == 0 and (x_zero or (y[0] == 0 and y[1])):
                # A closed end at 0 makes the product 0 whatever the other factor is.
                corners.append((value, True, x[2] if x_zero else y[2]))
            else:
                corners.append((value, x[1] and y[1], merge(x[2], y[2])))
    if _contains_zero(a) or _contains_zero(b):
        # A factor that can be 0 inside its range makes 0 reachable, without a known witness.
        corners.append(((ZERO, 0), True, None))
    orders = [_order(c[0]) for c in corners]
    low, high = _from_order(min(orders)), _from_order(max(orders))
    return _make(_pick_end(corners, low), _pick_end(corners, high), a.integral and b.integral)


def _written(r: Range) -> bool:
    """Whether a range is one number other than 0, reached whatever the facts: a constant.

    Its witnesses are empty, not None: merged with them a witness stays as it is."""
    lo, hi = r.interval
    if lo != hi or lo[0] or lo[2] or lo[1] == 0:
        return False
    return r.low_w is not None and not r.low_w and r.high_w is not None and not r.high_w


def _spread(r: Range) -> bool:
    """Whether a range has two ends that are not the same number (either may be infinite)."""
    lo, hi = r.interval
    return bool(lo[0] or hi[0]) or lo[1] != hi[1]


def scale(r: Range, factor: Fraction) -> Range:
    """r × a written number: each end moves, witnesses and all."""
    if factor == 0:
        return const(ZERO)
    low, high = _low(r), _high(r)

    def times(e: _End) -> _End:
        return (None if e[0] is None else e[0] * factor, e[1], e[2])

    integral = r.integral and factor.denominator == 1
    if factor > 0:
        return _make(times(low), times(high), integral)
    return _make(times(high), times(low), integral)


def _order(x: _Ext) -> tuple[int, Fraction]:
    value, sign = x
    return (sign, ZERO) if value is None else (0, value)


def _from_order(order: tuple[int, Fraction]) -> _Ext:
    sign, value = order
    return (None, sign) if sign else (value, 0)


def _pick_end(corners: list[tuple[_Ext, bool, Witness | None]], value: _Ext) -> _End:
    """The end at a value: closed if any corner reaches it, with that corner's witness."""
    if value[0] is None:
        return None, False, None
    reached = [c for c in corners if c[0] == value and c[1]]
    if not reached:
        return value[0], False, None
    witness = next((c[2] for c in reached if c[2] is not None), None)
    return value[0], True, witness


def _contains_zero(r: Range) -> bool:
    return r.interval.holds(ZERO)


def divide(a: Range, b: Range) -> Range:
    """a / b over the values of b other than 0 (at 0 scoring stops with an error)."""
    parts = []
    for part in _without_zero(b):
        parts.append(multiply(a, _reciprocal(part)))
    if not parts:
        return ANY
    return hull_all(parts)


def _without_zero(b: Range) -> list[Range]:
    """The parts of a range below and above 0."""
    interval = b.interval
    if (
        (interval.lo >= _PAST_ZERO or interval.hi <= _SHORT_OF_ZERO)
        and not interval.empty
        and (not b.integral or interval.on_grid(ONE) is interval)
    ):
        # Wholly on one side of 0, and on its grid already (a divisor `>= 1`, the usual
        # case): it is its own one part, without cutting it at 0 twice.
        return [b]
    parts = []
    below_zero = b.interval.meet(Interval(NEG_INF, below(ZERO)))
    above_zero = b.interval.meet(Interval(above(ZERO), POS_INF))
    for part in (below_zero, above_zero):
        if part.empty:
            continue
        if b.integral:
            grid = part.on_grid(ONE)
            if grid is None:
                continue
            part = grid
        low_w = b.low_w if part.lo == b.interval.lo else None
        high_w = b.high_w if part.hi == b.interval.hi else None
        parts.append(Range(part, b.integral, low_w, high_w))
    return parts


_PAST_ZERO: Pos = (0, ZERO, 1)  # the first position of the numbers above 0
_SHORT_OF_ZERO: Pos = (0, ZERO, -1)  # the last position of the numbers below 0


def _reciprocal(r: Range) -> Range:
    """1/x over a range that does not hold 0."""
    lo_value, lo_closed, lo_w = _low(r)
    hi_value, hi_closed, hi_w = _high(r)

    def flip(value: Fraction | None, closed: bool, witness: Witness | None) -> _End:
        if value is None:
            return ZERO, False, None  # 1/∞ is approached, never reached
        if value == 0:
            return None, False, None  # an open end at 0: 1/x grows without bound
        return 1 / value, closed, witness

    return _make(flip(hi_value, hi_closed, hi_w), flip(lo_value, lo_closed, lo_w), False)


def clamp(r: Range, low: Fraction | None, high: Fraction | None) -> Range:
    """max(low, min(high, x)): what a clamp or a floor at 0 leaves of a range."""
    interval = r.interval
    lo_end, hi_end = _low(r), _high(r)
    if low is not None:
        if interval.hi < at(low):  # everything is below: all becomes low
            return _make((low, True, r.low_w), (low, True, r.high_w), r.integral)
        if interval.lo < at(low):
            # Values at or below the floor all become it: reached by any facts below it.
            witness = lo_end[2] if lo_end[0] is not None else None
            lo_end = (low, True, witness)
    if high is not None:
        if interval.lo > at(high):
            return _make((high, True, r.low_w), (high, True, r.high_w), r.integral)
        if interval.hi > at(high):
            witness = hi_end[2] if hi_end[0] is not None else None
            hi_end = (high, True, witness)
    integral = r.integral and (low is None or low.denominator == 1)
    integral = integral and (high is None or high.denominator == 1)
    return _make(lo_end, hi_end, integral)


def within(r: Range, bound: Interval) -> Range:
    """A range known to lie within an interval too (a `require` says so): ends cut by it lose
    their witnesses, which may not meet it."""
    interval = r.interval.meet(bound)
    if interval.empty:
        return r
    low_w = r.low_w if interval.lo == r.interval.lo else None
    high_w = r.high_w if interval.hi == r.interval.hi else None
    return Range(interval, r.integral, low_w, high_w)


def hull(a: Range, b: Range) -> Range:
    """The smallest range holding both."""
    lo = a if a.interval.lo <= b.interval.lo else b
    hi = a if a.interval.hi >= b.interval.hi else b
    low_w = lo.low_w if lo.low_w is not None else _same_end(a, b, "low")
    high_w = hi.high_w if hi.high_w is not None else _same_end(a, b, "high")
    return Range(Interval(lo.interval.lo, hi.interval.hi), a.integral and b.integral, low_w, high_w)


def _same_end(a: Range, b: Range, which: Literal["low", "high"]) -> Witness | None:
    if which == "low" and a.interval.lo == b.interval.lo:
        return a.low_w if a.low_w is not None else b.low_w
    if which == "high" and a.interval.hi == b.interval.hi:
        return a.high_w if a.high_w is not None else b.high_w
    return None


def hull_all(ranges: Iterable[Range]) -> Range:
    found: Range | None = None
    for r in ranges:
        found = r if found is None else hull(found, r)
    assert found is not None
    return found


def extreme(ranges: list[Range], which: str) -> Range:
    """max(a, b, …) or min(a, b, …) of ranges: each end the greatest (least) of the ends.

    Its witnesses are dropped: facts that reach one argument's end need not reach the
    greatest of them.
    """
    if not ranges:
        return ANY
    lows, highs = [r.interval.lo for r in ranges], [r.interval.hi for r in ranges]
    pick = max if which == "max" else min
    integral = all(r.integral for r in ranges)
    return Range(Interval(pick(lows), pick(highs)), integral)


def absolute(r: Range) -> Range:
    """abs(x) of a range: itself above 0, mirrored below, from 0 when it holds 0."""
    interval = r.interval
    if interval.lo >= at(ZERO):
        return r
    if interval.hi <= at(ZERO):
        return negate(r)
    top = max(negate(r).interval.hi, interval.hi)
    return Range(Interval(at(ZERO), top), r.integral)


def floor_range(r: Range, how: Literal["floor", "ceil"]) -> Range:
    """Whole steps of a range: floor or ceiling of each end (monotone, so ends map to ends)."""
    op = math.floor if how == "floor" else math.ceil

    def end(e: _End, side: int) -> _End:
        value, closed, witness = e
        if value is None:
            return None, False, None
        whole = Fraction(op(value))
        # An open end that is whole already is never reached; one below it is, but by facts
        # not known here.
        if not closed:
            if whole == value:
                whole = whole - 1 if how == "floor" and side > 0 else whole
                whole = whole + 1 if how == "ceil" and side < 0 else whole
            return whole, False, None
        return whole, True, witness

    return _make(end(_low(r), -1), end(_high(r), 1), True)


def round_range(r: Range, places: int, mode: str) -> Range:
    """A range rounded as scores are: rounding keeps order, so each end rounds to an end."""

    def end(e: _End) -> _End:
        value, closed, witness = e
        if value is None or unit % value.denominator == 0:
            return e  # no more decimals than kept: rounding leaves it, and costs a Fraction
        return round_to(value, places, mode), closed, witness

    unit = 10**places

    return _make(end(_low(r)), end(_high(r)), r.integral)


# ---------------------------------------------------------------- truths


@attrs.frozen
class Truth:
    """Whether a condition can hold, whether it can fail, and facts that make it do either.

    Witnesses are alternatives: any one of them decides the condition. An empty list with
    the flag set means it may happen, by facts not worked out.
    """

    can_hold: bool
    can_fail: bool
    holds: tuple[Witness, ...] = ()
    fails: tuple[Witness, ...] = ()

    def invert(self) -> Truth:
        return Truth(self.can_fail, self.can_hold, self.fails, self.holds)


UNDECIDED = Truth(True, True)
_ALTERNATIVES = 4  # witnesses kept for each outcome of a condition


def alternatives(found: Iterable[Witness | None]) -> tuple[Witness, ...]:
    kept: list[Witness] = []
    for witness in found:
        if witness is not None and witness not in kept:
            kept.append(witness)
            if len(kept) == _ALTERNATIVES:
                break
    return tuple(kept)


def all_of(truths: list[Truth]) -> Truth:
    """`and`: holds when every one holds; fails when any one fails."""
    holds: tuple[Witness, ...] = (NOTHING,)
    for truth in truths:
        holds = alternatives(merge(a, b) for a in holds for b in truth.holds)
    return Truth(
        all(t.can_hold for t in truths),
        any(t.can_fail for t in truths),
        holds if all(t.can_hold for t in truths) else (),
        alternatives(w for t in truths for w in t.fails),
    )


def any_of(truths: list[Truth]) -> Truth:
    return all_of([t.invert() for t in truths]).invert()


def constant(value: bool) -> Truth:
    return Truth(value, not value, (NOTHING,) if value else (), () if value else (NOTHING,))
