"""Advice: what would have earned the points a node lost, worked out from its figures.

For each entry of a node that cost it points (a condition unmet, a deduction that held, a band
below the best, steps short of a target, a cap or multiplier that bit), this module works out
what would have to change and how many points the change would add to the node's score, with
everything else as the figures found it. It replays the node's own arithmetic (rule caps, pools,
the clamp to its bounds, caps and multipliers, rounding) from the figures, so that no promise is
more than a cap, the node's max or the clamp leaves. It writes no words: `_explain` words the
hints it returns.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import attrs

from rubric import _figures as f
from rubric import _plan as p
from rubric._numbers import round_to
from rubric._values import Value

if TYPE_CHECKING:
    from rubric._facts import FactSpec

__all__ = ["Band", "Hint", "Holds", "Items", "Reaches", "hints", "replay"]

ZERO = Fraction(0)
# A band's or a fact's bounds, as a number meets them.
_BOUNDS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}

# ---------------------------------------------------------------- what would have to change


@attrs.frozen(eq=False, slots=True)
class Holds:
    """A condition that would have to hold (`want`), or stop holding."""

    condition: p.Expr
    traced: f.Traced
    want: bool


@attrs.frozen(eq=False, slots=True)
class Items:
    """More items of a set (`change` > 0), or fewer; `choices`: the declared items it could add."""

    collection: p.Expr
    change: int
    choices: tuple[str, ...]


@attrs.frozen(eq=False, slots=True)
class Reaches:
    """A quantity that would have to reach a value, up or down."""

    quantity: p.Expr
    value: Fraction
    up: bool
    integral: bool
    # What the value is when the rubric names it: an expression (a fact, a written number), or
    # the text of a linear arm's end.
    target: p.Expr | None = None
    written: str | None = None
    # A rate `a / b * 100` that would have to reach 100: a would have to reach b.
    rate: tuple[p.Expr, p.Expr] | None = None


@attrs.frozen(eq=False, slots=True)
class Band:
    """A table's arm the value would have to fall in; `words`: the levels an `otherwise` takes."""

    rule: p.Table
    arm: p.Arm
    words: tuple[str, ...] = ()


Aim: TypeAlias = Holds | Items | Reaches | Band


@attrs.frozen(eq=False, slots=True)
class Hint:
    """One piece of advice before it has words: what to change, and the points it would add."""

    aim: Aim
    points: Fraction
    undo: bool  # it takes a deduction away, rather than reaching a target
    line: int | None
    facts: tuple[str, ...]


# ---------------------------------------------------------------- a node's arithmetic, replayed


@attrs.frozen(eq=False, slots=True)
class _Term:
    """Entries (by index) and inner terms whose points add up, then are held to a cap."""

    members: tuple[int | _Term, ...]
    cap: Fraction | None


@attrs.frozen(eq=False, slots=True)
class _Model:
    """A node's entries as its arithmetic uses them."""

    node: p.Node
    entries: tuple[f.Entry, ...]
    raws: tuple[Fraction, ...]  # each rule entry's points before its rule's cap
    term: _Term | None  # an indicator's rules; None for a group, whose clauses start from a score
    clauses: tuple[int, ...]  # the entries of its caps and multipliers, in order
    rounded: bool
    # An indicator's own bonus and deductions, added after the clamp.
    extras: tuple[_Term, ...] = ()


def _cap(total: Fraction, cap: Fraction | None) -> Fraction:
    if cap is None:
        return total
    return max(-cap, min(cap, total))


def _raw(entry: f.Entry) -> Fraction:
    """A rule entry's points before its own rule's cap."""
    fig = entry.figures
    match fig:
        case f.Counted() | f.Stepped() | f.Computed():
            return fig.total
        case f.Tabled():
            return fig.got
        case _:
            return entry.points


