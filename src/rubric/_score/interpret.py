"""The interpreter: walks the plan over one unit's facts, node by node, recording figures.

It is the reference scorer: the generated scorer must agree with it on every node, the grade and
every problem. It is also what explanations are read from: each node's entries hold the numbers
a rule used, and `_explain` turns them into sentences. It writes no words itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import assert_never

import attrs

from rubric import _figures as f
from rubric import _plan as p
from rubric._cohort import CohortFigures, rank_in
from rubric._facts import ten_to
from rubric._limits import DEFAULT
from rubric._numbers import fixed, round_to
from rubric._values import Adjustment, Value

__all__ = ["EvaluationError", "Outcome", "Scored", "evaluate", "requirements", "run"]

ZERO = Fraction(0)


class EvaluationError(Exception):
    """Facts that pass validation yet cannot be scored: the problem, as figures."""

    def __init__(self, problem: f.Problem) -> None:
        super().__init__(problem)
        self.problem = problem


@attrs.define
class Env:
    """The facts of one scoring and the values computed from them so far; never shared."""

    facts: Mapping[str, Value]
    definitions: Mapping[str, p.Let]
    parent: Env | None = None
    cache: dict[str, Value] = attrs.Factory(dict)
    # Node scores as they are worked out, for `score of` in grades and the total's clauses.
    scores: dict[str, Fraction] = attrs.Factory(dict)
    # The digits an exact value may have (Limits.exact_digits), and 10 to that power: every
    # value must stay below it, numerator and denominator.
    digits: int = DEFAULT.exact_digits
    top: int = attrs.field(init=False, default=attrs.Factory(lambda e: ten_to(e.digits), True))
    # The figures of the cohort, as Plan.needs lists them; () for a rubric that reads none.
    cohort: CohortFigures = ()

    def value(self, name: str) -> Value:
        env: Env | None = self
        while env is not None:
            if name in env.definitions:
                if name not in env.cache:
                    env.cache[name] = evaluate(env.definitions[name].expr, env)
                return env.cache[name]
            env = env.parent
        raise AssertionError(f"the checker let an unknown name {name!r} through")

    def known(self, name: str) -> Value | None:
        """A value if this scoring has computed it already, else None: never computes."""
        env: Env | None = self
        while env is not None:
            if name in env.definitions:
                return env.cache.get(name)
            env = env.parent
        return None

    def definition(self, name: str) -> p.Let | None:
        env: Env | None = self
        while env is not None:
            if name in env.definitions:
                return env.definitions[name]
            env = env.parent
        return None

    def child(self, definitions: Mapping[str, p.Let]) -> Env:
        return Env(
            self.facts,
            definitions,
            self,
            scores=self.scores,
            digits=self.digits,
            cohort=self.cohort,
        )

    def bounded(self, value: Fraction, where: p.Node) -> Fraction:
        """A node's score (or a sum towards it), refused past the limit on exact values."""
        if -self.top < value.numerator < self.top and value.denominator < self.top:
            return value
        problem = f.Problem(f.TooLong(where, self.digits), p.reads(where))
        raise EvaluationError(problem)


def _reads(expr: p.Expr, env: Env) -> tuple[str, ...]:
    """The facts an expression reads, through the values it uses, in the order written."""
    found: dict[str, None] = {}
    seen: set[str] = set()
    stack = [expr]
    while stack:
        item = stack.pop()
        match item:
            case p.FactRef():
                found[item.subject.name] = None
            case p.ValueRef():
                let = env.definition(item.subject.name)
                if let is not None and item.subject.name not in seen:
                    seen.add(item.subject.name)
                    stack.append(let.expr)
            case _:
                stack += reversed(p.parts_of(item))
    return tuple(found)


# ---------------------------------------------------------------- expressions


def _number(value: Value) -> Fraction | int:
    assert isinstance(value, int | Fraction) and not isinstance(value, bool)
    return value


