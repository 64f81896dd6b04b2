"""An evaluation: one rubric, many units; scores, ranks, statistics and comparisons, as numbers."""

from __future__ import annotations

import copy
import decimal
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from rubric._evaluation.units import Unit, _field_of, problem_tuple
from rubric._i18n import _
from rubric._numbers import fixed
from rubric.errors import FactProblem, FactsError

if TYPE_CHECKING:
    from rubric._cohort import Cohort
    from rubric._outline import GradeLine, OutlineNode
    from rubric._result import Result, ScoredNode
    from rubric._rubric import Rubric

__all__ = [
    "Comparison",
    "Difference",
    "Evaluation",
    "GradeShare",
    "NodeStatistics",
    "Shortfall",
    "Standing",
    "UnitError",
]


@attrs.frozen
class UnitError:
    """A unit that was not scored, and every problem that stopped it."""

    unit: Unit
    problems: tuple[FactProblem, ...] = attrs.field(converter=problem_tuple)

    def lines(self) -> tuple[str, ...]:
        """Each problem as one line naming the file, row, unit, column and fact."""
        return tuple(self.unit.locate(problem) for problem in self.problems)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready data."""
        return {
            "id": self.unit.id,
            "name": self.unit.name,
            "origin": self.unit.origin,
            "row": self.unit.row,
            "problems": [
                {"facts": list(p.facts), "message": p.message, "text": self.unit.locate(p)}
                for p in self.problems
            ],
        }


@attrs.frozen
class Standing:
    """A scored unit's place: its rank among all units, and within its 类别."""

    rank: int
    unit: Unit
    result: Result = attrs.field(repr=False)
    category_rank: int | None = None

    @property
    def total(self) -> Decimal:
        """The unit's total, as reported."""
        return self.result.total

    @property
    def grade(self) -> str | None:
        """The unit's grade."""
        return self.result.grade


@attrs.frozen
class NodeStatistics:
    """One group's or indicator's scores across the units it applies to."""

    id: str
    title: str
    kind: str
    path: tuple[str, ...]
    max: Decimal
    units: int
    mean: Fraction
    minimum: Decimal
    maximum: Decimal
    lost: int
    points_lost: Fraction

    @property
    def depth(self) -> int:
        """0 for the total, 1 for a top-level group, and so on."""
        return len(self.path) - 1

    @property
    def rate(self) -> Fraction | None:
        """得分率: the mean score over the max; None for a node worth no points."""
        return self.mean / Fraction(self.max) if self.max > 0 else None


@attrs.frozen
class GradeShare:
    """How many of the scored units got a grade, and what share of them that is."""

    grade: str
    count: int
    share: Fraction


@attrs.frozen
class Shortfall:
    """An indicator where a unit lost points: a row of the 问题整改清单."""

    unit: Unit
    id: str
    title: str
    path: tuple[str, ...]
    max: Decimal
    score: Decimal
    lost: Decimal
    result: Result = attrs.field(repr=False, eq=False)

    @property
    def node(self) -> ScoredNode:
        """The indicator in the unit's scored tree, with its explanation."""
        return self.result[self.id]


@attrs.frozen
class Difference:
    """One unit's score on one node by its self-assessment and by verification."""

    unit: Unit
    id: str
    title: str
    kind: str
    path: tuple[str, ...]
    claimed: Decimal
    verified: Decimal

    @property
    def difference(self) -> Decimal:
        """The self-assessed score less the verified one."""
        return self.claimed - self.verified

    @property
    def higher(self) -> bool:
        """Whether the self-assessment gave more than verification found."""
        return self.claimed > self.verified


@attrs.frozen
class Comparison:
    """Self-assessment (自评) against verification (核查), unit by unit and node by node."""

    differences: tuple[Difference, ...]
    only_verified: tuple[Unit, ...] = ()
    only_claimed: tuple[Unit, ...] = ()

    def totals(self) -> tuple[Difference, ...]:
        """The differences of the totals, one per unit compared."""
        return tuple(d for d in self.differences if not d.path[1:])

    def flagged(self) -> tuple[Difference, ...]:
        """The indicators where the self-assessment is higher than verification."""
        return tuple(d for d in self.differences if d.kind == "indicator" and d.higher)