def _terms(node: p.Indicator, entries: tuple[f.Entry, ...]) -> tuple[_Term, tuple[_Term, ...], int]:
    """The indicator's rules as terms over its entries, its own bonus and deductions, and the
    index of the first entry after."""
    cursor = 0

    def owned_cap(owner: object) -> None:
        nonlocal cursor
        if cursor < len(entries):
            fig = entries[cursor].figures
            if isinstance(fig, f.Capped) and fig.owner is owner:
                cursor += 1

    def term(rule: p.Rule | p.Pool) -> _Term:
        nonlocal cursor
        match rule:
            case p.Pool():
                members = tuple(term(inner) for inner in rule.rules)
                owned_cap(rule)
                return _Term(members, rule.cap)
            case p.EachCondition():
                indices = tuple(range(cursor, cursor + len(rule.conditions)))
                cursor += len(rule.conditions)
                owned_cap(rule)
                return _Term(indices, rule.cap)
            case p.EachItem() | p.PerStep() | p.Formula():
                cursor += 1
                return _Term((cursor - 1,), rule.cap)
            case p.Start() | p.When() | p.Table() | p.AdjustBy():
                cursor += 1
                return _Term((cursor - 1,), None)
            case p.Guarded():
                # Its condition's entry (0 points), then the rule's entries where it held.
                guard = entries[cursor].figures
                assert isinstance(guard, f.Guard)
                cursor += 1
                if not guard.holds:
                    return _Term((cursor - 1,), None)
                return _Term((cursor - 1, term(rule.rule)), None)

    parts = tuple(term(part) for part in node.parts)
    whole = _Term(parts, None)
    if node.extras:
        if cursor < len(entries) and isinstance(entries[cursor].figures, f.Clamped):
            cursor += 1  # the clamp to [0, max] comes before them
        extras = tuple(term(extra) for extra in node.extras)
        return whole, extras, cursor
    return whole, (), cursor


def model(node: p.Node, entries: tuple[f.Entry, ...], rules: p.Policy, *, root: bool) -> _Model:
    """The arithmetic of a scored node that applies, from its entries."""
    raws = tuple(_raw(e) for e in entries)
    extras: tuple[_Term, ...] = ()
    if isinstance(node, p.Indicator):
        term, extras, after = _terms(node, entries)
        rounded = rules.scope == "indicators"
    else:
        term, after = None, 0
        rounded = root or rules.scope == "indicators"
    clauses = tuple(
        i
        for i in range(after, len(entries))
        if isinstance(entries[i].figures, f.Multiplied | f.CappedIf)
    )
    return _Model(node, entries, raws, term, clauses, rounded, extras)


def _value(term: _Term, raws: Mapping[int, Fraction], model: _Model) -> Fraction:
    total = ZERO
    for member in term.members:
        if isinstance(member, _Term):
            total += _value(member, raws, model)
        else:
            total += raws.get(member, model.raws[member])
    return _cap(total, term.cap)


def _before_clauses(model: _Model, raws: Mapping[int, Fraction]) -> Fraction:
    """The score once the rules are added up and held within the node's bounds."""
    if model.term is None:  # a group: the score its first clause found
        fig = model.entries[model.clauses[0]].figures
        assert isinstance(fig, f.Multiplied | f.CappedIf)
        return fig.score
    node = model.node
    total = _value(model.term, raws, model)
    high, low = node.max_points, node.min_points
    if total > high:
        total = high
    elif low is not None and total < low:
        total = low
    if model.extras:
        total += sum((_value(extra, raws, model) for extra in model.extras), ZERO)
        total = max(total, ZERO)
    return total


def _clauses(model: _Model, total: Fraction, lifted: int | None) -> Fraction:
    for index in model.clauses:
        fig = model.entries[index].figures
        match fig:
            case f.Multiplied():
                if fig.holds and index != lifted and total > 0:
                    total = total * fig.clause.factor
            case f.CappedIf():
                if fig.holds and index != lifted and total > fig.clause.cap:
                    total = fig.clause.cap
            case _:
                raise AssertionError(f"entry {index} is no cap or multiplier")
    return total


def replay(
    model: _Model,
    rules: p.Policy,
    raws: Mapping[int, Fraction] | None = None,
    lifted: int | None = None,
) -> tuple[Fraction, Fraction]:
    """The node's score, exact and as rounded, with some entries' points changed or a clause
    lifted."""
    exact = _clauses(model, _before_clauses(model, raws or {}), lifted)
    if model.rounded:
        return exact, round_to(exact, rules.places, rules.mode)
    return exact, exact


def _path(term: _Term, index: int) -> list[_Term] | None:
    """The terms from the top down to the one holding an entry."""
    for member in term.members:
        if not isinstance(member, _Term):
            if member == index:
                return [term]
        else:
            below = _path(member, index)
            if below is not None:
                return [term, *below]
    return None