def _arithmetic(expr: p.Arithmetic, left: Value, right: Value, env: Env) -> Value:
    found = _operate(expr, left, right)
    top = env.top
    if found.__class__ is int:
        if -top < found < top:
            return found
    elif -top < found.numerator < top and found.denominator < top:
        return found
    raise EvaluationError(f.Problem(f.TooLong(expr, env.digits), _reads(expr, env)))


def _operate(expr: p.Arithmetic, left: Value, right: Value) -> Fraction | int:
    a, b = _number(left), _number(right)
    match expr.op:
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "/":
            if b == 0:
                raise EvaluationError(f.Problem(f.DividesByZero(expr), expr.facts))
            return Fraction(a) / b  # int / int would give a float
        # Differences of counts stay counts (ints), so that they read and serialise as counts.
        case "short of":
            return max(b - a, 0)
        case "over":
            return max(a - b, 0)
        case _:
            assert_never(expr.op)


def compare(op: p.CompareOp, left: Value, right: Value) -> bool:
    """Whether `left op right` holds."""
    match op:
        case "<":
            return left < right  # type: ignore[operator]
        case "<=":
            return left <= right  # type: ignore[operator]
        case ">":
            return left > right  # type: ignore[operator]
        case ">=":
            return left >= right  # type: ignore[operator]
        case "=":
            return left == right
        case "!=":
            return left != right
        case _:
            assert_never(op)


def _fact(expr: p.FactRef, env: Env) -> Value:
    try:
        return env.facts[expr.subject.name]
    except KeyError:  # an optional fact, left out, that these facts still need
        problem = f.Problem(f.MissingOptional(expr.subject), (expr.subject.name,))
        raise EvaluationError(problem) from None


def _figure(expr: p.Figure, env: Env) -> Value:
    """A cohort figure; a rank, of the fact's own value among the cohort's."""
    held = env.cohort[expr.need]
    if isinstance(held, tuple):
        own = _number(_fact(expr.fact, env))
        return rank_in(held, own, ascending=expr.kind == "rank ascending")
    if held is None:
        raise EvaluationError(f.Problem(f.NoCohortValues(expr), ()))
    return held


def evaluate(expr: p.Expr, env: Env) -> Value:
    """The value of an expression over the facts in env."""
    match expr:
        case p.Const():
            return expr.value
        case p.FactRef():
            return _fact(expr, env)
        case p.ValueRef():
            return env.value(expr.subject.name)
        case p.Arithmetic():
            return _arithmetic(expr, evaluate(expr.left, env), evaluate(expr.right, env), env)
        case p.Negation():
            return -Fraction(_number(evaluate(expr.operand, env)))
        case p.Size():
            items = evaluate(expr.operand, env)
            assert isinstance(items, frozenset)
            return len(items)
        case p.Count():
            return sum(1 for condition in expr.conditions if evaluate(condition, env))
        case p.Function():
            return _function(expr, [evaluate(arg, env) for arg in expr.args])
        case p.NodeScore():
            return env.scores[expr.id]
        case p.Figure():
            return _figure(expr, env)
        case p.Comparison():
            return compare(expr.op, evaluate(expr.left, env), evaluate(expr.right, env))
        case p.Membership():
            items = evaluate(expr.collection, env)
            assert isinstance(items, frozenset)
            return expr.item.value in items
        case p.Junction():
            if expr.op == "and":
                return all(evaluate(o, env) for o in expr.operands)
            return any(evaluate(o, env) for o in expr.operands)
        case p.Inversion():
            return not evaluate(expr.operand, env)
        case _:
            assert_never(expr)


def _function(expr: p.Function, args: list[Value]) -> Value:
    """max, min or abs of numbers: a count stays a count."""
    numbers = [_number(arg) for arg in args]
    match expr.name:
        case "max":
            return max(numbers, key=Fraction)
        case "min":
            return min(numbers, key=Fraction)
        case "abs":
            return -numbers[0] if numbers[0] < 0 else numbers[0]
        case _:
            assert_never(expr.name)