class Evaluation:
    """One rubric applied to many units: each scored once, then ranked and summarised.

    Ranks, statistics, shortfalls and comparisons are computed from each unit's scores as
    numbers; no scored tree is built and no explanation is read until a report asks for one.
    Immutable once built, and safe to share between threads.
    """

    def __init__(self, rubric: Rubric, units: Iterable[Unit]) -> None:
        self._rubric = rubric
        self._units = tuple(units)
        self._outline = rubric.outline()
        ids = [node.id for node in self._outline]
        places, mode = rubric.places, rubric.mode
        # The scores as reported, shared: the same few values come back unit after unit.
        reported: dict[Fraction, Decimal] = {}
        results: dict[str, Result] = {}
        scores: dict[str, tuple[Decimal, ...]] = {}
        skipped: dict[str, frozenset[int]] = {}
        errors: list[UnitError] = []
        # Unit fields the rubric reads (`field 类别: …`) are given to it as facts.
        fields = tuple(spec.name for spec in rubric.facts if spec.field)
        # A rubric that compares units: the cohort of every unit that can be read, made once.
        cohort = None
        if rubric.compares_units:
            cohort = rubric.cohort(
                _facts_of(unit, fields) for unit in self._units if not unit.problems
            )
        self._cohort = cohort
        for unit in self._units:
            outcome = _score(rubric, unit, cohort, fields)
            if isinstance(outcome, UnitError):
                errors.append(outcome)
                continue
            results[unit.id] = outcome
            exact = outcome.scores()
            row = []
            for node_id in ids:
                value = exact[node_id]
                shown = reported.get(value)
                if shown is None:
                    shown = reported[value] = Decimal(fixed(value, places, mode))
                row.append(shown)
            scores[unit.id] = tuple(row)
            left_out = outcome.not_applicable()
            if left_out:
                skipped[unit.id] = frozenset(i for i, node in enumerate(ids) if node in left_out)
        self._results = results
        self._scores = scores
        self._skipped = skipped
        self._errors = tuple(errors)

    def __repr__(self) -> str:
        return (
            f"<Evaluation {self._rubric.id}: {len(self._results)} units scored, "
            f"{len(self._errors)} not>"
        )

    @property
    def rubric(self) -> Rubric:
        """The rubric every unit is scored with."""
        return self._rubric

    @property
    def cohort(self) -> Cohort | None:
        """The cohort every unit was scored with, for a rubric that compares units; else None."""
        return self._cohort

    @property
    def units(self) -> tuple[Unit, ...]:
        """Every unit given, scored or not, in the order given."""
        return self._units

    @property
    def results(self) -> Mapping[str, Result]:
        """The result of each scored unit, by unit id, in the order given."""
        return self._results

    @property
    def errors(self) -> tuple[UnitError, ...]:
        """The units that could not be scored, each with its problems."""
        return self._errors

    def scores(self, unit_id: str) -> tuple[Decimal, ...]:
        """A scored unit's score on every node as reported, in the order of `nodes`."""
        return self._scores[unit_id]

    def applies(self, unit_id: str, position: int) -> bool:
        """Whether the node at this position of `nodes` applies to a scored unit."""
        left_out = self._skipped.get(unit_id)
        return left_out is None or position not in left_out

    @cached_property
    def scored(self) -> tuple[Unit, ...]:
        """The units that were scored, in the order given."""
        return tuple(unit for unit in self._units if unit.id in self._results)

    @cached_property
    def ranking(self) -> tuple[Standing, ...]:
        """The scored units by total, highest first; equal totals share a rank (1, 2, 2, 4).

        A rubric's `rank units by total, then ID, …` line orders equal totals by those nodes'
        scores in turn; units equal on all of them share a rank.
        """
        positions = {node.id: i for i, node in enumerate(self._outline)}
        keys = [0, *(positions[node_id] for node_id in self._rubric.tie_break)]
        totals = {unit.id: tuple(self._scores[unit.id][i] for i in keys) for unit in self.scored}
        overall = _ranks(totals)
        by_category: dict[str, int] = {}
        categories: dict[str | None, dict[str, tuple[Decimal, ...]]] = {}
        for unit in self.scored:
            categories.setdefault(unit.category, {})[unit.id] = totals[unit.id]
        for category, members in categories.items():
            if category is not None:
                by_category.update(_ranks(members))
        order = sorted(self.scored, key=lambda unit: overall[unit.id])
        return tuple(
            Standing(overall[u.id], u, self._results[u.id], by_category.get(u.id)) for u in order
        )

    @cached_property
    def _standings(self) -> dict[str, Standing]:
        return {standing.unit.id: standing for standing in self.ranking}

    def standing(self, unit_id: str) -> Standing:
        """The standing of one scored unit; KeyError if it was not scored."""
        found = self._standings.get(unit_id)
        if found is None:
            raise KeyError(_("no scored unit {unit_id!r}", unit_id=unit_id))
        return found

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """The 类别 of the units, in order of first appearance; () when none has one."""
        return tuple(dict.fromkeys(u.category for u in self._units if u.category is not None))

    @cached_property
    def grade_steps(self) -> tuple[GradeLine, ...]:
        """The rubric's grades from the top down, with their thresholds where plain."""
        return self._rubric.grades

    @cached_property
    def grades(self) -> tuple[GradeShare, ...]:
        """The grade distribution: each grade of the rubric, with its count and share."""
        counts: dict[str, int] = {step.name: 0 for step in self.grade_steps}
        for result in self._results.values():
            if result.grade is not None:
                counts[result.grade] = counts.get(result.grade, 0) + 1
        scored = len(self._results)
        return tuple(
            GradeShare(grade, count, Fraction(count, scored) if scored else Fraction(0))
            for grade, count in counts.items()
        )

    @property
    def nodes(self) -> tuple[OutlineNode, ...]:
        """The rubric's tree as declared: the root first, parents before children."""
        return self._outline

    @cached_property
    def paths(self) -> Mapping[str, tuple[str, ...]]:
        """Each node's path of titles, from the root's."""
        paths: dict[str, tuple[str, ...]] = {}
        for node in self._outline:
            above = paths[node.parent] if node.parent is not None else ()
            paths[node.id] = (*above, node.title)
        return paths

    @cached_property
    def statistics(self) -> tuple[NodeStatistics, ...]:
        """Every node's figures across the scored units, in rubric order, the total first."""
        stats = []
        units = [unit.id for unit in self.scored]
        for position, node in enumerate(self._outline):
            scores = [
                self._scores[unit][position] for unit in units if self.applies(unit, position)
            ]
            if not scores:
                continue
            top = node.max
            short = [top - s for s in scores if s < top]
            stats.append(
                NodeStatistics(
                    id=node.id,
                    title=node.title,
                    kind=node.kind,
                    path=self.paths[node.id],
                    max=top,
                    units=len(scores),
                    mean=_exact_sum(scores) / len(scores),
                    minimum=min(scores),
                    maximum=max(scores),
                    lost=len(short),
                    points_lost=_exact_sum(short),
                )
            )
        return tuple(stats)

    def most_lost(self, count: int = 5) -> tuple[NodeStatistics, ...]:
        """The indicators where the units together lost most points, most first."""
        lost = [s for s in self.statistics if s.kind == "indicator" and s.points_lost > 0]
        return tuple(sorted(lost, key=lambda s: -s.points_lost)[:count])

    def shortfalls(self, unit_id: str | None = None) -> tuple[Shortfall, ...]:
        """The 问题整改清单: each indicator where a unit lost points; by unit, then most lost."""
        if unit_id is None:
            return tuple(row for unit in self.scored for row in self._unit_shortfalls(unit))
        return self._unit_shortfalls(self.standing(unit_id).unit)

    def _unit_shortfalls(self, unit: Unit) -> tuple[Shortfall, ...]:
        lost = []
        scores, result, paths = self._scores[unit.id], self._results[unit.id], self.paths
        for position, node in enumerate(self._outline):
            score = scores[position]
            if node.kind == "indicator" and score < node.max and self.applies(unit.id, position):
                lost.append(
                    Shortfall(
                        unit,
                        node.id,
                        node.title,
                        paths[node.id],
                        node.max,
                        score,
                        node.max - score,
                        result,
                    )
                )
        return tuple(sorted(lost, key=lambda s: -s.lost))

    def next_grade(self, unit_id: str) -> tuple[str, Decimal] | None:
        """The next grade up for a unit and the points it is short of it, when the rubric says.

        Known only when that grade's condition is a plain `total >= N`; None for the top grade.
        """
        result = self._results[unit_id]
        steps = self.grade_steps
        names = [step.name for step in steps]
        if result.grade not in names:
            return None
        places = self._rubric.places
        for step in reversed(steps[: names.index(result.grade)]):
            if step.threshold is None:
                return None
            needed = step.threshold + (Fraction(1, 10**places) if step.strict else 0)
            short = needed - Fraction(self._scores[unit_id][0])
            if short > 0:
                return step.name, Decimal(fixed(short, places, "up"))
        return None

    def rows(self) -> list[dict[str, Any]]:
        """The ranked summary as flat rows: rank, unit, fields, total, grade and each group."""
        groups = [(i, node.id) for i, node in enumerate(self._outline) if node.depth == 1]
        rows = []
        for standing in self.ranking:
            unit = standing.unit
            scores = self._scores[unit.id]
            row: dict[str, Any] = {
                "rank": standing.rank,
                "category_rank": standing.category_rank,
                "id": unit.id,
                "name": unit.name,
                **dict(unit.fields),
                "total": scores[0],
                "grade": standing.grade,
            }
            for position, group in groups:
                row[group] = scores[position]
            rows.append(row)
        return rows

    def compare(self, self_assessment: Evaluation) -> Comparison:
        """This evaluation (verification) against another of the same units (their 自评)."""
        claimed = self_assessment.results
        theirs = {node.id: i for i, node in enumerate(self_assessment.nodes)}
        shared = [(i, node, theirs[node.id]) for i, node in enumerate(self._outline)
                  if node.id in theirs]  # fmt: skip
        differences: list[Difference] = []
        paths = self.paths
        for unit in self.scored:
            if unit.id not in claimed:
                continue
            mine, other = self._scores[unit.id], self_assessment.scores(unit.id)
            for i, node, j in shared:
                path = paths[node.id]
                differences.append(
                    Difference(unit, node.id, node.title, node.kind, path, other[j], mine[i])
                )
        return Comparison(
            tuple(differences),
            tuple(u for u in self.scored if u.id not in claimed),
            tuple(u for u in self_assessment.scored if u.id not in self._results),
        )

    def to_dict(self, comparison: Comparison | None = None) -> dict[str, Any]:
        """Everything, as JSON-ready data: the rubric, units, errors, statistics, comparison."""
        return {key: list(value) if isinstance(value, _Each) else value
                for key, value in self._parts(comparison, _kept)}  # fmt: skip

    def to_json(self, comparison: Comparison | None = None, *, indent: int | None = 2) -> str:
        """to_dict as JSON text, Chinese kept readable."""
        return "".join(json_chunks(self, comparison, indent=indent))

    def _parts(
        self, comparison: Comparison | None, result_of: Callable[[Standing], Result]
    ) -> Iterator[tuple[str, Any]]:
        """The top-level entries of to_dict, the long lists as _Each to write item by item."""
        rubric = self._rubric
        about = {"id": rubric.id, "title": rubric.title, "version": rubric.version,
                 "max": str(rubric.max)}  # fmt: skip
        grades = [
            {"grade": g.grade, "count": g.count, "share": _ratio(g.share)} for g in self.grades
        ]
        statistics = [
            {
                "id": s.id,
                "title": s.title,
                "kind": s.kind,
                "max": str(s.max),
                "units": s.units,
                "mean": fixed(s.mean, rubric.places),
                "min": str(s.minimum),
                "max_score": str(s.maximum),
                "rate": None if s.rate is None else _ratio(s.rate),
                "units_losing_points": s.lost,
                "points_lost": fixed(s.points_lost, rubric.places),
            }
            for s in self.statistics
        ]
        yield "rubric", about
        yield "units", _Each(self._unit_dict(s, result_of(s)) for s in self.ranking)
        yield "errors", [error.to_dict() for error in self._errors]
        yield "grades", grades
        yield "statistics", statistics
        if self._cohort is not None:  # the figures the rubric's rules compared each unit with
            yield "cohort", self._cohort.to_dict()
        if comparison is not None:
            yield "comparison", _Each(_difference_dict(d) for d in comparison.differences)

    def _unit_dict(self, standing: Standing, result: Result) -> dict[str, Any]:
        unit = standing.unit
        return {
            "id": unit.id,
            "name": unit.name,
            "fields": dict(unit.fields),
            "origin": unit.where,
            "rank": standing.rank,
            "category_rank": standing.category_rank,
            "total": str(standing.total),
            "grade": standing.grade,
            "result": result.to_dict(),
        }