def _contains(term: _Term, index: int) -> bool:
    return any(_contains(m, index) if isinstance(m, _Term) else m == index for m in term.members)


def _least(model: _Model, index: int, best: Fraction) -> Fraction | None:
    """The least points an entry must give for the node to reach what it reaches at `best`.

    Each step of the arithmetic is monotone and, between its bounds, passes a change through
    whole (a multiplier scales it): so the score at `best` is worked back, step by step, to
    the points the entry must give.
    """
    assert model.term is not None
    need = _clauses(model, _before_clauses(model, {index: best}), None)
    for clause in reversed(model.clauses):
        fig = model.entries[clause].figures
        if isinstance(fig, f.Multiplied) and fig.holds and need > 0:
            if fig.clause.factor == 0:
                return None
            need = need / fig.clause.factor
    path = _path(model.term, index)
    if path is None:  # an entry of the indicator's own bonus or deductions
        path = next(p for extra in model.extras if (p := _path(extra, index)) is not None)
        need -= _before_clauses(model, {}) - _value(path[0], {}, model)
    elif model.extras:
        need -= sum((_value(extra, {}, model) for extra in model.extras), ZERO)
    for term in path:
        others = ZERO
        for member in term.members:
            if isinstance(member, _Term):
                if not _contains(member, index):
                    others += _value(member, {}, model)
            elif member != index:
                others += model.raws[member]
        need -= others
    return min(need, best)


def _room(model: _Model, index: int) -> Fraction:
    """An increase of an entry's points past which nothing above it can change."""
    assert model.term is not None
    path = _path(model.term, index) or next(
        (p for extra in model.extras if (p := _path(extra, index)) is not None), []
    )
    node = model.node
    room = abs(node.max_points) + abs(node.min_points or ZERO) + 1
    for term in path:
        room += abs(_value(term, {}, model)) + (term.cap or ZERO)
        room += sum(abs(model.raws[m]) for m in term.members if not isinstance(m, _Term))
    return room


# ---------------------------------------------------------------- hints


@attrs.frozen(eq=False, slots=True)
class _Context:
    """What hints read beyond a node's entries: the values by name, the facts and their specs."""

    lets: Mapping[str, p.Let]
    facts: Mapping[str, Value]
    specs: Mapping[str, FactSpec]
    rules: p.Policy


def hints(
    node: p.Node,
    entries: tuple[f.Entry, ...],
    exact: Fraction,
    *,
    root: bool,
    lets: Mapping[str, p.Let],
    facts: Mapping[str, Value],
    specs: Mapping[str, FactSpec],
    rules: p.Policy,
) -> tuple[Hint, ...]:
    """What would have earned the points a node that applies lost, entry by entry."""
    if isinstance(node, p.Indicator):
        if exact >= node.max_points and not node.extras:
            return ()
    elif not any(isinstance(e.figures, f.Multiplied | f.CappedIf) for e in entries):
        return ()
    the = model(node, entries, rules, root=root)
    own = node.lets if isinstance(node, p.Indicator) else {}
    context = _Context({**lets, **own}, facts, specs, rules)
    found: list[Hint] = []
    for index, entry in enumerate(entries):
        if isinstance(node, p.Group) and index not in the.clauses:
            continue
        made = _hint(the, index, entry, exact, context)
        if made is None:
            continue
        aim, points, undo = made
        # A deduction item's points are all deductions: what it gains, it deducts less.
        undo = undo or node.role == "deductions"
        if points > 0:
            names = tuple(name for name, _ in entry.facts)
            found.append(Hint(aim, points, undo, entry.line, names))
    return tuple(found)


def _gain(model: _Model, rules: p.Policy, exact: Fraction, index: int, raw: Fraction) -> Fraction:
    return replay(model, rules, {index: raw})[1] - exact


def _hint(
    model: _Model, index: int, entry: f.Entry, exact: Fraction, context: _Context
) -> tuple[Aim, Fraction, bool] | None:
    rules = context.rules
    fig = entry.figures
    match fig:
        case f.Judged():
            if fig.points > 0 and not fig.holds:
                aim = Holds(fig.condition, fig.traced, want=True)
                return aim, _gain(model, rules, exact, index, fig.points), False
            if fig.points < 0 and fig.holds:
                aim = Holds(fig.condition, fig.traced, want=False)
                return aim, _gain(model, rules, exact, index, ZERO), True
            return None
        case f.Counted():
            return _counted(model, index, fig, exact, context)
        case f.Stepped():
            return _stepped(model, index, fig, exact, context)
        case f.Tabled():
            return _tabled(model, index, fig, exact, context)
        case f.Computed():
            return _computed(model, index, fig, exact, context)
        case f.Multiplied() | f.CappedIf():
            if not fig.holds or fig.clause.condition is None:  # a cap on its own always holds
                return None
            gain = replay(model, rules, lifted=index)[1] - exact
            return Holds(fig.clause.condition, fig.traced, want=False), gain, False
        case _:
            return None


