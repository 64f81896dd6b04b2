"""Facts that reach a bound: a witness made whole facts, checked as scoring would check them.

A witness holds a few facts to domains; the facts given to `score` must all have a value, meet
their declarations and the `require` lines, and be scorable (no divisor at 0, no value outside
every band, no group left with nothing). Facts are found once for the whole rubric; a witness
changes a few of them, and only the checks that read those are tried again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import attrs

from rubric._check import values as v
from rubric._check.exprs import Ctx, Exprs, Frame, Overlay, region
from rubric._check.intervals import ZERO, Interval, IntervalUnion, at
from rubric._check.values import Choice, Dom, Items, Num, Witness
from rubric.dsl import nodes as n

if TYPE_CHECKING:
    from rubric._check.bounds import _Analyser

__all__ = ["Checks", "ReadOnly", "holds"]


class ReadOnly(Mapping[str, object]):
    """A mapping no one changes, shared between threads, and picklable (a mappingproxy is not).

    With `over`, it is `items` with some of its keys given other values: the facts of one node's
    bound share the facts found for the whole rubric, which are not copied for each node.
    """

    def __init__(
        self, items: Mapping[str, object], over: Mapping[str, object] | None = None
    ) -> None:
        self._items = dict(items) if over is None else items
        self._over = {} if over is None else dict(over)

    def __getitem__(self, key: str) -> object:
        over = self._over
        return over[key] if key in over else self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"ReadOnly({dict(self)!r})"


@attrs.frozen
class _Check:
    """One thing facts must meet to be scored: a bound by another fact, a `require` line, a
    divisor that must not be 0, a table that must take the value, a group that must score."""

    kind: Literal["bound", "require", "divisor", "table", "group"]
    reads: frozenset[str]
    fact: n.FactDecl | None = None
    constraint: n.Constraint | None = None
    expr: n.Expr | None = None
    frame: Frame | None = None
    union: IntervalUnion | None = None
    node: str = ""


@attrs.define
class Checks:
    """Turns a witness into whole facts, and checks them as scoring would.

    Facts are found once for the whole rubric, meeting every check; a witness changes a few
    of them, and only the checks that read those are tried again.
    """

    analyser: _Analyser
    document: n.Document
    divisors: list[tuple[n.Expr, Frame]] = attrs.Factory(list)
    tables: list[tuple[n.Expr, Frame, IntervalUnion]] = attrs.Factory(list)
    groups: list[str] = attrs.Factory(list)
    checks: list[_Check] | None = None
    by_fact: dict[str, list[_Check]] = attrs.Factory(dict)
    base: dict[str, object] | None = None
    base_points: dict[str, Dom] = attrs.Factory(dict)
    base_given: dict[str, object] = attrs.Factory(dict)  # the base, as a facts file gives it
    decls: dict[str, n.FactDecl] | None = None
    found: dict[tuple[tuple[str, Dom], ...], Mapping[str, object] | None] = attrs.Factory(dict)

    def complete(self, witness: Witness) -> Mapping[str, object] | None:
        """Whole facts within a witness that the rubric accepts and can score, or None."""
        key = tuple(sorted(witness.items(), key=lambda item: item[0]))
        if key not in self.found:
            self.found[key] = self.search(witness)
        return self.found[key]

    def search(self, witness: Witness) -> Mapping[str, object] | None:
        if self.checks is None:
            self.prepare()
        for prefer in ("high", "low", "middle"):
            chosen: dict[str, object] = {}
            for name, dom in witness.items():
                value = _value_of(dom, prefer)
                if value is None:
                    break
                chosen[name] = value
            else:
                if self.base is not None:
                    changes = self.moved(chosen)
                    if changes is not None:
                        return ReadOnly(self.base_given, self.given(changes))
                for base in ("high", "low", "middle", "huge"):
                    facts = self.fill(chosen, base)
                    if facts is not None and self.meets(facts, self.checks or []):
                        return ReadOnly(_as_given(facts, self.document))
        return None

    def prepare(self) -> None:
        """Gather the checks, and find facts that meet them all, where simple choices do."""
        analyser = self.analyser
        checks: list[_Check] = []
        for fact in self.document.facts:
            for c in fact.constraints:
                if isinstance(c.operand, n.Name) and c.operand.name in analyser.declared:
                    reads = frozenset([fact.name, c.operand.name])
                    checks.append(_Check("bound", reads, fact=fact, constraint=c))
        for req, reads in analyser.require_reads:
            checks.append(_Check("require", reads, expr=req.condition, frame=analyser.frame))
        for divisor, frame in self.divisors:
            reads = frozenset(analyser.names_in(divisor, frame))
            checks.append(_Check("divisor", reads, expr=divisor, frame=frame))
        for subject, frame, union in self.tables:
            reads = frozenset(analyser.names_in(subject, frame))
            checks.append(_Check("table", reads, expr=subject, frame=frame, union=union))
        for node_id in self.groups:
            reads = frozenset(self.subtree_reads(node_id))
            checks.append(_Check("group", reads, node=node_id))
        self.checks = checks
        for check in checks:
            for name in check.reads:
                self.by_fact.setdefault(name, []).append(check)
        for prefer in ("high", "low", "middle"):
            facts = self.fill({}, prefer)
            if facts is not None and self.meets(facts, checks):
                self.base = facts
                self.base_given = _as_given(facts, self.document)
                self.base_points = {
                    name: dom
                    for name, value in facts.items()
                    if (dom := _point(value, analyser.declared[name])) is not None
                }
                return

    def subtree_reads(self, node_id: str) -> set[str]:
        reads: set[str] = set()
        analyser = self.analyser
        stack = [analyser.nodes[node_id]] if node_id else list(analyser.tree)
        while stack:
            node = stack.pop()
            reads.update(analyser.reads.get(node.decl.id, ()))
            stack.extend(node.children)
        return reads

    def moved(self, chosen: dict[str, object]) -> dict[str, object] | None:
        """The facts found for the rubric with a witness's values put in, bounds by other
        facts met again by moving facts not in the witness, and the checks they touch tried:
        the facts that differ from the base's, as the rest are its (not copied: it holds every
        fact of the rubric, and this is done for each bound of each node)."""
        base = self.base
        assert base is not None
        doms = self.analyser.ctx.doms
        facts = dict(chosen)
        changed = set(chosen)
        for _ in range(3):
            moved = False
            for name in list(changed):
                for check in self.by_fact.get(name, []):
                    if check.kind != "bound":
                        continue
                    fact, c = check.fact, check.constraint
                    assert fact is not None and c is not None and isinstance(c.operand, n.Name)
                    other = c.operand.name
                    mine = facts[fact.name] if fact.name in facts else base[fact.name]
                    theirs = facts[other] if other in facts else base[other]
                    if not isinstance(mine, Fraction) or not isinstance(theirs, Fraction):
                        continue
                    if holds(c.op, mine, theirs):
                        continue
                    if fact.name not in chosen:
                        facts[fact.name] = _meeting(c.op, theirs, doms[fact.name])
                        changed.add(fact.name)
                        moved = True
                    elif other not in chosen:
                        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[c.op]
                        facts[other] = _meeting(flipped, mine, doms[other])
                        changed.add(other)
                        moved = True
            if not moved:
                break
        touched: dict[int, _Check] = {}
        for name in changed:
            for check in self.by_fact.get(name, []):
                touched[id(check)] = check
        subset = {name: facts[name] for name in changed}
        return facts if self.meets(subset, list(touched.values()), self.base_points) else None

    def given(self, changes: dict[str, object]) -> dict[str, object]:
        """Facts of the rubric as a facts file gives them, of those among `changes`."""
        if self.decls is None:
            self.decls = {fact.name: fact for fact in self.document.facts}
        decls = self.decls
        return {
            name: _given(decls[name], value) for name, value in changes.items() if name in decls
        }

    def fill(self, chosen: dict[str, object], prefer: str) -> dict[str, object] | None:
        doms = self.analyser.ctx.doms
        facts = dict(chosen)
        for fact in self.document.facts:
            if fact.name not in facts:
                value = _value_of(doms[fact.name], prefer)
                if value is None:
                    return None
                facts[fact.name] = value
        # Bounds by other facts: move a fact not in the witness to meet them.
        for _ in range(3):
            moved = False
            for fact in self.document.facts:
                for c in fact.constraints:
                    if not isinstance(c.operand, n.Name) or c.operand.name not in facts:
                        continue
                    mine, theirs = facts[fact.name], facts[c.operand.name]
                    if not isinstance(mine, Fraction) or not isinstance(theirs, Fraction):
                        continue
                    if holds(c.op, mine, theirs):
                        continue
                    if fact.name not in chosen:
                        facts[fact.name] = _meeting(c.op, theirs, doms[fact.name])
                        moved = True
                    elif c.operand.name not in chosen:
                        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[c.op]
                        facts[c.operand.name] = _meeting(flipped, mine, doms[c.operand.name])
                        moved = True
            if not moved:
                break
        return facts

    def meets(
        self,
        facts: Mapping[str, object],
        checks: list[_Check],
        under: Mapping[str, Dom] | None = None,
    ) -> bool:
        """Whether facts (over others already checked, `under`) meet their declarations and
        the checks given."""
        analyser = self.analyser
        declared = analyser.declared
        points: dict[str, Dom] = {}
        for name, value in facts.items():
            dom = _point(value, declared[name])
            if dom is None or v.meet(dom, declared[name]) is None:
                return False
            points[name] = dom
        every: Mapping[str, Dom] = points if under is None else Overlay(points, under)
        exprs = Exprs()
        ctx = Ctx(every, analyser.frame)
        groups: list[str] = []
        for check in checks:
            match check.kind:
                case "bound":
                    fact, c = check.fact, check.constraint
                    assert fact is not None and c is not None and isinstance(c.operand, n.Name)
                    mine, theirs = every[fact.name], every[c.operand.name]
                    assert isinstance(mine, Num) and isinstance(theirs, Num)
                    a, b = mine.interval.low, theirs.interval.low
                    if a is None or b is None or not holds(c.op, a, b):
                        return False
                case "require":
                    assert check.expr is not None
                    truth = exprs.truth(check.expr, ctx)
                    if truth.can_fail or not truth.can_hold:
                        return False
                case "divisor":
                    assert check.expr is not None and check.frame is not None
                    found = exprs.number(check.expr, ctx.with_frame(check.frame))
                    if found.interval.holds(ZERO):
                        return False
                case "table":
                    assert check.expr is not None and check.union is not None
                    assert check.frame is not None
                    found = exprs.number(check.expr, ctx.with_frame(check.frame))
                    if found.low is None or not check.union.covers(found.interval):
                        return False
                case "group":
                    groups.append(check.node)
        return not groups or self.groups_scorable(every, groups)

    def groups_scorable(self, points: Mapping[str, Dom], groups: list[str]) -> bool:
        """Whether groups that can be left with nothing, or that choose one of their
        children, score these facts: their subtrees worked out on the facts alone."""
        outer = self.analyser
        analyser = outer.scratch()
        analyser.declared = dict(points)
        analyser.ctx = Ctx(points, analyser.frame)
        for node_id in dict.fromkeys(groups):
            if node_id:
                summary = analyser.node(outer.nodes[node_id], None)
                if summary.may_apply and not summary.candidates:
                    return False
                continue
            base = [t for t in outer.tree if t.decl.role == "base"]
            kids = [analyser.node(t, None) for t in base]
            if kids and all(k.may_zero for k in kids):
                return False
        return True


def _value_of(dom: Dom, prefer: str) -> object | None:
    """A value of a domain, as a fact would be given; 'huge' is high, or far up if unbounded."""
    if isinstance(dom, Num) and prefer == "huge":
        if dom.interval.high is not None:
            return dom.pick("high")
        low = dom.pick("low") if dom.interval.low is not None else ZERO
        return None if low is None else low + 10**6 * (dom.step or 1)
    if isinstance(dom, Num):
        which: Literal["low", "high", "middle"] = (
            "low" if prefer == "low" else "high" if prefer == "high" else "middle"
        )
        return dom.pick(which)
    if isinstance(dom, Choice):
        ordered = sorted(dom.values, key=lambda x: (str(type(x)), str(x)))
        if not ordered:
            return None
        return ordered[-1] if prefer == "high" else ordered[0]
    return dom.pick()


def _point(value: object, declared: Dom) -> Dom | None:
    if isinstance(declared, Num) and isinstance(value, Fraction):
        return Num(Interval(at(value), at(value)), declared.step)
    if isinstance(declared, Choice):
        return Choice(frozenset([value]))
    if isinstance(declared, Items) and isinstance(value, frozenset):
        count = Fraction(len(value))
        universe = declared.universe
        others = (universe - value) if universe is not None else frozenset()
        return Items(universe, value, others, Interval(at(count), at(count)))
    return None


def _as_given(facts: dict[str, object], document: n.Document) -> dict[str, object]:
    """Facts as a facts file gives them: counts as ints, adjustments with a reason."""
    return {fact.name: _given(fact, facts[fact.name]) for fact in document.facts}


def _given(fact: n.FactDecl, value: object) -> object:
    """One fact's value as a facts file gives it."""
    kind = fact.type.kind
    if kind == "count" and isinstance(value, Fraction):
        return int(value)
    if kind == "adjustment" and isinstance(value, Fraction):
        return {"points": value, "reason": "边界"} if value else 0
    if kind == "set" and isinstance(value, frozenset):
        return sorted(value)
    return value


def holds(op: str, a: Fraction, b: Fraction) -> bool:
    """Whether `a op b`, for a bound of one fact by another."""
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}.get(op, True)


def _meeting(op: str, other: Fraction, dom: Dom) -> Fraction:
    """A value meeting `value op other`, inside a domain where possible."""
    assert isinstance(dom, Num)
    wanted = dom.meet(Num(region(op, other)))
    if wanted is not None:
        found = wanted.pick("low" if op in (">", ">=") else "high")
        if found is not None:
            return found
    return other


# ---------------------------------------------------------------- rules, as ranges and options
