"""What each expression can be, given what the facts may be: ranges, truths, words and sets."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import assert_never

import attrs

from rubric._check import values as v
from rubric._check.intervals import (
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
from rubric._check.values import Choice, Dom, Items, Num, Range, Truth, Witness
from rubric._check.walk import nodes_of
from rubric.dsl import nodes as n

__all__ = ["Ctx", "Exprs", "Frame", "Overlay", "SetOf", "Words"]


@attrs.frozen
class Words:
    """A level or a word: the words it can be (None: any), and the fact it is, if one."""

    fact: str | None
    values: frozenset[str] | None


@attrs.frozen
class SetOf:
    """A set: what it may hold, and the fact it is, if one."""

    fact: str | None
    items: Items


Value = Range | Truth | Words | SetOf


@attrs.frozen(eq=False)
class Frame:
    """The values in reach: the rubric's, and an indicator's own (compared by identity)."""

    lets: Mapping[str, n.Expr]
    local: Mapping[str, n.Expr] = attrs.field(factory=dict)

    def definition(self, name: str) -> n.Expr | None:
        found = self.local.get(name)
        return found if found is not None else self.lets.get(name)


class Overlay(Mapping[str, Dom]):
    """Some facts held to domains over what all the facts may be, without copying them."""

    def __init__(self, top: Mapping[str, Dom], base: Mapping[str, Dom]) -> None:
        self.top, self.base = top, base

    def __getitem__(self, name: str) -> Dom:
        found = self.top.get(name)
        return found if found is not None else self.base[name]

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from (name for name in self.top if name not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(1 for name in self.top if name not in self.base)


@attrs.frozen
class Ctx:
    """What the facts may be where an expression is read, and what else is in reach."""

    doms: Mapping[str, Dom]
    frame: Frame
    total: Range | None = None  # the total's range, in grade lines
    scores: Mapping[str, Range] = attrs.field(factory=dict)  # for `score of ID`

    def narrowed(self, name: str, dom: Dom) -> Ctx | None:
        """The context with one fact held to a domain too; None when it can be nothing."""
        met = v.meet(self.doms[name], dom)
        if met is None:
            return None
        if met == self.doms[name]:
            return self
        doms = self.doms
        if isinstance(doms, Overlay):  # one layer over the facts, however many narrowings
            return self.with_doms(Overlay({**doms.top, name: met}, doms.base))
        return self.with_doms(Overlay({name: met}, doms))

    # Contexts made directly, not by attrs.evolve (which looks every field up by name): one
    # or more are made for every indicator and every narrowing.
    def with_doms(self, doms: Mapping[str, Dom]) -> Ctx:
        return Ctx(doms, self.frame, self.total, self.scores)

    def with_frame(self, frame: Frame) -> Ctx:
        return Ctx(self.doms, frame, self.total, self.scores)


_COMPARISON: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def region(op: str, value: Fraction) -> Interval:
    """The numbers x with `x op value`; '!=' is not an interval, and not asked for."""
    match op:
        case "<":
            return Interval(NEG_INF, below(value))
        case "<=":
            return Interval(NEG_INF, at(value))
        case ">":
            return Interval(above(value), POS_INF)
        case ">=":
            return Interval(at(value), POS_INF)
        case "=":
            return Interval(at(value), at(value))
        case _:
            raise AssertionError(f"no region for {op!r}")


_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


@attrs.define
class Exprs:
    """Works out expressions over domains of facts, and notes where scoring could fail."""

    # Divisions whose divisor can be 0 where they are read, by the divisor's span: the divisor,
    # the values in reach there, and its range.
    zero_divisors: dict[tuple[int, int], tuple[n.Expr, Frame, Range]] = attrs.Factory(dict)
    # Each value's result, by the domains of the facts it reads: chains of values are worked
    # out once, not once per use.
    cache: dict[tuple[object, ...], tuple[Value, tuple[tuple[int, int], ...]]] = attrs.Factory(dict)
    reads: dict[tuple[int, int], tuple[str, ...]] = attrs.Factory(dict)
    truths: dict[tuple[int, int], tuple[Truth, n.Expr, Ctx]] = attrs.Factory(dict)
    # Bounds `require` lines put on values: `require surveyed >= 1` bounds the value surveyed.
    value_bounds: dict[str, Interval] = attrs.Factory(dict)
    # What each fact may be by its declaration alone: a cohort figure of a fact lies within it,
    # whatever narrows the fact where the figure is read.
    declared: Mapping[str, Dom] = attrs.Factory(dict)

    # ------------------------------------------------------------ by what is expected

    def number(self, expr: n.Expr, ctx: Ctx) -> Range:
        found = self.value(expr, ctx)
        return found if isinstance(found, Range) else v.ANY

    def truth(self, expr: n.Expr, ctx: Ctx) -> Truth:
        """A condition's truth; a condition read twice in one context is worked out once."""
        key = (id(expr), id(ctx))
        known = self.truths.get(key)
        if known is not None and known[1] is expr and known[2] is ctx:
            return known[0]
        found = self.value(expr, ctx)
        truth = found if isinstance(found, Truth) else v.UNDECIDED
        self.truths[key] = (truth, expr, ctx)  # the two kept alive, so their ids stay theirs
        return truth

    def value(self, expr: n.Expr, ctx: Ctx) -> Value:
        match expr:
            case n.Number():
                return v.const(expr.value)
            case n.Text():
                return Words(None, frozenset([expr.value]))
            case n.Name():
                return self.name(expr.name, ctx)
            case n.Negate():
                return v.negate(self.number(expr.operand, ctx))
            case n.Binary():
                return self.binary(expr, ctx)
            case n.Compare():
                return self.compare(expr, ctx)
            case n.Logic():
                return self.logic(expr, ctx)
            case n.Not():
                return self.truth(expr.operand, ctx).invert()
            case n.SizeOf():
                found = self.value(expr.operand, ctx)
                if not isinstance(found, SetOf):
                    return Range(Interval(at(ZERO), POS_INF), True)
                return self.size(found)
            case n.CountOf():
                truths = [self.truth(item, ctx) for item in expr.items]
                least = sum(1 for t in truths if not t.can_fail)
                most = sum(1 for t in truths if t.can_hold)
                return Range(Interval(at(Fraction(least)), at(Fraction(most))), True)
            case n.Call():
                args = [self.number(arg, ctx) for arg in expr.args]
                match expr.function:
                    case "max" | "min":
                        return v.extreme(args, expr.function)
                    case _:
                        return v.absolute(args[0])
            case n.ScoreOf():
                return ctx.scores.get(expr.id, v.ANY)
            case n.CohortOf():
                return self.cohort(expr)
            case _:
                assert_never(expr)

    def cohort(self, expr: n.CohortOf) -> Range:
        """A cohort figure: a rank from 1 up; any other, within what the fact may be.

        No witness: a figure depends on the other units, which no facts of one unit fix.
        """
        if expr.figure.startswith("rank"):
            return Range(Interval(at(ONE), POS_INF), True)
        dom = self.declared.get(expr.operand.name)
        if not isinstance(dom, Num):
            return v.ANY
        whole = dom.step == 1 and expr.figure not in ("average", "median")
        return Range(dom.interval, whole)

    # ------------------------------------------------------------ names

    def name(self, name: str, ctx: Ctx) -> Value:
        if name == "total" and ctx.total is not None:
            return ctx.total
        dom = ctx.doms.get(name)
        if dom is not None:
            return fact_value(name, dom)
        definition = ctx.frame.definition(name)
        if definition is None:
            return v.ANY
        key = self.let_key(name, definition, ctx)
        cached = self.cache.get(key)
        if cached is None:
            # Divisors are only ever added, and a dict keeps its order: the new ones are
            # those after the count before (a copy of them all per value was quadratic).
            before = len(self.zero_divisors)
            found = self.value(definition, ctx)
            new = tuple(itertools.islice(self.zero_divisors, before, None))
            self.cache[key] = cached = (found, new)
        bound = self.value_bounds.get(name)
        if bound is not None and isinstance(cached[0], Range) and name not in ctx.frame.local:
            return v.within(cached[0], bound)
        return cached[0]

    def let_key(self, name: str, definition: n.Expr, ctx: Ctx) -> tuple[object, ...]:
        reads = self.reads_of(name, definition, ctx.frame)
        where = (definition.span.start, definition.span.end)  # one value, wherever declared
        return (where, reads, tuple(ctx.doms.get(f) for f in reads))

    def reads_of(self, name: str, definition: n.Expr, frame: Frame) -> tuple[str, ...]:
        """The facts a value reads, through the values it uses."""
        key = (definition.span.start, definition.span.end)
        found = self.reads.get(key)
        if found is None:
            facts: dict[str, None] = {}
            for used in (x.name for x in nodes_of(definition, n.Name)):
                inner = frame.definition(used)
                if inner is None:
                    facts[used] = None
                else:
                    facts.update(dict.fromkeys(self.reads_of(used, inner, frame)))
            self.reads[key] = found = tuple(facts)
        return found

    def fact_of(self, expr: n.Expr, ctx: Ctx) -> str | None:
        """The fact an expression is, through values that rename it; None if not one."""
        seen = 0
        while isinstance(expr, n.Name) and seen < 1000:
            if expr.name in ctx.doms:
                return expr.name
            definition = ctx.frame.definition(expr.name)
            if definition is None:
                return None
            expr, seen = definition, seen + 1
        return None

    # ------------------------------------------------------------ arithmetic

    def binary(self, expr: n.Binary, ctx: Ctx) -> Range:
        left, right = self.number(expr.left, ctx), self.number(expr.right, ctx)
        match expr.op:
            case "+":
                return v.add(left, right)
            case "-":
                return v.subtract(left, right)
            case "*":
                return v.multiply(left, right)
            case "/":
                if right.interval.holds(ZERO):
                    key = (expr.right.span.start, expr.right.span.end)
                    self.zero_divisors.setdefault(key, (expr.right, ctx.frame, right))
                return v.divide(left, right)
            case "short of":
                return v.clamp(v.subtract(right, left), ZERO, None)
            case "over":
                return v.clamp(v.subtract(left, right), ZERO, None)
            case _:
                raise AssertionError(f"the parser gave an unknown operator {expr.op!r}")

    def size(self, found: SetOf) -> Range:
        items = found.items
        interval = items.size
        low_w = high_w = None
        if found.fact is not None:
            if interval.low is not None:
                size = Interval(interval.lo, interval.lo)
                low_w = {found.fact: items.sized(size)}
            if interval.high is not None:
                size = Interval(interval.hi, interval.hi)
                high_w = {found.fact: items.sized(size)}
        return Range(interval, True, low_w, high_w)

    def preimage(self, expr: n.Expr, target: Interval, ctx: Ctx) -> tuple[str, Dom | None] | None:
        """The one fact an expression reads, and the values of it that put it in target.

        Only for an expression that moves one way with one fact: x, x ± c, c − x, x × c,
        x / c, −x, x short of c, x over c, and values that are such expressions; None for
        any other. The values are None when no value of the fact puts it in target.
        """
        fact = self.fact_of(expr, ctx)
        if fact is not None:
            dom = ctx.doms[fact]
            if not isinstance(dom, Num):
                return None
            return fact, (None if target.empty else dom.meet(Num(target)))
        if isinstance(expr, n.Name):
            definition = ctx.frame.definition(expr.name)
            return None if definition is None else self.preimage(definition, target, ctx)
        if isinstance(expr, n.Negate):
            return self.preimage(expr.operand, _scaled(target, Fraction(-1)), ctx)
        if not isinstance(expr, n.Binary):
            return None
        left, right = _constant(expr.left), _constant(expr.right)
        if right is not None and left is None:
            inner, c = expr.left, right
            match expr.op:
                case "+":
                    return self.preimage(inner, _shifted(target, -c), ctx)
                case "-":
                    return self.preimage(inner, _shifted(target, c), ctx)
                case "*" if c != 0:
                    return self.preimage(inner, _scaled(target, 1 / c), ctx)
                case "/" if c != 0:
                    return self.preimage(inner, _scaled(target, c), ctx)
                case "short of":  # max(c − x, 0)
                    return self.preimage(inner, _short_of(target, c), ctx)
                case "over":  # max(x − c, 0)
                    return self.preimage(inner, _over(target, c), ctx)
            return None
        if left is not None and right is None:
            inner, c = expr.right, left
            match expr.op:
                case "+":
                    return self.preimage(inner, _shifted(target, -c), ctx)
                case "-":  # c − x
                    return self.preimage(inner, _shifted(_scaled(target, Fraction(-1)), c), ctx)
                case "*" if c != 0:
                    return self.preimage(inner, _scaled(target, 1 / c), ctx)
        return None

    # ------------------------------------------------------------ conditions

    def compare(self, expr: n.Compare, ctx: Ctx) -> Truth:
        if expr.op == "in":
            return self.membership(expr, ctx)
        left, right = self.value(expr.left, ctx), self.value(expr.right, ctx)
        if isinstance(left, Range) and isinstance(right, Range):
            return self.numbers(expr, left, right, ctx)
        if isinstance(left, Words) and isinstance(right, Words):
            return _words(expr.op, left, right)
        if isinstance(left, Truth) and isinstance(right, Truth):
            same = v.any_of([v.all_of([left, right]), v.all_of([left.invert(), right.invert()])])
            return same if expr.op == "=" else same.invert()
        return v.UNDECIDED

    def numbers(self, expr: n.Compare, left: Range, right: Range, ctx: Ctx) -> Truth:
        op = expr.op
        difference = v.subtract(left, right)
        if op == "!=":
            return self.numbers(attrs.evolve(expr, op="="), left, right, ctx).invert()
        holds_in = region(op, ZERO)
        can_hold = not difference.interval.meet(holds_in).empty
        can_fail = not difference.interval.within(holds_in)
        if difference.integral and can_hold:
            grid = difference.interval.meet(holds_in).on_grid(ONE)
            can_hold = grid is not None
        holds: list[Witness | None] = []
        fails: list[Witness | None] = []
        # A fact against a written number: the facts that meet it, and those that do not.
        solved = self.solve(expr.left, expr.right, op, ctx) or self.solve(
            expr.right, expr.left, _FLIPPED[op], ctx
        )
        if solved is not None:
            holds.append(solved[0])
            fails.extend(solved[1])
        # Otherwise the ends of the difference, where they are reached.
        for value, witness in (
            (difference.low, difference.low_w),
            (difference.high, difference.high_w),
        ):
            if value is None or witness is None:
                continue
            (holds if _COMPARISON[op](value, ZERO) else fails).append(witness)
        return Truth(
            can_hold,
            can_fail,
            v.alternatives(holds) if can_hold else (),
            v.alternatives(fails) if can_fail else (),
        )

    def solve(
        self, subject: n.Expr, other: n.Expr, op: str, ctx: Ctx
    ) -> tuple[Witness | None, list[Witness | None]] | None:
        """For `subject op c`, c written: the facts that meet it and those that do not."""
        c = _constant(other)
        if c is None:
            return None
        equal = op == "="
        fail_regions = [region("<", c), region(">", c)] if equal else [region(_OPPOSITE[op], c)]
        met = self.preimage(subject, region(op, c), ctx)
        if met is None:
            return None
        fact, dom = met
        holds: Witness | None = None if dom is None else {fact: dom}
        fails: list[Witness | None] = []
        for part in fail_regions:
            missed = self.preimage(subject, part, ctx)
            if missed is not None and missed[1] is not None:
                fails.append({fact: missed[1]})
        return holds, fails

    def membership(self, expr: n.Compare, ctx: Ctx) -> Truth:
        collection = self.value(expr.right, ctx)
        item = expr.left.value if isinstance(expr.left, n.Text) else None
        if not isinstance(collection, SetOf) or item is None:
            return v.UNDECIDED
        items = collection.items
        with_it = items.meet(Items(items.universe, frozenset([item])))
        without = items.meet(Items(items.universe, lacks=frozenset([item])))
        fact = collection.fact
        return Truth(
            with_it is not None,
            without is not None,
            ({fact: with_it},) if fact is not None and with_it is not None else (),
            ({fact: without},) if fact is not None and without is not None else (),
        )

    def logic(self, expr: n.Logic, ctx: Ctx) -> Truth:
        """`and` reads each operand only where those before it hold; `or`, where they fail."""
        want = expr.op == "and"
        truths: list[Truth] = []
        current: Ctx | None = ctx
        for operand in expr.operands:
            if current is None:
                break
            truth = self.truth(operand, current)
            truths.append(truth)
            if not (truth.can_hold if want else truth.can_fail):
                break  # the rest is never read
            current = self.refine(operand, current, want)
        return v.all_of(truths) if want else v.any_of(truths)

    def refine(self, expr: n.Expr, ctx: Ctx, outcome: bool) -> Ctx | None:
        """The context where a condition has an outcome, as far as single facts show it."""
        match expr:
            case n.Not():
                return self.refine(expr.operand, ctx, not outcome)
            case n.Logic():
                if (expr.op == "and") == outcome:
                    current: Ctx | None = ctx
                    for operand in expr.operands:
                        if current is None:
                            return None
                        current = self.refine(operand, current, outcome)
                    return current
                return ctx
            case n.Name():
                fact = self.fact_of(expr, ctx)
                if fact is not None and isinstance(ctx.doms[fact], Choice):
                    return ctx.narrowed(fact, Choice(frozenset([outcome])))
                return ctx
            case n.Compare():
                return self.refine_compare(expr, ctx, outcome)
            case _:
                return ctx

    def refine_compare(self, expr: n.Compare, ctx: Ctx, outcome: bool) -> Ctx | None:
        if expr.op == "in":
            fact = self.fact_of(expr.right, ctx)
            if fact is None or not isinstance(expr.left, n.Text):
                return ctx
            items = ctx.doms[fact]
            assert isinstance(items, Items)
            item = frozenset([expr.left.value])
            held = Items(items.universe, item) if outcome else Items(items.universe, lacks=item)
            return ctx.narrowed(fact, held)
        op = expr.op if outcome else _OPPOSITE[expr.op]
        both = self.fact_of(expr.left, ctx), self.fact_of(expr.right, ctx)
        if both[0] is not None and both[1] is not None and op != "!=":
            return _order_facts(ctx, both[0], op, both[1])
        for subject, other, how in (
            (expr.left, expr.right, op),
            (expr.right, expr.left, _FLIPPED[op]),
        ):
            word = other.value if isinstance(other, n.Text) else None
            named = self.fact_of(subject, ctx)
            choice = ctx.doms[named] if named is not None else None
            if word is not None and named is not None and isinstance(choice, Choice):
                kept = frozenset([word]) if how == "=" else choice.values - {word}
                return ctx.narrowed(named, Choice(kept))
            c = _constant(other)
            if c is None or how == "!=":
                continue
            met = self.preimage(subject, region(how, c), ctx)
            if met is not None:
                # No value of the fact meets it: no facts get here.
                return None if met[1] is None else ctx.narrowed(met[0], met[1])
        return ctx