def _counted(
    model: _Model, index: int, fig: f.Counted, exact: Fraction, context: _Context
) -> tuple[Aim, Fraction, bool] | None:
    rule = fig.rule
    k = rule.points
    items = fig.traced.value
    assert isinstance(items, frozenset)
    choices: tuple[str, ...] = ()
    if k < 0:
        if not fig.count:
            return None
        best = ZERO
    else:
        collection = rule.collection
        named = collection if isinstance(collection, p.FactRef | p.ValueRef) else None
        rank = named.subject.rank if named is not None else {}
        if rank:
            choices = tuple(word for word in rank if word not in items)
            best = k * (fig.count + len(choices))
        else:
            best = fig.total + _room(model, index)
    least = _least(model, index, best)
    if least is None or least <= fig.total:
        return None
    change = math.ceil((least - fig.total) / abs(k))
    if choices:
        change = min(change, len(choices))
    raw = fig.total + abs(k) * change
    aim = Items(rule.collection, change if k > 0 else -change, choices)
    return aim, _gain(model, context.rules, exact, index, raw), k < 0


def _steps(partial: p.Reading, steps: Fraction) -> Fraction:
    if partial == "proportional":
        return steps
    if partial == "whole":
        return Fraction(math.floor(steps))
    return Fraction(math.ceil(steps))


def _stepped(
    model: _Model, index: int, fig: f.Stepped, exact: Fraction, context: _Context
) -> tuple[Aim, Fraction, bool] | None:
    rule = fig.rule
    k = rule.points
    if k < 0:
        if fig.total >= 0:
            return None
        best = ZERO
    else:
        best = rule.cap if rule.cap is not None else fig.total + _room(model, index)
        if best <= fig.total:
            return None
    least = _least(model, index, best)
    if least is None or least <= fig.total:
        return None
    steps = least / k
    if rule.partial != "proportional":
        steps = Fraction(math.ceil(steps) if k > 0 else math.floor(steps))
    amount = steps * rule.step
    quantity = rule.quantity
    target: p.Expr | None = None
    if isinstance(quantity, p.Arithmetic) and quantity.op in ("short of", "over"):
        base, goal = quantity.left, quantity.right
        now = _number(fig.traced.parts[0].value)
        at = _number(fig.traced.parts[1].value)
        value = at - amount if quantity.op == "short of" else at + amount
    else:
        base, goal, now, at = quantity, None, fig.amount, ZERO
        value = amount
    up = value > now
    whole = _whole(base, value, up)
    if whole is None or not _allowed(base, whole, context):
        return None
    value = whole
    if isinstance(quantity, p.Arithmetic) and quantity is not base:
        # A difference, worked out again from the value it reaches.
        amount = max(value - at if quantity.op == "over" else at - value, ZERO)
    else:
        amount = value
    if goal is not None and value == at:
        target = goal
    raw = k * _steps(rule.partial, amount / rule.step)
    rate = _rate(base, value, context) if up else None
    aim = Reaches(base, value, up, _integral(base), target=target, rate=rate)
    return aim, _gain(model, context.rules, exact, index, raw), False


