"""Hypothesis strategies and assertions for property tests of rubrics (needs hypothesis).

>>> from hypothesis import given
>>> from rubric import load, testing
>>> anhui = load("rubrics/anhui_2019.rub")
>>> @given(testing.facts(anhui))
... def test_scores_stay_within_bounds(facts):
...     testing.assert_within_bounds(anhui, anhui.score(facts))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised in a subprocess without hypothesis
    raise ImportError(
        "rubric.testing needs hypothesis, which is not installed; install it with: "
        "pip install 'rubric[testing]'  (or: pip install hypothesis)"
    ) from error

from rubric._cases import exact
from rubric._facts import FactSpec
from rubric._result import Result, ScoredNode
from rubric._rubric import Rubric
from rubric.errors import FactsError

__all__ = [
    "Bounds",
    "assert_monotonic",
    "assert_within_bounds",
    "bounds",
    "fact_pairs",
    "facts",
    "thresholds",
]

Facts = dict[str, object]
# The least and the most a node may score; None where it has no such limit.
Bounds = tuple[Fraction | None, Fraction | None]
Direction = Literal["up", "down"]

HUGE = 10**20  # counts this large are valid too, and now and then drawn
_FINE = (Fraction(1, 100), Fraction(1, 1000))  # how near a threshold numbers are drawn
_TEXTS = st.text(min_size=1, max_size=6).filter(str.strip) | st.sampled_from(
    ["地方经济社会发展", "资金使用绩效", "a", "A a", "其他"]
)


# ---------------------------------------------------------------- where rules turn


def thresholds(rubric: Rubric) -> tuple[Fraction, ...]:
    """The numbers a rubric's rules turn on: its bands, comparisons, steps and targets.

    Read from the compiled rubric: every exact number its plan holds, and the numbers of the
    fact declarations. Values near these are where a rule gives or stops giving points, so
    `facts` draws them often.
    """
    cached = _THRESHOLDS.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1]
    found: set[Fraction] = set()
    for spec in rubric.facts:
        found.update(b.value for b in spec.bounds if b.value is not None)
        if spec.step is not None:
            found.add(spec.step)
    seen: set[int] = set()
    stack: list[Any] = [rubric._plan]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Fraction):
            found.add(item)
        elif isinstance(item, tuple | list | frozenset):
            stack.extend(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif attrs.has(type(item)):
            stack.extend(getattr(item, field.name) for field in attrs.fields(type(item)))
    if len(_THRESHOLDS) > 64:
        _THRESHOLDS.clear()
    _THRESHOLDS[id(rubric)] = (rubric, tuple(sorted(found)))
    return _THRESHOLDS[id(rubric)][1]


# Thresholds by rubric: a strategy is built for each example, the plan need not be walked again.
_THRESHOLDS: dict[int, tuple[Rubric, tuple[Fraction, ...]]] = {}


# ---------------------------------------------------------------- facts


def facts(rubric: Rubric) -> st.SearchStrategy[Facts]:
    """Valid facts for any rubric, drawn from its declarations, often at its thresholds.

    Every fact is drawn by its type: counts and numbers within their bounds (bounds on other
    facts included) and on their steps, level words, set items, adjustments with reasons.
    Optional facts are sometimes left out, where no part that applies reads them. Facts a
    `require` line refuses are discarded, so every example passes `rubric.validate`. Numbers
    are `Decimal` and counts `int`, as a facts file gives them.
    """
    turns = thresholds(rubric)
    order = _by_dependency(rubric.facts)

    @st.composite
    def draw_facts(draw: st.DrawFn) -> Facts:
        values: Facts = {}
        for spec in order:
            values[spec.name] = draw(_value(spec, values, turns))
        left_out = [spec.name for spec in rubric.facts if spec.optional and not draw(st.booleans())]
        kept = {name: value for name, value in values.items() if name not in left_out}
        if left_out:
            kept = _restore_needed(rubric, kept, values, left_out)
        try:
            rubric.validate(kept)
        except FactsError:
            assume(False)
        # Back in the order the rubric declares them, as a facts file would list them.
        return {spec.name: kept[spec.name] for spec in rubric.facts if spec.name in kept}

    return draw_facts()


def fact_pairs(rubric: Rubric, name: str) -> st.SearchStrategy[tuple[Facts, Facts]]:
    """Two valid facts that differ in the fact `name` only, the first holding the lower value.

    Lower means: false before true, a smaller count or number, a level word listed earlier,
    a set that the other holds, an adjustment of fewer points.
    """
    specs = {spec.name: spec for spec in rubric.facts}
    if name not in specs:
        raise ValueError(f"{rubric.id} declares no fact {name!r}; it has {', '.join(specs)}")
    spec = specs[name]
    turns = thresholds(rubric)

    @st.composite
    def draw_pair(draw: st.DrawFn) -> tuple[Facts, Facts]:
        base = draw(facts(rubric))
        if name not in base:
            base[name] = draw(_value(spec, base, turns))
        other = draw(_value(spec, base, turns))
        if spec.kind == "set":
            other = sorted(set(_items(base[name])) | set(_items(other)))
        first, second = {**base}, {**base, name: other}
        if _key(spec, second[name]) < _key(spec, first[name]):
            first, second = second, first
        for candidate in (first, second):
            try:
                rubric.validate(candidate)
            except FactsError:
                assume(False)
        return first, second

    return draw_pair()


def _value(spec: FactSpec, given: Facts, turns: tuple[Fraction, ...]) -> st.SearchStrategy[Any]:
    """The values one fact may take, given the facts drawn before it."""
    match spec.kind:
        case "bool":
            return st.booleans()
        case "level":
            return st.sampled_from(spec.choices or ("",))
        case "set":
            if spec.choices is not None:
                return (
                    st.lists(st.sampled_from(spec.choices), unique=True)
                    if spec.choices
                    else st.just([])
                )
            return st.lists(_TEXTS, unique=True, max_size=6)
        case "count" | "number":
            return _quantity(spec, given, turns)
        case "adjustment":
            reasons = st.sampled_from(["酌情扣分", "档案资料不完整", "现场核查发现问题"])
            return st.just(0) | st.builds(_adjustment, _quantity(spec, given, turns), reasons)
    raise ValueError(f"no strategy for a fact of kind {spec.kind!r}")


def _adjustment(points: Decimal, reason: str) -> object:
    return {"points": points, "reason": reason} if points else 0


@attrs.frozen
class _Range:
    """Where a count or number may lie: its bounds, whether each is excluded, and its step."""

    low: Fraction | None
    high: Fraction | None
    low_open: bool
    high_open: bool
    step: Fraction | None

    def allows(self, value: Fraction) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return False
        return self.step is None or value % self.step == 0


def _range(spec: FactSpec, given: Facts) -> tuple[_Range, list[Fraction]]:
    """The range a fact's bounds allow, given the facts drawn before it, and the facts' values."""
    low: Fraction | None = Fraction(0) if spec.kind == "count" else None
    high: Fraction | None = None
    low_open = high_open = False
    targets: list[Fraction] = []
    for bound in spec.bounds:
        value = bound.value
        if bound.fact is not None:
            value = _number(given.get(bound.fact))
            if value is None:
                continue  # an optional fact left out: nothing bounds this one
            targets.append(value)
        if value is None:
            continue
        if bound.op in (">=", ">"):
            if low is None or value > low:
                low, low_open = value, bound.op == ">"
            elif value == low:
                low_open = low_open or bound.op == ">"
        elif bound.op in ("<=", "<"):
            if high is None or value < high:
                high, high_open = value, bound.op == "<"
            elif value == high:
                high_open = high_open or bound.op == "<"
    step = Fraction(1) if spec.kind == "count" else spec.step
    return _Range(low, high, low_open, high_open, step), targets


def _quantity(spec: FactSpec, given: Facts, turns: tuple[Fraction, ...]) -> st.SearchStrategy[Any]:
    """Counts and numbers within their bounds and steps, often at or beside a threshold."""
    key = (id(turns), spec)
    if key in _SETTLED:
        where, ways = _SETTLED[key][1:]
    else:
        where, ways = _settled(spec, given, turns)
        if not any(bound.fact for bound in spec.bounds):  # the same for every draw: keep it
            if len(_SETTLED) > 4096:
                _SETTLED.clear()
            _SETTLED[key] = (turns, where, ways)
    # Other facts' values too: a rate such as done / target turns where the two are equal.
    others = [v for v in map(_number, given.values()) if v is not None and v != 0][-4:]
    deltas = (where.step,) if where.step is not None else _FINE
    matching = {v for p in others for v in (p, *(p + d for d in deltas), *(p - d for d in deltas))}
    fitting = sorted(v for v in matching if where.allows(v) and _terminates(v))
    more = [st.sampled_from(fitting)] * 2 if fitting else []
    whole = spec.kind == "count"
    return st.one_of([*ways, *more]).map(lambda value: _plain(value, whole))


# The strategies of facts whose bounds name no other fact, by rubric (its thresholds) and fact.
_SETTLED: dict[
    tuple[int, FactSpec],
    tuple[tuple[Fraction, ...], _Range, list[st.SearchStrategy[Fraction]]],
] = {}


def _settled(
    spec: FactSpec, given: Facts, turns: tuple[Fraction, ...]
) -> tuple[_Range, list[st.SearchStrategy[Fraction]]]:
    """A fact's range, and its values at and beside the thresholds, anywhere, and huge."""
    where, targets = _range(spec, given)
    deltas = (where.step,) if where.step is not None else _FINE

    def fitting(points: set[Fraction]) -> list[Fraction]:
        return sorted(v for v in points if where.allows(v) and _terminates(v))

    limits = {limit for limit in (where.low, where.high) if limit is not None}
    points = {Fraction(0), Fraction(1), *targets, *turns, *limits}
    beside = {p + sign * d for p in points for d in deltas for sign in (-1, 1)}
    # Beyond the thresholds: anywhere in a range around them, and now and then very large.
    start = where.low if where.low is not None else min((*turns, Fraction(0))) - 100
    stop = where.high if where.high is not None else max((*turns, start)) + 1000
    spread: st.SearchStrategy[Fraction]
    if where.step is not None:
        step = where.step
        first, last = math.ceil(start / step), math.floor(stop / step)
        spread = st.integers(first, last).map(lambda k: k * step) if first <= last else st.nothing()
    elif start <= stop:
        # An excluded bound is left out of the range drawn from, not filtered out after.
        start += _FINE[1] if where.low_open and start == where.low else 0
        stop -= _FINE[1] if where.high_open and stop == where.high else 0
        spread = st.decimals(
            _decimal_near(start), _decimal_near(stop), places=3, allow_nan=False
        ).map(Fraction)
    else:
        spread = st.nothing()
    # Mostly at or beside the thresholds, often anywhere, rarely huge: weights by repetition.
    ways = [spread.filter(where.allows)] * 3
    for found, weight in ((fitting(points), 3), (fitting(beside), 2)):
        ways += [st.sampled_from(found)] * weight if found else []
    if where.high is None:
        ways.append(st.integers(HUGE // 10, HUGE).map(Fraction).filter(where.allows))
    return where, ways


def _terminates(value: Fraction) -> bool:
    """Whether a number can be written as a decimal, as facts files write numbers."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _decimal_near(value: Fraction) -> Decimal:
    return Decimal(value.numerator * 1000 // value.denominator) / 1000


def _plain(value: Fraction, whole: bool) -> int | Decimal:
    """A count as an int; a number as the Decimal a facts file would hold."""
    if whole:
        return int(value)
    return Decimal(value.numerator) / Decimal(value.denominator)


def _number(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        return None
    return Fraction(value)


def _items(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _by_dependency(specs: tuple[FactSpec, ...]) -> list[FactSpec]:
    """The facts in an order where each comes after the facts its bounds name."""
    named = {spec.name: spec for spec in specs}
    placed: dict[str, FactSpec] = {}
    visiting: set[str] = set()

    def visit(spec: FactSpec) -> None:
        if spec.name in placed or spec.name in visiting:
            return  # a cycle of bounds: drawn as it comes, and the filter decides
        visiting.add(spec.name)
        for bound in spec.bounds:
            if bound.fact is not None and bound.fact in named:
                visit(named[bound.fact])
        visiting.discard(spec.name)
        placed[spec.name] = spec

    for spec in specs:
        visit(spec)
    return list(placed.values())


def _restore_needed(rubric: Rubric, kept: Facts, drawn: Facts, left_out: list[str]) -> Facts:
    """Give back the optional facts a part that applies reads, as a facts file must."""
    try:
        rubric.score(kept)
    except FactsError as error:
        needed = [name for name in left_out if name in error.facts]
        if needed:
            return {**kept, **{name: drawn[name] for name in needed}}
    return kept


def _key(spec: FactSpec, value: object) -> Any:
    """How a value of this fact orders: the order `fact_pairs` raises it in."""
    if spec.kind == "level" and spec.choices is not None and value in spec.choices:
        return spec.choices.index(str(value))
    if spec.kind == "set":
        return len(_items(value))
    if spec.kind == "adjustment":
        return _number(value["points"]) if isinstance(value, dict) else Fraction(0)
    return _number(value) if not isinstance(value, bool) else int(value)


# ---------------------------------------------------------------- assertions


def bounds(rubric: Rubric, result: Result) -> dict[str, Bounds]:
    """The least and the most each node of `result` may score, by id: the rubric's proved
    bounds (`Rubric.bounds`), which hold for every valid facts (None: no bound that side)."""
    proved = rubric.findings.bounds
    return {node.id: (proved[node.id].low, proved[node.id].high) for node in result}


def assert_within_bounds(
    rubric: Rubric,
    result: Result,
    bounds_of: Callable[[Rubric, Result], Mapping[str, Bounds]] = bounds,
) -> None:
    """Assert that every node of `result` scores within its bounds; say which did not."""
    limits = bounds_of(rubric, result)
    outside = [
        _outside(node, *limits[node.id])
        for node in result
        if not _within(node.exact, *limits[node.id])
    ]
    if outside:
        raise AssertionError(f"{rubric.id}: scores outside their bounds:\n" + "\n".join(outside))


def _within(value: Fraction, low: Fraction | None, high: Fraction | None) -> bool:
    return (low is None or low <= value) and (high is None or value <= high)


def _outside(node: ScoredNode, low: Fraction | None, high: Fraction | None) -> str:
    shown = f"[{'-∞' if low is None else exact(low)}, {'∞' if high is None else exact(high)}]"
    return f"  {node.id} ({node.title}) scored {exact(node.exact)}, outside {shown}"


def assert_monotonic(
    rubric: Rubric,
    name: str,
    first: Mapping[str, object],
    second: Mapping[str, object],
    *,
    node: str | None = None,
    direction: Direction = "up",
) -> None:
    """Assert that raising the fact `name` moves a score one way only.

    `first` and `second` differ in `name` alone (as `fact_pairs` draws them). With
    direction "up", the facts with the higher value of `name` must score at least as much at
    `node` (the total if None); with "down", at most as much.
    """
    differ = sorted(k for k in {*first, *second} if first.get(k) != second.get(k))
    if differ and differ != [name]:
        raise ValueError(f"the two facts must differ in {name!r} only; they differ in {differ}")
    specs = {spec.name: spec for spec in rubric.facts}
    low, high = first, second
    if _key(specs[name], second.get(name)) < _key(specs[name], first.get(name)):
        low, high = second, first
    at = node if node is not None else rubric.id
    below, above = rubric.score(low)[at].exact, rubric.score(high)[at].exact
    if (direction == "up" and above < below) or (direction == "down" and above > below):
        moved = "fell" if above < below else "rose"
        values = f"from {_shown(low.get(name))} to {_shown(high.get(name))}"
        raise AssertionError(
            f"{at}: raising {name} {values} {moved} from {exact(below)} to {exact(above)}, "
            f"but it should only go {direction}"
        )


def _shown(value: object) -> str:
    """A fact's value in a message: numbers as written, other values as Python shows them."""
    number = _number(value)
    return exact(number) if number is not None else repr(value)
