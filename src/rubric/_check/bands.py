"""Tables: which values reach each arm, arms no value reaches, overlaps and gaps between bands."""

from __future__ import annotations

import bisect
from collections.abc import Callable

import attrs

from rubric._check.intervals import (
    EVERYTHING,
    Interval,
    IntervalUnion,
    Pos,
    from_bounds,
)
from rubric._check.names import Type, suggest
from rubric._check.report import Report
from rubric._i18n import _
from rubric.dsl import nodes as n

__all__ = ["LevelShape", "NumberShape", "Reach", "check_table", "number_shape"]


@attrs.frozen
class Reach:
    """An arm of a table of numbers: its band, and the values that reach it (first match)."""

    arm: n.Arm
    band: Interval | None  # None for 'otherwise', a word, or a band already refused
    pieces: tuple[Interval, ...]


@attrs.frozen
class NumberShape:
    """A table of numbers worked out: each arm's reach, every band's union, overlaps."""

    arms: tuple[Reach, ...]
    union: IntervalUnion
    otherwise: n.Arm | None
    # (later arm, earlier arm, the values both bands hold) for bands that partly overlap.
    overlaps: tuple[tuple[int, int, Interval], ...]


@attrs.frozen
class LevelShape:
    """A table of levels: the arm each word reaches."""

    arms: tuple[tuple[str, n.Arm], ...]


def band_problem(band: n.Band) -> str | None:
    """What makes a band unreadable as an interval: '=' beside other bounds, or '!='."""
    for op, _operand in band.bounds:
        if op == "!=" or (op == "=" and len(band.bounds) > 1):
            return op
    return None


def band_interval(band: n.Band) -> Interval | None:
    if band_problem(band) is not None:
        return None
    return from_bounds(tuple((op, number.value) for op, number in band.bounds))


def number_shape(table: n.Table) -> NumberShape:
    """Which values reach which arm, in about n log n steps for n arms."""
    union = IntervalUnion()
    reaches: list[Reach] = []
    otherwise: n.Arm | None = None
    for arm in table.arms:
        if arm.word is not None:
            reaches.append(Reach(arm, None, ()))
            continue
        if arm.band is None:
            # What reaches an 'otherwise' is what no band above it takes ('otherwise' not
            # last is an error of its own: the bands below it are checked as if it were).
            otherwise = otherwise or arm
            reaches.append(Reach(arm, None, tuple(union.gaps_within(EVERYTHING))))
            continue
        interval = band_interval(arm.band)
        if interval is None:
            reaches.append(Reach(arm, None, ()))
            continue
        reaches.append(Reach(arm, interval, tuple(union.gaps_within(interval))))
        union.add(interval)
    return NumberShape(tuple(reaches), union, otherwise, _overlaps(reaches))


def _overlaps(reaches: list[Reach]) -> tuple[tuple[int, int, Interval], ...]:
    """Bands that stick out of a later band they overlap: neither holds the other.

    A band held whole by a later one is the usual 'narrower first' tiering and is left alone;
    one that holds a later band whole makes that band unreachable, an error of its own.
    """
    bands = [(i, r.band) for i, r in enumerate(reaches) if r.band is not None and not r.band.empty]
    if len(bands) < 2:
        return ()
    if len(bands) <= _FEW:
        return _few_overlaps(reaches, bands)
    lows = sorted({b.lo for _, b in bands})
    highs = sorted({b.hi for _, b in bands})
    # Highest upper end among earlier bands by rank of their lower end, and lowest lower end
    # by rank of their upper end (counted from the top).
    by_low = _Fenwick(len(lows), _later_high)
    by_high = _Fenwick(len(highs), _earlier_low)
    found: list[tuple[int, int, Interval]] = []
    for index, band in bands:
        reach = reaches[index]
        if reach.pieces:  # an arm no value reaches is reported as an error instead
            low_rank = _rank(lows, band.lo)
            high_rank = len(highs) - 1 - _rank(highs, band.hi)
            below = by_low.best(low_rank)  # earlier bands starting lower
            if below is not None and below[0] >= band.lo:
                found.append((index, below[1], Interval(band.lo, min(below[0], band.hi))))
            else:
                above = by_high.best(high_rank)  # earlier bands ending higher
                if above is not None and above[0] <= band.hi:
                    found.append((index, above[1], Interval(max(above[0], band.lo), band.hi)))
        by_low.put(_rank(lows, band.lo), (band.hi, index))
        by_high.put(len(highs) - 1 - _rank(highs, band.hi), (band.lo, index))
    return tuple(found)


# Up to this many bands, each pair is compared: fewer steps than building the trees below.
_FEW = 12


def _few_overlaps(
    reaches: list[Reach], bands: list[tuple[int, Interval]]
) -> tuple[tuple[int, int, Interval], ...]:
    found: list[tuple[int, int, Interval]] = []
    for later, (index, band) in enumerate(bands):
        if not reaches[index].pieces:
            continue
        for earlier, other in bands[:later]:
            if other.lo < band.lo <= other.hi:
                found.append((index, earlier, Interval(band.lo, min(other.hi, band.hi))))
                break
            if other.lo <= band.hi < other.hi:
                found.append((index, earlier, Interval(max(other.lo, band.lo), band.hi)))
                break
    return tuple(found)


def _rank(ordered: list[Pos], pos: Pos) -> int:
    return bisect.bisect_left(ordered, pos)


def _later_high(a: tuple[Pos, int], b: tuple[Pos, int]) -> bool:
    return a[0] > b[0]


def _earlier_low(a: tuple[Pos, int], b: tuple[Pos, int]) -> bool:
    return a[0] < b[0]