def fact_value(name: str, dom: Dom) -> Value:
    """What a fact is, from its domain, with the witnesses of its ends."""
    if isinstance(dom, Num):
        interval = dom.interval
        low_w = high_w = None
        if interval.low is not None and interval.low_closed:
            low_w = {name: Num(Interval(interval.lo, interval.lo), dom.step)}
        if interval.high is not None and interval.high_closed:
            high_w = {name: Num(Interval(interval.hi, interval.hi), dom.step)}
        step = dom.step  # mostly the one ONE of counts, or None: compared as an object first
        return Range(interval, step is ONE or (step is not None and step == 1), low_w, high_w)
    if isinstance(dom, Choice):
        if all(isinstance(x, bool) for x in dom.values):
            return Truth(
                True in dom.values,
                False in dom.values,
                ({name: Choice(frozenset([True]))},) if True in dom.values else (),
                ({name: Choice(frozenset([False]))},) if False in dom.values else (),
            )
        return Words(name, frozenset(str(x) for x in dom.values))
    return SetOf(name, dom)


def _order_facts(ctx: Ctx, left: str, op: str, right: str) -> Ctx | None:
    """The context where `left op right` holds, for two numeric facts: each end narrowed."""
    a, b = ctx.doms[left], ctx.doms[right]
    if not isinstance(a, Num) or not isinstance(b, Num):
        return ctx
    narrowed: Ctx | None = ctx
    if op in ("<", "<="):
        narrowed = _narrow_ends(narrowed, left, Interval(NEG_INF, b.interval.hi))
        narrowed = _narrow_ends(narrowed, right, Interval(a.interval.lo, POS_INF))
    elif op in (">", ">="):
        narrowed = _narrow_ends(narrowed, left, Interval(b.interval.lo, POS_INF))
        narrowed = _narrow_ends(narrowed, right, Interval(NEG_INF, a.interval.hi))
    elif op == "=":
        narrowed = _narrow_ends(narrowed, left, b.interval)
        narrowed = _narrow_ends(narrowed, right, a.interval)
    return narrowed