def _difference_dict(d: Difference) -> dict[str, Any]:
    return {
        "id": d.unit.id,
        "name": d.unit.name,
        "node": d.id,
        "title": d.title,
        "claimed": str(d.claimed),
        "verified": str(d.verified),
        "difference": str(d.difference),
        "claimed_higher": d.higher,
    }


def _kept(standing: Standing) -> Result:
    return standing.result


def passing(standing: Standing) -> Result:
    """A copy of a unit's result, holding its numbers alone: an explanation read from it goes
    when the copy does, so that thousands of units written one by one do not keep theirs."""
    return copy.copy(standing.result)


def json_chunks(
    evaluation: Evaluation,
    comparison: Comparison | None = None,
    *,
    indent: int | None = 2,
    result_of: Callable[[Standing], Result] = _kept,
    one_per_line: bool = False,
) -> Iterator[str]:
    """Evaluation.to_json's text in pieces, a unit at a time, to write as they come.

    result_of gives the result each unit's tree and explanation are read from: its own (kept
    once read) by default; `passing` reads each from a copy, in flat memory. one_per_line
    writes each unit and each comparison on one line of its own: the same data, and many
    times faster for thousands of units, as json indents in Python and writes lines in C.
    """
    if indent is None:
        start, between, end = "{", ", ", "}"
        first, each, last = "[", ", ", "]"
    else:
        one, two = "\n" + " " * indent, "\n" + " " * (2 * indent)
        start, between, end = "{" + one, "," + one, "\n}"
        first, each, last = "[" + two, "," + two, one + "]"
    yield start
    for number, (key, value) in enumerate(evaluation._parts(comparison, result_of)):
        yield (between if number else "") + _json(key, indent, 1) + ": "
        if not isinstance(value, _Each):
            yield _json(value, indent, 1)
            continue
        empty = True
        for item in value:
            text = _json(item, None if one_per_line else indent, 2)
            yield (each if not empty else first) + text
            empty = False
        yield "[]" if empty else last
    yield end