def _tabled(
    model: _Model, index: int, fig: f.Tabled, exact: Fraction, context: _Context
) -> tuple[Aim, Fraction, bool] | None:
    rule = fig.rule
    value = fig.traced.value
    candidates: list[tuple[Fraction, Aim]] = []
    words = tuple(arm.word for arm in rule.arms if arm.word is not None)
    for arm in rule.arms:
        if arm is fig.arm and arm.linear is None:
            continue
        if arm.linear is not None:
            end = _linear_best(arm)
            if end is not None and end[1] > fig.got:
                at, points = end
                aim: Aim = Reaches(
                    rule.subject, at, at > _number(value), False, written=_end_text(arm, at)
                )
                candidates.append((points, aim))
            continue
        if arm.points <= fig.got:
            continue
        if arm.otherwise and isinstance(value, str):
            subject = rule.subject
            rank = subject.subject.rank if isinstance(subject, p.FactRef | p.ValueRef) else {}
            others = tuple(word for word in rank if word not in words)
            if not others:
                continue
            candidates.append((arm.points, Band(rule, arm, others)))
            continue
        candidates.append((arm.points, Band(rule, arm)))
    best: tuple[Fraction, Fraction, Aim] | None = None
    for points, aim in candidates:
        gain = _gain(model, context.rules, exact, index, points)
        if best is None or gain > best[0] or (gain == best[0] and points < best[1]):
            best = (gain, points, aim)
    if best is None:
        return None
    return best[2], best[0], False


def _linear_best(arm: p.Arm) -> tuple[Fraction, Fraction] | None:
    """The value where a linear arm gives the most, and those points, if the band takes it."""
    line = arm.linear
    assert line is not None
    at, points = (line.high, line.end) if line.end >= line.start else (line.low, line.start)
    if all(_BOUNDS[op](at, bound) for op, bound in arm.bounds):
        return at, points
    return None


def _end_text(arm: p.Arm, at: Fraction) -> str:
    line = arm.linear
    assert line is not None
    return line.high_text if at == line.high else line.low_text


def _computed(
    model: _Model, index: int, fig: f.Computed, exact: Fraction, context: _Context
) -> tuple[Aim, Fraction, bool] | None:
    rule = fig.rule
    best = rule.cap if rule.cap is not None else fig.total + _room(model, index)
    if best <= fig.total:
        return None
    least = _least(model, index, best)
    if least is None or least <= fig.total:
        return None
    solvable = False
    for leaf in _leaves(rule.value):
        line = _linear(rule.value, fig.traced, leaf)
        if line is None or not line[0]:
            continue
        solvable = True
        slope, offset = line
        now = _number(_find(rule.value, fig.traced, leaf))
        value = (least - offset) / slope
        up = value > now
        whole = _whole(leaf, value, up)
        if whole is None or not _allowed(leaf, whole, context):
            continue  # this fact cannot go so far: another may
        raw = slope * whole + offset
        aim: Aim = Reaches(leaf, whole, up, _integral(leaf), rate=_rate(leaf, whole, context))
        return aim, _gain(model, context.rules, exact, index, raw), False
    if solvable:
        return None
    aim = Reaches(rule.value, least, True, False)
    return aim, _gain(model, context.rules, exact, index, least), False


# ---------------------------------------------------------------- expressions


def _number(value: Value) -> Fraction:
    assert isinstance(value, int | Fraction) and not isinstance(value, bool)
    return Fraction(value)


def _integral(expr: p.Expr) -> bool:
    return isinstance(expr, p.FactRef) and expr.integral


def _whole(expr: p.Expr, value: Fraction, up: bool) -> Fraction | None:
    """The value a count can take that goes at least as far; None below 0 for a count."""
    if not _integral(expr):
        return value
    whole = Fraction(math.ceil(value) if up else math.floor(value))
    return whole if whole >= 0 else None


def _allowed(expr: p.Expr, value: Fraction, context: _Context) -> bool:
    """Whether a fact may take a value, as its declared bounds say (other facts as they are);
    a rate `a / b * 100` of a part `a` declared at most `b`, at most 100."""
    if isinstance(expr, p.ValueRef):
        ratio = _ratio(expr, context)
        if ratio is None:
            return True
        part, whole, top = ratio
        if not isinstance(part, p.FactRef) or not isinstance(whole, p.FactRef):
            return True
        spec = context.specs.get(part.subject.name)
        bounded = spec is not None and any(
            bound.op in ("<", "<=") and bound.fact == whole.subject.name for bound in spec.bounds
        )
        return not bounded or value <= top
    if not isinstance(expr, p.FactRef):
        return True
    spec = context.specs.get(expr.subject.name)
    if spec is None:
        return True
    for bound in spec.bounds:
        limit: Value | None = bound.value
        if bound.fact is not None:
            limit = context.facts.get(bound.fact)
            if limit is None:
                continue
        if not isinstance(limit, int | Fraction) or not _BOUNDS[bound.op](value, Fraction(limit)):
            return False
    return True