def trace(expr: p.Expr, env: Env) -> f.Traced:
    """An expression's value with its parts' values, read as far as its wording reads them.

    An and/or reads on past the operand that decides it, for the reader, but only as far as it
    can: a guard such as `y >= 1 and x / y >= 1` protects the explanation as it protects the
    evaluation.
    """
    match expr:
        case p.Const() | p.FactRef() | p.ValueRef() | p.NodeScore():
            return f.Traced(evaluate(expr, env))
        case p.Figure():
            value = evaluate(expr, env)
            if expr.kind.startswith("rank"):  # shows the fact's own value beside its rank
                return f.Traced(value, (trace(expr.fact, env),))
            return f.Traced(value)
        case p.Arithmetic() | p.Comparison():
            left, right = trace(expr.left, env), trace(expr.right, env)
            if isinstance(expr, p.Arithmetic):
                value = _arithmetic(expr, left.value, right.value, env)
                return f.Traced(value, (left, right))
            return f.Traced(compare(expr.op, left.value, right.value), (left, right))
        case p.Negation() | p.Size() | p.Inversion():
            return f.Traced(evaluate(expr, env), (trace(expr.operand, env),))
        case p.Count() | p.Function():
            # Every part is evaluated, as evaluation does: none is behind a guard.
            traced = tuple(trace(part, env) for part in p.parts_of(expr))
            if isinstance(expr, p.Count):
                return f.Traced(sum(1 for part in traced if part.value), traced)
            return f.Traced(_function(expr, [part.value for part in traced]), traced)
        case p.Membership():
            return f.Traced(evaluate(expr, env), (trace(expr.collection, env),))
        case p.Junction():
            parts: list[f.Traced] = []
            decider = expr.op == "or"  # the value that decides: True for or, False for and
            decided, cut = False, False
            for operand in expr.operands:
                try:
                    parts.append(trace(operand, env))
                except EvaluationError:
                    if not decided:  # evaluation would have met it first
                        raise
                    cut = True
                    break
                decided = decided or bool(parts[-1].value) == decider
            return f.Traced(decider if decided else not decider, tuple(parts), cut)
        case _:
            assert_never(expr)


# ---------------------------------------------------------------- rules


def _entry(
    env: Env, uses: p.Uses, kind: str, points: Fraction, line: int, figures: f.Figures
) -> f.Entry:
    """An entry with the facts and values its rule read, as far as this scoring computed them."""
    facts = tuple((name, env.facts[name]) for name in uses.facts if name in env.facts)
    # Only values the rule computed: one behind an unmet guard may not be computable.
    values = tuple((v, value) for v in uses.values if (value := env.known(v)) is not None)
    return f.Entry(kind, points, line, figures, facts, values)


def _sum(
    values: Iterable[Fraction], env: Env | None = None, owner: p.Node | None = None
) -> Fraction:
    """The exact sum, reduced once at the end rather than after every addition.

    Given env and the node it is a sum for, every partial sum must stay within the limit on
    exact values, as the generated scorer's do: it is reduced when its terms grow past it.
    """
    numerator, denominator = 0, 1
    top = env.top if env is not None else 0
    for value in values:
        n, d = value.numerator, value.denominator
        if d == denominator:
            numerator += n
        else:
            numerator, denominator = numerator * d + n * denominator, denominator * d
        if top and not (-top < numerator < top and denominator < top):
            assert env is not None and owner is not None
            reduced = env.bounded(Fraction(numerator, denominator), owner)
            numerator, denominator = reduced.numerator, reduced.denominator
    return Fraction(numerator, denominator)


def _cap(total: Fraction, cap: Fraction | None) -> Fraction:
    if cap is None:
        return total
    return max(-cap, min(cap, total))


def _judge(
    points: Fraction, condition: p.Expr, uses: p.Uses, env: Env, kind: str, line: int
) -> f.Entry:
    # The trace holds the value: it evaluates what evaluation would, and reads on only where
    # it cannot fail.
    traced = trace(condition, env)
    holds = bool(traced.value)
    figures = f.Judged(points, condition, traced, holds)
    return _entry(env, uses, kind, points if holds else ZERO, line, figures)


