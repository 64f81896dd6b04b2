"""The compiler: a checked syntax tree to the plan, the immutable data every scorer reads."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal, assert_never, cast

import attrs

from rubric import _plan as p
from rubric._checker import Checked, TreeNode
from rubric._facts import Bound, FactSpec
from rubric._limits import DEFAULT, Limits
from rubric._wording import OPS
from rubric.dsl import nodes as n

__all__ = ["compile_checked"]


def compile_checked(checked: Checked, limits: Limits = DEFAULT) -> p.Plan:
    """Compile a checked rubric into its plan, which scores within `limits`."""
    return _Compiler(checked, limits).compile()


_FLIPPED: dict[p.CompareOp, p.CompareOp] = {
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
    "=": "=",
    "!=": "!=",
}


@attrs.define
class _Compiler:
    checked: Checked
    limits: Limits
    subjects: dict[str, p.Subject] = attrs.Factory(dict)
    lets: dict[str, p.Let] = attrs.Factory(dict)
    local: dict[str, p.Let] = attrs.Factory(dict)
    # The facts and values each value in reach reads, directly or through other values.
    reads: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = attrs.Factory(dict)
    titles: dict[str, str] = attrs.Factory(dict)
    # The figures cohort expressions read, each once, in the order first read.
    needs: dict[p.Need, int] = attrs.Factory(dict)
    cohort_lines: dict[int, None] = attrs.Factory(dict)

    def line(self, node: Any) -> int:
        return self.checked.source.line_of(node.span)

    def compile(self) -> p.Plan:
        doc, header = self.checked.document, self.checked.header
        for fact in doc.facts:
            words = fact.type.words or ()
            self.subjects[fact.name] = p.Subject(
                fact.name,
                fact.description or fact.name,
                fact.unit,
                {word.name: word.label for word in words if word.label},
                {word.name: i for i, word in enumerate(words)},
            )
        for let in doc.lets:
            self.lets[let.name] = self.let(let)
        self.subjects["total"] = p.TOTAL
        self.titles = {
            node.decl.id: node.decl.title for top in self.checked.tree for node in _walk_tree(top)
        }
        tree = tuple(self.node(child) for child in self.checked.tree)
        base = (c.max_points for c in tree if c.role == "base")
        max_ = header.max.value if header.max else sum(base, Fraction(0))
        clauses, _ = self.clauses(doc.clauses)
        rounding = self.checked.rounding
        return p.Plan(
            id=header.id,
            title=header.title,
            version=doc.version.text if doc.version else None,
            facts=tuple(self.fact_spec(fact) for fact in doc.facts),
            requirements=tuple(self.requirement(r) for r in doc.requires),
            lets=dict(self.lets),
            root=p.Root(
                p.Group(header.id, header.title, max_, tree, self.line(header), clauses=clauses),
                doc.negative_total,
            ),
            grades=tuple(
                p.Grade(
                    g.name,
                    None if g.condition is None else self.expr(g.condition),
                    self.line(g),
                    p.NO_USES if g.condition is None else self.uses_of(g.condition),
                )
                for g in doc.grades
            ),
            policy=p.Policy(
                rounding.places,
                cast(p.Mode, rounding.mode),
                cast(p.Scope, rounding.scope),
            ),
            filename=self.checked.source.filename,
            limits=self.limits,
            needs=tuple(self.needs),
            tie_break=doc.ranking.ids if doc.ranking is not None else (),
            cohort_name=self.cohort_name,
            cohort_lines=tuple(sorted(self.cohort_lines)),
        )

    @property
    def cohort_name(self) -> str:
        cohort = self.checked.document.cohort
        return cohort.name if cohort is not None else "全体单位"

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
            field=fact.field,
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

    def requirement(self, req: n.Require) -> p.Requirement:
        facts, _ = self.uses(req.condition)
        return p.Requirement(self.expr(req.condition), req.message, facts, self.line(req))

    def let(self, let: n.Let) -> p.Let:
        # What a value reads is worked out once, here, not again at each use: chains of
        # values would otherwise cost exponential time.
        self.reads[let.name] = self.uses(let.expr)
        subject = p.Subject(let.name, let.description or let.name, let.unit)
        if isinstance(let.expr, n.Name) and let.expr.name in self.subjects:
            # A value that renames a fact reads like it: its label, unit and words.
            base = self.subjects[let.expr.name]
            subject = p.Subject(
                let.name,
                let.description or base.label,
                let.unit or base.unit,
                base.labels,
                base.rank,
            )
        self.subjects[let.name] = subject
        return p.Let(subject, self.expr(let.expr))

    # ------------------------------------------------------------ the tree

    def node(self, tree: TreeNode) -> p.Group | p.Indicator:
        decl = tree.decl
        max_ = decl.max.value if decl.max else None
        role = cast(p.Role, decl.role)
        if isinstance(decl, n.Group):
            clauses, na = self.clauses(decl.clauses)
            children = tuple(self.node(child) for child in tree.children)
            weights = None
            if decl.mode == "weighted":
                weights = tuple(_weight(child.decl) for child in tree.children)
            way: p.Way = "sum" if role == "base" else "extra"
            if decl.mode is not None:
                way = cast(p.Way, decl.mode)
            return p.Group(
                decl.id,
                decl.title,
                max_,
                children,
                self.line(decl),
                way,
                role,
                weights,
                clauses,
                na,
            )
        self.local = {}
        for let in decl.lets:
            self.local[let.name] = self.let(let)
        parts: list[p.Rule | p.Pool] = [self.rule(rule, decl) for rule in decl.rules]
        for pool in decl.pools:
            rules = tuple(self.rule(rule, decl) for rule in pool.rules)
            parts.append(p.Pool(pool.label or pool.name, pool.cap.value, rules, self.line(pool)))
        extras = tuple(
            p.Pool(
                extra.label or ("本项加分" if extra.role == "bonus" else "本项扣分"),
                extra.cap.value,
                tuple(self.rule(rule, decl) for rule in extra.rules),
                self.line(extra),
                cast(Literal["bonus", "deductions"], extra.role),
            )
            for extra in decl.extras
        )
        clauses, na = self.clauses(decl.clauses)
        indicator = p.Indicator(
            decl.id,
            decl.title,
            max_,
            dict(self.local),
            tuple(parts),
            self.line(decl),
            role,
            clauses,
            na,
            extras,
        )
        # An indicator's values are its own (the checker lets none take a global one's name):
        # forgotten once it is compiled, without copying what every global value reads.
        for let in decl.lets:
            del self.reads[let.name]
        self.local = {}
        return indicator

    def clauses(
        self, clauses: tuple[n.Clause, ...]
    ) -> tuple[tuple[p.Clause, ...], p.NotApplicable | None]:
        """A node's caps and multipliers, in order, and its not-applicable line."""
        compiled: list[p.Clause] = []
        na = None
        for clause in clauses:
            line = self.line(clause)
            if clause.condition is None:
                assert isinstance(clause, n.CapIf), "only a cap may have no condition"
                compiled.append(p.CapWhen(clause.cap.value, None, p.NO_USES, line))
                continue
            condition, uses = self.expr(clause.condition), self.uses_of(clause.condition)
            match clause:
                case n.NotApplicable():
                    policy = cast(p.Policy_ | None, clause.policy)
                    na = p.NotApplicable(condition, policy, uses, line)
                case n.CapIf():
                    compiled.append(p.CapWhen(clause.cap.value, condition, uses, line))
                case n.Multiply():
                    factor = clause.factor
                    compiled.append(p.Multiplier(factor.value, factor.text, condition, uses, line))
                case _:
                    assert_never(clause)
        return tuple(compiled), na

    def rule(self, rule: n.Rule, ind: n.Indicator) -> p.Rule:
        line = self.line(rule)
        if isinstance(rule, n.Guardable) and rule.condition is not None:
            inner = self.rule(n.replace(rule, condition=None), ind)
            assert isinstance(inner, p.EachItem | p.EachCondition | p.PerStep | p.Table | p.Formula)
            condition = self.expr(rule.condition)
            return p.Guarded(condition, inner, self.uses_of(rule.condition), line)
        match rule:
            case n.Start():
                assert ind.max is not None, "the checker refuses 'start from' in deduction items"
                amount = ind.max.value if rule.amount is None else rule.amount.value
                return p.Start(amount, rule.amount is None, line)
            case n.When():
                condition = self.expr(rule.condition)
                return p.When(rule.points.value, condition, self.uses_of(rule.condition), line)
            case n.Each():
                cap = rule.cap.value if rule.cap else None
                if rule.items is not None:
                    conditions = tuple((self.expr(c), self.uses_of(c)) for c in rule.items)
                    return p.EachCondition(rule.points.value, conditions, cap, line)
                assert rule.subject is not None
                subject = self.expr(rule.subject)
                return p.EachItem(rule.points.value, subject, cap, self.uses_of(rule.subject), line)
            case n.Per():
                return p.PerStep(
                    rule.points.value,
                    rule.step.value,
                    self.expr(rule.quantity),
                    cast(p.Reading, rule.partial or "whole"),
                    rule.cap.value if rule.cap else None,
                    self.uses_of(rule.quantity),
                    line,
                )
            case n.Formula():
                # The facts and values a formula reads are shown beside it, unless it is one.
                # A cohort figure is shown as a whole: a rank with the value it ranks.
                refs: dict[str, p.Expr] = {}
                inside: set[int] = set()
                for name in n.walk(rule.value):
                    if isinstance(name, n.CohortOf):
                        inside.add(id(name.operand))
                        key = f"{name.figure} {name.share and name.share.text} {name.operand.name}"
                        if name is not rule.value:
                            refs.setdefault(key, self.expr(name))
                    elif (
                        isinstance(name, n.Name)
                        and name is not rule.value
                        and id(name) not in inside
                    ):
                        refs.setdefault(name.name, self.expr(name))
                return p.Formula(
                    self.expr(rule.value),
                    rule.cap.value if rule.cap else None,
                    tuple(refs.values()),
                    self.uses_of(rule.value),
                    line,
                )
            case n.Adjust():
                return p.AdjustBy(self.subjects[rule.name.name], line)
            case n.Table():
                subject = self.expr(rule.subject)
                labels: dict[str, str] = {}
                unit = None
                if isinstance(subject, p.FactRef | p.ValueRef):
                    labels, unit = dict(subject.subject.labels), subject.subject.unit
                elif isinstance(subject, p.Count):
                    unit = "项"  # bands of a count of conditions read in items
                arms = tuple(self.arm(arm, labels, unit or "") for arm in rule.arms)
                return p.Table(subject, arms, self.uses_of(rule.subject), line)
            case _:
                assert_never(rule)

    def arm(self, arm: n.Arm, labels: dict[str, str], unit: str) -> p.Arm:
        if arm.band is not None:
            bounds = tuple((cast(p.CompareOp, op), x.value) for op, x in arm.band.bounds)
            text = "且".join(f"{OPS[op]} {number.text}{unit}" for op, number in arm.band.bounds)
            linear = None
            if arm.end is not None:
                low = next(x for op, x in arm.band.bounds if op in (">", ">="))
                high = next(x for op, x in arm.band.bounds if op in ("<", "<="))
                linear = p.Linear(
                    low.value,
                    high.value,
                    arm.points.value,
                    arm.end.value,
                    f"{low.text}{unit}",
                    f"{high.text}{unit}",
                )
            return p.Arm(bounds, None, False, text, arm.points.value, linear)
        if arm.word is not None:
            word = arm.word.name
            return p.Arm((), word, False, labels.get(word, word), arm.points.value)
        return p.Arm((), None, True, "其他", arm.points.value)

    # ------------------------------------------------------------ expressions

    def expr(self, expr: n.Expr) -> p.Expr:
        match expr:
            case n.Number():
                return p.Const(expr.value, expr.text)
            case n.Text():
                return p.Const(expr.value, expr.value)
            case n.Name():
                subject = self.subjects[expr.name]
                if expr.name in self.lets or expr.name in self.local or expr.name == "total":
                    return p.ValueRef(subject)
                return p.FactRef(subject, self.checked.types[expr.name].kind == "count")
            case n.Negate():
                if isinstance(expr.operand, n.Number):
                    # A written negative number reads as one: -1, not the negation of 1.
                    return p.Const(-expr.operand.value, f"-{expr.operand.text}")
                return p.Negation(self.expr(expr.operand))
            case n.Binary():
                # A division names the facts of its divisor when they are zero.
                facts = self.uses(expr.right)[0] if expr.op == "/" else ()
                op = cast(p.ArithOp, expr.op)
                left, right = self.expr(expr.left), self.expr(expr.right)
                return p.Arithmetic(op, left, right, facts, self.line(expr))
            case n.ScoreOf():
                return p.NodeScore(expr.id, self.titles[expr.id])
            case n.SizeOf():
                return p.Size(self.expr(expr.operand))
            case n.CohortOf():
                return self.figure(expr)
            case n.CountOf():
                return p.Count(tuple(self.expr(item) for item in expr.items))
            case n.Call():
                name = cast(p.FunctionName, expr.function)
                return p.Function(name, tuple(self.expr(arg) for arg in expr.args))
            case n.Not():
                return p.Inversion(self.expr(expr.operand))
            case n.Logic():
                op = cast(Any, expr.op)
                return p.Junction(op, tuple(self.expr(o) for o in expr.operands))
            case n.Compare():
                return self.compare(expr)
            case _:
                assert_never(expr)

    def figure(self, expr: n.CohortOf) -> p.Figure:
        name = expr.operand.name
        fact = p.FactRef(self.subjects[name], self.checked.types[name].kind == "count")
        kind = cast(p.FigureKind, expr.figure)
        share = expr.share.value / 100 if expr.share is not None else None
        need = p.Need("values" if kind.startswith("rank") else kind, name, share)  # type: ignore[arg-type]
        index = self.needs.setdefault(need, len(self.needs))
        self.cohort_lines[self.line(expr)] = None
        text = expr.share.text if expr.share is not None else None
        return p.Figure(kind, fact, index, self.cohort_name, text)

    def compare(self, expr: n.Compare) -> p.Expr:
        left, right = self.expr(expr.left), self.expr(expr.right)
        if expr.op == "in":
            assert isinstance(left, p.Const)
            labels = right.subject.labels if isinstance(right, p.FactRef | p.ValueRef) else {}
            item = str(left.value)
            return p.Membership(p.Const(item, labels.get(item, item)), right)
        left, right = _labelled(left, right), _labelled(right, left)
        op = cast(p.CompareOp, expr.op)
        if isinstance(left, p.Const) and not isinstance(right, p.Const):
            # "1 > 户数" reads as "户数 < 1": the quantity first, the written number after.
            return p.Comparison(_FLIPPED[op], right, left)
        return p.Comparison(op, left, right)

    # ------------------------------------------------------------ what a rule reads

    def uses(self, expr: n.Expr) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The facts and values an expression reads, through the values it uses."""
        facts: dict[str, None] = {}
        values: dict[str, None] = {}
        for node in n.walk(expr):
            if not isinstance(node, n.Name) or node.name == "total":
                continue
            name = node.name
            if name not in self.reads:
                facts[name] = None
                continue
            values[name] = None
            inner_facts, inner_values = self.reads[name]
            facts.update(dict.fromkeys(inner_facts))
            values.update(dict.fromkeys(inner_values))
        return tuple(facts), tuple(values)

    def uses_of(self, expr: n.Expr) -> p.Uses:
        facts, values = self.uses(expr)
        return p.Uses(facts, values)


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


def _labelled(expr: p.Expr, other: p.Expr) -> p.Expr:
    """Show a level word by its label when it is compared with a level fact."""
    named = isinstance(other, p.FactRef | p.ValueRef)
    if named and isinstance(expr, p.Const) and isinstance(expr.value, str):
        assert isinstance(other, p.FactRef | p.ValueRef)
        return p.Const(expr.value, other.subject.labels.get(expr.value, expr.value))
    return expr
