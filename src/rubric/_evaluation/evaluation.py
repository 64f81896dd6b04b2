"""An evaluation: one rubric, many units; scores, ranks, statistics and comparisons, as numbers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from rubric._evaluation.units import Unit, problem_tuple
from rubric._numbers import fixed
from rubric.errors import FactProblem, FactsError

if TYPE_CHECKING:
    from rubric._result import Result, ScoredNode
    from rubric._rubric import GradeLine, Rubric

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
    node: ScoredNode = attrs.field(repr=False)
    path: tuple[str, ...]
    lost: Decimal


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

    Ranks and statistics are computed from the scores alone; no explanation is read until a
    report asks for it. Immutable once built, and safe to share between threads.
    """

    def __init__(self, rubric: Rubric, units: Iterable[Unit]) -> None:
        self._rubric = rubric
        self._units = tuple(units)
        results: dict[str, Result] = {}
        errors: list[UnitError] = []
        for unit in self._units:
            outcome = _score(rubric, unit)
            if isinstance(outcome, UnitError):
                errors.append(outcome)
            else:
                results[unit.id] = outcome
        self._results = results
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

    @cached_property
    def scored(self) -> tuple[Unit, ...]:
        """The units that were scored, in the order given."""
        return tuple(unit for unit in self._units if unit.id in self._results)

    @cached_property
    def ranking(self) -> tuple[Standing, ...]:
        """The scored units by total, highest first; equal totals share a rank (1, 2, 2, 4)."""
        totals = {unit.id: self._results[unit.id].total for unit in self.scored}
        overall = _ranks(totals)
        by_category: dict[str, int] = {}
        categories: dict[str | None, dict[str, Decimal]] = {}
        for unit in self.scored:
            categories.setdefault(unit.category, {})[unit.id] = totals[unit.id]
        for category, members in categories.items():
            if category is not None:
                by_category.update(_ranks(members))
        order = sorted(self.scored, key=lambda unit: overall[unit.id])
        return tuple(
            Standing(overall[u.id], u, self._results[u.id], by_category.get(u.id)) for u in order
        )

    def standing(self, unit_id: str) -> Standing:
        """The standing of one scored unit; KeyError if it was not scored."""
        for standing in self.ranking:
            if standing.unit.id == unit_id:
                return standing
        raise KeyError(f"no scored unit {unit_id!r}")

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

    @cached_property
    def nodes(self) -> tuple[ScoredNode, ...]:
        """The rubric's tree, as a scored unit's nodes: the root first, parents before children."""
        first = next(iter(self._results.values()), None)
        return tuple(first) if first is not None else ()

    @cached_property
    def paths(self) -> Mapping[str, tuple[str, ...]]:
        """Each node's path of titles, from the root's."""
        paths: dict[str, tuple[str, ...]] = {}
        if self.nodes:
            _paths(self.nodes[0], (), paths)
        return paths

    @cached_property
    def statistics(self) -> tuple[NodeStatistics, ...]:
        """Every node's figures across the scored units, in rubric order, the total first."""
        stats = []
        for node in self.nodes:
            scores = [
                result[node.id].score
                for result in self._results.values()
                if result[node.id].applicable
            ]
            if not scores:
                continue
            top = node.max
            stats.append(
                NodeStatistics(
                    id=node.id,
                    title=node.title,
                    kind=node.kind,
                    path=self.paths[node.id],
                    max=top,
                    units=len(scores),
                    mean=sum((Fraction(s) for s in scores), Fraction(0)) / len(scores),
                    minimum=min(scores),
                    maximum=max(scores),
                    lost=sum(1 for s in scores if s < top),
                    points_lost=sum((Fraction(top - s) for s in scores if s < top), Fraction(0)),
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
            return self._shortfalls
        return self._unit_shortfalls(self.standing(unit_id).unit)

    @cached_property
    def _shortfalls(self) -> tuple[Shortfall, ...]:
        return tuple(row for unit in self.scored for row in self._unit_shortfalls(unit))

    def _unit_shortfalls(self, unit: Unit) -> tuple[Shortfall, ...]:
        lost = []
        for node in self._results[unit.id]:
            if node.kind == "indicator" and node.applicable:
                score, top = node.score, node.max
                if score < top:
                    lost.append(Shortfall(unit, node, self.paths[node.id], top - score))
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
            short = needed - Fraction(result.total)
            if short > 0:
                return step.name, Decimal(fixed(short, places, "up"))
        return None

    def rows(self) -> list[dict[str, Any]]:
        """The ranked summary as flat rows: rank, unit, fields, total, grade and each group."""
        groups = [node for node in self.nodes if len(self.paths[node.id]) == 2]
        rows = []
        for standing in self.ranking:
            unit, result = standing.unit, standing.result
            row: dict[str, Any] = {
                "rank": standing.rank,
                "category_rank": standing.category_rank,
                "id": unit.id,
                "name": unit.name,
                **dict(unit.fields),
                "total": result.total,
                "grade": result.grade,
            }
            for group in groups:
                row[group.id] = result[group.id].score
            rows.append(row)
        return rows

    def compare(self, self_assessment: Evaluation) -> Comparison:
        """This evaluation (verification) against another of the same units (their 自评)."""
        claimed = self_assessment.results
        differences = []
        for unit in self.scored:
            if unit.id not in claimed:
                continue
            mine, theirs = self._results[unit.id], claimed[unit.id]
            for node in mine:
                if node.id not in theirs:
                    continue
                differences.append(
                    Difference(
                        unit,
                        node.id,
                        node.title,
                        node.kind,
                        self.paths[node.id],
                        theirs[node.id].score,
                        node.score,
                    )
                )
        return Comparison(
            tuple(differences),
            tuple(u for u in self.scored if u.id not in claimed),
            tuple(u for u in self_assessment.scored if u.id not in self._results),
        )

    def to_dict(self, comparison: Comparison | None = None) -> dict[str, Any]:
        """Everything, as JSON-ready data: the rubric, units, errors, statistics, comparison."""
        rubric = self._rubric
        data: dict[str, Any] = {
            "rubric": {
                "id": rubric.id,
                "title": rubric.title,
                "version": rubric.version,
                "max": str(rubric.max),
            },
            "units": [
                {
                    "id": s.unit.id,
                    "name": s.unit.name,
                    "fields": dict(s.unit.fields),
                    "origin": s.unit.where,
                    "rank": s.rank,
                    "category_rank": s.category_rank,
                    "total": str(s.total),
                    "grade": s.grade,
                    "result": s.result.to_dict(),
                }
                for s in self.ranking
            ],
            "errors": [error.to_dict() for error in self._errors],
            "grades": [
                {"grade": g.grade, "count": g.count, "share": _ratio(g.share)} for g in self.grades
            ],
            "statistics": [
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
            ],
        }
        if comparison is not None:
            data["comparison"] = [
                {
                    "id": d.unit.id,
                    "name": d.unit.name,
                    "node": d.id,
                    "title": d.title,
                    "claimed": str(d.claimed),
                    "verified": str(d.verified),
                    "difference": str(d.difference),
                    "claimed_higher": d.higher,
                }
                for d in comparison.differences
            ]
        return data

    def to_json(self, comparison: Comparison | None = None, *, indent: int | None = 2) -> str:
        """to_dict as JSON text, Chinese kept readable."""
        return json.dumps(self.to_dict(comparison), ensure_ascii=False, indent=indent)


def _score(rubric: Rubric, unit: Unit) -> Result | UnitError:
    """Score one unit, or say why not: its reading problems and whatever the rubric refuses."""
    if unit.problems:
        unreadable = {name for problem in unit.problems for name in problem.facts}
        found: tuple[FactProblem, ...] = ()
        try:
            if unit.facts:  # a file that could not be read at all: its facts are not missing
                rubric.validate(unit.facts)
        except FactsError as error:
            # A fact whose cell could not be read is not missing too.
            found = tuple(p for p in error.problems if not set(p.facts) & unreadable)
        return UnitError(unit, (*unit.problems, *found))
    try:
        return rubric.score(unit.facts)
    except FactsError as error:
        return UnitError(unit, error.problems)


def _ranks(totals: Mapping[str, Decimal]) -> dict[str, int]:
    """Competition ranks: 1 + how many totals are higher; equal totals share a rank."""
    ordered = sorted(totals.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for index, total in enumerate(ordered):
        first.setdefault(total, index + 1)
    return {key: first[total] for key, total in totals.items()}


def _paths(node: ScoredNode, above: tuple[str, ...], paths: dict[str, tuple[str, ...]]) -> None:
    path = (*above, node.title)
    paths[node.id] = path
    for child in node.children:
        _paths(child, path, paths)


def _ratio(value: Fraction) -> str:
    """A share or rate as a decimal text with 4 places: 0.8333."""
    return fixed(value, 4)