def _narrow_ends(ctx: Ctx | None, name: str, interval: Interval) -> Ctx | None:
    return None if ctx is None else ctx.narrowed(name, Num(interval))


def _words(op: str, left: Words, right: Words) -> Truth:
    """A level against a word: '=' or '!='."""
    level, word = (left, right) if left.fact is not None else (right, left)
    if word.values is None or len(word.values) != 1 or level.values is None:
        return v.UNDECIDED
    (the_word,) = word.values
    same_w = ({level.fact: Choice(frozenset([the_word]))},) if level.fact is not None else ()
    others = level.values - {the_word}
    differ_w = ({level.fact: Choice(frozenset(others))},) if level.fact and others else ()
    same = Truth(
        the_word in level.values, bool(others), same_w if the_word in level.values else (), differ_w
    )
    return same if op == "=" else same.invert()


def _constant(expr: n.Expr) -> Fraction | None:
    """The number an expression is when it is written as one: 5, -5."""
    if isinstance(expr, n.Number):
        return expr.value
    if isinstance(expr, n.Negate) and isinstance(expr.operand, n.Number):
        return -expr.operand.value
    return None


def _shifted(interval: Interval, c: Fraction) -> Interval:
    def move(pos: Pos) -> Pos:
        kind, value, side = pos
        return pos if kind else (0, value + c, side)

    return Interval(move(interval.lo), move(interval.hi))


def _scaled(interval: Interval, c: Fraction) -> Interval:
    """{x·c : x in interval}."""

    def scale(pos: Pos) -> Pos:
        kind, value, side = pos
        if kind:
            return (kind if c > 0 else -kind, ZERO, 0)
        return (0, value * c, side if c > 0 else -side)

    lo, hi = scale(interval.lo), scale(interval.hi)
    return Interval(lo, hi) if c > 0 else Interval(hi, lo)


def _short_of(target: Interval, c: Fraction) -> Interval:
    """The x with max(c − x, 0) in target."""
    if target.holds(ZERO):
        # c − x ≤ target's top, and everything from c up gives 0.
        return _shifted(_scaled(Interval(NEG_INF, target.hi), Fraction(-1)), c)
    above_zero = target.meet(Interval(above(ZERO), POS_INF))
    return _shifted(_scaled(above_zero, Fraction(-1)), c)


def _over(target: Interval, c: Fraction) -> Interval:
    """The x with max(x − c, 0) in target."""
    if target.holds(ZERO):
        return _shifted(Interval(NEG_INF, target.hi), c)
    return _shifted(target.meet(Interval(above(ZERO), POS_INF)), c)