def _steps(partial: p.Reading, steps: Fraction) -> Fraction:
    match partial:
        case "proportional":
            return steps
        case "whole":
            return Fraction(math.floor(steps))
        case "any":
            return Fraction(math.ceil(steps))
        case _:
            assert_never(partial)


def arm_holds(arm: p.Arm, value: Value) -> bool:
    """Whether a table's arm takes a value."""
    if arm.otherwise:
        return True
    if arm.word is not None:
        return value == arm.word
    return all(compare(op, value, bound) for op, bound in arm.bounds)


def linear_at(linear: p.Linear, value: Fraction) -> Fraction:
    """The points a linear arm gives at a value.

    A band of no width (`>= 5 and <= 5 -> 0 to 10`, which the checker refuses) gives its
    starting points: the value has moved no way along it.
    """
    span = linear.high - linear.low
    if not span:
        return linear.start
    return linear.start + (value - linear.low) * (linear.end - linear.start) / span


def _apply(rule: p.Rule | p.Pool, env: Env, owner: p.Indicator) -> tuple[list[f.Entry], Fraction]:
    """The entries of one rule or pool, and what it gives: the sum of their points.

    What it gives is summed as the generated scorer sums it (a pool, rule by rule), so that
    both hold the same partial sums to the limit on exact values.
    """
    match rule:
        case p.Start():
            return [f.Entry("start", rule.amount, rule.line, f.Started(rule))], rule.amount
        case p.When():
            entry = _judge(rule.points, rule.condition, rule.uses, env, "when", rule.line)
            return [entry], entry.points
        case p.EachItem():
            items = evaluate(rule.collection, env)
            assert isinstance(items, frozenset)
            count = len(items)
            total = rule.points * count
            traced = trace(rule.collection, env) if count else f.Traced(items)
            gained = _cap(total, rule.cap) if count else ZERO
            counted = f.Counted(rule, traced, count, total, gained)
            return [_entry(env, rule.uses, "each", gained, rule.line, counted)], gained
        case p.EachCondition():
            entries = [
                _judge(rule.points, condition, uses, env, "each", rule.line)
                for condition, uses in rule.conditions
            ]
            total = _sum((e.points for e in entries), env, owner)
            return _capped(entries, rule, len(entries), rule.cap, rule.line, total)
        case p.PerStep():
            amount = Fraction(_number(evaluate(rule.quantity, env)))
            # Only the positive part counts: a deduction never gives, a bonus never takes.
            steps = _steps(rule.partial, max(amount, ZERO) / rule.step)
            total = rule.points * steps
            traced = trace(rule.quantity, env)
            stepped = f.Stepped(rule, traced, amount, steps, total, _cap(total, rule.cap))
            entry = _entry(env, rule.uses, "per", stepped.gained, rule.line, stepped)
            return [entry], stepped.gained
        case p.Table():
            entry = _table(rule, env)
            return [entry], entry.points
        case p.Formula():
            total = Fraction(_number(evaluate(rule.value, env)))
            traced = trace(rule.value, env)
            refs = tuple(trace(ref, env) for ref in rule.refs)
            gained = _cap(total, rule.cap)
            computed = f.Computed(rule, traced, refs, total, gained)
            return [_entry(env, rule.uses, "points", gained, rule.line, computed)], gained
        case p.AdjustBy():
            value = env.facts[rule.subject.name]
            assert isinstance(value, Adjustment)
            facts = ((rule.subject.name, value),)
            entry = f.Entry("adjust", value.points, rule.line, f.Adjusted(rule, value), facts)
            return [entry], value.points
        case p.Guarded():
            traced = trace(rule.condition, env)
            holds = bool(traced.value)
            guard = _entry(env, rule.uses, "guard", ZERO, rule.line, f.Guard(rule, traced, holds))
            if not holds:  # the rule gives nothing, and nothing of it is worked out
                return [guard], ZERO
            entries, gives = _apply(rule.rule, env, owner)
            return [guard, *entries], gives
        case p.Pool():
            applied = [_apply(inner, env, owner) for inner in rule.rules]
            entries = [e for inner, _ in applied for e in inner]
            total = _sum((gives for _, gives in applied), env, owner)
            return _capped(entries, rule, len(entries), rule.cap, rule.line, total)
        case _:
            assert_never(rule)