def _ratio(expr: p.ValueRef, context: _Context) -> tuple[p.Expr, p.Expr, Fraction] | None:
    """(a, b, 100) for a value `a / b * 100` (or `100 * a / b`), (a, b, 1) for `a / b`."""
    let = context.lets.get(expr.subject.name)
    if let is None:
        return None
    found = let.expr
    if not isinstance(found, p.Arithmetic):
        return None
    left, right = found.left, found.right
    if found.op == "*":
        for quotient, factor in ((left, right), (right, left)):
            hundred = isinstance(factor, p.Const) and factor.value == 100
            if hundred and isinstance(quotient, p.Arithmetic) and quotient.op == "/":
                return quotient.left, quotient.right, Fraction(100)
        return None
    if found.op != "/":
        return None
    if isinstance(left, p.Arithmetic) and left.op == "*":  # 100 * a / b reads as (100 * a) / b
        for factor, part in ((left.left, left.right), (left.right, left.left)):
            if isinstance(factor, p.Const) and factor.value == 100:
                return part, right, Fraction(100)
    return left, right, Fraction(1)


def _rate(expr: p.Expr, value: Fraction, context: _Context) -> tuple[p.Expr, p.Expr] | None:
    """(a, b) when expr is a value `a / b * 100` (or `a / b`) and value is 100 (or 1)."""
    if not isinstance(expr, p.ValueRef):
        return None
    ratio = _ratio(expr, context)
    if ratio is None or ratio[2] != value:
        return None
    return ratio[0], ratio[1]


def _leaves(expr: p.Expr) -> list[p.FactRef | p.ValueRef]:
    """The facts and values an expression reads, in order, each once."""
    found: dict[str, p.FactRef | p.ValueRef] = {}
    stack = [expr]
    while stack:
        item = stack.pop()
        match item:
            case p.FactRef() | p.ValueRef():
                found.setdefault(item.subject.name, item)
            case p.Arithmetic():
                stack.extend((item.right, item.left))
            case p.Negation() | p.Size():
                stack.append(item.operand)
            case _:
                pass
    return list(found.values())


def _find(expr: p.Expr, traced: f.Traced, leaf: p.FactRef | p.ValueRef) -> Value:
    """The value a leaf had, from the trace of an expression that reads it."""
    stack = [(expr, traced)]
    while stack:
        item, seen = stack.pop()
        if isinstance(item, p.FactRef | p.ValueRef) and item.subject.name == leaf.subject.name:
            return seen.value
        if isinstance(item, p.Arithmetic) and seen.parts:
            stack.extend(zip((item.left, item.right), seen.parts, strict=True))
        elif isinstance(item, p.Negation) and seen.parts:
            stack.append((item.operand, seen.parts[0]))
    raise AssertionError(f"{leaf.subject.name} is not read by the expression")


def _linear(
    expr: p.Expr, traced: f.Traced, leaf: p.FactRef | p.ValueRef
) -> tuple[Fraction, Fraction] | None:
    """(slope, offset) of an expression as a straight line in one leaf, others as they were;
    None where it is not one."""
    match expr:
        case p.FactRef() | p.ValueRef():
            if expr.subject.name == leaf.subject.name:
                return Fraction(1), ZERO
            return ZERO, _number(traced.value)
        case p.Const():
            return ZERO, _number(expr.value)
        case p.Negation():
            inner = _linear(expr.operand, traced.parts[0], leaf)
            return None if inner is None else (-inner[0], -inner[1])
        case p.Arithmetic():
            left = _linear(expr.left, traced.parts[0], leaf)
            right = _linear(expr.right, traced.parts[1], leaf)
            if left is None or right is None:
                return None
            (a1, b1), (a2, b2) = left, right
            match expr.op:
                case "+":
                    return a1 + a2, b1 + b2
                case "-":
                    return a1 - a2, b1 - b2
                case "*":
                    if a1 and a2:
                        return None
                    return a1 * b2 + a2 * b1, b1 * b2
                case "/":
                    if a2 or not b2:
                        return None
                    return a1 / b2, b1 / b2
                case _:
                    return None if a1 or a2 else (ZERO, _number(traced.value))
        case _:
            value = traced.value
            numeric = isinstance(value, int | Fraction) and not isinstance(value, bool)
            if numeric and all(x.subject.name != leaf.subject.name for x in _leaves(expr)):
                return ZERO, _number(value)
            return None
