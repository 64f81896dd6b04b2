"""What-if: one unit scored again with some facts changed, and what moved, node by node."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from rubric._values import FactValue

if TYPE_CHECKING:
    from rubric._result import Reason, Result

__all__ = ["FactChange", "NodeChange", "WhatIf", "what_if"]


@attrs.frozen
class FactChange:
    """A fact changed: its value before and after (None: left out)."""

    name: str
    before: FactValue | None
    after: FactValue | None


@attrs.frozen
class NodeChange:
    """A node whose score moved: before, after, the difference, and the entries that differ."""

    id: str
    title: str
    kind: str
    before: Decimal
    after: Decimal
    difference: Decimal
    applicable_before: bool
    applicable_after: bool
    # The node's explanation entries after the change that it did not have before.
    reasons: tuple[Reason, ...]


@attrs.frozen
class WhatIf:
    """The same unit scored with some facts changed, and what moved."""

    before: Result
    after: Result
    facts: tuple[FactChange, ...]
    # Every node whose score (or whether it applies) changed, the root first, in rubric order.
    nodes: tuple[NodeChange, ...]

    @property
    def total(self) -> tuple[Decimal, Decimal]:
        """The total before and after."""
        return self.before.total, self.after.total

    @property
    def grade(self) -> tuple[str | None, str | None]:
        """The grade before and after."""
        return self.before.grade, self.after.grade

    def text(self) -> str:
        """The what-if in Chinese, as `rubric score --what-if` prints it."""
        from rubric._explain import what_if as words

        rubric = self.before._rubric
        return words(self, rubric.facts, rubric.places)

    def to_dict(self) -> dict[str, Any]:
        """The what-if as JSON-ready data."""
        from rubric._result import _json_fact

        places = self.before._rubric.places

        def fact(value: FactValue | None) -> object:
            return None if value is None else _json_fact(value)

        return {
            "facts": [
                {"name": c.name, "before": fact(c.before), "after": fact(c.after)}
                for c in self.facts
            ],
            "nodes": [
                {
                    "id": n.id,
                    "title": n.title,
                    "before": str(n.before),
                    "after": str(n.after),
                    "difference": str(n.difference),
                    "applicable": [n.applicable_before, n.applicable_after],
                    "explanation": [r.to_dict(places) for r in n.reasons],
                }
                for n in self.nodes
            ],
            "total": {
                "before": str(self.before.total),
                "after": str(self.after.total),
                "difference": str(self.after.total - self.before.total),
            },
            "grade": {"before": self.before.grade, "after": self.after.grade},
        }


def what_if(result: Result, changes: Mapping[str, object]) -> WhatIf:
    """Score result's unit again with `changes` to its facts (None leaves an optional one out)."""
    rubric = result._rubric
    if not isinstance(changes, Mapping):
        from rubric._facts import validate

        validate(rubric.facts, changes)  # raises the error any facts that are no mapping get
    known = {spec.name for spec in rubric.facts}
    facts: dict[str, object] = dict(result.facts)
    for name, value in changes.items():
        # An unknown name (even one that is no text) is reported as any unknown fact is.
        if value is None and name in known:
            facts.pop(name, None)
        else:
            facts[name] = value
    after = rubric.score(facts, cohort=result.cohort)
    old, new = result.facts, after.facts
    moved = tuple(
        FactChange(spec.name, old.get(spec.name), new.get(spec.name))
        for spec in rubric.facts
        if old.get(spec.name) != new.get(spec.name)
    )
    nodes: list[NodeChange] = []
    for was, now in zip(result, after, strict=True):
        if was.exact == now.exact and was.applicable == now.applicable:
            continue
        seen = Counter(_key(reason) for reason in was.explanation)
        fresh = []
        for reason in now.explanation:
            if seen[_key(reason)]:
                seen[_key(reason)] -= 1
            else:
                fresh.append(reason)
        nodes.append(
            NodeChange(
                now.id,
                now.title,
                now.kind,
                was.score,
                now.score,
                now.score - was.score,
                was.applicable,
                now.applicable,
                tuple(fresh),
            )
        )
    return WhatIf(result, after, moved, tuple(nodes))


def _key(reason: Reason) -> tuple[object, ...]:
    return (reason.text, reason.points, reason.kind, reason.line)
