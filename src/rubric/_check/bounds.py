"""Proved bounds: the lowest and highest score each node can get from valid facts.

Every rule form is worked out over the ranges the facts may take (their declarations, and the
`require` lines that bound single facts), through caps, clamps, multipliers, not-applicable
policies, rescaling, the ways groups combine, bonus and deductions, and rounding. A bound is
sound: no valid facts score outside it. A bound is tight when the analysis also finds facts
that reach it: it proposes them as it goes, checks them against every declaration, `require`
line and place where scoring could stop, and keeps them (NodeBounds.low_facts, high_facts).

The same pass finds what the warnings report: divisors that can be 0, `per` quantities that
can be negative, conditions that never change, nodes that cannot reach their max or whose
rules pass it, grades no total reaches, and the gaps and overlaps of tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs

from rubric._check import bands
from rubric._check import values as v
from rubric._check.clauses import Policy, policy_of
from rubric._check.codes import Code
from rubric._check.exprs import Ctx, Exprs, Frame, Overlay, SetOf, Words, fact_value, region
from rubric._check.intervals import (
    EVERYTHING,
    NEG_INF,
    ONE,
    POS_INF,
    ZERO,
    Interval,
    at,
    from_bounds,
    show,
)
from rubric._check.limits import MAX_VALUE_BITS, rounding_of
from rubric._check.names import kind_of
from rubric._check.outcomes import Outcome, Unscorable, combine, fit, rescaled, skipped, sum_within
from rubric._check.reach import Checks
from rubric._check.reach import holds as fact_order_holds
from rubric._check.report import Report
from rubric._check.rules import Role, reading_of, role_of
from rubric._check.tree import Mode, TreeNode, mode_of
from rubric._check.values import NOTHING, Choice, Dom, Items, Num, Range, Truth, Witness
from rubric._check.walk import nodes_of
from rubric._i18n import _
from rubric._numbers import round_to
from rubric.dsl import nodes as n
from rubric.dsl.source import Span

__all__ = ["Analysis", "NodeBounds", "analyse", "lines_that_never_act"]

Goal = Literal["high", "low", "share high", "share low"]
_GOALS: tuple[Goal, ...] = ("high", "low", "share high", "share low")


@attrs.frozen
class NodeBounds:
    """The lowest and highest score (exact, before it is shown rounded) a node can get.

    low or high is None where the score has no bound (a deductions group without a cap).
    A bound is tight when facts were found that reach it: those facts are low_facts or
    high_facts, ready to score; otherwise the bound is safe but may not be reached.
    """

    low: Fraction | None
    high: Fraction | None
    low_tight: bool
    high_tight: bool
    low_facts: Mapping[str, object] | None = attrs.field(default=None, eq=False, repr=False)
    high_facts: Mapping[str, object] | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Analysis:
    """The bounds of every node (the total under the rubric's id), and the facts each reads."""

    bounds: Mapping[str, NodeBounds]
    reads: Mapping[str, tuple[str, ...]]


@attrs.frozen
class Candidate:
    """A node's result on facts held to a witness: any facts within it score so."""

    outcome: Outcome
    witness: Witness
    before_clamp: Fraction | None = None  # an indicator's rules added up, before its clamp
    # The scores of the node and the nodes below it on these facts, for `score of` lines.
    scores: Mapping[str, Fraction] = attrs.field(factory=dict, eq=False)


@attrs.frozen
class Summary:
    """What a node can score, soundly, and results found on particular facts."""

    exact: Range
    share: tuple[Fraction | None, Fraction | None] | None  # score ÷ what it counts for
    may_skip: bool
    may_apply: bool
    may_zero: bool  # may count for nothing: not applicable, or everything under it left out
    may_partial: bool  # may count for less than its max
    policy: Policy | None
    max_points: Fraction
    candidates: tuple[Candidate, ...]
    # Facts that make the node not apply, and facts that make it apply (for those below it).
    skips: tuple[Witness, ...] = ()
    applies: tuple[Witness, ...] = (NOTHING,)


_NEVER = v.constant(False)  # a node without a not-applicable line: made once, not per node

Option = tuple[Fraction, tuple[Witness, ...]]  # a value a rule can give, and facts giving it


@attrs.frozen
class Part:
    """What a rule or a pool can give: a sound range, and values with the facts that give them."""

    range: Range
    options: tuple[Option, ...]


def analyse(
    document: n.Document,
    tree: tuple[TreeNode, ...],
    rounding: n.Rounding,
    report: Report,
    digits: int,
    *,
    witnesses: bool = True,
) -> Analysis:
    """Work out every node's bounds; report what the warnings find.

    Without `witnesses`, only the warnings and what each node reads: no bounds, and none of
    the search for facts that reach them, which is most of the work.

    The scorer refuses an exact value of more than `digits` digits (Limits.exact_digits): a
    result worked out on particular facts is refused past it too, or past the size at which
    the analysis gives up on a bound (MAX_VALUE_BITS), whichever is less, so that no sum of
    many parts grows without end.
    """
    top = min(10**digits, 1 << MAX_VALUE_BITS)
    return _Analyser(document, tree, rounding, report, top, witnesses=witnesses).run()


def lines_that_never_act(
    document: n.Document,
    tree: tuple[TreeNode, ...],
    rounding: n.Rounding,
    report: Report,
    digits: int,
) -> None:
    """Report E331 for every cap or multiplier that can never change a score.

    Only the sound ranges are worked out, not the facts that reach them, nor the warnings:
    a pass cheap enough to run whenever a rubric with such lines is loaded.
    """
    top = min(10**digits, 1 << MAX_VALUE_BITS)
    _Analyser(document, tree, rounding, report, top, ranges_only=True).ranges()


@attrs.define
class _Analyser:
    document: n.Document
    tree: tuple[TreeNode, ...]
    rounding: n.Rounding
    report: Report
    top: int  # every result worked out on particular facts stays below it (see analyse)
    exprs: Exprs = attrs.Factory(Exprs)
    frame: Frame = attrs.field(init=False)
    declared: dict[str, Dom] = attrs.Factory(dict)
    ctx: Ctx = attrs.field(init=False)
    summaries: dict[str, Summary] = attrs.Factory(dict)
    reads: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    checks: Checks = attrs.field(init=False)
    warned: set[tuple[str, int]] = attrs.Factory(set)
    nodes: dict[str, TreeNode] = attrs.Factory(dict)
    # Probing facts one by one is bounded: a rubric of 10,000 indicators must stay fast.
    budget: int = 20_000
    quiet: bool = False
    # Only the sound ranges, for E331 at check time: no candidates, probes or other warnings.
    ranges_only: bool = False
    # Whether to look for the facts that reach each bound (candidates, probes): bounds() needs
    # them, the warnings do not (W302 finds its own), and they are most of the work.
    witnesses: bool = True
    over_max: list[tuple[n.Indicator, Candidate]] = attrs.Factory(list)
    require_reads: list[tuple[n.Require, frozenset[str]]] = attrs.Factory(list)
    # Where each fact stands in `declared`, for the `declared` it was made for; and each fact's
    # declaration by its name: so that what one node reads is found without going through
    # every fact of the rubric.
    order_of: tuple[dict[str, Dom], dict[str, int]] | None = None
    fact_decls: dict[str, n.FactDecl] = attrs.Factory(dict)

    def __attrs_post_init__(self) -> None:
        self.frame = Frame({let.name: let.expr for let in self.document.lets})
        if not self.fact_decls:
            self.fact_decls = {fact.name: fact for fact in self.document.facts}
        if self.nodes:
            return  # shared with the analyser it works for
        stack = list(self.tree)
        while stack:
            node = stack.pop()
            self.nodes[node.decl.id] = node
            stack.extend(node.children)

    # ------------------------------------------------------------ the whole rubric

    def ranges(self) -> None:
        """Every node's sound range, reporting only the lines that never act (E331)."""
        self.prepare()
        for node in self.tree:
            self.node(node, None)
        self.root()

    def prepare(self) -> None:
        self.declared = self.fact_domains()
        self.exprs.declared = self.declared
        ctx = Ctx(self.declared, self.frame)
        for req in self.document.requires:
            self.constant_condition(req.condition, ctx)
        for req in self.document.requires:
            narrowed = self.exprs.refine(req.condition, ctx, True)
            ctx = narrowed if narrowed is not None else ctx
            for name, bound in _value_bounds(req.condition, self.frame):
                known = self.exprs.value_bounds.get(name, EVERYTHING)
                self.exprs.value_bounds[name] = known.meet(bound)
        self.ctx = ctx
        self.checks = Checks(self, self.document)
        self.require_reads = [
            (req, frozenset(self.names_in(req.condition, self.frame)))
            for req in self.document.requires
        ]

    @property
    def seeking(self) -> bool:
        """Whether results on particular facts are looked for, to prove bounds tight."""
        return self.witnesses and not self.ranges_only

    def run(self) -> Analysis:
        self.prepare()
        for node in self.tree:
            self.node(node, None)
        root = self.root()
        total = root.exact
        self.grades(total)
        self.divisions()
        self.passes_max()
        self.short_of_max()
        bounds: dict[str, NodeBounds] = {}
        if not self.witnesses:
            return Analysis(bounds, dict(self.reads))
        stack: list[tuple[TreeNode, tuple[Summary, ...]]] = [(t, ()) for t in self.tree]
        while stack:
            node, above = stack.pop()
            summary = self.summaries[node.decl.id]
            bounds[node.decl.id] = self.bounds_of(self.under(summary, above))
            stack.extend((child, (*above, summary)) for child in node.children)
        header = self.document.header
        assert header is not None
        bounds[header.id] = self.bounds_of(root)
        return Analysis(bounds, dict(self.reads))

    def fact_domains(self) -> dict[str, Dom]:
        doms: dict[str, Dom] = {}
        for fact in self.document.facts:
            words = frozenset(w.name for w in fact.type.words or ())
            kind = kind_of(fact.type.kind)
            step = fact.step.value if fact.step is not None and fact.step.value > 0 else None
            dom: Dom
            match kind:
                case "bool":
                    dom = Choice(frozenset([True, False]))
                case "level":
                    dom = Choice(frozenset(words))
                case "set":
                    found = Items(words if fact.type.words is not None else None).normal()
                    assert found is not None
                    dom = found
                case "count":
                    dom = Num(Interval(at(ZERO), POS_INF), ONE)
                case "number" | "adjustment" | "text" | "unknown":
                    dom = Num(EVERYTHING, step)
            doms[fact.name] = dom
        # Bounds by numbers first, then bounds by other facts, until nothing moves.
        for fact in self.document.facts:
            dom = doms[fact.name]
            for c in fact.constraints:
                value = _written(c.operand)
                if value is not None and isinstance(dom, Num):
                    met = dom.meet(Num(region(c.op, value)))
                    dom = met if met is not None else Num(Interval(POS_INF, NEG_INF))
            doms[fact.name] = dom
        ctx = Ctx(doms, self.frame)
        for _round in range(4):
            before = dict(ctx.doms)
            for fact in self.document.facts:
                for c in fact.constraints:
                    if isinstance(c.operand, n.Name) and c.operand.name in ctx.doms:
                        cmp = n.Compare(c.span, c.op, n.Name(c.span, fact.name), c.operand)
                        narrowed = self.exprs.refine(cmp, ctx, True)
                        ctx = narrowed if narrowed is not None else ctx
            if dict(ctx.doms) == before:
                break
        return dict(ctx.doms)

    # ------------------------------------------------------------ nodes

    def node(self, tree: TreeNode, parent_mode: Mode | None) -> Summary:
        decl = tree.decl
        if isinstance(decl, n.Indicator):
            summary = self.indicator(decl)
        else:
            kids = [self.node(child, mode_of(decl.mode)) for child in tree.children]
            summary = self.group(decl, tree, kids)
        self.summaries[decl.id] = summary
        return summary

    def indicator(self, decl: n.Indicator) -> Summary:
        frame = Frame(self.frame.lets, {let.name: let.expr for let in decl.lets})
        ctx = self.ctx.with_frame(frame)
        self.reads[decl.id] = self.facts_read(decl, frame)
        for clause in decl.clauses:
            if clause.condition is not None:
                self.constant_condition(clause.condition, ctx)
        blocks: list[n.Pool | n.Extra] = [*decl.pools, *decl.extras]
        for rule in (*decl.rules, *(r for block in blocks for r in block.rules)):
            # A rule's condition: `+K if C`, or the `if C` of any other rule that has one.
            condition = rule.condition if isinstance(rule, n.When | n.Guardable) else None
            if condition is not None:
                self.constant_condition(condition, ctx)
            if isinstance(rule, n.Each) and rule.items is not None:
                for item in rule.items:
                    self.constant_condition(item, ctx)
        summary, summed, found, parts = self.indicator_summary(decl, ctx)
        if self.ranges_only:
            return summary
        fixed = self.fixed_sum(decl, parts, ctx, summed)
        if fixed is not None:
            self.over_max.append((decl, fixed))
        if summary.may_apply and self.seeking:
            low, high = summary.exact.low, summary.exact.high
            reached = {c.outcome.exact for c in summary.candidates}
            wanted = {x for x in (low, high) if x is not None and x not in reached}
            if wanted:
                found = found + self.probe(decl, ctx, wanted)
                summary = attrs.evolve(summary, candidates=_best(summary.candidates, found))
        return summary

    def fixed_sum(
        self, decl: n.Indicator, every: list[Part], ctx: Ctx, summed: Range
    ) -> Candidate | None:
        """Facts on which an indicator's rules of fixed points (not per step, not formulas)
        add up to more than its max: candidates for W302, checked once all is known.
        `summed` is the sum of every part, taken as is when every part is fixed."""
        if decl.max is None or role_of(decl.role) == "deductions" or not every:
            return None
        na, applies, _rest = self.not_applicable(decl.clauses, ctx)
        if applies is None:
            return None
        fixed = [_fixed(r) for r in decl.rules] + [all(map(_fixed, p.rules)) for p in decl.pools]
        parts = [part for part, keep in zip(every, fixed, strict=True) if keep]
        if not parts:
            return None
        fixed_range = summed if len(parts) == len(every) else _sum_ranges([p.range for p in parts])
        if fixed_range.interval.hi <= at(decl.max.value):
            return None
        found = self.indicator_candidate(
            decl, parts, applies, NOTHING, "high", ZERO, decl.max.value, na
        )
        if found is None or found.before_clamp is None:
            return None
        return found if found.before_clamp > decl.max.value else None

    def indicator_summary(
        self, decl: n.Indicator, ctx: Ctx
    ) -> tuple[Summary, Range, list[Candidate], list[Part]]:
        """What an indicator scores over a context; and its rules' sum before the clamp."""
        role = role_of(decl.role)
        max_points = ZERO if role == "deductions" or decl.max is None else decl.max.value
        least: Fraction | None = ZERO
        if role == "deductions":
            least = None if decl.max is None else -decl.max.value
        na, applies, na_truth = self.not_applicable(decl.clauses, ctx)
        summed = v.const(ZERO)
        candidates: list[Candidate] = []
        exact: Range | None = None
        parts: list[Part] = []
        if applies is not None:
            parts = [self.rule(rule, decl, applies) for rule in decl.rules]
            parts += [self.pool(pool, decl, applies) for pool in decl.pools]
            summed = _sum_ranges([p.range for p in parts])
            exact = v.clamp(summed, least, max_points)
            # Its own bonus and deductions, after the clamp; never below 0 after them.
            extras = [self.pool(extra, decl, applies) for extra in decl.extras]
            if extras:
                exact = v.clamp(_sum_ranges([exact, *(p.range for p in extras)]), ZERO, None)
            if decl.clauses:  # its name is made only for lines on its score to report
                where = _("'{found}'", found=decl.id)
                exact = self.clauses_range(decl.clauses, exact, applies, where, role)
            exact = self.rounded(exact)
            for goal in ("high", "low") if self.seeking else ():
                for start in na_truth.fails if na is not None else (NOTHING,):
                    found = self.indicator_candidate(
                        decl, parts, applies, start, goal, least, max_points, na, extras
                    )
                    if found is not None:
                        candidates.append(found)
                        break
        summary = self.finish(decl, exact, max_points, na, na_truth, candidates)
        return summary, summed, candidates, parts

    def probe(self, decl: n.Indicator, ctx: Ctx, wanted: set[Fraction]) -> list[Candidate]:
        """Results on facts tried one by one, for bounds the rules' own facts did not reach:
        each fact an indicator reads at a few values (its ends, 0, 1, 10, 100), together."""
        names = [name for name in self.reads[decl.id] if name in ctx.doms]
        if not names or self.budget <= 0:
            return []
        choices = [_probe_values(ctx.doms[name]) for name in names]
        if not all(choices):
            return []
        trials = _trials(choices, min(self.budget, _PROBES))
        found: list[Candidate] = []
        outer, quiet = self.exprs, self.quiet
        self.exprs, self.quiet = Exprs(), True
        try:
            for trial in trials:
                if not wanted:
                    break
                self.budget -= 1
                witness = dict(zip(names, trial, strict=True))
                if not self.consistent(witness, ctx):
                    continue
                at_points = ctx.with_doms(Overlay(witness, ctx.doms))
                summary, summed, _found, _parts = self.indicator_summary(decl, at_points)
                low, high = summary.exact.low, summary.exact.high
                if low is None or low != high:
                    continue  # it reads something not pinned down: no result to keep
                if not _fits(low, self.top):
                    continue  # the scorer stops on these facts
                skip = summary.may_skip
                outcome = (
                    skipped(summary.max_points, summary.policy)
                    if skip
                    else Outcome(
                        low, summary.max_points, True, True, summary.policy, summary.max_points
                    )
                )
                before = None if skip else summed.high
                found.append(Candidate(outcome, witness, before, {decl.id: outcome.exact}))
                wanted.discard(outcome.exact)
        finally:
            # as it was: a scratch analyser probing stays quiet after
            self.exprs, self.quiet = outer, quiet
        return found

    def probe_group(self, tree: TreeNode, wanted: set[Fraction]) -> list[Candidate]:
        """Results of a group on facts tried one by one, for bounds its children's results did
        not reach together: the facts its nodes read, few enough, at a few values each."""
        names: dict[str, None] = {}
        stack = [tree]
        while stack:
            node = stack.pop()
            names.update(dict.fromkeys(self.reads.get(node.decl.id, ())))
            stack.extend(node.children)
        reads = [name for name in names if name in self.ctx.doms]
        if not reads or len(reads) > _GROUP_FACTS or self.budget <= 0:
            return []
        choices = [_probe_values(self.ctx.doms[name]) for name in reads]
        if not all(choices):
            return []
        found: list[Candidate] = []
        scratch = self.scratch()
        for trial in _trials(choices, min(self.budget, _GROUP_PROBES)):
            if not wanted:
                break
            self.budget -= 1
            witness = dict(zip(reads, trial, strict=True))
            if not self.consistent(witness, self.ctx):
                continue
            scratch.ctx = self.ctx.with_doms(Overlay(witness, self.ctx.doms))
            scratch.summaries = {}
            summary = scratch.node(tree, None)
            low, high = summary.exact.low, summary.exact.high
            if low is None or low != high or not _fits(low, self.top):
                continue
            at_points = [c for c in summary.candidates if c.outcome.exact == low]
            if not at_points:
                continue
            scores = {
                node_id: s.exact.low
                for node_id, s in scratch.summaries.items()
                if s.exact.low is not None
            }
            found.append(attrs.evolve(at_points[0], witness=witness, scores=scores))
            wanted.discard(low)
        return found

    def scratch(self) -> _Analyser:
        """An analyser for facts tried one by one: quiet, its own caches, this one's tree."""
        scratch = _Analyser(
            self.document,
            self.tree,
            self.rounding,
            Report(self.report.source),
            self.top,
            nodes=self.nodes,
            order_of=self.order_of,
            fact_decls=self.fact_decls,
        )
        scratch.declared = self.declared
        scratch.ctx = self.ctx
        scratch.checks = Checks(scratch, self.document)
        scratch.quiet = True
        scratch.exprs.value_bounds = self.exprs.value_bounds
        scratch.reads = self.reads
        return scratch

    def consistent(self, witness: dict[str, Dom], ctx: Ctx) -> bool:
        """Whether facts tried together meet the bounds by other facts and the `require`
        lines among them (the other facts are chosen later)."""
        for name in witness:
            fact = self.fact_decls.get(name)
            if fact is None:
                continue
            for c in fact.constraints:
                if isinstance(c.operand, n.Name) and c.operand.name in witness:
                    mine, theirs = witness[fact.name], witness[c.operand.name]
                    if isinstance(mine, Num) and isinstance(theirs, Num):
                        a, b = mine.interval.low, theirs.interval.low
                        if a is not None and b is not None and not fact_order_holds(c.op, a, b):
                            return False
        at_points = ctx.with_doms(Overlay(witness, ctx.doms))
        for req, reads in self.require_reads:
            if reads <= witness.keys():
                truth = self.exprs.truth(req.condition, at_points)
                if not truth.can_hold:
                    return False
        return True

    def indicator_candidate(
        self,
        decl: n.Indicator,
        parts: list[Part],
        ctx: Ctx,
        start: Witness,
        goal: Literal["high", "low"],
        least: Fraction | None,
        max_points: Fraction,
        na: n.NotApplicable | None,
        extras: list[Part] | None = None,
    ) -> Candidate | None:
        witness: Witness | None = start
        picked: list[Fraction] = []
        for part in [*parts, *(extras or ())]:
            ordered = sorted(part.options, key=lambda o: o[0], reverse=goal == "high")
            for value, witnesses in ordered:
                merged = next(
                    (m for w in witnesses if (m := v.merge(witness, w)) is not None), None
                )
                if merged is not None:
                    witness = merged
                    picked.append(value)
                    break
            else:
                return None
        assert witness is not None
        own = len(picked) - len(extras or ())
        total = _total(picked[:own], self.top)
        if total is None:
            return None
        before = total
        if total > max_points:
            total = max_points
        elif least is not None and total < least:
            total = least
        if extras:
            after = _total([total, *picked[own:]], self.top)
            if after is None:
                return None
            total = max(after, ZERO)
        found = self.clauses_outcome(decl.clauses, total, witness, ctx, goal)
        if found is None:
            return None
        total, witness = found
        total = self.round(total)
        policy = policy_of(na.policy) if na is not None else None
        outcome = Outcome(total, max_points, True, True, policy, max_points)
        return Candidate(outcome, witness, before, {decl.id: total})

    def group(self, decl: n.Group, tree: TreeNode, kids: list[Summary]) -> Summary:
        ctx = self.ctx
        role = role_of(decl.role)
        mode = mode_of(decl.mode)
        way: Mode | Literal["sum", "extra"] = mode or ("sum" if role == "base" else "extra")
        base_max = sum((k.max_points for k in kids), ZERO)
        if role == "deductions":
            max_points = ZERO
        elif decl.max is not None:
            max_points = decl.max.value
        else:
            max_points = base_max
        cap = decl.max.value if decl.max is not None else None
        na, applies, na_truth = self.not_applicable(decl.clauses, ctx)
        self.reads[decl.id] = self.clause_reads(decl.clauses, self.frame)
        for clause in decl.clauses:
            if clause.condition is not None:
                self.constant_condition(clause.condition, ctx)
        weights = None
        if mode == "weighted":
            weights = tuple(
                c.decl.weight.value if c.decl.weight is not None else ONE for c in tree.children
            )
        self.group_hazard(decl, way, kids)
        if applies is None or not kids:
            return self.finish(decl, None, max_points, na, na_truth, [])
        combined = _combine_range(way, max_points, cap, kids, weights)
        exact = self.clauses_range(
            decl.clauses, combined, applies, _("'{found}'", found=decl.id), role
        )
        exact = self.rounded(exact)
        candidates: list[Candidate] = []
        for goal in _GOALS if self.seeking else ():
            for start in na_truth.fails if na is not None else (NOTHING,):
                found = self.group_candidate(
                    decl, way, max_points, cap, kids, weights, applies, start, goal, na
                )
                if found is not None:
                    candidates.append(found)
                    break
        summary = self.finish(decl, exact, max_points, na, na_truth, candidates)
        low, high = summary.exact.low, summary.exact.high
        reached = {c.outcome.exact for c in summary.candidates}
        wanted = {x for x in (low, high) if x is not None and x not in reached}
        if wanted and not self.quiet and self.seeking:
            tried = self.probe_group(tree, wanted)
            summary = attrs.evolve(summary, candidates=_best(summary.candidates, tried))
        share: tuple[Fraction | None, Fraction | None] | None
        if mode is None and role == "base" and any(k.may_partial for k in kids):
            # Parts left out below it: its score counts against less than its max, so its
            # share is its children's, taken together, not its score over its max.
            share = _hull_share(summary.share, (_lowest_share(kids), _highest_share(kids)))
        elif mode is None or role != "base":
            share = summary.share
        else:
            share = (_lowest_share(kids), _highest_share(kids))
        return attrs.evolve(
            summary,
            share=share if summary.may_apply else summary.share,
            may_zero=summary.may_zero or all(k.may_zero for k in kids),
            may_partial=summary.may_partial or (way == "sum" and any(k.may_partial for k in kids)),
        )

    def group_candidate(
        self,
        decl: n.Group,
        way: Mode | Literal["sum", "extra"],
        max_points: Fraction,
        cap: Fraction | None,
        kids: list[Summary],
        weights: tuple[Fraction, ...] | None,
        ctx: Ctx,
        start: Witness,
        goal: Goal,
        na: n.NotApplicable | None,
    ) -> Candidate | None:
        picked = _pick(kids, start, goal if way == "sum" or way == "extra" else _share_goal(goal))
        if picked is None:
            return None
        outcomes, witness, scores = picked
        try:
            total, counted = combine(way, max_points, cap, outcomes, self.top, weights)
        except Unscorable:
            return None
        found = self.clauses_outcome(decl.clauses, total, witness, ctx, _exact_goal(goal))
        if found is None:
            return None
        total, witness = found
        total = self.round(total)
        policy = policy_of(na.policy) if na is not None else None
        outcome = Outcome(total, counted, counted == max_points, True, policy, max_points)
        return Candidate(outcome, witness, scores={**scores, decl.id: total})

    def finish(
        self,
        decl: n.Group | n.Indicator,
        exact: Range | None,
        max_points: Fraction,
        na: n.NotApplicable | None,
        na_truth: Truth,
        candidates: list[Candidate],
    ) -> Summary:
        """A node's summary, its not-applicable line taken into account."""
        policy = policy_of(na.policy) if na is not None else None
        may_skip = na is not None and na_truth.can_hold
        may_apply = exact is not None
        if may_skip or exact is None:  # what it scores when it does not apply
            skip = skipped(max_points, policy)
            if may_skip:
                candidates = candidates + [
                    Candidate(skip, w, scores={decl.id: skip.exact}) for w in na_truth.holds[:1]
                ]
                point = v.const(skip.exact)
                exact = point if exact is None else v.hull(exact, point)
            if exact is None:  # a node that never applies, or can never be scored
                exact = v.const(skip.exact)
        share: tuple[Fraction | None, Fraction | None] | None = None
        if max_points > 0:
            share = (_share_of(exact.low, max_points), _share_of(exact.high, max_points))
            if may_skip and policy != "full marks" and not may_apply:
                share = None
        full = policy == "full marks"
        return Summary(
            exact,
            share,
            may_skip,
            may_apply,
            (may_skip and not full) or max_points == 0,
            may_skip and not full,
            policy,
            max_points,
            tuple(_distinct(candidates)),
            na_truth.holds if may_skip else (),
            (na_truth.fails if na is not None else (NOTHING,)) if may_apply else (),
        )

    def root(self) -> Summary:
        header = self.document.header
        assert header is not None
        kids = [self.summaries[t.decl.id] for t in self.tree]
        roles = [role_of(t.decl.role) for t in self.tree]
        base = [k for k, r in zip(kids, roles, strict=True) if r == "base"]
        extra = [k for k, r in zip(kids, roles, strict=True) if r != "base"]
        full = (
            header.max.value if header.max is not None else sum((k.max_points for k in base), ZERO)
        )
        negative = self.document.negative_total
        ctx = self.ctx
        ctx = attrs.evolve(ctx, scores={k: s.exact for k, s in self.summaries.items()})
        for clause in self.document.clauses:
            if clause.condition is not None:
                self.constant_condition(clause.condition, ctx)
        total = _combine_range("sum", full, None, base, None) if base else v.const(ZERO)
        if any(k.may_partial for k in base):
            total = v.hull(total, _share_range(base, full))
        for k in extra:
            total = v.add(total, k.exact)
        if not negative:
            total = v.clamp(total, ZERO, None)
        total = self.clauses_range(self.document.clauses, total, ctx, _("the total"))
        total = self.rounded(total, always=True)
        candidates: list[Candidate] = []
        for goal in ("high", "low") if self.seeking else ():
            found = self.root_candidate(kids, roles, full, negative, ctx, goal)
            if found is not None:
                candidates.append(found)
        self.root_hazard(base)
        return Summary(total, None, False, True, False, False, None, full, tuple(candidates))

    def root_candidate(
        self,
        kids: list[Summary],
        roles: list[Role],
        full: Fraction,
        negative: bool,
        ctx: Ctx,
        goal: Literal["high", "low"],
    ) -> Candidate | None:
        picked = _pick(kids, NOTHING, goal)
        if picked is None:
            return None
        outcomes, witness, scores = picked
        base = [o for o, r in zip(outcomes, roles, strict=True) if r == "base"]
        try:
            total, counted = combine("sum", full, None, base, self.top) if base else (ZERO, full)
            total = rescaled(total, counted, full, self.top)
            extra = [o.exact for o, r in zip(outcomes, roles, strict=True) if r != "base"]
            total = fit(total + sum_within(extra, self.top), self.top)
        except Unscorable:
            return None
        if total < 0 and not negative:
            total = ZERO
        # Lines on the total read the scores of nodes: those of these facts.
        known = {node: v.const(score) for node, score in scores.items()}
        at_scores = attrs.evolve(ctx, scores={**ctx.scores, **known})
        found = self.clauses_outcome(self.document.clauses, total, witness, at_scores, goal)
        if found is None:
            return None
        total, witness = found
        total = self.round(total, always=True)
        return Candidate(Outcome(total, full, True, True, None, full), witness, scores=scores)

    # ------------------------------------------------------------ lines on a score

    def not_applicable(
        self, clauses: tuple[n.Clause, ...], ctx: Ctx
    ) -> tuple[n.NotApplicable | None, Ctx | None, Truth]:
        """A node's not-applicable line, the context where it applies, and when it does not."""
        na = next((c for c in clauses if isinstance(c, n.NotApplicable)), None)
        if na is None:
            return None, ctx, _NEVER
        truth = self.exprs.truth(na.condition, ctx)
        applies = self.exprs.refine(na.condition, ctx, False) if truth.can_fail else None
        return na, applies, truth

    def clauses_range(
        self,
        clauses: tuple[n.Clause, ...],
        score: Range,
        ctx: Ctx,
        where: str,
        role: Role = "base",
    ) -> Range:
        """A score's range through the lines on it; E331 for a line that can never act."""
        for clause in clauses:
            if isinstance(clause, n.NotApplicable):
                continue
            truth = self.truth_of(clause, ctx)
            if not truth.can_hold:
                continue
            self.never_acts(clause, score, where, role)
            if isinstance(clause, n.CapIf):
                changed = v.clamp(score, None, clause.cap.value)
            else:
                changed = _times_positive(score, clause.factor.value)
            score = v.hull(score, changed) if truth.can_fail else changed
        return score

    def truth_of(self, clause: n.CapIf | n.Multiply, ctx: Ctx) -> Truth:
        """When a cap or multiplier holds: a cap without a condition, always."""
        if clause.condition is None:
            return v.constant(True)
        return self.exprs.truth(clause.condition, ctx)

    def never_acts(
        self, clause: n.CapIf | n.Multiply, score: Range, where: str, role: Role
    ) -> None:
        """E331: a cap at or above the most the score can be before it, or a multiplier on a
        score never above 0, proved over every valid facts."""
        high = score.high
        if high is None:
            return
        if isinstance(clause, n.CapIf):
            if high > clause.cap.value:
                return
            line = _("at most {text}", text=clause.cap.text)
            hint = _(
                "a cap acts only below the highest score: lower it below "
                "{show}, or delete the line",
                show=show(high),
            )
        else:
            if high > 0:
                return
            line = f"× {clause.factor.text}"
            hint = _("a multiplier lowers only a score above 0: delete the line")
        if role == "deductions":
            why = _("a deduction's score is never above 0")
            if isinstance(clause, n.CapIf):
                hint = _(
                    "to limit what deductions take, put the limit on their "
                    'group, as in: group minus "扣分" deductions at most 5; else '
                    "delete the line"
                )
        else:
            why = _("it is never above {show} before this line", show=show(high))
        self.warn(
            "E331",
            clause.span,
            _("{line} never changes the score of {where}: {why}", line=line, where=where, why=why),
            hint,
        )

    def clauses_outcome(
        self,
        clauses: tuple[n.Clause, ...],
        score: Fraction,
        witness: Witness,
        ctx: Ctx,
        goal: Literal["high", "low"],
    ) -> tuple[Fraction, Witness] | None:
        """A score through the lines on it, each decided by the witness, as the scorer does."""
        for clause in clauses:
            if isinstance(clause, n.NotApplicable):
                continue
            truth = self.truth_of(clause, ctx)
            # To keep a score high the line should not bite; to bring it low it should.
            choices = [(False, truth.fails), (True, truth.holds)]
            if goal == "low":
                choices.reverse()
            for holds, witnesses in choices:
                if not (truth.can_hold if holds else truth.can_fail):
                    continue
                found = None
                if not (truth.can_fail if holds else truth.can_hold):
                    found = witness  # the line always goes this way
                else:
                    found = next(
                        (m for w in witnesses if (m := v.merge(witness, w)) is not None), None
                    )
                if found is not None:
                    witness = found
                    if holds:
                        if isinstance(clause, n.CapIf):
                            score = min(score, clause.cap.value)
                        elif score > 0:
                            score = score * clause.factor.value
                            if not _fits(score, self.top):
                                return None  # the scorer stops here on these facts
                    break
            else:
                return None
        return score, witness

    # ------------------------------------------------------------ rules

    def rule(self, rule: n.Rule, decl: n.Indicator, ctx: Ctx) -> Part:
        if isinstance(rule, n.Guardable) and rule.condition is not None:
            return self.guarded(rule, rule.condition, decl, ctx)
        return self.unguarded(rule, decl, ctx)

    def guarded(self, rule: n.Guardable, condition: n.Expr, decl: n.Indicator, ctx: Ctx) -> Part:
        """A rule with a condition: what it gives where the condition holds, else 0.

        Where it holds, the rule is worked out over the facts as the condition leaves them;
        the facts of its values are those facts, met with facts that make the condition hold.
        """
        truth = self.exprs.truth(condition, ctx)
        ranges: list[Range] = []
        options: list[Option] = []
        if truth.can_hold:
            held = self.exprs.refine(condition, ctx, True)
            inner = self.unguarded(rule, decl, held if held is not None else ctx)
            ranges.append(inner.range)
            for value, witnesses in inner.options:
                both = v.alternatives(v.merge(w, h) for w in witnesses for h in truth.holds)
                if both:
                    options.append((value, both))
        if truth.can_fail:
            ranges.append(v.const(ZERO))
            if truth.fails:
                options.append((ZERO, truth.fails))
        if not ranges:
            return Part(v.const(ZERO), ())
        # Witnesses are given as options: the ends' own may not meet the condition.
        found = v.hull_all(ranges)
        return Part(Range(found.interval, found.integral), tuple(options))

    def unguarded(self, rule: n.Rule, decl: n.Indicator, ctx: Ctx) -> Part:
        exprs = self.exprs
        match rule:
            case n.Start():
                assert decl.max is not None, "the checker refuses 'start from' without a max"
                amount = decl.max.value if rule.amount is None else rule.amount.value
                return Part(v.const(amount), ((amount, (NOTHING,)),))
            case n.When():
                truth = exprs.truth(rule.condition, ctx)
                return _when(rule.points.value, truth)
            case n.Each():
                cap = rule.cap.value if rule.cap is not None else None
                if rule.items is not None:
                    truths = [exprs.truth(c, ctx) for c in rule.items]
                    return _each_condition(rule.points.value, truths, cap)
                assert rule.subject is not None
                found = exprs.value(rule.subject, ctx)
                return self.each_item(rule.points.value, found, cap)
            case n.Per():
                return self.per(rule, ctx)
            case n.Formula():
                value = exprs.number(rule.value, ctx)
                cap = rule.cap.value if rule.cap is not None else None
                return self.capped(value, cap, rule.value, ctx, cap)
            case n.Adjust():
                dom = ctx.doms.get(rule.name.name)
                found = fact_value(rule.name.name, dom) if isinstance(dom, Num) else v.ANY
                assert isinstance(found, Range)
                return _part_of(found)
            case n.Table():
                return self.table(rule, ctx)

    def pool(self, pool: n.Pool | n.Extra, decl: n.Indicator, ctx: Ctx) -> Part:
        parts = [self.rule(rule, decl, ctx) for rule in pool.rules]
        cap = pool.cap.value
        total = v.clamp(_sum_ranges([p.range for p in parts]), -cap, cap)
        options: list[Option] = []
        for goal in ("high", "low"):
            witness: Witness | None = NOTHING
            picked: list[Fraction] = []
            for part in parts:
                ordered = sorted(part.options, key=lambda o: o[0], reverse=goal == "high")
                for points, witnesses in ordered:
                    merged = next(
                        (m for w in witnesses if (m := v.merge(witness, w)) is not None), None
                    )
                    if merged is not None:
                        witness = merged
                        picked.append(points)
                        break
                else:
                    witness = None
                    break
            value = _total(picked, self.top)
            if witness is not None and value is not None:
                options.append((max(-cap, min(cap, value)), (witness,)))
        return Part(total, tuple(options))

    def each_item(self, points: Fraction, found: object, cap: Fraction | None) -> Part:
        if not isinstance(found, SetOf):
            return Part(v.ANY, ())
        items = found.items
        count = self.exprs.size(found)
        total = v.multiply(v.const(points), count)
        if not self.seeking:
            # Points for each item are not fixed points: without the search for facts that
            # reach bounds, nothing reads the facts that give them (W302 reads fixed ones).
            return Part(_capped_range(total, cap), ())
        options: list[Option] = []
        for end, witness in ((count.low, count.low_w), (count.high, count.high_w)):
            if end is not None and witness is not None:
                options.append((_cap(points * end, cap), (witness,)))
        if cap is not None and points and found.fact is not None:
            # Enough items for the cap to bite.
            needed = Fraction(-(-cap // abs(points)))
            enough = items.meet(Items(items.universe, size=Interval(at(needed), POS_INF)))
            if enough is not None:
                options.append((_cap(points * needed, cap), ({found.fact: enough},)))
        return Part(_capped_range(total, cap), tuple(options))

    def per(self, rule: n.Per, ctx: Ctx) -> Part:
        quantity = self.exprs.number(rule.quantity, ctx)
        if quantity.low is None or quantity.interval.lo < at(ZERO):
            self.warn_negative(rule, quantity)
        # Only the positive part of the quantity counts: below 0 it is 0.
        quantity = v.clamp(quantity, ZERO, None)
        step, points = rule.step.value, rule.points.value
        if step <= 0:
            return Part(v.ANY, ())
        reading = reading_of(rule.partial) or "whole"
        steps = v.scale(quantity, 1 / step)
        if reading == "whole":
            steps = v.floor_range(steps, "floor")
        elif reading == "any":
            steps = v.floor_range(steps, "ceil")
        cap = rule.cap.value if rule.cap is not None else None
        # The quantity from which the cap bites: that many steps, counted as the rule counts.
        needed: Fraction | None = None
        if cap is not None and points:
            count = cap / abs(points)
            if reading != "proportional":
                count = Fraction(math.ceil(count))
            needed = count * step
        part = self.capped(
            v.scale(steps, points), cap, rule.quantity, ctx, needed, points > 0, signs=(1,)
        )
        if cap is None and quantity.high is None:
            # No end to reach above: a large quantity, for caps further up (a deductions
            # group's 'at most', an indicator's max) to bite on.
            big = 1000 * step
            met = self.exprs.preimage(rule.quantity, Interval(at(big), at(big)), ctx)
            if met is not None and met[1] is not None:
                gives = points * (big / step)
                part = Part(part.range, (*part.options, (gives, ({met[0]: met[1]},))))
        return part

    def capped(
        self,
        value: Range,
        cap: Fraction | None,
        subject: n.Expr,
        ctx: Ctx,
        needed: Fraction | None,
        rising: bool = True,
        signs: tuple[int, ...] = (1, -1),
    ) -> Part:
        """A rule's points within its `at most N` (either sign), with facts for its ends and,
        where the quantity is one fact, facts that make the cap bite: the quantity from
        `needed` on (for points rising with it) or up to -needed (for points falling; not for
        a `per` rule, which counts only a quantity above 0)."""
        options = [(_cap(x, cap), ws) for x, ws in _part_of(value).options]
        if cap is not None and needed is not None:
            for sign in signs:
                region_ = (
                    Interval(at(needed), POS_INF) if sign > 0 else Interval(NEG_INF, at(-needed))
                )
                met = self.exprs.preimage(subject, region_, ctx)
                if met is not None and met[1] is not None:
                    gives = cap if (sign > 0) == rising else -cap
                    options.append((gives, ({met[0]: met[1]},)))
        return Part(_capped_range(value, cap), tuple(options))

    def table(self, rule: n.Table, ctx: Ctx) -> Part:
        subject = self.exprs.value(rule.subject, ctx)
        if isinstance(subject, Words):
            return _level_table(rule, subject)
        if not isinstance(subject, Range):
            return Part(v.ANY, ())
        shape = self.report.shapes.get((rule.span.start, rule.span.end))
        if not isinstance(shape, bands.NumberShape):
            shape = bands.number_shape(rule)
        self.table_warnings(rule, shape, subject, ctx)
        ranges: list[Range] = []
        options: list[Option] = []
        for reach in shape.arms:
            arm = reach.arm
            for piece in reach.pieces:
                piece = piece.meet(subject.interval)
                if subject.integral:
                    on_grid = piece.on_grid(ONE)
                    if on_grid is None:
                        continue
                    piece = on_grid
                if piece.empty:
                    continue
                if arm.end is None:
                    ranges.append(v.const(arm.points.value))
                    witness = self.within(rule.subject, piece, subject, ctx)
                    if witness is not None:
                        options.append((arm.points.value, (witness,)))
                    continue
                line = _linear(arm)
                if line is None:
                    ranges.append(v.ANY)
                    continue
                ends = [(piece.low, piece.low_closed), (piece.high, piece.high_closed)]
                values = [(line(x), closed) for x, closed in ends if x is not None]
                if len(values) < 2:
                    ranges.append(v.ANY)  # a linear arm over an unbounded piece: checked
                    continue
                (a, a_in), (b, b_in) = values
                lo, hi = ((a, a_in), (b, b_in)) if a <= b else ((b, b_in), (a, a_in))
                ranges.append(_interval_range(lo, hi))
                for x, closed in ends:
                    if x is not None and closed:
                        witness = self.within(rule.subject, Interval(at(x), at(x)), subject, ctx)
                        if witness is not None:
                            options.append((line(x), (witness,)))
        if not ranges:
            return Part(v.ANY, ())
        return Part(v.hull_all(ranges), tuple(options))

    def within(self, subject: n.Expr, piece: Interval, found: Range, ctx: Ctx) -> Witness | None:
        """Facts that put a table's subject in a piece of its arm."""
        met = self.exprs.preimage(subject, piece, ctx)
        if met is not None:
            return None if met[1] is None else {met[0]: met[1]}
        for end, witness in ((found.low, found.low_w), (found.high, found.high_w)):
            if end is not None and witness is not None and piece.holds(end):
                return witness
        return None

    # ------------------------------------------------------------ warnings

    def warn(self, code: Code, span: Span, message: str, hint: str = "") -> None:
        if self.quiet or (self.ranges_only and code != "E331"):
            return
        key = (code, span.start)
        if key in self.warned:
            return
        self.warned.add(key)
        self.report(code, span, message, hint)

    def constant_condition(self, expr: n.Expr, ctx: Ctx) -> None:
        """A condition that can never change outcome, over the facts' declared ranges."""
        truth = self.exprs.truth(expr, ctx)
        text = self.report.source.text[expr.span.start : expr.span.end]
        if not truth.can_fail and truth.can_hold:
            self.warn(
                "W201",
                expr.span,
                _("'{text}' always holds: no facts the rubric accepts make it fail", text=text),
                _("check the numbers it compares with the facts' bounds, or delete the condition"),
            )
        elif not truth.can_hold and truth.can_fail:
            self.warn(
                "W202",
                expr.span,
                _("'{text}' never holds: no facts the rubric accepts meet it", text=text),
                _("check the numbers it compares with the facts' bounds, or delete the line"),
            )

    def warn_negative(self, rule: n.Per, quantity: Range) -> None:
        text = self.report.source.text[rule.quantity.span.start : rule.quantity.span.end]
        low = (
            _("without a lower bound")
            if quantity.low is None
            else _("as low as {show}", show=show(quantity.low))
        )
        self.warn(
            "W405",
            rule.quantity.span,
            _(
                "the quantity '{text}' can be negative ({low}); a 'per' rule "
                "counts only a quantity above 0, so below 0 this rule gives "
                "nothing",
                text=text,
                low=low,
            ),
            _(
                "if that is meant, say what is counted, as in: {text} per "
                "{text2} of target short of done; to count a value below 0 "
                "too, add a rule for it, as in: … per {text2} of 0 short of "
                "{text3}; or bound the facts it reads",
                text=rule.points.text,
                text2=rule.step.text,
                text3=text,
            ),
        )

    def short_of_max(self) -> None:
        """W301: nodes whose every score stays below their max; the deepest such only."""
        short: set[str] = set()
        order: list[TreeNode] = []
        stack = list(self.tree)
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(node.children)
        for node in reversed(order):  # children before their parents
            decl, summary = node.decl, self.summaries[node.decl.id]
            high = summary.exact.high
            if decl.max is None or summary.max_points <= 0 or high is None:
                continue
            if high < summary.max_points and not any(c.decl.id in short for c in node.children):
                short.add(decl.id)
                self.warn(
                    "W301",
                    decl.max.span,
                    _(
                        "'{id}' can score at most {show}, below its max {text}: no "
                        "facts the rubric accepts give it full marks",
                        id=decl.id,
                        show=show(high),
                        text=decl.max.text,
                    ),
                    _(
                        "lower the max to what it can reach, or correct the rules or "
                        "the facts' bounds that keep it below"
                    ),
                )

    def passes_max(self) -> None:
        """W302: fixed points of rules that, on facts the rubric accepts, pass the max."""
        for decl, found in self.over_max:
            assert decl.max is not None and found.before_clamp is not None
            if self.checks.complete(found.witness) is None:
                continue
            self.warn(
                "W302",
                decl.max.span,
                _(
                    "the rules of '{id}' can give {show} points together, more "
                    "than its max {text}: the score is cut to {text}",
                    id=decl.id,
                    show=show(found.before_clamp),
                    text=decl.max.text,
                ),
                _(
                    "if the cut is meant, put those rules in a pool, as in: pool "
                    "p at most {text}; else lower their points",
                    text=decl.max.text,
                ),
            )

    def table_warnings(
        self, rule: n.Table, shape: bands.NumberShape, subject: Range, ctx: Ctx
    ) -> None:
        text = self.report.source.text[rule.subject.span.start : rule.subject.span.end]
        values = subject.interval
        grid = ONE if subject.integral else None
        gaps = [g for g in shape.union.gaps_within(values) if _has_values(g, grid)]
        if shape.otherwise is None:
            for gap in gaps:
                self.warn(
                    "W401",
                    rule.span,
                    _(
                        "no band takes {text}, and the table has no 'otherwise': "
                        "scoring such a value stops with an error",
                        text=gap.text(text),
                    ),
                    _(
                        "add an arm for them ({text} -> N) or end the table with 'otherwise -> N'",
                        text=gap.text(),
                    ),
                )
                if not self.quiet:
                    self.checks.tables.append((rule.subject, ctx.frame, shape.union))
        else:
            hull = shape.union.hull
            for gap in gaps:
                if hull.lo < gap.lo and gap.hi < hull.hi:
                    self.warn(
                        "W402",
                        rule.span,
                        _(
                            "no band takes {text}, between two bands: such a value gets "
                            "the 'otherwise' arm's {text2}",
                            text=gap.text(text),
                            text2=shape.otherwise.points.text,
                        ),
                        _(
                            "if that is meant, add the arm {text} -> {text2}; else make "
                            "the bands meet",
                            text=gap.text(),
                            text2=shape.otherwise.points.text,
                        ),
                    )
        for later, earlier, overlap in shape.overlaps:
            if overlap.meet(values).empty:
                continue
            arm, first = shape.arms[later].arm, shape.arms[earlier].arm
            assert arm.band is not None and first.band is not None
            written = self.report.source.text[first.band.span.start : first.band.span.end]
            self.warn(
                "W403",
                arm.band.span,
                _(
                    "this band overlaps the band '{written}' above it: {text} "
                    "takes that band's points, not these",
                    written=written,
                    text=overlap.text(text),
                ),
                _("make the bands meet without overlapping, as in >= 60 and < 80, then >= 80"),
            )

    def divisions(self) -> None:
        for (start, end), (divisor, frame, found) in self.exprs.zero_divisors.items():
            text = self.report.source.text[start:end]
            span = Span(start, end)
            if found.low is not None and found.low == found.high:
                what = _("is always 0")
            else:
                what = _("can be 0 (it runs {extent})", extent=_extent(found))
            self.warn(
                "W404",
                span,
                _(
                    "the divisor '{text}' {what}: scoring stops with an error when it is",
                    text=text,
                    what=what,
                ),
                _(
                    "bound the facts it reads, such as '>= 1', or read it only "
                    "when it is not 0, as in: if {text} > 0 and …",
                    text=text,
                ),
            )
            self.checks.divisors.append((divisor, frame))

    def grades(self, total: Range) -> None:
        """W303: a grade that no total reaches, once the grades above it have taken theirs."""
        places = self.rounding.places
        step = Fraction(1, 10**places)
        doms = dict(self.ctx.doms)
        doms["total"] = Num(total.interval, step)
        everything = Ctx(doms, self.frame, scores={k: s.exact for k, s in self.summaries.items()})
        ctx: Ctx | None = everything
        for grade in self.document.grades:
            if ctx is None:
                self.warn(
                    "W303",
                    grade.span,
                    _(
                        "no total can get the grade '{name}': the grades above take "
                        "every total from {extent}",
                        name=grade.name,
                        extent=_extent(total),
                    ),
                    _("check the grades' bounds, or delete this grade"),
                )
                continue
            if grade.condition is None:
                continue
            truth = self.exprs.truth(grade.condition, ctx)
            if not truth.can_hold:
                span = grade.condition.span
                text = self.report.source.text[span.start : span.end]
                alone = self.exprs.truth(grade.condition, everything).can_hold
                why = (
                    _("the grades above it take every total that meets '{text}'", text=text)
                    if alone
                    else _(
                        "totals run {extent}, and none meets '{text}'",
                        extent=_extent(total),
                        text=text,
                    )
                )
                self.warn(
                    "W303",
                    grade.span,
                    _("no total can get the grade '{name}': {why}", name=grade.name, why=why),
                    _(
                        "check the grades' bounds and their order against the "
                        "total's, or delete this grade"
                    ),
                )
            ctx = self.exprs.refine(grade.condition, ctx, False)

    # ------------------------------------------------------------ hazards and bounds

    def group_hazard(
        self, decl: n.Group, way: Mode | Literal["sum", "extra"], kids: list[Summary]
    ) -> None:
        if way == "one of" or (way == "sum" and all(k.may_zero for k in kids)):
            self.checks.groups.append(decl.id)

    def root_hazard(self, base: list[Summary]) -> None:
        if base and all(k.may_zero for k in base):
            self.checks.groups.append("")

    def under(self, summary: Summary, above: tuple[Summary, ...]) -> Summary:
        """A node's summary once the groups above it are counted in: a group that does not
        apply leaves the nodes in it not applying too, scoring its max under full marks."""
        exact = summary.exact
        candidates: list[Candidate] = []
        applies: Witness | None = NOTHING
        for group in above:
            if not group.may_skip:
                continue
            full = group.policy == "full marks"
            value = summary.max_points if full else ZERO
            exact = v.hull(exact, v.const(value))
            skip = skipped(summary.max_points, "full marks" if full else group.policy)
            candidates += [Candidate(skip, w, scores={}) for w in group.skips[:1]]
            applies = next(
                (m for w in group.applies if (m := v.merge(applies, w)) is not None), None
            )
        if applies is not None:
            for candidate in summary.candidates:
                merged = v.merge(candidate.witness, applies)
                if merged is not None:
                    candidates.append(attrs.evolve(candidate, witness=merged))
        if not any(g.may_skip for g in above):
            return summary
        return attrs.evolve(summary, exact=exact, candidates=tuple(candidates))

    def bounds_of(self, summary: Summary) -> NodeBounds:
        low, high = summary.exact.low, summary.exact.high
        low_facts = high_facts = None
        for candidate in summary.candidates:
            exact = candidate.outcome.exact
            if low is not None and exact == low and low_facts is None:
                low_facts = self.checks.complete(candidate.witness)
            if high is not None and exact == high and high_facts is None:
                high_facts = self.checks.complete(candidate.witness)
        return NodeBounds(
            low, high, low_facts is not None, high_facts is not None, low_facts, high_facts
        )

    def rounded(self, score: Range, *, always: bool = False) -> Range:
        scope, mode = rounding_of(self.rounding)
        if always or scope == "indicators":
            return v.round_range(score, self.rounding.places, mode)
        return score

    def round(self, score: Fraction, *, always: bool = False) -> Fraction:
        scope, mode = rounding_of(self.rounding)
        if always or scope == "indicators":
            return round_to(score, self.rounding.places, mode)
        return score

    def facts_read(self, decl: n.Indicator, frame: Frame) -> tuple[str, ...]:
        """The facts an indicator reads, in the order they are declared."""
        # One walk over all its lines, not one per line.
        lines = (*decl.rules, *decl.pools, *decl.extras, *decl.clauses)
        return self.in_order(set(self.names_in(lines, frame)))

    def clause_reads(self, clauses: tuple[n.Clause, ...], frame: Frame) -> tuple[str, ...]:
        names: set[str] = set()
        for clause in clauses:
            names.update(self.names_in(clause, frame))
        return self.in_order(names)

    def in_order(self, names: set[str]) -> tuple[str, ...]:
        """The facts among `names`, in the order they are declared."""
        if self.order_of is None or self.order_of[0] is not self.declared:
            self.order_of = (self.declared, {name: i for i, name in enumerate(self.declared)})
        order = self.order_of[1]
        return tuple(sorted((name for name in names if name in order), key=order.__getitem__))

    def names_in(self, item: object, frame: Frame) -> Iterator[str]:
        for name in (x.name for x in nodes_of(item, n.Name)):
            definition = frame.definition(name)
            if definition is None:
                if name in self.declared:
                    yield name
            else:
                yield from self.exprs.reads_of(name, definition, frame)


# ---------------------------------------------------------------- facts that reach a bound


def _when(points: Fraction, truth: Truth) -> Part:
    ranges, options = [], []
    if truth.can_hold:
        ranges.append(v.const(points))
        options.append((points, truth.holds))
    if truth.can_fail:
        ranges.append(v.const(ZERO))
        options.append((ZERO, truth.fails))
    if not ranges:
        return Part(v.const(ZERO), ())
    return Part(v.hull_all(ranges), tuple(o for o in options if o[1]))


def _each_condition(points: Fraction, truths: list[Truth], cap: Fraction | None) -> Part:
    least = sum(1 for t in truths if not t.can_fail)
    most = sum(1 for t in truths if t.can_hold)
    values = sorted([_cap(points * least, cap), _cap(points * most, cap)])
    total = _interval_range((values[0], True), (values[1], True))
    options: list[Option] = []
    for holds in (True, False):
        witness: Witness | None = NOTHING
        count = 0
        for truth in truths:
            can = truth.can_hold if holds else truth.can_fail
            must = not (truth.can_fail if holds else truth.can_hold)
            if can and not must:
                alternatives = truth.holds if holds else truth.fails
                witness = next(
                    (m for w in alternatives if (m := v.merge(witness, w)) is not None), None
                )
                if witness is None:
                    break
            count += 1 if (truth.can_hold and (holds or not truth.can_fail)) else 0
        if witness is not None:
            options.append((_cap(points * count, cap), (witness,)))
    return Part(total, tuple(options))


def _level_table(rule: n.Table, subject: Words) -> Part:
    words = subject.values
    taken: set[str] = set()
    ranges: list[Range] = []
    options: list[Option] = []
    for arm in rule.arms:
        if arm.word is not None:
            if (words is not None and arm.word.name not in words) or arm.word.name in taken:
                continue
            taken.add(arm.word.name)
            reaching = frozenset([arm.word.name])
        elif arm.band is None:
            if words is None:
                ranges.append(v.const(arm.points.value))
                continue
            reaching = frozenset(words - taken)
            if not reaching:
                continue
        else:
            continue
        ranges.append(v.const(arm.points.value))
        if subject.fact is not None:
            options.append((arm.points.value, ({subject.fact: Choice(reaching)},)))
    if not ranges:
        return Part(v.ANY, ())
    return Part(v.hull_all(ranges), tuple(options))


def _part_of(found: Range) -> Part:
    options: list[Option] = []
    if found.low is not None and found.low_w is not None:
        options.append((found.low, (found.low_w,)))
    if found.high is not None and found.high_w is not None:
        options.append((found.high, (found.high_w,)))
    return Part(found, tuple(options))


def _share_of(score: Fraction | None, max_points: Fraction) -> Fraction | None:
    """A score over its max; a score of 0 or of the max itself (an end a clamp put there,
    the usual case) without a division, which makes a Fraction."""
    if score is None:
        return None
    if score is max_points:
        return ONE
    return ZERO if score.numerator == 0 else score / max_points


def _cap(value: Fraction, cap: Fraction | None) -> Fraction:
    return value if cap is None else max(-cap, min(cap, value))


def _capped_range(found: Range, cap: Fraction | None) -> Range:
    return found if cap is None else v.clamp(found, -cap, cap)


def _sum_ranges(ranges: list[Range]) -> Range:
    """The range of a sum. Facts that reach its ends are found as options, not here: the
    ranges' own witnesses are dropped, not merged."""
    return v.total(ranges)


def _times_positive(score: Range, factor: Fraction) -> Range:
    """A multiplier's effect: positive scores times it, the rest as they are."""
    positive = v.clamp(score, ZERO, None)
    scaled = v.multiply(positive, v.const(factor))
    if score.interval.lo >= at(ZERO) and not score.interval.holds(ZERO):
        return scaled
    return v.hull(v.clamp(score, None, ZERO), scaled)


def _interval_range(low: tuple[Fraction, bool], high: tuple[Fraction, bool]) -> Range:
    lo = at(low[0]) if low[1] else (0, low[0], 1)
    hi = at(high[0]) if high[1] else (0, high[0], -1)
    return Range(Interval(lo, hi))


def _linear(arm: n.Arm) -> Callable[[Fraction], Fraction] | None:
    if arm.band is None or arm.end is None:
        return None
    ends = from_bounds(tuple((op, number.value) for op, number in arm.band.bounds))
    low, high = ends.low, ends.high
    if low is None or high is None or low == high:
        return None
    start, end = arm.points.value, arm.end.value

    def line(x: Fraction) -> Fraction:
        return start + (x - low) * (end - start) / (high - low)

    return line


def _value_bounds(expr: n.Expr, frame: Frame) -> Iterator[tuple[str, Interval]]:
    """`require VALUE op N` (or several joined by 'and'): the intervals values must lie in."""
    if isinstance(expr, n.Logic) and expr.op == "and":
        for operand in expr.operands:
            yield from _value_bounds(operand, frame)
        return
    if not isinstance(expr, n.Compare) or expr.op in ("in", "!="):
        return
    flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}
    for subject, other, op in (
        (expr.left, expr.right, expr.op),
        (expr.right, expr.left, flipped[expr.op]),
    ):
        value = _written(other)
        if isinstance(subject, n.Name) and subject.name in frame.lets and value is not None:
            yield subject.name, region(op, value)


def _fixed(rule: n.Rule) -> bool:
    """Whether a rule gives fixed points, not points that grow with a quantity."""
    match rule:
        case n.Start() | n.When():
            return True
        case n.Each():
            return rule.items is not None
        case n.Table():
            return all(arm.end is None for arm in rule.arms)
        case n.Per() | n.Formula() | n.Adjust():
            return False


def _has_values(gap: Interval, grid: Fraction | None) -> bool:
    return not gap.empty and (grid is None or gap.on_grid(grid) is not None)


def _extent(found: Range) -> str:
    low = "-∞" if found.low is None else show(found.low)
    high = "∞" if found.high is None else show(found.high)
    return _("from {low} to {high}", low=low, high=high)


def _written(expr: n.Expr) -> Fraction | None:
    if isinstance(expr, n.Number):
        return expr.value
    if isinstance(expr, n.Negate) and isinstance(expr.operand, n.Number):
        return -expr.operand.value
    return None


def _fits(value: Fraction, top: int) -> bool:
    return -top < value.numerator < top and value.denominator < top


def _total(values: list[Fraction], top: int) -> Fraction | None:
    """A sum whose every partial sum stays below top; None if one does not."""
    try:
        return sum_within(values, top)
    except Unscorable:
        return None


# ---------------------------------------------------------------- groups


def _combine_range(
    way: Mode | Literal["sum", "extra"],
    max_points: Fraction,
    cap: Fraction | None,
    kids: list[Summary],
    weights: tuple[Fraction, ...] | None,
) -> Range:
    """What a group can score from what its children can, soundly."""
    if way in ("sum", "extra"):
        total = _sum_ranges([k.exact for k in kids])
        if way == "extra":
            return total if cap is None else v.clamp(total, -cap, cap)
        if any(k.may_partial for k in kids) and any(
            k.may_skip and k.policy == "redistribute to siblings" for k in kids
        ):
            highest = _highest_share(kids)
            top = None if highest is None else highest * max_points
            total = v.hull(
                total, _interval_range((ZERO, True), (top, True)) if top is not None else v.ANY
            )
        return total
    nothing = all(k.may_zero for k in kids)
    if way == "weighted" and weights is not None and not any(k.may_zero for k in kids):
        weight_sum = sum(weights, ZERO)
        lows = [k.share[0] if k.share else None for k in kids]
        highs = [k.share[1] if k.share else None for k in kids]
        if None in lows or None in highs or not weight_sum:
            found = v.ANY
        else:
            most = 1 << MAX_VALUE_BITS
            low = _total([s * w for s, w in zip(lows, weights, strict=True) if s is not None], most)
            high = _total(
                [s * w for s, w in zip(highs, weights, strict=True) if s is not None], most
            )
            if low is None or high is None:
                found = v.ANY  # ends too big to work out: unbounded, which is safe
            else:
                found = _interval_range(
                    (low / weight_sum * max_points, True), (high / weight_sum * max_points, True)
                )
    elif way == "scaled" and not any(k.may_zero or k.may_partial for k in kids):
        out_of = sum((k.max_points for k in kids), ZERO)
        summed = _sum_ranges([k.exact for k in kids])
        found = v.multiply(summed, v.const(max_points / out_of)) if out_of else v.ANY
    elif way == "best of":
        highest = _highest_share(kids)
        if any(k.may_zero for k in kids):
            lowest = _lowest_share(kids)
        else:
            lows = [k.share[0] if k.share else None for k in kids]
            lowest = None if None in lows else max(s for s in lows if s is not None)
        found = _share_interval(lowest, highest, max_points)
    else:
        found = _share_range(kids, max_points)
    if nothing:
        found = v.hull(found, v.const(ZERO))
    return found


def _share_range(kids: list[Summary], top: Fraction) -> Range:
    return _share_interval(_lowest_share(kids), _highest_share(kids), top)


def _share_interval(low: Fraction | None, high: Fraction | None, top: Fraction) -> Range:
    if low is None or high is None:
        return v.ANY
    return _interval_range((low * top, True), (high * top, True))


def _lowest_share(kids: list[Summary]) -> Fraction | None:
    shares = [k.share for k in kids if k.share is not None]
    if not shares or any(s[0] is None for s in shares):
        return None
    return min(s[0] for s in shares if s[0] is not None)


def _highest_share(kids: list[Summary]) -> Fraction | None:
    shares = [k.share for k in kids if k.share is not None]
    if not shares or any(s[1] is None for s in shares):
        return None
    return max(s[1] for s in shares if s[1] is not None)


def _hull_share(
    a: tuple[Fraction | None, Fraction | None] | None,
    b: tuple[Fraction | None, Fraction | None],
) -> tuple[Fraction | None, Fraction | None]:
    if a is None:
        return b
    low = None if a[0] is None or b[0] is None else min(a[0], b[0])
    high = None if a[1] is None or b[1] is None else max(a[1], b[1])
    return low, high


def _share_goal(goal: Goal) -> Goal:
    return {"high": "share high", "low": "share low"}.get(goal, goal)  # type: ignore[return-value]


def _exact_goal(goal: Goal) -> Literal["high", "low"]:
    return "high" if goal in ("high", "share high") else "low"


def _key(goal: Goal) -> Callable[[Candidate], Fraction]:
    def key(c: Candidate) -> Fraction:
        o = c.outcome
        match goal:
            case "high":
                return o.exact
            case "low":
                return -o.exact
            case "share high":
                return o.share if o.share is not None else Fraction(-(10**9))
            case "share low":
                return -o.share if o.share is not None else Fraction(-(10**9))

    return key


def _pick(
    kids: list[Summary], start: Witness, goal: Goal
) -> tuple[list[Outcome], Witness, dict[str, Fraction]] | None:
    """Each child's best result for a goal whose facts fit with those picked before it."""
    witness: Witness | None = start
    outcomes: list[Outcome] = []
    scores: dict[str, Fraction] = {}
    key = _key(goal)
    for kid in kids:
        ordered = sorted(kid.candidates, key=key, reverse=True)
        for candidate in ordered:
            merged = v.merge(witness, candidate.witness)
            if merged is not None:
                witness = merged
                outcomes.append(candidate.outcome)
                scores.update(candidate.scores)
                break
        else:
            return None
    assert witness is not None
    return outcomes, witness, scores


_PROBES = 64  # trials for one indicator or group
_GROUP_FACTS = 8  # a group is tried on facts only when its nodes read at most this many
_GROUP_PROBES = 24  # trials for one group: each works out the group's whole subtree


def _probe_values(dom: Dom) -> list[Dom]:
    """A few values of a fact to try: its ends, and round numbers within it."""
    kept: list[Dom] = []
    if isinstance(dom, Num):
        step = dom.step
        tries: list[Fraction] = []
        for prefer in ("low", "high"):
            found = dom.pick(prefer)
            if found is not None:
                tries.append(found)
        low, high = dom.interval.low, dom.interval.high
        if low is not None:
            tries.append(low + (step or 1))
        if high is not None:
            tries.append(high - (step or 1))
        tries += [Fraction(x) for x in (0, 1, 10, 100)]
        for value in dict.fromkeys(tries):
            point = dom.meet(Num(Interval(at(value), at(value))))
            if point is not None:
                kept.append(point)
        return kept[:6]
    if isinstance(dom, Choice):
        kept.extend(Choice(frozenset([x])) for x in sorted(dom.values, key=str))
        return kept[:6]
    low, high = dom.size.low, dom.size.high
    sizes = (low, (low or ZERO) + 1, high)
    for size in dict.fromkeys(x for x in sizes if x is not None):
        items = dom.meet(Items(dom.universe, size=Interval(at(size), at(size))))
        if items is not None:
            chosen = items.pick()
            universe = dom.universe
            others = (universe - chosen) if universe is not None else frozenset()
            kept.append(Items(universe, chosen, others, Interval(at(size), at(size))))
    return kept


def _trials(choices: list[list[Dom]], budget: int) -> list[tuple[Dom, ...]]:
    """Combinations of the values to try: all facts at the same place in their lists first
    (every fact at its low end, at 1, at 10, …), then others, spread evenly."""
    longest = max(len(c) for c in choices)
    trials = [tuple(c[min(i, len(c) - 1)] for c in choices) for i in range(longest)]
    total = 1
    for c in choices:
        total *= len(c)
    stride = max(1, total // max(1, budget - len(trials)))
    for index in range(0, total, stride):
        if len(trials) >= budget:
            break
        combo = []
        for c in choices:
            index, at_index = divmod(index, len(c))
            combo.append(c[at_index])
        trials.append(tuple(combo))
    return list(dict.fromkeys(trials))


def _best(existing: tuple[Candidate, ...], found: list[Candidate]) -> tuple[Candidate, ...]:
    """The candidates kept for a node: the highest and lowest result, and one left out."""
    pool = [*existing, *found]
    kept = list(existing)
    for key in (lambda c: c.outcome.exact, lambda c: -c.outcome.exact):
        applying = [c for c in pool if c.outcome.applicable]
        if applying:
            kept.append(max(applying, key=key))
    skipping = [c for c in pool if not c.outcome.applicable]
    kept += skipping[:1]
    return tuple(_distinct(kept))


def _distinct(candidates: Iterable[Candidate]) -> Iterator[Candidate]:
    seen: list[Candidate] = []
    for candidate in candidates:
        if candidate not in seen:
            seen.append(candidate)
            yield candidate
