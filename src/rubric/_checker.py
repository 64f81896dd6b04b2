"""The checker: names, types, tree shape and points of a parsed rubric, every problem at once."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from rubric._numbers import plain, terminates
from rubric.dsl import nodes as n
from rubric.dsl.source import Source, Span
from rubric.errors import Diagnostic, RubricCheckError

__all__ = ["Checked", "TreeNode", "Type", "check"]

_Checked = tuple[n.Rule, Fraction]  # a rule with its words resolved, and the most it can give
_RuleCheck = Callable[[Any, n.Indicator, "_Scope"], _Checked]

_MAX_DIGITS = 30
# How deep values may build on values, and ids on ids: scoring recurses through both.
MAX_CHAIN = 200
MAX_ID_LEVELS = 16
_RESERVED_NAMES = ("total",)


@attrs.frozen
class Type:
    """The type of a fact, a value or an expression."""

    kind: str
    words: tuple[str, ...] | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "number")

    def describe(self) -> str:
        if self.kind == "level" and self.words:
            return "a level (" + ", ".join(self.words) + ")"
        if self.kind == "set" and self.words:
            return "a set of {" + ", ".join(self.words) + "}"
        return {
            "bool": "a yes/no condition",
            "count": "a count",
            "number": "a number",
            "set": "a set",
            "text": "a word",
            "adjustment": "an adjustment",
        }.get(self.kind, self.kind)


BOOL, COUNT, NUMBER, TEXT = Type("bool"), Type("count"), Type("number"), Type("text")
UNKNOWN = Type("unknown")  # the type of a value whose expression has an error


@attrs.frozen
class TreeNode:
    """A group or an indicator with its children, arranged by the checker from the dotted ids."""

    decl: n.Group | n.Indicator
    children: tuple[TreeNode, ...]


@attrs.frozen
class Checked:
    """A valid rubric: its document with words resolved, its tree, and its rounding."""

    source: Source
    document: n.Document
    header: n.Header
    rounding: n.Rounding
    tree: tuple[TreeNode, ...]
    types: Mapping[str, Type]


def check(document: n.Document, source: Source) -> Checked:
    """Check a parsed rubric; raise RubricCheckError listing every problem found."""
    return _Checker(source).check(document)


def type_of(decl: n.TypeSpec) -> Type:
    words = tuple(w.name for w in decl.words) if decl.words is not None else None
    return Type(decl.kind, words)


@attrs.define
class _Scope:
    """The names an expression may use: facts, values, and whether `total` is in reach."""

    names: dict[str, Type]
    total: bool = False
    scores: bool = False  # whether `score of ID` is in reach: grades and the total's clauses

    def child(self) -> _Scope:
        return _Scope(dict(self.names), self.total, self.scores)


@attrs.define
class _Checker:
    source: Source
    diagnostics: list[Diagnostic] = attrs.Factory(list)
    used: set[str] = attrs.Factory(set)
    # A misspelt name leaves what it meant unused; say so once, not twice.
    unknown_names: bool = False
    facts: dict[str, Type] = attrs.Factory(dict)
    chains: dict[str, int] = attrs.Factory(dict)
    places: int = 2
    # Local values not used in their indicator: reported at the end, once misspellings are known.
    unused_locals: list[n.Let] = attrs.Factory(list)
    # `score of ID` names a node: checked once the tree is known.
    score_refs: list[n.ScoreOf] = attrs.Factory(list)
    upper_bounds: dict[str, Fraction] = attrs.Factory(dict)
    node_ids: set[str] = attrs.Factory(set)

    def error(self, span: Span, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(message, span, hint))

    def line_of(self, span: Span) -> int:
        return self.source.line_of(span)

    # ------------------------------------------------------------ the whole rubric

    def check(self, doc: n.Document) -> Checked:
        assert doc.header is not None, "the parser guarantees a header"
        header = doc.header
        rounding = doc.rounding or n.Rounding(header.span, "indicators", 2, "half up")
        self.places = rounding.places
        if header.max is not None:
            self.max_fits(header.max)
        if rounding.places > 10:
            self.error(
                rounding.span,
                f"{rounding.places} decimal places is more than 10",
                "round to at most 10 places; 2 is usual",
            )
        scope = _Scope({})
        facts = self.check_facts(doc.facts, scope)
        lets = tuple(self.check_let(let, scope) for let in doc.lets)
        requires = tuple(self.check_require(r, scope) for r in doc.requires)
        grades = self.check_grades(doc.grades, scope)
        root_clauses = self.check_clauses(doc.clauses, scope, header.max, None)
        tree, nodes = self.check_tree(doc.nodes, header, scope)
        self.check_score_refs()
        self.check_unused(facts, lets)
        self.check_literals(doc)
        if self.diagnostics:
            raise RubricCheckError(self.source, self.diagnostics)
        checked_doc = attrs.evolve(
            doc,
            facts=facts,
            lets=lets,
            requires=requires,
            grades=grades,
            nodes=nodes,
            clauses=root_clauses,
        )
        return Checked(self.source, checked_doc, header, rounding, tree, dict(scope.names))

    # ------------------------------------------------------------ declarations

    def check_facts(self, facts: Iterable[n.FactDecl], scope: _Scope) -> tuple[n.FactDecl, ...]:
        seen: dict[str, n.FactDecl] = {}
        for fact in facts:
            if fact.name in seen:
                self.error(
                    fact.name_span,
                    f"the fact '{fact.name}' is declared twice; first on line "
                    f"{self.line_of(seen[fact.name].span)}",
                    "rename one of them, or delete the second declaration",
                )
                continue
            if fact.name in _RESERVED_NAMES:
                self.error(
                    fact.name_span,
                    f"'{fact.name}' is reserved for the rubric's total",
                    "choose another name for this fact",
                )
            seen[fact.name] = fact
            self.check_words(fact.type)
            if fact.step is not None:
                self.positive(fact.step, "a step")
                if fact.type.kind not in ("number", "adjustment"):
                    self.error(
                        fact.step.span,
                        f"steps on a {fact.type.kind} fact",
                        "only number and adjustment facts take 'in steps of'; a count always "
                        "steps by 1",
                    )
            if fact.unit is not None and fact.type.kind not in ("count", "number"):
                self.error(
                    fact.span,
                    f"a unit on a {fact.type.kind} fact",
                    "only count and number facts have units; delete the unit",
                )
            scope.names[fact.name] = type_of(fact.type)
        self.facts = dict(scope.names)
        checked = []
        for fact in seen.values():
            constraints = tuple(self.check_constraint(fact, c, scope) for c in fact.constraints)
            checked.append(attrs.evolve(fact, constraints=constraints))
        return tuple(checked)

    def check_words(self, spec: n.TypeSpec) -> None:
        if spec.words is None:
            return
        seen: set[str] = set()
        for word in spec.words:
            if word.name in seen:
                self.error(word.span, f"'{word.name}' is listed twice", "list each word once")
            seen.add(word.name)

    def check_constraint(self, fact: n.FactDecl, c: n.Constraint, scope: _Scope) -> n.Constraint:
        if fact.type.kind not in ("count", "number", "adjustment"):
            self.error(
                c.span,
                f"a bound on the {fact.type.kind} fact '{fact.name}'",
                "only count, number and adjustment facts take bounds such as >= 1; delete it",
            )
            return c
        if c.op not in ("<", "<=", ">", ">="):
            self.error(c.span, f"'{c.op}' cannot bound a fact", "bound a fact with <, <=, > or >=")
        if isinstance(c.operand, n.Name) and c.operand.name == fact.name:
            self.error(
                c.operand.span,
                f"the fact '{fact.name}' is bounded by itself",
                "bound it by a number or by another fact",
            )
            return c
        simple = isinstance(c.operand, n.Number) or (
            isinstance(c.operand, n.Negate) and isinstance(c.operand.operand, n.Number)
        )
        if isinstance(c.operand, n.Name) and c.operand.name in self.facts:
            self.used.add(c.operand.name)
            type_ = self.facts[c.operand.name]
            if fact.type.kind == "adjustment":
                self.error(
                    c.operand.span,
                    "an adjustment is bounded by numbers only",
                    "write its bounds as numbers, such as >= -3 and <= 0",
                )
        elif isinstance(c.operand, n.Name) and c.operand.name not in scope.names:
            self.infer(c.operand, scope)  # reports the unknown name, with a suggestion
            return c
        elif not simple:
            written = self.source.text[c.operand.span.start : c.operand.span.end]
            self.used.update(x.name for x in n.walk(c.operand) if isinstance(x, n.Name))
            self.error(
                c.operand.span,
                "a bound is a number or another fact",
                "write a bound that needs arithmetic as a 'require' line, such as: "
                f'require {fact.name} {c.op} {written} "…"',
            )
            return c
        else:
            type_ = NUMBER
            if c.op in ("<", "<=") and isinstance(c.operand, n.Number):
                self.upper_bounds[fact.name] = c.operand.value
        if not type_.numeric:
            self.error(
                c.operand.span,
                f"a bound must be a number, found {type_.describe()}",
                "bound the fact by a number such as 1 or by a count or number fact",
            )
        return c

    def check_let(self, let: n.Let, scope: _Scope) -> n.Let:
        expr, type_ = self.infer(let.expr, scope)
        if type_ == TEXT:
            self.error(
                let.expr.span,
                "a value cannot be a bare word",
                "a value is a number, a condition, or another name for a fact; compare words "
                "where they are used, as in: +1 if media = national",
            )
            type_ = None
        # Values are computed by recursion through the values they use: bound the chain.
        used = [x.name for x in n.walk(let.expr) if isinstance(x, n.Name)]
        chain = n.depth(let.expr) + max((self.chains.get(u, 0) for u in used), default=0)
        self.chains[let.name] = chain
        if chain > MAX_CHAIN:
            self.error(
                let.name_span,
                f"the value '{let.name}' is built on a chain of values {chain} levels deep, "
                f"more than {MAX_CHAIN}",
                "compute it in fewer steps, from the facts more directly",
            )
        if let.name in scope.names or let.name in _RESERVED_NAMES:
            self.error(
                let.name_span,
                f"the name '{let.name}' is already taken",
                "give this value a name that no fact or other value has",
            )
        else:
            # A value whose expression is wrong is still declared, so that its uses raise no
            # second error: UNKNOWN types as None wherever it is used.
            scope.names[let.name] = type_ or UNKNOWN
        if type_ is not None and let.unit is not None and not type_.numeric:
            self.error(
                let.span,
                f"a unit on {type_.describe()}",
                "only numeric values have units; delete the unit",
            )
        return attrs.evolve(let, expr=expr)

    def check_require(self, req: n.Require, scope: _Scope) -> n.Require:
        return attrs.evolve(req, condition=self.condition(req.condition, scope, "a 'require'"))

    def check_grades(self, grades: tuple[n.Grade, ...], scope: _Scope) -> tuple[n.Grade, ...]:
        grade_scope = scope.child()
        grade_scope.total = True
        grade_scope.scores = True
        checked = []
        for index, grade in enumerate(grades):
            # A grade may have several lines: a veto first, and its band of totals below.
            last = index == len(grades) - 1
            if grade.condition is None:
                if not last:
                    self.error(
                        grade.span,
                        "'otherwise' must be the last grade",
                        "move this grade line below the others",
                    )
                checked.append(grade)
            else:
                cond = self.condition(grade.condition, grade_scope, "a grade")
                checked.append(attrs.evolve(grade, condition=cond))
        if grades and grades[-1].condition is not None:
            self.error(
                grades[-1].span,
                "the last grade has a condition, so some totals would get no grade",
                f"make the last grade catch every other total: grade {grades[-1].name} otherwise",
            )
        return tuple(checked)

    # ------------------------------------------------------------ the tree of groups and indicators

    def check_tree(
        self, decls: tuple[n.Group | n.Indicator, ...], header: n.Header, scope: _Scope
    ) -> tuple[tuple[TreeNode, ...], tuple[n.Group | n.Indicator, ...]]:
        by_id: dict[str, n.Group | n.Indicator] = {}
        children: dict[str, list[str]] = {"": []}
        checked: dict[str, n.Group | n.Indicator] = {}
        rejected: set[str] = set()
        refused: list[n.Group | n.Indicator] = []
        roles: dict[str, str] = {}
        for index, decl in enumerate(decls):
            parent = decl.id.rpartition(".")[0]
            # Bonus and deduction items take their role from the top-level group they are in.
            role = decl.role if not parent else roles.get(parent, "base")
            roles[decl.id] = role
            # An indicator's rules are checked even when its place in the tree is wrong, so
            # that their own mistakes show, and their facts do not read as unused.
            checked_decl: n.Group | n.Indicator
            if isinstance(decl, n.Indicator):
                checked_decl = self.check_indicator(attrs.evolve(decl, role=role), scope)
            else:
                clauses = self.check_clauses(decl.clauses, scope, decl.max, decl.id)
                checked_decl = attrs.evolve(decl, clauses=clauses)
            self.check_measure(decl, role, parent)
            problem = self.placement(decl, decls[index + 1 :], by_id, rejected, header)
            if problem:
                rejected.add(decl.id)
                refused.append(decl)
                self.error(decl.id_span, *problem)
                continue
            by_id[decl.id] = decl
            children[decl.id] = []
            children[parent].append(decl.id)
            checked[decl.id] = checked_decl
        if not decls:
            self.error(
                header.span,
                "this rubric has no groups or indicators",
                'add one, such as: indicator quality "质量" max 10',
            )

        def build(node_id: str) -> TreeNode:
            return TreeNode(checked[node_id], tuple(build(c) for c in children[node_id]))

        def held(node_id: str) -> list[n.Group | n.Indicator]:
            # A node refused for its id or place still meant to count towards its parent.
            kids = [by_id[c] for c in children[node_id]]
            return kids + [r for r in refused if r.id.rpartition(".")[0] == node_id]

        self.node_ids = set(by_id)
        for node_id, decl in by_id.items():
            kids = held(node_id)
            if isinstance(decl, n.Group):
                if not kids:
                    self.error(
                        decl.id_span,
                        f"the group '{decl.id}' has nothing in it",
                        f"add indicators with ids such as {decl.id}.name under it",
                    )
                    continue
                self.check_children(decl, kids)
        base = [k for k in held("") if k.role == "base"]
        if header.max is not None and base:
            self.check_sum(header.max, header.id, base)
        self.check_weights(None, held(""))
        self.check_policies(None, [k for k in held("") if k.role == "base"])
        return tuple(build(c) for c in children[""]), tuple(checked.values())

    def check_measure(self, decl: n.Group | n.Indicator, role: str, parent: str) -> None:
        """A node's max, and its role as a bonus or deduction item."""
        if decl.role != "base" and parent:
            self.error(
                decl.span,
                f"a {decl.role} group inside the group '{parent}'",
                "bonus and deductions groups stand at the top, beside the rubric's other groups",
            )
        if decl.max is None:
            if decl.role == "base" and role != "deductions":
                self.error(
                    decl.id_span,
                    f"'{decl.id}' has no max",
                    f'give the points it is worth: … "{decl.title}" max 10',
                )
            return
        if decl.max.value <= 0:
            self.error(
                decl.max.span,
                f"max must be more than 0, found {decl.max.text}",
                "give the points this node is worth",
            )
        self.max_fits(decl.max)

    def check_children(self, group: n.Group, kids: list[n.Group | n.Indicator]) -> None:
        """What a group's way of combining its children asks of them."""
        if group.role != "base":
            for kid in kids:
                for clause in kid.clauses:
                    if isinstance(clause, n.NotApplicable):
                        self.error(
                            clause.span,
                            f"a {group.role} item cannot be not applicable",
                            "a bonus or deduction that does not apply gives nothing: put the "
                            "condition in its rules instead",
                        )
                if isinstance(kid, n.Group):
                    self.error(
                        kid.id_span,
                        f"a group inside the {group.role} group '{group.id}'",
                        f"put its items directly under '{group.id}', as indicators",
                    )
            return
        assert group.max is not None or self.diagnostics
        if group.mode is None and group.max is not None:
            self.check_sum(group.max, group.id, kids)
        if group.mode in ("best of", "one of") and len(kids) < 2:
            assert group.mode_span is not None
            self.error(
                group.mode_span,
                f"a '{group.mode}' group with one child",
                "give it two or more children to choose between",
            )
        if group.mode == "one of":
            for kid in kids:
                if not any(isinstance(c, n.NotApplicable) for c in kid.clauses):
                    self.error(
                        kid.id_span,
                        f"'{kid.id}' is in the 'one of' group '{group.id}' but never says when "
                        "it does not apply",
                        "add a line such as: not applicable if method != a",
                    )
        self.check_weights(group, kids)
        self.check_policies(group, kids)

    def check_policies(self, group: n.Group | None, kids: list[n.Group | n.Indicator]) -> None:
        """Outside best-of and one-of groups, a node that may not apply says what then."""
        if group is not None and group.mode in ("best of", "one of"):
            return
        for kid in kids:
            for clause in kid.clauses:
                if isinstance(clause, n.NotApplicable) and clause.policy is None:
                    self.error(
                        clause.span,
                        "this line does not say what happens to the points of a node that "
                        "does not apply",
                        "end it with ', full marks', ', rescale the total' or "
                        "', redistribute to siblings'",
                    )

    def check_weights(self, group: n.Group | None, kids: list[n.Group | n.Indicator]) -> None:
        weighted = group is not None and group.mode == "weighted"
        for kid in kids:
            if kid.role != "base":
                continue
            if weighted and kid.weight is None:
                assert group is not None
                self.error(
                    kid.id_span,
                    f"'{kid.id}' has no weight, but its group '{group.id}' is weighted",
                    f'give it one after its max: … "{kid.title}" max 100 weight 30',
                )
            elif not weighted and kid.weight is not None:
                owner = f"the group '{group.id}'" if group is not None else "the rubric"
                self.error(
                    kid.weight.span,
                    f"a weight on '{kid.id}', but {owner} is not weighted",
                    "delete the weight, or add ', weighted' to the group line",
                )
            elif kid.weight is not None:
                self.positive(kid.weight, "a weight")

    def max_fits(self, max_: n.Number) -> None:
        """A max must show exactly with the rubric's places, or rounding could cross it."""
        if not terminates(max_.value, self.places):
            self.error(
                max_.span,
                f"max {max_.text} has more decimals than the {self.places} places scores are "
                "rounded to",
                "round to more places, or give a max that fits them",
            )

    def placement(
        self,
        decl: n.Group | n.Indicator,
        after: tuple[n.Group | n.Indicator, ...],
        by_id: Mapping[str, n.Group | n.Indicator],
        rejected: set[str],
        header: n.Header,
    ) -> tuple[str, str] | None:
        """What is wrong with where a node stands in the tree, as (message, hint), or None."""
        parent = decl.id.rpartition(".")[0]
        if decl.id.count(".") >= MAX_ID_LEVELS:
            return (
                f"the id '{decl.id}' nests {decl.id.count('.') + 1} levels deep, more than "
                f"{MAX_ID_LEVELS}",
                "a table has a few levels; shorten the id",
            )
        if parent and parent == header.id:
            return (
                f"'{parent}' is the rubric's own id, which ids below it leave out",
                f"write the id without it: {decl.id.partition('.')[2]}",
            )
        if decl.id in by_id or decl.id == header.id:
            first = by_id.get(decl.id, header)
            return (
                f"the id '{decl.id}' is used twice; first on line {self.line_of(first.span)}",
                "give every group and indicator its own id",
            )
        if parent and parent in rejected:
            return (
                f"the parent group '{parent}' has a mistake of its own",
                "fix the line that declares it, reported above",
            )
        if parent and parent not in by_id:
            later = [d for d in after if d.id == parent]
            hint = (
                f"it is declared later, on line {self.line_of(later[0].span)}; move it above"
                if later
                else f'add a line such as: group {parent} "…" max N, above this one'
            )
            return f"the parent group '{parent}' is not declared", hint
        if parent and isinstance(by_id[parent], n.Indicator):
            return (
                f"'{parent}' is an indicator, which cannot hold '{decl.id}'",
                f"make '{parent}' a group, or give this line another id",
            )
        return None

    def check_sum(self, max_: n.Number, owner: str, kids: list[n.Group | n.Indicator]) -> None:
        total = sum((k.max.value for k in kids if k.max), Fraction(0))
        if total != max_.value:
            parts = " + ".join(f"{k.max.text if k.max else '?'} ({k.id})" for k in kids)
            self.error(
                max_.span,
                f"'{owner}' is worth {max_.text} but what it holds adds up to "
                f"{_plain(total)}: {parts}",
                "make the max equal the sum of the maxes under it",
            )

    # ------------------------------------------------------------ indicators and rules

    def check_indicator(self, ind: n.Indicator, outer: _Scope) -> n.Indicator:
        scope = outer.child()
        outer_used, self.used = self.used, set()
        lets = tuple(self.check_let(let, scope) for let in ind.lets)
        rules, bests = self.check_rules(ind.rules, ind, scope)
        starts = [r for r in ind.rules if isinstance(r, n.Start)]
        for extra in starts[1:]:
            self.error(
                extra.span,
                "a second 'start from' line in one indicator",
                "keep one 'start from' line",
            )
        pools = []
        names: set[str] = set()
        for pool in ind.pools:
            if pool.name in names:
                self.error(
                    pool.span,
                    f"a second pool named '{pool.name}' in this indicator",
                    "give each pool its own name",
                )
            names.add(pool.name)
            self.positive(pool.cap, "a pool's cap")
            pool_rules, pool_bests = self.check_rules(pool.rules, ind, scope)
            pools.append(attrs.evolve(pool, rules=pool_rules))
            bests.append(min(pool.cap.value, sum(pool_bests, Fraction(0))))
        clauses = self.check_clauses(ind.clauses, scope, ind.max, ind.id)
        self.unused_locals += [let for let in lets if let.name not in self.used]
        self.used = outer_used | (self.used - {let.name for let in lets})
        if not ind.rules and not ind.pools:
            self.error(
                ind.id_span,
                f"the indicator '{ind.id}' has no rules",
                "add rules below it, such as: +2 if some_fact",
            )
        elif ind.max is not None and ind.role != "deductions":
            best = sum(bests, Fraction(0))
            if best < ind.max.value:
                self.error(
                    ind.max.span,
                    f"the rules of '{ind.id}' can give at most {_plain(best)} "
                    f"point{'' if best == 1 else 's'}, "
                    f"but its max is {ind.max.text}",
                    "lower the max, or add or correct the rules so that full marks can be reached",
                )
        return attrs.evolve(ind, lets=lets, rules=rules, pools=tuple(pools), clauses=clauses)

    def check_clauses(
        self,
        clauses: tuple[n.Clause, ...],
        scope: _Scope,
        max_: n.Number | None,
        owner: str | None,
    ) -> tuple[n.Clause, ...]:
        """The clauses on a node's score (owner None: on the total)."""
        checked: list[n.Clause] = []
        clause_scope = scope.child()
        clause_scope.scores = owner is None
        where = "the total" if owner is None else f"'{owner}'"
        seen_na: n.NotApplicable | None = None
        for clause in clauses:
            condition = self.condition(clause.condition, clause_scope, "this line")
            checked.append(attrs.evolve(clause, condition=condition))
            if isinstance(clause, n.NotApplicable):
                if owner is None:
                    self.error(
                        clause.span,
                        "the rubric as a whole cannot be not applicable",
                        "put the line under the group or indicator that may not apply",
                    )
                elif seen_na is not None:
                    self.error(
                        clause.span,
                        f"a second 'not applicable' line for {where}; the first is on line "
                        f"{self.line_of(seen_na.span)}",
                        "join the conditions with 'or' on one line",
                    )
                seen_na = seen_na or clause
            elif isinstance(clause, n.CapIf):
                if clause.cap.value < 0:
                    self.error(clause.cap.span, f"a cap must be 0 or more, found {clause.cap.text}")
                elif max_ is not None and clause.cap.value >= max_.value:
                    self.error(
                        clause.cap.span,
                        f"at most {clause.cap.text}, but {where} is worth only {max_.text}",
                        "a cap limits a score below its max: lower it",
                    )
            elif not 0 <= clause.factor.value < 1:
                self.error(
                    clause.factor.span,
                    f"a multiplier of {clause.factor.text}",
                    "a multiplier lowers a score: give a number from 0 up to, not including, 1, "
                    "such as 0.8",
                )
        return tuple(checked)

    def check_rules(
        self, rules: tuple[n.Rule, ...], ind: n.Indicator, scope: _Scope
    ) -> tuple[tuple[n.Rule, ...], list[Fraction]]:
        """Check each rule; return them with words resolved, and the most each can give."""
        checked, bests = [], []
        for rule in rules:
            method: _RuleCheck = getattr(self, f"rule_{type(rule).__name__}")
            rule_checked, best = method(rule, ind, scope)
            checked.append(rule_checked)
            bests.append(best)
        return tuple(checked), bests

    def rule_Start(self, rule: n.Start, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        if ind.role == "deductions" or ind.max is None:
            self.error(
                rule.span,
                "'start from' in a deduction item",
                "a deduction item starts from 0 and only deducts: delete this line",
            )
            return rule, Fraction(0)
        if rule.amount is None:
            return rule, ind.max.value
        if rule.amount.value > ind.max.value:
            self.error(
                rule.amount.span,
                f"starts from {rule.amount.text}, above the max {ind.max.text}",
                "start from full marks, or from a number up to the max",
            )
        return rule, rule.amount.value

    def rule_When(self, rule: n.When, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        self.points_fit(rule.points, ind)
        condition = self.condition(rule.condition, scope, "an 'if'")
        return attrs.evolve(rule, condition=condition), max(rule.points.value, Fraction(0))

    def rule_Each(self, rule: n.Each, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        self.points_fit(rule.points, ind)
        if rule.cap is not None:
            self.positive(rule.cap, "a cap")
        per_item = max(rule.points.value, Fraction(0))
        if rule.items is not None:
            items = tuple(self.condition(c, scope, "a 'for each of' list") for c in rule.items)
            return attrs.evolve(rule, items=items), _capped(per_item * len(items), rule.cap)
        assert rule.subject is not None
        subject, type_ = self.infer(rule.subject, scope)
        if type_ is not None and type_.kind == "set" and type_.words is not None:
            return attrs.evolve(rule, subject=subject), _capped(
                per_item * len(type_.words), rule.cap
            )
        if type_ is not None and type_.kind != "set":
            hint = (
                f"to give points per unit of a number, write: {rule.points.text} per 1 of …"
                if type_.numeric
                else "write 'for each of' a set fact, or of a list of conditions in [ ]"
            )
            self.error(
                rule.subject.span, f"'for each of' needs a set, found {type_.describe()}", hint
            )
        # A set of any names can hold any number of items.
        unbounded = self.reach(ind) if per_item else Fraction(0)
        return attrs.evolve(rule, subject=subject), _capped(unbounded, rule.cap)

    def rule_Per(self, rule: n.Per, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        self.positive(rule.step, "a step")
        if rule.cap is not None:
            self.positive(rule.cap, "a cap")
        quantity, type_ = self.infer(rule.quantity, scope)
        if type_ is not None and not type_.numeric:
            self.error(
                rule.quantity.span,
                f"'per' needs a quantity, found {type_.describe()}",
                "write a count, a number or an arithmetic expression after 'of'",
            )
        whole_steps = type_ == COUNT and rule.step.value == 1
        # A wrong step or quantity is reported already; the reading would only add noise.
        readable = rule.step.value > 0 and type_ is not None and type_.numeric
        if rule.partial is None and not whole_steps and readable:
            self.error(
                rule.span,
                "this rule does not say how a part of a step counts",
                "end it with ', proportionally' (2.5 steps count 2.5), ', whole steps only' "
                "(2.5 count 2) or ', any part counts as a step' (2.5 count 3)",
            )
        # A per-step award grows with its quantity; without a cap it can always reach the max.
        unbounded = self.reach(ind) if rule.points.value > 0 else Fraction(0)
        return attrs.evolve(rule, quantity=quantity), _capped(unbounded, rule.cap)

    def rule_Formula(self, rule: n.Formula, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        if rule.cap is not None:
            self.positive(rule.cap, "a cap")
        value, _ = self.numeric(rule.value, scope, "'points ='")
        # What a formula can give depends on the facts: assume it can reach the max.
        return attrs.evolve(rule, value=value), _capped(self.reach(ind), rule.cap)

    def rule_Adjust(self, rule: n.Adjust, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        _, type_ = self.infer(rule.name, scope)
        if type_ is not None and type_.kind != "adjustment":
            self.error(
                rule.name.span,
                f"'adjust by' needs an adjustment fact, found {type_.describe()}",
                f'declare it as: fact {rule.name.name}: adjustment >= -3 and <= 0 "酌情扣分"',
            )
        # An adjustment gives at most its upper bound: an item may be scored by hand alone.
        highest = self.upper_bounds.get(rule.name.name)
        reach = self.reach(ind)
        return rule, reach if highest is None else max(min(highest, reach), Fraction(0))

    def reach(self, ind: n.Indicator) -> Fraction:
        """What a rule whose points grow with the facts can give: the indicator's max."""
        return ind.max.value if ind.max is not None and ind.role != "deductions" else Fraction(0)

    def rule_Table(self, rule: n.Table, ind: n.Indicator, scope: _Scope) -> _Checked:  # noqa: N802
        subject, type_ = self.infer(rule.subject, scope)
        if not rule.arms:
            self.error(
                rule.span,
                "a 'points by' table with no arms",
                "add arms such as: <= 20 -> 4, otherwise -> 0",
            )
        for arm in rule.arms:
            self.points_fit(arm.points, ind)
            if arm.end is not None:
                self.points_fit(arm.end, ind)
                if arm.band is None or not self.bounded(arm.band):
                    self.error(
                        arm.span,
                        "points that run from one figure to another need a band with both ends",
                        "write the band as: >= 60 and <= 90 -> 0 to 10",
                    )
        for arm in rule.arms[:-1]:
            if arm.band is None and arm.word is None:
                self.error(
                    arm.span,
                    "'otherwise' must be the last arm",
                    "move the 'otherwise' arm to the end of the table",
                )
        if type_ is None:
            pass
        elif type_.kind == "level":
            self.level_arms(rule, type_)
        elif type_.numeric:
            self.band_arms(rule)
        else:
            self.error(
                rule.subject.span,
                f"'points by' needs a number or a level, found {type_.describe()}",
                "look up points by a count, a number or a level fact",
            )
        ends = [a.end.value for a in rule.arms if a.end is not None]
        best = max([*(a.points.value for a in rule.arms), *ends], default=Fraction(0))
        return attrs.evolve(rule, subject=subject), max(best, Fraction(0))

    def bounded(self, band: n.Band) -> bool:
        """Whether a band has a lower and an upper bound, as a linear arm needs."""
        ops = {op for op, _ in band.bounds}
        return bool(ops & {">", ">="}) and bool(ops & {"<", "<="})

    def level_arms(self, rule: n.Table, type_: Type) -> None:
        words = type_.words or ()
        seen: set[str] = set()
        valid = True
        for arm in rule.arms:
            if arm.band is not None:
                self.error(
                    arm.span,
                    "a numeric band in a table of levels",
                    f"name a level instead: {', '.join(words)}",
                )
            elif arm.word is not None:
                if arm.word.name not in words:
                    valid = False
                    self.error(
                        arm.word.span,
                        f"'{arm.word.name}' is not a level of this fact",
                        _did_you_mean(arm.word.name, words, "its levels are"),
                    )
                elif arm.word.name in seen:
                    self.error(
                        arm.word.span,
                        f"the level '{arm.word.name}' has two arms",
                        "keep one arm per level",
                    )
                seen.add(arm.word.name)
        has_otherwise = any(a.band is None and a.word is None for a in rule.arms)
        missing = [w for w in words if w not in seen]
        if missing and not has_otherwise and valid:
            self.error(
                rule.span,
                f"no points given for the level(s) {', '.join(missing)}",
                "add an arm for each, or end the table with: otherwise -> 0",
            )

    def band_arms(self, rule: n.Table) -> None:
        covered: list[_Interval] = []
        for arm in rule.arms:
            if arm.word is not None:
                self.error(
                    arm.word.span,
                    f"'{arm.word.name}' is a word, but this table looks up a number",
                    "write a band such as <= 20 -> 4",
                )
                continue
            if arm.band is None:
                if _covers_everything(covered):
                    self.error(
                        arm.span,
                        "no value can reach this 'otherwise' arm",
                        "the bands above cover every value: delete this arm",
                    )
                continue
            interval = self.band_interval(arm.band)
            if interval is None:
                continue
            if interval.empty():
                self.error(
                    arm.band.span,
                    "no value can fall in this band",
                    "check the bounds: the lower bound is above the upper one",
                )
            elif interval.within(covered):
                self.error(
                    arm.band.span,
                    "no value can reach this arm: the bands above already take every value in it",
                    "put narrower bands first, as in <= 20 -> 4, <= 30 -> 2",
                )
            covered.append(interval)

    def band_interval(self, band: n.Band) -> _Interval | None:
        interval = _Interval()
        for op, number in band.bounds:
            if op in ("=", "!="):
                if op == "!=" or len(band.bounds) > 1:
                    self.error(band.span, f"'{op}' in a band", "use <, <=, > or >= in bands")
                    return None
                interval = interval.meet(_Interval(number.value, True, number.value, True))
            elif op in (">", ">="):
                interval = interval.meet(_Interval(low=number.value, low_closed=op == ">="))
            else:
                interval = interval.meet(_Interval(high=number.value, high_closed=op == "<="))
        return interval

    def points_fit(self, points: n.Number, ind: n.Indicator) -> None:
        if ind.max is not None and abs(points.value) > ind.max.value:
            self.error(
                points.span,
                f"{points.text} points in an indicator worth {ind.max.text}",
                "a single rule cannot give or take more than the indicator's max",
            )

    def positive(self, number: n.Number, what: str) -> None:
        if number.value <= 0:
            self.error(number.span, f"{what} must be more than 0, found {number.text}")

    # ------------------------------------------------------------ expressions

    def condition(self, expr: n.Expr, scope: _Scope, where: str) -> n.Expr:
        checked, type_ = self.infer(expr, scope)
        if type_ is not None and type_ != BOOL:
            self.error(
                expr.span,
                f"{where} needs a yes/no condition, found {type_.describe()}",
                "compare it, as in: x >= 2, or use a bool fact",
            )
        return checked

    def infer(self, expr: n.Expr, scope: _Scope) -> tuple[n.Expr, Type | None]:
        """Return the expression with words resolved, and its type (None after an error)."""
        method: Callable[[Any, _Scope], tuple[n.Expr, Type | None]] = getattr(
            self, f"infer_{type(expr).__name__}"
        )
        return method(expr, scope)

    def infer_Number(self, expr: n.Number, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        return expr, COUNT if expr.value.denominator == 1 else NUMBER

    def infer_Text(self, expr: n.Text, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        return expr, TEXT

    def infer_Name(self, expr: n.Name, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        if expr.name == "total":
            if scope.total:
                return expr, NUMBER
            self.error(
                expr.span,
                "'total' is known only in grade conditions",
                "use 'total' in a grade line, such as: grade 优秀 if total >= 85",
            )
            return expr, None
        type_ = scope.names.get(expr.name)
        if type_ is None:
            self.unknown_names = True
            names = [*scope.names, "total"] if scope.total else list(scope.names)
            suggestion = _did_you_mean(expr.name, names)
            if scope.total and not suggestion:
                suggestion = "a grade reads the rubric's total score as 'total';"
            self.error(
                expr.span,
                f"unknown name '{expr.name}'",
                (suggestion + " " if suggestion else "")
                + "every name must be declared first, with a 'fact' or a 'let' line",
            )
            return expr, None
        self.used.add(expr.name)
        return expr, None if type_ is UNKNOWN else type_

    def infer_Negate(self, expr: n.Negate, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        operand, type_ = self.numeric(expr.operand, scope, "'-'")
        return attrs.evolve(expr, operand=operand), NUMBER if type_ else None

    def infer_Binary(self, expr: n.Binary, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        left, lt = self.numeric(expr.left, scope, f"'{expr.op}'")
        right, rt = self.numeric(expr.right, scope, f"'{expr.op}'")
        checked = attrs.evolve(expr, left=left, right=right)
        if lt is None or rt is None:
            return checked, None
        if expr.op == "/" and isinstance(right, n.Number) and right.value == 0:
            self.error(right.span, "a division by zero", "divide by a number other than 0")
        stays_count = expr.op in ("+", "*", "short of", "over") and lt == rt == COUNT
        return checked, COUNT if stays_count else NUMBER

    def numeric(self, expr: n.Expr, scope: _Scope, op: str) -> tuple[n.Expr, Type | None]:
        checked, type_ = self.infer(expr, scope)
        if type_ is not None and not type_.numeric:
            self.error(
                expr.span,
                f"{op} needs numbers, found {type_.describe()}",
                "use count or number facts and values here"
                + ("; 'number of SET' counts a set's items" if type_.kind == "set" else ""),
            )
            return checked, None
        return checked, type_

    def infer_ScoreOf(self, expr: n.ScoreOf, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        if not scope.scores:
            self.error(
                expr.span,
                "'score of' is known only in grade lines and in lines on the total",
                "a rule or a node's own condition cannot read scores: they are not known yet",
            )
            return expr, None
        self.score_refs.append(expr)
        return expr, NUMBER

    def check_score_refs(self) -> None:
        for ref in self.score_refs:
            if ref.id not in self.node_ids:
                self.error(
                    ref.span,
                    f"no group or indicator has the id '{ref.id}'",
                    _did_you_mean(ref.id, sorted(self.node_ids), "the ids are"),
                )

    def infer_SizeOf(self, expr: n.SizeOf, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        operand, type_ = self.infer(expr.operand, scope)
        if type_ is not None and type_.kind != "set":
            self.error(expr.operand.span, f"'number of' needs a set, found {type_.describe()}")
            return attrs.evolve(expr, operand=operand), None
        return attrs.evolve(expr, operand=operand), COUNT

    def infer_Not(self, expr: n.Not, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        return attrs.evolve(expr, operand=self.condition(expr.operand, scope, "'not'")), BOOL

    def infer_Logic(self, expr: n.Logic, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        operands = tuple(self.condition(o, scope, f"'{expr.op}'") for o in expr.operands)
        return attrs.evolve(expr, operands=operands), BOOL

    def infer_Compare(self, expr: n.Compare, scope: _Scope) -> tuple[n.Expr, Type | None]:  # noqa: N802
        if expr.op == "in":
            return self.membership(expr, scope)
        left, lt = self.word_or_infer(expr.left, expr.right, scope)
        right, rt = self.word_or_infer(expr.right, expr.left, scope)
        checked = attrs.evolve(expr, left=left, right=right)
        if lt is None or rt is None:
            return checked, BOOL
        if lt.numeric and rt.numeric:
            return checked, BOOL
        if expr.op not in ("=", "!="):
            self.error(
                expr.span,
                f"'{expr.op}' compares numbers, found {lt.describe()} and {rt.describe()}",
                "compare levels, words and conditions with = or !=",
            )
        elif lt.kind == "level" or rt.kind == "level":
            level, word, word_expr = (lt, rt, right) if lt.kind == "level" else (rt, lt, left)
            if word.kind != "text" or not isinstance(word_expr, n.Text):
                self.error(
                    expr.span,
                    f"a level is compared with {word.describe()}",
                    "compare a level with one of its words, as in media = national",
                )
            elif word_expr.value not in (level.words or ()):
                self.error(
                    word_expr.span,
                    f"'{word_expr.value}' is not one of the levels",
                    _did_you_mean(word_expr.value, level.words or (), "the levels are"),
                )
        elif lt != rt or lt.kind not in ("bool", "text"):
            self.error(expr.span, f"cannot compare {lt.describe()} with {rt.describe()}")
        return checked, BOOL

    def membership(self, expr: n.Compare, scope: _Scope) -> tuple[n.Expr, Type | None]:
        right, rt = self.infer(expr.right, scope)
        left, lt = self.word_or_infer(expr.left, expr.right, scope, rt)
        checked = attrs.evolve(expr, left=left, right=right)
        if rt is not None and rt.kind != "set":
            self.error(expr.right.span, f"'in' needs a set on its right, found {rt.describe()}")
        elif lt is not None and lt.kind != "text":
            self.error(
                expr.left.span,
                f"'in' needs a word on its left, found {lt.describe()}",
                'write the item as a word or in quotes, as in "living" in targets',
            )
        elif (
            rt is not None and rt.words and isinstance(left, n.Text) and left.value not in rt.words
        ):
            self.error(
                left.span,
                f"'{left.value}' is not an item this set allows",
                _did_you_mean(left.value, rt.words, "its items are"),
            )
        return checked, BOOL

    def word_or_infer(
        self, expr: n.Expr, other: n.Expr, scope: _Scope, other_type: Type | None = None
    ) -> tuple[n.Expr, Type | None]:
        """Read a bare name as a word when it names nothing and faces a level or a set."""
        if isinstance(expr, n.Name) and expr.name not in scope.names and expr.name != "total":
            if other_type is None and not (isinstance(other, n.Name) and other.name == expr.name):
                other_type = self.peek(other, scope)
            if other_type is not None and other_type.kind in ("level", "set"):
                return n.Text(expr.span, expr.name), TEXT
        return self.infer(expr, scope)

    def peek(self, expr: n.Expr, scope: _Scope) -> Type | None:
        if isinstance(expr, n.Name):
            return scope.names.get(expr.name)
        return None

    # ------------------------------------------------------------ whole-rubric hygiene

    def check_unused(self, facts: tuple[n.FactDecl, ...], lets: tuple[n.Let, ...]) -> None:
        if self.unknown_names:
            return
        for let in self.unused_locals:
            self.error(
                let.name_span,
                f"the value '{let.name}' is never used",
                "use it in a rule of this indicator, or delete it",
            )
        decls: tuple[n.FactDecl | n.Let, ...] = (*facts, *lets)
        for decl in decls:
            if decl.name not in self.used and decl.name not in _RESERVED_NAMES:
                what = "fact" if isinstance(decl, n.FactDecl) else "value"
                self.error(
                    decl.name_span,
                    f"the {what} '{decl.name}' is never used",
                    "use it in a rule, a value, a bound or a grade, or delete it",
                )

    def check_literals(self, doc: n.Document) -> None:
        for number in (x for x in n.walk(doc) if isinstance(x, n.Number)):
            digits = sum(ch.isdigit() for ch in number.text)
            if digits > _MAX_DIGITS:
                self.error(
                    number.span,
                    f"a number of {digits} digits",
                    f"numbers in a rubric have at most {_MAX_DIGITS} digits",
                )


def _capped(value: Fraction, cap: n.Number | None) -> Fraction:
    return value if cap is None else min(value, cap.value)


@attrs.frozen
class _Interval:
    """A set of numbers low..high, each end open or closed; None means unbounded."""

    low: Fraction | None = None
    low_closed: bool = False
    high: Fraction | None = None
    high_closed: bool = False

    def meet(self, other: _Interval) -> _Interval:
        low, low_closed = self.low, self.low_closed
        if other.low is not None and (
            low is None or other.low > low or (other.low == low and not other.low_closed)
        ):
            low, low_closed = other.low, other.low_closed
        high, high_closed = self.high, self.high_closed
        if other.high is not None and (
            high is None or other.high < high or (other.high == high and not other.high_closed)
        ):
            high, high_closed = other.high, other.high_closed
        return _Interval(low, low_closed, high, high_closed)

    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (
            self.low == self.high and not (self.low_closed and self.high_closed)
        )

    def within(self, others: list[_Interval]) -> bool:
        """Whether the union of others holds every point of this interval."""
        return all(any(o.holds(p) for o in others) for p in self.probes(others))

    def holds(self, x: Fraction) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_closed)):
            return False
        return not (
            self.high is not None and (x > self.high or (x == self.high and not self.high_closed))
        )

    def probes(self, others: list[_Interval]) -> list[Fraction]:
        """Points of this interval that decide coverage: every end, and between each two."""
        cuts = sorted({x for o in [self, *others] for x in (o.low, o.high) if x is not None})
        candidates = [*cuts, *((a + b) / 2 for a, b in itertools.pairwise(cuts))]
        candidates += [cuts[0] - 1, cuts[-1] + 1] if cuts else [Fraction(0)]
        return [p for p in candidates if self.holds(p)]


def _covers_everything(intervals: list[_Interval]) -> bool:
    return bool(intervals) and _Interval().within(intervals)


def _did_you_mean(word: str, choices: Iterable[str], intro: str = "") -> str:
    """Suggest the closest choice; with intro, also list the choices after it."""
    options = list(dict.fromkeys(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    head = f"did you mean '{close[0]}'? " if close else ""
    if not intro:
        return head.strip()
    shown = ", ".join(options[:12]) + (", …" if len(options) > 12 else "")
    return f"{head}{intro}: {shown}"


def _plain(value: Fraction) -> str:
    return plain(value, 6)
