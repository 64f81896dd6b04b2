"""The compiler: a checked syntax tree to immutable evaluator objects."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from rubric import _evaluator as ev
from rubric import _wording as w
from rubric._checker import Checked, TreeNode
from rubric._facts import Bound, FactSpec, Requirement
from rubric.dsl import nodes as n

__all__ = ["Compiled", "compile_checked"]


@attrs.frozen
class Grade:
    """A grade and the condition on the total (and facts) that earns it; None means otherwise."""

    name: str
    condition: ev.Expr | None
    line: int
    uses: ev.Uses


@attrs.frozen
class Compiled:
    """Everything a Rubric needs to validate facts and score them."""

    id: str
    title: str
    version: str | None
    facts: tuple[FactSpec, ...]
    requirements: tuple[Requirement, ...]
    lets: Mapping[str, ev.Let] = attrs.field(converter=ev.read_only)
    root: ev.Root
    grades: tuple[Grade, ...]
    policy: ev.Policy
    filename: str


def compile_checked(checked: Checked) -> Compiled:
    """Compile a checked rubric into evaluator objects."""
    return _Compiler(checked).compile()


@attrs.define
class _Compiler:
    checked: Checked
    subjects: dict[str, ev.Subject] = attrs.Factory(dict)
    lets: dict[str, ev.Let] = attrs.Factory(dict)
    local: dict[str, ev.Let] = attrs.Factory(dict)
    # The facts and values each value in reach reads, directly or through other values.
    reads: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = attrs.Factory(dict)
    titles: dict[str, str] = attrs.Factory(dict)
    parent_mode: str | None = None  # how the group holding the node being compiled combines

    def line(self, node: Any) -> int:
        return self.checked.source.line_of(node.span)

    def compile(self) -> Compiled:
        doc, header = self.checked.document, self.checked.header
        for fact in doc.facts:
            labels = {word.name: word.label for word in fact.type.words or () if word.label}
            order = tuple(word.name for word in fact.type.words or ())
            self.subjects[fact.name] = ev.Subject(
                fact.name, fact.description or fact.name, fact.unit, labels, order
            )
        for let in doc.lets:
            self.lets[let.name] = self.let(let)
        self.subjects["total"] = ev.TOTAL
        self.titles = {
            node.decl.id: node.decl.title for top in self.checked.tree for node in _walk_tree(top)
        }
        tree = tuple(self.node(child) for child in self.checked.tree)
        base = (c.max_points for c in tree if c.role == "base")
        max_ = header.max.value if header.max else sum(base, Fraction(0))
        clauses, _ = self.clauses(doc.clauses)
        rounding = self.checked.rounding
        return Compiled(
            id=header.id,
            title=header.title,
            version=doc.version.text if doc.version else None,
            facts=tuple(self.fact_spec(f) for f in doc.facts),
            requirements=tuple(self.requirement(r) for r in doc.requires),
            lets=dict(self.lets),
            root=ev.Root(
                ev.Group(header.id, header.title, max_, tree, self.line(header), clauses=clauses),
                doc.negative_total,
            ),
            grades=tuple(
                Grade(
                    g.name,
                    None if g.condition is None else self.expr(g.condition),
                    self.line(g),
                    ev.Uses((), ()) if g.condition is None else self.uses_of(g.condition),
                )
                for g in doc.grades
            ),
            policy=ev.Policy(rounding.places, rounding.mode, rounding.scope),
            filename=self.checked.source.filename,
        )

    # ------------------------------------------------------------ declarations

    def fact_spec(self, fact: n.FactDecl) -> FactSpec:
        words = fact.type.words
        return FactSpec(
            name=fact.name,
            kind=fact.type.kind,
            description=fact.description,
            unit=fact.unit,
            choices=None if words is None else tuple(word.name for word in words),
            labels=tuple((word.name, word.label) for word in words or () if word.label),
            bounds=tuple(self.bound(c) for c in fact.constraints),
            step=fact.step.value if fact.step else None,
            optional=fact.optional,
        )

    def bound(self, constraint: n.Constraint) -> Bound:
        operand = constraint.operand
        if isinstance(operand, n.Name):
            return Bound(constraint.op, None, operand.name)
        # The checker lets only a number, or a negated one, through.
        if isinstance(operand, n.Negate):
            assert isinstance(operand.operand, n.Number)
            return Bound(constraint.op, -operand.operand.value, None)
        assert isinstance(operand, n.Number)
        return Bound(constraint.op, operand.value, None)

    def requirement(self, req: n.Require) -> Requirement:
        facts, _ = self.uses(req.condition)
        return Requirement(self.expr(req.condition), req.message, facts, self.line(req))

    def let(self, let: n.Let) -> ev.Let:
        # What a value reads is worked out once, here, not again at each use: chains of
        # values would otherwise cost exponential time.
        self.reads[let.name] = self.uses(let.expr)
        subject = ev.Subject(let.name, let.description or let.name, let.unit)
        if isinstance(let.expr, n.Name) and let.expr.name in self.subjects:
            # A value that renames a fact reads like it: its label, unit and words.
            base = self.subjects[let.expr.name]
            subject = ev.Subject(
                let.name,
                let.description or base.label,
                let.unit or base.unit,
                base.labels,
                base.order,
            )
        self.subjects[let.name] = subject
        return ev.Let(subject, self.expr(let.expr))

    # ------------------------------------------------------------ the tree

    def node(self, tree: TreeNode, parent_mode: str | None = None) -> ev.Group | ev.Indicator:
        decl = tree.decl
        self.parent_mode = parent_mode
        max_ = decl.max.value if decl.max else None
        if isinstance(decl, n.Group):
            clauses, na = self.clauses(decl.clauses)
            children = tuple(self.node(child, decl.mode) for child in tree.children)
            weights = None
            if decl.mode == "weighted":
                weights = tuple(_weight(child.decl) for child in tree.children)
            return ev.Group(
                decl.id,
                decl.title,
                max_,
                children,
                self.line(decl),
                decl.mode,
                decl.role,
                weights,
                clauses,
                na,
            )
        self.local, global_reads = {}, dict(self.reads)
        for let in decl.lets:
            self.local[let.name] = self.let(let)
        parts: list[ev.Rule | ev.Pool] = [self.rule(rule, decl) for rule in decl.rules]
        for pool in decl.pools:
            rules = tuple(self.rule(rule, decl) for rule in pool.rules)
            parts.append(ev.Pool(pool.label or pool.name, pool.cap.value, rules, self.line(pool)))
        clauses, na = self.clauses(decl.clauses)
        indicator = ev.Indicator(
            decl.id,
            decl.title,
            max_,
            dict(self.local),
            tuple(parts),
            self.line(decl),
            decl.role,
            clauses,
            na,
        )
        self.local, self.reads = {}, global_reads
        return indicator

    def clauses(
        self, clauses: tuple[n.Clause, ...]
    ) -> tuple[tuple[ev.Clause, ...], ev.NotApplicable | None]:
        """A node's caps and multipliers, in order, and its not-applicable line."""
        compiled: list[ev.Clause] = []
        na = None
        for clause in clauses:
            condition, uses = self.expr(clause.condition), self.uses_of(clause.condition)
            line = self.line(clause)
            if isinstance(clause, n.NotApplicable):
                normalised = self.parent_mode is not None
                na = ev.NotApplicable(condition, clause.policy, uses, line, normalised)
            elif isinstance(clause, n.CapIf):
                compiled.append(ev.CapWhen(clause.cap.value, condition, uses, line))
            else:
                factor = clause.factor
                compiled.append(ev.Multiplier(factor.value, factor.text, condition, uses, line))
        return tuple(compiled), na

    def rule(self, rule: n.Rule, ind: n.Indicator) -> ev.Rule:
        method: Callable[[Any, n.Indicator], ev.Rule] = getattr(self, f"rule_{type(rule).__name__}")
        return method(rule, ind)

    def rule_Start(self, rule: n.Start, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        assert ind.max is not None, "the checker refuses 'start from' in deduction items"
        amount = ind.max.value if rule.amount is None else rule.amount.value
        return ev.Start(amount, rule.amount is None, self.line(rule))

    def rule_When(self, rule: n.When, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        award = ev.Award(rule.points.value, self.checked.rounding.places)
        condition = self.expr(rule.condition)
        return ev.When(award, condition, self.uses_of(rule.condition), self.line(rule))

    def rule_Each(self, rule: n.Each, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        cap = rule.cap.value if rule.cap else None
        if rule.items is not None:
            award = ev.Award(rule.points.value, self.checked.rounding.places)
            conditions = tuple((self.expr(c), self.uses_of(c)) for c in rule.items)
            return ev.EachCondition(award, conditions, cap, self.line(rule))
        assert rule.subject is not None
        return ev.EachItem(
            rule.points.value,
            self.expr(rule.subject),
            cap,
            self.uses_of(rule.subject),
            self.line(rule),
        )

    def rule_Per(self, rule: n.Per, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        return ev.PerStep(
            rule.points.value,
            rule.step.value,
            self.expr(rule.quantity),
            rule.partial or "whole",
            rule.cap.value if rule.cap else None,
            self.uses_of(rule.quantity),
            self.line(rule),
        )

    def rule_Formula(self, rule: n.Formula, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        value = self.expr(rule.value)
        # The facts and values a formula reads are shown beside it, unless it is one of them.
        refs: dict[str, ev.Expr] = {}
        for name in (x for x in n.walk(rule.value) if isinstance(x, n.Name)):
            if name is not rule.value:
                refs.setdefault(name.name, self.expr(name))
        return ev.Formula(
            value,
            rule.cap.value if rule.cap else None,
            tuple(refs.values()),
            self.uses_of(rule.value),
            self.line(rule),
        )

    def rule_Adjust(self, rule: n.Adjust, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        return ev.AdjustBy(self.subjects[rule.name.name], self.line(rule))

    def rule_Table(self, rule: n.Table, ind: n.Indicator) -> ev.Rule:  # noqa: N802
        subject = self.expr(rule.subject)
        labels: Mapping[str, str] = {}
        unit = None
        if isinstance(subject, ev.FactRef | ev.ValueRef):
            labels, unit = subject.subject.labels, subject.subject.unit
        arms = tuple(self.arm(arm, labels, unit or "") for arm in rule.arms)
        return ev.Table(subject, arms, self.uses_of(rule.subject), self.line(rule))

    def arm(self, arm: n.Arm, labels: Mapping[str, str], unit: str) -> ev.Arm:
        if arm.band is not None:
            bounds = tuple((ev.COMPARISONS[op], number.value) for op, number in arm.band.bounds)
            text = "且".join(f"{w.OPS[op]} {number.text}{unit}" for op, number in arm.band.bounds)
            linear = None
            if arm.end is not None:
                low = next(x for op, x in arm.band.bounds if op in (">", ">="))
                high = next(x for op, x in arm.band.bounds if op in ("<", "<="))
                linear = ev.Linear(
                    low.value,
                    high.value,
                    arm.points.value,
                    arm.end.value,
                    f"{low.text}{unit}",
                    f"{high.text}{unit}",
                )
            return ev.Arm(_BandTest(bounds), text, arm.points.value, False, linear)
        if arm.word is not None:
            word = arm.word.name
            return ev.Arm(_WordTest(word), labels.get(word, word), arm.points.value, False)
        return ev.Arm(_always, "其他", arm.points.value, True)

    # ------------------------------------------------------------ expressions

    def expr(self, expr: n.Expr) -> ev.Expr:
        method: Callable[[Any], ev.Expr] = getattr(self, f"expr_{type(expr).__name__}")
        return method(expr)

    def expr_Number(self, expr: n.Number) -> ev.Expr:  # noqa: N802
        return ev.Const(expr.value, expr.text)

    def expr_Text(self, expr: n.Text) -> ev.Expr:  # noqa: N802
        return ev.Const(expr.value, expr.value)

    def expr_Name(self, expr: n.Name) -> ev.Expr:  # noqa: N802
        subject = self.subjects[expr.name]
        if expr.name in self.lets or expr.name in self.local or expr.name == "total":
            return ev.ValueRef(subject)
        return ev.FactRef(subject, self.checked.types[expr.name].kind == "count")

    def expr_Negate(self, expr: n.Negate) -> ev.Expr:  # noqa: N802
        if isinstance(expr.operand, n.Number):
            # A written negative number reads as one: -1, not the negation of 1.
            return ev.Const(-expr.operand.value, f"-{expr.operand.text}")
        return ev.Negation(self.expr(expr.operand))

    def expr_Binary(self, expr: n.Binary) -> ev.Expr:  # noqa: N802
        # A division names the facts of its divisor when they are zero.
        facts = self.uses(expr.right)[0] if expr.op == "/" else ()
        return ev.Arithmetic(
            expr.op, self.expr(expr.left), self.expr(expr.right), facts, self.line(expr)
        )

    def expr_ScoreOf(self, expr: n.ScoreOf) -> ev.Expr:  # noqa: N802
        return ev.NodeScore(expr.id, self.titles[expr.id])

    def expr_SizeOf(self, expr: n.SizeOf) -> ev.Expr:  # noqa: N802
        return ev.Size(self.expr(expr.operand))

    def expr_Not(self, expr: n.Not) -> ev.Expr:  # noqa: N802
        return ev.Inversion(self.expr(expr.operand))

    def expr_Logic(self, expr: n.Logic) -> ev.Expr:  # noqa: N802
        return ev.Junction(expr.op, tuple(self.expr(o) for o in expr.operands))

    def expr_Compare(self, expr: n.Compare) -> ev.Expr:  # noqa: N802
        left, right = self.expr(expr.left), self.expr(expr.right)
        if expr.op == "in":
            assert isinstance(left, ev.Const)
            labels = right.subject.labels if isinstance(right, ev.FactRef | ev.ValueRef) else {}
            item = str(left.value)
            return ev.Membership(ev.Const(item, labels.get(item, item)), right)
        left, right = _labelled(left, right), _labelled(right, left)
        if isinstance(left, ev.Const) and not isinstance(right, ev.Const):
            # "1 > 户数" reads as "户数 < 1": the quantity first, the written number after.
            return ev.Comparison(_FLIPPED[expr.op], right, left)
        return ev.Comparison(expr.op, left, right)

    # ------------------------------------------------------------ what a rule reads

    def uses(self, expr: n.Expr) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The facts and values an expression reads, through the values it uses."""
        facts: dict[str, None] = {}
        values: dict[str, None] = {}
        for name in (x.name for x in n.walk(expr) if isinstance(x, n.Name)):
            if name == "total":
                continue
            if name not in self.reads:
                facts[name] = None
                continue
            values[name] = None
            inner_facts, inner_values = self.reads[name]
            facts.update(dict.fromkeys(inner_facts))
            values.update(dict.fromkeys(inner_values))
        return tuple(facts), tuple(values)

    def uses_of(self, expr: n.Expr) -> ev.Uses:
        facts, values = self.uses(expr)
        return ev.Uses(facts, values)


def _walk_tree(tree: TreeNode) -> list[TreeNode]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _weight(decl: n.Group | n.Indicator) -> Fraction:
    assert decl.weight is not None, "the checker gives every child of a weighted group a weight"
    return decl.weight.value


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


def _labelled(expr: ev.Expr, other: ev.Expr) -> ev.Expr:
    """Show a level word by its label when it is compared with a level fact."""
    named = isinstance(other, ev.FactRef | ev.ValueRef)
    if isinstance(expr, ev.Const) and isinstance(expr.value, str) and named:
        assert isinstance(other, ev.FactRef | ev.ValueRef)
        return ev.Const(expr.value, other.subject.labels.get(expr.value, expr.value))
    return expr


@attrs.frozen
class _BandTest:
    """Whether a number meets every bound of a band."""

    bounds: tuple[tuple[Callable[[Any, Any], bool], Fraction], ...]

    def __call__(self, value: Any) -> bool:
        return all(test(value, bound) for test, bound in self.bounds)


@attrs.frozen
class _WordTest:
    """Whether a level is this word."""

    word: str

    def __call__(self, value: Any) -> bool:
        return bool(value == self.word)


def _always(value: Any) -> bool:
    return True
