"""Scored results: an immutable tree of nodes, each with its score, max and explanation."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from rubric._numbers import fixed
from rubric._wording import exact_text

__all__ = ["Adjustment", "FactValue", "Reason", "Result", "ScoredNode"]


@attrs.frozen
class Adjustment:
    """A manual adjustment given as a fact: its points and the reason for them."""

    points: Fraction
    reason: str


FactValue: TypeAlias = bool | int | Fraction | str | frozenset[str] | Adjustment


def _json_fact(value: FactValue) -> object:
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
        return {
            "text": self.text,
            "points": fixed(self.points, places),
            "exact": exact_text(self.points),
            "kind": self.kind,
            "facts": {name: _json_fact(value) for name, value in self.facts},
            "values": {name: _json_fact(value) for name, value in self.values},
            "line": self.line,
        }


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
    explanation: tuple[Reason, ...] = ()
    applicable: bool = True
    policy: str | None = None
    role: str = "base"
    min_points: Fraction | None = Fraction(0)

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

    def walk(self) -> Iterator[ScoredNode]:
        """This node and every node below it, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        """The node and its subtree as JSON-ready data."""
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
        data["children"] = [child.to_dict() for child in self.children]
        data["explanation"] = [reason.to_dict(self.places) for reason in self.explanation]
        return data


@attrs.frozen
class Result:
    """The scored tree of one unit's facts, with its total and grade."""

    root: ScoredNode
    grade: str | None
    version: str | None = None
    grade_explanation: tuple[Reason, ...] = ()
    _index: Mapping[str, ScoredNode] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {node.id: node for node in self.root.walk()})

    @property
    def total(self) -> Decimal:
        """The total score, as reported."""
        return self.root.score

    @property
    def max(self) -> Decimal:
        """The most the rubric gives."""
        return self.root.max

    def node(self, node_id: str) -> ScoredNode:
        """The node with this id; KeyError naming the known ids if there is none."""
        try:
            return self._index[node_id]
        except KeyError:
            raise KeyError(f"no node {node_id!r}; ids are {', '.join(self._index)}") from None

    def __getitem__(self, node_id: str) -> ScoredNode:
        return self.node(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._index

    def __iter__(self) -> Iterator[ScoredNode]:
        """Every node, the root first, parents before children, in rubric order."""
        return self.root.walk()

    def __len__(self) -> int:
        return len(self._index)

    def to_dict(self) -> dict[str, Any]:
        """The tree as JSON-ready data; the root also carries the grade."""
        data = self.root.to_dict()
        data["grade"] = self.grade
        if self.grade_explanation:
            data["grade_explanation"] = [
                reason.to_dict(self.root.places) for reason in self.grade_explanation
            ]
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """The tree as JSON text, Chinese kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