def _capped(
    entries: list[f.Entry],
    owner: p.Pool | p.EachCondition | p.Group,
    count: int,
    cap: Fraction | None,
    line: int,
    total: Fraction,
) -> tuple[list[f.Entry], Fraction]:
    """Entries whose points together (total) stay within a cap, with an entry saying so if it
    bit; and what they give then."""
    capped = _cap(total, cap)
    if capped != total:
        assert cap is not None
        figures = f.Capped(owner, count, total, cap, capped)
        entries.append(f.Entry("cap", capped - total, line, figures))
    return entries, capped


def _table(rule: p.Table, env: Env) -> f.Entry:
    value = evaluate(rule.subject, env)
    traced = trace(rule.subject, env)
    for arm in rule.arms:
        if arm_holds(arm, value):
            got = arm.points
            if arm.linear is not None:
                got = linear_at(arm.linear, Fraction(_number(value)))
            return _entry(env, rule.uses, "table", got, rule.line, f.Tabled(rule, traced, arm, got))
    raise EvaluationError(f.Problem(f.NoBand(rule, traced), rule.uses.facts))


# ---------------------------------------------------------------- nodes


@attrs.frozen(eq=False)
class Scored:
    """A node's exact score, its entries and children, and the max it counts for."""

    node: p.Node
    exact: Fraction
    entries: tuple[f.Entry, ...]
    children: tuple[Scored, ...] = ()
    applicable: bool = True
    policy: p.Policy_ | None = None
    counted: Fraction = ZERO
    whole: bool = True  # counts for its whole max: nothing under it was left out

    @property
    def share(self) -> Fraction:
        """The score as a share of what it counts for."""
        return self.exact / self.counted

    def part(self, weight: Fraction | None = None) -> f.Part:
        return f.Part(self.node.title, self.exact, self.counted, weight)

    def walk(self) -> list[Scored]:
        """This node and every node below it, parents before children."""
        found, stack = [], [self]
        while stack:
            item = stack.pop()
            found.append(item)
            stack.extend(reversed(item.children))
        return found


@attrs.frozen(eq=False)
class Outcome:
    """One unit scored: the tree, the grade and the entries saying why it was given."""

    root: Scored
    grade: p.Grade | None
    grade_entries: tuple[f.Entry, ...]


def _not_applicable(node: p.Node, env: Env) -> f.Entry | None:
    na = node.not_applicable
    # Evaluated, not traced, unless it holds: a trace reads on through and/or, computing values
    # whose figures the entries after it would then show.
    if na is None or not evaluate(na.condition, env):
        return None
    traced = trace(na.condition, env)
    return _entry(env, na.uses, "na", ZERO, na.line, f.LeftOut(na, traced))


def _skipped(
    node: p.Node, env: Env, policy: p.Policy_ | None, entries: tuple[f.Entry, ...]
) -> Scored:
    """A node that does not apply, and every node below it.

    Its entries give the points it scores, as every node's do: its max under full marks.
    """
    full = policy == "full marks"
    children: tuple[Scored, ...] = ()
    if isinstance(node, p.Group):
        above = f.Entry("na", ZERO, node.line, f.Above(node))
        children = tuple(_skipped(child, env, policy, (above,)) for child in node.children)
    exact = node.max_points if full else ZERO
    below = _sum(child.exact for child in children)
    first, *rest = entries
    entries = (attrs.evolve(first, points=exact - below), *rest)
    env.scores[node.id] = exact
    counted = node.max_points if full else ZERO
    return Scored(node, exact, entries, children, False, policy, counted, full)


