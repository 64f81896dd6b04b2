"""Scored results: every node's exact score at once, its explanation when first read.

A Result holds only numbers: the facts as validated and each node's exact score (an integer of
the rubric's smallest unit, or a Fraction where no such unit holds it). The tree of ScoredNodes
is built when first walked, and the explanations when first read: the interpreter scores the
facts again, recording figures, and `_explain` words them. Both are cached on the Result; two
threads reading at once may each build them, and either copy is the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from rubric._numbers import fixed, integer_text, scaled
from rubric._values import Adjustment, FactValue
from rubric._wording import exact_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rubric._cohort import Cohort
    from rubric._rubric import Rubric
    from rubric._whatif import WhatIf

__all__ = [
    "Adjustment",
    "Advice",
    "FactValue",
    "Reason",
    "Result",
    "ScoredNode",
]


_PLAIN = frozenset({bool, int, str})


def _writable(number: int) -> bool:
    """Whether json can write an int as a number: Python writes no more digits than
    sys.get_int_max_str_digits() (4300 unless a program changes it); longer ones are texts."""
    import sys

    most = sys.get_int_max_str_digits()
    return not most or number.bit_length() * 0.302 < most - 1


def _json_fact(value: FactValue) -> object:
    if value.__class__ is int and not _writable(value):
        return integer_text(value)
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Adjustment):
        return {"points": exact_text(value.points), "reason": value.reason}
    if isinstance(value, Fraction):
        return exact_text(value)
    return value


@attrs.frozen
class Reason:
    """One entry of an indicator's explanation: a rule that gave, took, or could have given."""

    text: str
    points: Fraction
    kind: str
    facts: tuple[tuple[str, FactValue], ...] = ()
    values: tuple[tuple[str, FactValue], ...] = ()
    line: int | None = None

    def to_dict(self, places: int) -> dict[str, Any]:
        """The entry as JSON-ready data; points shown with `places` decimals and exactly."""
        return line_dict(
            (self.text, self.points, self.kind, self.facts, self.values, self.line), places
        )


# A Reason's fields, as the explanations of a result are kept until a Reason is asked for.
Line: TypeAlias = tuple[
    str,
    Fraction,
    str,
    tuple[tuple[str, FactValue], ...],
    tuple[tuple[str, FactValue], ...],
    int | None,
]


def line_dict(line: Line, places: int) -> dict[str, Any]:
    """An explanation entry as JSON-ready data; points shown with `places` decimals and exactly."""
    text, points, kind, facts, values, number = line
    return {
        "text": text,
        "points": fixed(points, places),
        "exact": exact_text(points),
        "kind": kind,
        "facts": {name: _json_fact(value) for name, value in facts} if facts else {},
        "values": {name: _json_fact(value) for name, value in values} if values else {},
        "line": number,
    }


@attrs.frozen
class Own:
    """An indicator's own bonus or deductions: its role, label and cap, and the rubric lines
    of its entries (its line and its rules'), by which what it gave is read off the
    explanation."""

    role: str
    label: str
    cap: Fraction
    lines: frozenset[int]


def own_dict(own: tuple[Own, ...], lines: Sequence[Line], places: int) -> dict[str, Any]:
    """An indicator's own bonus and deductions as JSON-ready data, keyed by role."""
    data: dict[str, Any] = {}
    for block in own:
        given = sum((line[1] for line in lines if line[5] in block.lines), Fraction(0))
        data[block.role] = {
            "label": block.label,
            "score": fixed(given, places),
            "exact": exact_text(given),
            "cap": fixed(block.cap, places),
        }
    return data


@attrs.frozen
class Advice:
    """What would have earned points a node lost: the sentence, and the points it would add."""

    text: str
    points: Fraction
    line: int | None = None
    facts: tuple[str, ...] = ()  # the facts the rule it concerns reads

    def to_dict(self, places: int) -> dict[str, Any]:
        """The advice as JSON-ready data; points shown with `places` decimals and exactly."""
        return {
            "text": self.text,
            "points": fixed(self.points, places),
            "exact": exact_text(self.points),
            "line": self.line,
            "facts": list(self.facts),
        }


