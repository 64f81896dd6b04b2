"""The checker: a parsed rubric's names, types, tree, points and bands, every problem at once.

Each module checks one concern: names.py (names and types), tree.py (ids, maxes, weights),
rules.py and clauses.py (rules and the lines on a score), bands.py (tables), limits.py (how
big things may be), codes.py and report.py (every code; problems collected, capped, sorted,
silenced). The analysis behind the warnings and the proved bounds, worked out when first
asked for: bounds.py (each node's lowest and highest score), over values.py (ranges, truths,
witnesses), exprs.py (expressions over what the facts may be), intervals.py, outcomes.py (the
scorer's arithmetic on known numbers) and reach.py (facts that reach a bound).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Mapping

import attrs

from rubric._check.bounds import Analysis, NodeBounds, analyse, lines_that_never_act
from rubric._check.clauses import check_clauses
from rubric._check.limits import MAX_DIGITS, check_constants, literal_digits
from rubric._check.names import Names, Scope, Type
from rubric._check.report import Report
from rubric._check.rules import Rules
from rubric._check.tree import Tree, TreeNode
from rubric._check.walk import nodes_of
from rubric._collector import full_collections_held
from rubric._i18n import _
from rubric._limits import DEFAULT, Limits
from rubric.dsl import nodes as n
from rubric.dsl.source import Source
from rubric.errors import Diagnostic, RubricCheckError

__all__ = ["Checked", "Findings", "NodeBounds", "TreeNode", "Type", "check"]


@attrs.frozen
class Checked:
    """A valid rubric: its document with words resolved, its tree, and its rounding."""

    source: Source
    document: n.Document
    header: n.Header
    rounding: n.Rounding
    tree: tuple[TreeNode, ...]
    types: Mapping[str, Type]
    findings: Findings


@attrs.frozen
class _Warned:
    """The warnings (the first ones, and how many more) and the facts each node reads."""

    warnings: tuple[Diagnostic, ...]
    more_warnings: int
    reads: Mapping[str, tuple[str, ...]]


class Findings:
    """What the checker finds beside errors: warnings, and every node's proved bounds.

    Each worked out when first asked for, once, under a lock: a rubric loaded only to score
    does not pay for the analysis, and threads sharing a rubric see one result. The warnings
    take the ranges alone; the bounds also take the search for facts that reach them (about
    a millisecond an indicator), so `rubric check` does not wait for that search. It pickles
    with what it has worked out so far.
    """

    def __init__(
        self,
        source: Source,
        document: n.Document,
        tree: tuple[TreeNode, ...],
        rounding: n.Rounding,
        shapes: dict[tuple[int, int], object] | None = None,
        limits: Limits = DEFAULT,
    ) -> None:
        self.source = source
        self._limits = limits
        # Tables the checker worked out already, for the analysis to read again.
        self._shapes = shapes or {}
        self._inputs: tuple[n.Document, tuple[TreeNode, ...], n.Rounding] | None = (
            document,
            tree,
            rounding,
        )
        self._warned: _Warned | None = None
        self._bounds: Mapping[str, NodeBounds] | None = None
        self._lock = threading.Lock()

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Problems that do not stop compilation, in the order of the text: the first ones."""
        return self._warn().warnings

    @property
    def more_warnings(self) -> int:
        """How many warnings were left out after the first ones."""
        return self._warn().more_warnings

    @property
    def bounds(self) -> Mapping[str, NodeBounds]:
        """Each node's bounds by its id; the total's under the rubric's id."""
        found = self._bounds
        if found is None:
            with self._lock:
                if self._bounds is None:
                    analysis = self._analyse(Report(self.source, self._limits.errors), True)
                    self._bounds = analysis.bounds if analysis is not None else self._unbounded()
                    self._done()
                found = self._bounds
        return found

    @property
    def reads(self) -> Mapping[str, tuple[str, ...]]:
        """The facts each node reads itself (a group: in its own lines)."""
        return self._warn().reads

    def _warn(self) -> _Warned:
        found = self._warned
        if found is None:
            with self._lock:
                if self._warned is None:
                    report = Report(self.source, self._limits.errors)
                    analysis = self._analyse(report, False)
                    if analysis is None:
                        self._warned = _Warned((), 0, {})
                    else:
                        warnings, more = report.diagnostics("warning")
                        self._warned = _Warned(warnings, more, analysis.reads)
                    self._done()
                found = self._warned
        return found

    def _analyse(self, report: Report, witnesses: bool) -> Analysis | None:
        """The analysis, with or without the search for facts that reach each bound; None
        where the rubric is too deep to analyse."""
        assert self._inputs is not None
        document, tree, rounding = self._inputs
        report.shapes.update(self._shapes)
        try:
            # It makes many objects that live on (bounds and their facts, for each node):
            # see _collector.
            with full_collections_held():
                return analyse(
                    document,
                    tree,
                    rounding,
                    report,
                    self._limits.exact_digits,
                    witnesses=witnesses,
                )
        except RecursionError:
            # Values chained as deep as the checker allows, inside expressions as deep as a
            # line may nest: no warnings and no bounds rather than a traceback.
            return None

    def _unbounded(self) -> dict[str, NodeBounds]:
        assert self._inputs is not None
        document, tree, _rounding = self._inputs
        return _unbounded(document, tree)

    def _done(self) -> None:
        if self._warned is not None and self._bounds is not None:
            self._inputs = None  # the syntax tree is no longer needed
            self._shapes = {}

    def __getstate__(self) -> dict[str, object]:
        return {
            "source": self.source,
            "inputs": self._inputs,
            "warned": self._warned,
            "bounds": self._bounds,
            "limits": self._limits,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self.source = state["source"]  # type: ignore[assignment]
        self._inputs = state["inputs"]  # type: ignore[assignment]
        self._warned = state.get("warned")  # type: ignore[assignment]
        self._bounds = state.get("bounds")  # type: ignore[assignment]
        self._limits = state.get("limits", DEFAULT)  # type: ignore[assignment]
        self._shapes = {}
        self._lock = threading.Lock()


def check(document: n.Document, source: Source, limits: Limits = DEFAULT) -> Checked:
    """Check a parsed rubric; raise RubricCheckError listing every problem found.

    `limits` gives the checker's bounds: `places`, `id_depth`, `value_chain`, `errors` and
    `exact_digits` (for values of numbers alone here, and for the analysis behind warnings).
    """
    assert document.header is not None, "the parser guarantees a header"
    header = document.header
    report = Report(source, limits.errors)
    rounding = document.rounding or n.Rounding(header.span, "indicators", 2, "half up")
    # The places are checked before anything is rounded to them: 10**places must stay small.
    places: int | None = rounding.places
    if rounding.places > limits.places:
        report(
            "E511",
            rounding.span,
            _(
                "{places} decimal places is more than {places2}",
                places=rounding.places,
                places2=limits.places,
            ),
            _("round to at most {places} places; 2 is usual", places=limits.places),
        )
        places = None
    names = Names(report, limits.value_chain)
    tree = Tree(names, Rules(names), places, limits.id_depth)
    if header.max is not None:
        tree.max_fits(header.max)
    scope = Scope()
    facts = names.check_facts(document.facts, scope)
    lets = names.check_lets(document.lets, scope)
    requires = tuple(names.check_require(r, scope) for r in document.requires)
    grades = names.check_grades(document.grades, scope)
    # With a bonus, the total may be above the rubric's max: a cap there may still act.
    over = any(node.role == "bonus" for node in document.nodes) or any(
        extra.role == "bonus"
        for node in document.nodes
        if isinstance(node, n.Indicator)
        for extra in node.extras
    )
    root_clauses = check_clauses(names, document.clauses, scope, None if over else header.max, None)
    nodes, decls = tree.check_tree(document.nodes, header, scope)
    names.check_score_refs(tree.node_ids)
    names.check_ranking(document.ranking, tree.node_ids)
    names.check_unused(facts, lets)
    _check_literals(report, document, source)
    check_constants(report, n.replace(document, lets=lets, nodes=decls), limits.exact_digits)
    if report.errors:
        errors, omitted = report.diagnostics("error")
        raise RubricCheckError(source, errors, omitted)
    checked_doc = n.replace(
        document,
        facts=facts,
        lets=lets,
        requires=requires,
        grades=grades,
        nodes=decls,
        clauses=root_clauses,
    )
    if any(
        isinstance(clause, n.CapIf | n.Multiply)
        for holder in (checked_doc, *checked_doc.nodes)
        for clause in holder.clauses
    ):
        # A cap or multiplier the rules never let act (E331) only the bounds show: worked out
        # as sound ranges alone, where a rubric has such lines.
        with contextlib.suppress(RecursionError):  # too deep to analyse: no bounds, as below
            lines_that_never_act(checked_doc, nodes, rounding, report, limits.exact_digits)
        if report.errors:
            errors, omitted = report.diagnostics("error")
            raise RubricCheckError(source, errors, omitted)
    findings = Findings(source, checked_doc, nodes, rounding, report.shapes, limits)
    return Checked(source, checked_doc, header, rounding, nodes, dict(scope.names), findings)


def _unbounded(document: n.Document, tree: tuple[TreeNode, ...]) -> dict[str, NodeBounds]:
    assert document.header is not None
    ids = [document.header.id]
    stack = list(tree)
    while stack:
        node = stack.pop()
        ids.append(node.decl.id)
        stack.extend(node.children)
    return {node_id: NodeBounds(None, None, False, False) for node_id in ids}


# A number of more than MAX_DIGITS digits, split by at most one point, has a run of this many:
# a text without one has no such number, and its numbers need not be looked at one by one.
_LONG_RUN = re.compile(rf"\d{{{MAX_DIGITS // 2 + 1}}}")


def _check_literals(report: Report, doc: n.Document, source: Source) -> None:
    if not _LONG_RUN.search(source.text):
        return
    for number in nodes_of(doc, n.Number):
        if len(number.text) <= MAX_DIGITS:
            continue
        digits = literal_digits(number)
        if digits > MAX_DIGITS:
            report(
                "E512",
                number.span,
                _("a number of {digits} digits", digits=digits),
                _("numbers in a rubric have at most {MAX_DIGITS} digits", MAX_DIGITS=MAX_DIGITS),
            )