def _finish(
    node: p.Node,
    env: Env,
    rules: p.Policy,
    total: Fraction,
    entries: list[f.Entry],
    *,
    rounded: bool,
) -> Fraction:
    """Apply a node's caps and multipliers, then round it; entries go to entries."""
    for clause in node.clauses:
        # A cap without a condition always holds.
        traced = f.Traced(True) if clause.condition is None else trace(clause.condition, env)
        holds = bool(traced.value)
        match clause:
            case p.Multiplier():
                # A penalty that multiplies must not lift a score at or below 0 towards 0.
                after = total * clause.factor if holds and total > 0 else total
                figures: f.Figures = f.Multiplied(clause, traced, holds, total, after)
            case p.CapWhen():
                after = clause.cap if holds and total > clause.cap else total
                figures = f.CappedIf(clause, traced, holds, total)
            case _:
                assert_never(clause)
        kind = "multiply" if isinstance(clause, p.Multiplier) else "cap"
        entries.append(_entry(env, clause.uses, kind, after - total, clause.line, figures))
        total = env.bounded(after, node)
    if rounded:
        after = env.bounded(round_to(total, rules.places, rules.mode), node)
        if after != total:
            entries.append(f.Entry("rounding", after - total, node.line, f.Rounded(total, after)))
            total = after
    env.scores[node.id] = total
    return total


def _indicator(node: p.Indicator, env: Env, rules: p.Policy) -> Scored:
    local = env.child(node.lets)
    left_out = _not_applicable(node, local)
    if left_out is not None:
        assert node.not_applicable is not None
        return _skipped(node, env, node.not_applicable.policy, (left_out,))
    applied = [_apply(part, local, node) for part in node.parts]
    entries = [e for part, _ in applied for e in part]
    total = _sum((gives for _, gives in applied), local, node)
    high, low = node.max_points, node.min_points
    bound = high if total > high else low if low is not None and total < low else None
    if bound is not None:
        entries.append(f.Entry("clamp", bound - total, node.line, f.Clamped(node, total, bound)))
        total = bound
    if node.extras:
        total = _extras(node, local, total, entries)
    rounded = rules.scope == "indicators"
    total = _finish(node, local, rules, total, entries, rounded=rounded)
    return Scored(node, total, tuple(entries), counted=node.max_points)


def _extras(node: p.Indicator, env: Env, total: Fraction, entries: list[f.Entry]) -> Fraction:
    """An indicator's own bonus and deductions, each within its cap, added to its score once
    its rules are held to [0, max]; the score that comes of them is never below 0."""
    applied = [_apply(extra, env, node) for extra in node.extras]
    for found, _ in applied:
        entries.extend(found)
    total = _sum([total, *(gives for _, gives in applied)], env, node)
    if total < 0:
        entries.append(f.Entry("clamp", -total, node.line, f.Clamped(node, total, ZERO)))
        total = ZERO
    return total


def _score(node: p.Node, env: Env, rules: p.Policy) -> Scored:
    if isinstance(node, p.Indicator):
        return _indicator(node, env, rules)
    left_out = _not_applicable(node, env)
    if left_out is not None:
        assert node.not_applicable is not None
        return _skipped(node, env, node.not_applicable.policy, (left_out,))
    scored = [_score(child, env, rules) for child in node.children]
    entries: list[f.Entry] = []
    total, counted = _combine(node, scored, entries, env)
    total = env.bounded(total, node)
    rounded = rules.scope == "indicators" and bool(entries or node.clauses)
    total = _finish(node, env, rules, total, entries, rounded=rounded)
    return Scored(
        node,
        total,
        tuple(entries),
        tuple(scored),
        counted=counted,
        whole=counted == node.max_points,
    )