class _Book:
    """The explanations of one result, written on first read and kept."""

    __slots__ = ("_advice", "_lines", "_reasons", "_result")

    def __init__(self, result: Result) -> None:
        self._result = result
        self._lines: tuple[dict[str, tuple[Line, ...]], tuple[Line, ...]] | None = None
        self._reasons: dict[str | None, tuple[Reason, ...]] = {}
        self._advice: dict[str, tuple[Advice, ...]] | None = None

    def advice(self, node_id: str) -> tuple[Advice, ...]:
        """What would have earned a node's lost points, worked out when first asked."""
        advice = self._advice
        if advice is None:
            result = self._result
            cohort, rubric, facts = result._cohort, result._rubric, result._facts
            advice = rubric._advice(facts, cohort) if cohort else rubric._advice(facts)
            self._advice = advice
        return advice[node_id]

    def lines(self) -> tuple[dict[str, tuple[Line, ...]], tuple[Line, ...]]:
        """Every node's explanation entries by id, and the grade's."""
        lines = self._lines
        if lines is None:
            result = self._result
            cohort, rubric = result._cohort, result._rubric
            facts = result._facts
            lines = rubric._explanations(facts, cohort) if cohort else rubric._explanations(facts)
            self._lines = lines
        return lines

    def reasons(self, node_id: str | None) -> tuple[Reason, ...]:
        """A node's explanation as Reasons (the grade's for None), made when first asked."""
        found = self._reasons.get(node_id)
        if found is None:
            by_node, grade = self.lines()
            lines = grade if node_id is None else by_node[node_id]
            found = tuple(Reason(*line) for line in lines)
            self._reasons[node_id] = found
        return found


@attrs.frozen
class ScoredNode:
    """A scored group or indicator: its score and max, its children, and why it scored so."""

    id: str
    title: str
    kind: str
    exact: Fraction
    max_points: Fraction
    places: int
    mode: str
    children: tuple[ScoredNode, ...] = ()
    applicable: bool = True
    policy: str | None = None
    role: str = "base"
    min_points: Fraction | None = Fraction(0)
    # An indicator's own bonus and deductions (empty for other nodes).
    own: tuple[Own, ...] = ()
    _book: _Book | None = attrs.field(default=None, eq=False, repr=False, alias="book")

    @property
    def explanation(self) -> tuple[Reason, ...]:
        """Why the node scored so: one entry per rule, cap, clamp and rounding, in order."""
        if self._book is None:
            return ()
        return self._book.reasons(self.id)

    @property
    def advice(self) -> tuple[Advice, ...]:
        """What would have earned the points the node lost: one entry per rule, cap or
        multiplier that cost it points and that a change of facts could undo; () for a node
        that lost none or does not apply. Each counts its own change, the rest as it is."""
        if self._book is None:
            return ()
        return self._book.advice(self.id)

    @property
    def score(self) -> Decimal:
        """The score as reported: a Decimal with the rubric's decimal places."""
        return Decimal(fixed(self.exact, self.places, self.mode))

    @property
    def max(self) -> Decimal:
        """The most this node can score, with the rubric's decimal places."""
        return Decimal(fixed(self.max_points, self.places))

    @property
    def min(self) -> Decimal | None:
        """The least this node can score: 0, or below for deductions; None if unbounded."""
        return None if self.min_points is None else Decimal(fixed(self.min_points, self.places))

    @property
    def own_points(self) -> dict[str, Fraction]:
        """What an indicator's own bonus and deductions gave, by role ("bonus": 2,
        "deductions": -1), each within its cap: read off its explanation. Empty for a node
        without them."""
        reasons = self.explanation
        return {
            block.role: sum((r.points for r in reasons if r.line in block.lines), Fraction(0))
            for block in self.own
        }

    @property
    def most_points(self) -> Fraction:
        """The most this node can score: its max, plus the cap of an indicator's own bonus."""
        return self.max_points + sum((b.cap for b in self.own if b.role == "bonus"), Fraction(0))

    def walk(self) -> Iterator[ScoredNode]:
        """This node and every node below it, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self, *, advice: bool = False) -> dict[str, Any]:
        """The node and its subtree as JSON-ready data; with advice=True, each node's advice."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "score": fixed(self.exact, self.places, self.mode),
            "max": fixed(self.max_points, self.places),
        }
        # Shown only where they differ from an ordinary node, so that plain trees stay plain.
        if self.role != "base":
            data["role"] = self.role
        if self.min_points != 0:
            data["min"] = None if self.min_points is None else fixed(self.min_points, self.places)
        if not self.applicable:
            data["applicable"] = False
            data["policy"] = self.policy
        if self.own:
            lines = [
                (r.text, r.points, r.kind, r.facts, r.values, r.line) for r in self.explanation
            ]
            data.update(own_dict(self.own, lines, self.places))
        data["children"] = [child.to_dict(advice=advice) for child in self.children]
        data["explanation"] = [reason.to_dict(self.places) for reason in self.explanation]
        if advice:
            data["advice"] = [item.to_dict(self.places) for item in self.advice]
        return data