class _Each:
    """A long list of JSON values, made one at a time as it is written."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)


def _json(value: object, indent: int | None, level: int) -> str:
    """A value as json.dumps writes it at this depth inside an indented document."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    # JSON text never holds a raw line break inside a string: each one is the indentation's.
    return text.replace("\n", "\n" + " " * (indent * level)) if indent else text


def _facts_of(unit: Unit, fields: tuple[str, ...]) -> Mapping[str, object]:
    """A unit's facts, with the unit fields the rubric reads as facts (by the field's name or
    the other names its column may have: 类别 or category)."""
    if not fields:
        return unit.facts
    facts = dict(unit.facts)
    for name in fields:
        if name in facts:
            continue
        value = unit.fields.get(name)
        if value is None:
            canonical = _field_of(name)
            value = unit.fields.get(canonical) if canonical is not None else None
        if value:
            facts[name] = value
    return facts


def _score(
    rubric: Rubric, unit: Unit, cohort: Cohort | None = None, fields: tuple[str, ...] = ()
) -> Result | UnitError:
    """Score one unit, or say why not: its reading problems and whatever the rubric refuses."""
    facts = _facts_of(unit, fields)
    if unit.problems:
        unreadable = {name for problem in unit.problems for name in problem.facts}
        found: tuple[FactProblem, ...] = ()
        try:
            if unit.facts:  # a file that could not be read at all: its facts are not missing
                rubric.validate(facts)
        except FactsError as error:
            # A fact whose cell could not be read is not missing too.
            found = tuple(p for p in error.problems if not set(p.facts) & unreadable)
        return UnitError(unit, (*unit.problems, *found))
    try:
        return rubric.score(facts, cohort=cohort)
    except FactsError as error:
        return UnitError(unit, error.problems)


def _exact_sum(values: Sequence[Decimal]) -> Fraction:
    """The exact sum of decimals: no digit is dropped, however many there are."""
    with decimal.localcontext() as context:
        context.prec = decimal.MAX_PREC
        context.Emax, context.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        return Fraction(sum(values, Decimal(0)))


def _ranks(totals: Mapping[str, tuple[Decimal, ...]]) -> dict[str, int]:
    """Competition ranks: 1 + how many totals are higher; equal totals share a rank.

    A total comes with the scores that break its ties, compared in turn.
    """
    ordered = sorted(totals.values(), reverse=True)
    first: dict[tuple[Decimal, ...], int] = {}
    for index, total in enumerate(ordered):
        first.setdefault(total, index + 1)
    return {key: first[total] for key, total in totals.items()}


def _ratio(value: Fraction) -> str:
    """A share or rate as a decimal text with 4 places: 0.8333."""
    return fixed(value, 4)