def _combine(
    group: p.Group, scored: list[Scored], entries: list[f.Entry], env: Env
) -> tuple[Fraction, Fraction]:
    """A group's score from its children's, and the max it counts for; entries for any step
    beyond a plain sum."""
    match group.way:
        case "sum":
            return _sum_group(group, scored, entries, env)
        case "extra":
            # Bonus items add up to at most the cap; deduction items take away at most the cap.
            total = _sum((s.exact for s in scored), env, group)
            capped = _cap(total, group.max)
            if capped != total:
                assert group.max is not None
                cap = f.Capped(group, 0, total, group.max, capped)
                entries.append(f.Entry("cap", capped - total, group.line, cap))
            return capped, ZERO
        case "scaled":
            counted = [s for s in scored if s.counted]
            if not counted:
                return _nothing_left(group, entries)
            got = _sum((s.exact for s in counted), env, group)
            out_of = _sum(s.counted for s in counted)
            top = group.max_points
            total = got * top / out_of
            entries.append(
                f.Entry("aggregate", total, group.line, f.Scaled(got, out_of, top, total))
            )
            return total, top
        case "weighted":
            assert group.weights is not None
            pairs = [(s, w) for s, w in zip(scored, group.weights, strict=True) if s.counted]
            if not pairs:
                return _nothing_left(group, entries)
            top = group.max_points
            weight_sum = _sum(w for _, w in pairs)
            rate = _sum((s.share * w for s, w in pairs), env, group) / weight_sum
            total = rate * top
            parts = tuple(s.part(w) for s, w in pairs)
            figures = f.Weighted(parts, weight_sum, rate, top, total)
            entries.append(f.Entry("aggregate", total, group.line, figures))
            return total, top
        case "best of":
            counted = [s for s in scored if s.counted]
            if not counted:
                return _nothing_left(group, entries)
            best = max(counted, key=lambda s: s.share)  # the first of equals, in rubric order
            top = group.max_points
            total = best.share * top
            chose = f.BestOf(tuple(s.part() for s in counted), best.node.title, top, total)
            entries.append(f.Entry("aggregate", total, group.line, chose))
            return total, top
        case "one of":
            chosen = [s for s in scored if s.applicable]
            if len(chosen) != 1:
                titles = tuple(s.node.title for s in chosen)
                raise EvaluationError(f.Problem(f.NotOneApplies(group, titles), ()))
            one = chosen[0]
            if not one.counted:
                # The part that applies counts for nothing (a group whose parts are all left
                # out): neither does this group, as a scaled group with no part left.
                return _nothing_left(group, entries)
            top = group.max_points
            total = one.share * top
            entries.append(f.Entry("aggregate", total, group.line, f.OneOf(one.part(), top, total)))
            return total, top
        case _:
            assert_never(group.way)


def _nothing_left(group: p.Group, entries: list[f.Entry]) -> tuple[Fraction, Fraction]:
    entries.append(f.Entry("aggregate", ZERO, group.line, f.NothingLeft()))
    return ZERO, ZERO


def _sum_group(
    group: p.Group, scored: list[Scored], entries: list[f.Entry], env: Env
) -> tuple[Fraction, Fraction]:
    total = _sum((s.exact for s in scored), env, group)
    if all(s.whole for s in scored):
        return total, group.base_max
    counted = _sum(s.counted for s in scored)
    shared = [s for s in scored if s.policy == "redistribute to siblings" and not s.applicable]
    if not shared:
        return total, counted
    # The max the group keeps: all but what nodes left out for the total take away.
    target = counted + _sum(s.node.max_points for s in shared)
    if counted == 0:
        raise EvaluationError(f.Problem(f.NothingToShare(group), ()))
    after = total * target / counted
    titles = tuple(s.node.title for s in shared)
    figures = f.Redistributed(titles, target, counted, total, after)
    entries.append(f.Entry("rescale", after - total, group.line, figures))
    return after, target