@attrs.frozen(slots=True, weakref_slot=False)
class Result:
    """The scored tree of one unit's facts, with its total and grade."""

    _rubric: Rubric = attrs.field(alias="rubric", eq=False, repr=False)
    # The facts as validated, in the rubric's order; None for an optional fact left out.
    _facts: tuple[FactValue | None, ...] = attrs.field(alias="facts", repr=False)
    # Each node's exact score, in the rubric's node order: an int counts the rubric's smallest
    # unit (10^-places), a Fraction is the score itself.
    _scores: tuple[int | Fraction, ...] = attrs.field(alias="scores", repr=False)
    # The nodes that do not apply, by position, and the not-applicable policy they follow.
    _skipped: tuple[tuple[int, str | None], ...] = attrs.field(alias="skipped", repr=False)
    grade: str | None
    # What the result is of: results of rubrics with the same tree compare equal.
    _shape: tuple[object, ...] = attrs.field(alias="shape", repr=False)
    # The cohort it was scored with, for a rubric that compares units: its explanations read it.
    _cohort: Cohort | None = attrs.field(default=None, alias="cohort", eq=False, repr=False)
    _tree: list[ScoredNode] | None = attrs.field(
        default=None, init=False, eq=False, repr=False, hash=False
    )
    _book: _Book | None = attrs.field(default=None, init=False, eq=False, repr=False, hash=False)

    def __repr__(self) -> str:
        return f"<Result {self._rubric.id}: total {self.total}, grade {self.grade}>"

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self._rubric, self._facts, self._scores, self._skipped, self.grade)
        return _result, (*fields, self._cohort)

    @property
    def version(self) -> str | None:
        """The rubric's version text, if it declares one."""
        return self._rubric.version

    @property
    def total(self) -> Decimal:
        """The total score, as reported."""
        rubric = self._rubric
        return Decimal(fixed(self._exact(0), rubric.places, rubric.mode))

    @property
    def max(self) -> Decimal:
        """The most the rubric gives."""
        return self._rubric.max

    def _exact(self, index: int) -> Fraction:
        value = self._scores[index]
        if value.__class__ is int:
            return scaled(value, self._rubric.unit)
        assert isinstance(value, Fraction)
        return value

    def scores(self) -> dict[str, Fraction]:
        """Every node's exact score by id, the root first, without building the tree."""
        ids = self._rubric.ids
        return {ids[i]: self._exact(i) for i in range(len(ids))}

    def not_applicable(self) -> dict[str, str | None]:
        """The nodes that do not apply, by id, with their policy, without building the tree."""
        ids = self._rubric.ids
        return {ids[i]: policy for i, policy in self._skipped}

    @property
    def cohort(self) -> Cohort | None:
        """The cohort the unit was scored with, for a rubric that compares units; else None."""
        return self._cohort

    @property
    def facts(self) -> dict[str, FactValue]:
        """The facts scored, as validated: counts as ints, numbers as Fractions, sets frozen."""
        names = (spec.name for spec in self._rubric.facts)
        return {
            name: value for name, value in zip(names, self._facts, strict=True) if value is not None
        }

    def _explained(self) -> _Book:
        book = self._book
        if book is None:
            book = _Book(self)
            object.__setattr__(self, "_book", book)
        return book

    def _nodes(self) -> list[ScoredNode]:
        tree = self._tree
        if tree is None:
            tree = self._rubric._tree(self._scores, self._skipped, self._explained())
            object.__setattr__(self, "_tree", tree)
        return tree

    @property
    def root(self) -> ScoredNode:
        """The root of the scored tree: the total."""
        return self._nodes()[0]

    @property
    def grade_explanation(self) -> tuple[Reason, ...]:
        """Why the grade was given: each grade line tried, up to the one given."""
        return self._explained().reasons(None)

    def node(self, node_id: str) -> ScoredNode:
        """The node with this id; KeyError naming the known ids if there is none."""
        index = self._rubric.index.get(node_id)
        if index is None:
            ids = ", ".join(self._rubric.ids)
            raise KeyError(f"no node {node_id!r}; ids are {ids}")
        return self._nodes()[index]

    def __getitem__(self, node_id: str) -> ScoredNode:
        return self.node(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._rubric.index

    def __iter__(self) -> Iterator[ScoredNode]:
        """Every node, the root first, parents before children, in rubric order."""
        return iter(self._nodes())

    def __len__(self) -> int:
        return len(self._scores)

    def to_dict(self, *, advice: bool = False) -> dict[str, Any]:
        """The tree as JSON-ready data; the root also carries the grade. With advice=True,
        each node also carries its advice (see `ScoredNode.advice`)."""
        by_node, grade = self._explained().lines()
        # Straight from the numbers and the entries: no ScoredNode is needed to write them.
        data = self._rubric._tree_dict(self._scores, self._skipped, by_node)
        if advice:
            self._advise(data)
        data["grade"] = self.grade
        if grade:
            places = self._rubric.places
            data["grade_explanation"] = [line_dict(line, places) for line in grade]
        return data

    def _advise(self, data: dict[str, Any]) -> None:
        """Add each node's advice to the tree's data, after its explanation."""
        book, places = self._explained(), self._rubric.places
        stack = [data]
        while stack:
            node = stack.pop()
            node["advice"] = [item.to_dict(places) for item in book.advice(node["id"])]
            stack.extend(node["children"])

    def to_json(self, *, indent: int | None = 2, advice: bool = False) -> str:
        """The tree as JSON text, Chinese kept readable; with advice=True, each node's advice."""
        import json

        return json.dumps(self.to_dict(advice=advice), ensure_ascii=False, indent=indent)

    def what_if(self, changes: Mapping[str, object]) -> WhatIf:
        """Score the same unit with some facts changed, and show what moved, node by node.

        `changes` maps fact names to new values, given as any facts are (None leaves an
        optional fact out); the facts are validated as any facts are, and a FactsError names
        every bad one.
        """
        from rubric._whatif import what_if

        return what_if(self, changes)


def _result(
    rubric: Rubric,
    facts: tuple[FactValue | None, ...],
    scores: tuple[int | Fraction, ...],
    skipped: tuple[tuple[int, str | None], ...],
    grade: str | None,
    cohort: Cohort | None = None,
) -> Result:
    """A result again, from its pickled numbers."""
    return Result(rubric, facts, scores, skipped, grade, rubric.shape, cohort)