@attrs.define
class _Fenwick:
    """The best item among those put at ranks strictly below a rank, in log n steps."""

    size: int
    better: Callable[[tuple[Pos, int], tuple[Pos, int]], bool]
    tree: list[tuple[Pos, int] | None] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.tree = [None] * (self.size + 1)

    def put(self, rank: int, item: tuple[Pos, int]) -> None:
        index = rank + 1
        while index <= self.size:
            current = self.tree[index]
            if current is None or self.better(item, current):
                self.tree[index] = item
            index += index & -index

    def best(self, rank: int) -> tuple[Pos, int] | None:
        found: tuple[Pos, int] | None = None
        index = rank
        while index > 0:
            item = self.tree[index]
            if item is not None and (found is None or self.better(item, found)):
                found = item
            index -= index & -index
        return found


# ---------------------------------------------------------------- the errors a table can have


def check_table(report: Report, rule: n.Table, type_: Type | None) -> None:
    """Report what is wrong with a table's arms, given the type of what it looks up."""
    if not rule.arms:
        report(
            "E413",
            rule.span,
            _("a 'points by' table with no arms"),
            _("add arms such as: <= 20 -> 4, otherwise -> 0"),
        )
    for arm in rule.arms:
        if arm.end is not None:
            linear_arm(report, arm)
    for arm in rule.arms[:-1]:
        if arm.band is None and arm.word is None:
            report(
                "E414",
                arm.span,
                _("'otherwise' must be the last arm"),
                _("move the 'otherwise' arm to the end of the table"),
            )
    if type_ is None:
        return
    if type_.kind == "level":
        level_arms(report, rule, type_)
    elif type_.numeric:
        number_arms(report, rule)
    else:
        report(
            "E415",
            rule.subject.span,
            _(
                "'points by' needs a number or a level, found {type_kind}",
                type_kind=type_.describe(),
            ),
            _("look up points by a count, a number or a level fact"),
        )


def linear_arm(report: Report, arm: n.Arm) -> None:
    """Points that run from one figure to another need a band with two ends, apart."""
    band = arm.band
    ops = {op for op, _ in band.bounds} if band is not None else set()
    if band is None or not (ops & {">", ">="} and ops & {"<", "<="}):
        report(
            "E425",
            arm.span,
            _("points that run from one figure to another need a band with both ends"),
            _("write the band as: >= 60 and <= 90 -> 0 to 10"),
        )
        return
    interval = band_interval(band)
    if interval is not None and interval.low is not None and interval.low == interval.high:
        assert arm.end is not None
        value = band.bounds[0][1].text
        report(
            "E426",
            band.span,
            _(
                "points run from {text} to {text2} over a band that holds only the value {value}",
                text=arm.points.text,
                text2=arm.end.text,
                value=value,
            ),
            _(
                "give that value one figure, as in: >= {value} and <= "
                "{value} -> {text}, or widen the band",
                value=value,
                text=arm.end.text,
            ),
        )


def level_arms(report: Report, rule: n.Table, type_: Type) -> None:
    words = type_.words or ()
    seen: set[str] = set()
    valid = True
    for arm in rule.arms:
        if arm.band is not None:
            report(
                "E421",
                arm.span,
                _("a numeric band in a table of levels"),
                _("name a level instead: {items}", items=", ".join(words)),
            )
        elif arm.word is not None:
            if arm.word.name not in words:
                valid = False
                report(
                    "E422",
                    arm.word.span,
                    _("'{name}' is not a level of this fact", name=arm.word.name),
                    suggest(arm.word.name, words, _("its levels are")),
                )
            elif arm.word.name in seen:
                report(
                    "E423",
                    arm.word.span,
                    _("the level '{name}' has two arms", name=arm.word.name),
                    _("keep one arm per level"),
                )
            seen.add(arm.word.name)
    has_otherwise = any(a.band is None and a.word is None for a in rule.arms)
    missing = [w for w in words if w not in seen]
    if missing and not has_otherwise and valid:
        report(
            "E424",
            rule.span,
            _("no points given for the level(s) {items}", items=", ".join(missing)),
            _("add an arm for each, or end the table with: otherwise -> 0"),
        )


def number_arms(report: Report, rule: n.Table) -> None:
    shape = number_shape(rule)
    # Kept for the bounds analysis, which reads the same arms (by where the table is).
    report.shapes[(rule.span.start, rule.span.end)] = shape
    for reach in shape.arms:
        arm = reach.arm
        if arm.word is not None:
            report(
                "E420",
                arm.word.span,
                _("'{name}' is a word, but this table looks up a number", name=arm.word.name),
                _("write a band such as <= 20 -> 4"),
            )
            continue
        if arm.band is None:
            if not reach.pieces:
                report(
                    "E417",
                    arm.span,
                    _("no value can reach this 'otherwise' arm"),
                    _("the bands above cover every value: delete this arm"),
                )
            continue
        problem = band_problem(arm.band)
        if problem is not None:
            report(
                "E419",
                arm.band.span,
                _("'{problem}' in a band", problem=problem),
                _("use <, <=, > or >= in bands"),
            )
            continue
        assert reach.band is not None
        if reach.band.empty:
            report(
                "E418",
                arm.band.span,
                _("no value can fall in this band"),
                _("check the bounds: the lower bound is above the upper one"),
            )
        elif not reach.pieces:
            report(
                "E416",
                arm.band.span,
                _("no value can reach this arm: the bands above already take every value in it"),
                _("put narrower bands first, as in <= 20 -> 4, <= 30 -> 2"),
            )