def _root(root: p.Root, env: Env, rules: p.Policy) -> Scored:
    group = root.group
    scored = [_score(child, env, rules) for child in group.children]
    entries: list[f.Entry] = []
    base = [s for s in scored if s.node.role == "base"]
    total, counted = _sum_group(group, base, entries, env)
    full = group.max_points
    if counted != full:
        if counted == 0:
            raise EvaluationError(f.Problem(f.NothingApplies(), ()))
        after = total * full / counted
        figures = f.RescaledTotal(_left_out(scored), full, counted, total, after)
        entries.append(f.Entry("rescale", after - total, group.line, figures))
        total = after
    total = env.bounded(total, group)
    extras = _sum((s.exact for s in scored if s.node.role != "base"), env, group)
    total = env.bounded(total + extras, group)
    if total < 0 and not root.negative:
        entries.append(f.Entry("clamp", -total, group.line, f.TotalClamped(total)))
        total = ZERO
    rounded = rules.scope == "total" or bool(entries or group.clauses)
    total = _finish(group, env, rules, total, entries, rounded=rounded)
    return Scored(group, total, tuple(entries), tuple(scored), counted=full)


def _left_out(scored: list[Scored]) -> tuple[str, ...]:
    """What the total is rescaled without: the nodes left out for it, and the groups that
    renormalise with nothing left in them (which count for nothing), each the highest one."""
    found: list[str] = []
    stack = list(reversed(scored))
    while stack:
        item = stack.pop()
        node = item.node
        if not item.applicable:
            if item.policy == "rescale the total":
                found.append(node.title)
            continue
        if isinstance(node, p.Group) and node.way not in ("sum", "extra") and not item.counted:
            found.append(node.title)
            continue
        stack.extend(reversed(item.children))
    return tuple(found)


def requirements(plan: p.Plan, env: Env) -> list[f.Problem]:
    """Every `require` line the facts break, or that cannot be tested on them."""
    problems = []
    for req in plan.requirements:
        try:
            if not evaluate(req.condition, env):
                problems.append(f.Problem(f.Unmet(req), req.facts))
        except EvaluationError as error:
            problems.append(error.problem)
    return problems


def grade(plan: p.Plan, env: Env, exact: Fraction) -> tuple[p.Grade | None, tuple[f.Entry, ...]]:
    """The grade, and why: each grade tried in order, up to the one given."""
    rules = plan.policy
    # Grades read the total as reported, rounded by the rubric's policy.
    total = round_to(exact, rules.places, rules.mode)
    text = fixed(total, rules.places)  # exact: the total is rounded to the places
    grade_env = env.child({"total": p.Let(p.TOTAL, p.Const(total, text))})
    entries = []
    for line in plan.grades:
        if line.condition is None:
            entries.append(f.Entry("grade", ZERO, line.line, f.GradeTried(line, None, True)))
            return line, tuple(entries)
        try:
            traced = trace(line.condition, grade_env)
        except EvaluationError as error:
            what = error.problem.what
            if isinstance(what, f.MissingOptional):  # name the grade line that read it
                found = attrs.evolve(error.problem, what=attrs.evolve(what, grade=line))
                raise EvaluationError(found) from None
            raise
        given = bool(traced.value)
        figures = f.GradeTried(line, traced, given)
        entries.append(_entry(grade_env, line.uses, "grade", ZERO, line.line, figures))
        if given:
            return line, tuple(entries)
    return None, tuple(entries)


class RequirementsUnmetError(Exception):
    """Facts that break `require` lines: every problem found."""

    def __init__(self, problems: list[f.Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def run(plan: p.Plan, values: Mapping[str, Value], cohort: CohortFigures = ()) -> Outcome:
    """Score validated facts: the tree, the grade and the figures of every explanation entry.

    cohort holds the figures of the rubric's cohort rules, if it has any. Raises
    RequirementsUnmetError for broken `require` lines, EvaluationError for facts that cannot
    be scored.
    """
    env = Env(values, plan.lets, digits=plan.limits.exact_digits, cohort=cohort)
    problems = requirements(plan, env)
    if problems:
        raise RequirementsUnmetError(problems)
    root = _root(plan.root, env, plan.policy)
    given, entries = grade(plan, env, root.exact)
    return Outcome(root, given, entries)
