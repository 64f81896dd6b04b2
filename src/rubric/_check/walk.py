"""Walking a syntax tree fast: the checker reads every node of rubrics of 10,000 indicators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import attrs

from rubric.dsl.source import Span

__all__ = ["nodes_of", "outermost"]

T = TypeVar("T")

# The fields of each kind of syntax-tree node that may hold other nodes, found once per kind;
# fields declared as plain values (spans, names, texts, numbers) hold none.
_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = {"Span", "str", "str | None", "Span | None", "int", "bool", "Fraction"}


def nodes_of(root: object, kind: type[T]) -> Iterator[T]:
    """Every node of one kind in a tree, in no particular order, without recursion."""
    stack = [root]
    while stack:
        item = stack.pop()
        found = type(item)
        if found is kind:
            yield item  # type: ignore[misc]
            if not _FIELDS.get(found, True):
                continue
        if found is tuple:
            stack.extend(item)  # type: ignore[arg-type]
            continue
        stack.extend(getattr(item, name) for name in _fields(found))


def outermost(root: object, kinds: tuple[type, ...]) -> Iterator[object]:
    """Every node of these kinds that no other node of them holds, without recursion."""
    stack = [root]
    while stack:
        item = stack.pop()
        found = type(item)
        if found in kinds:
            yield item
        elif found is tuple:
            stack.extend(item)  # type: ignore[arg-type]
        else:
            stack.extend(getattr(item, name) for name in _fields(found))


def _fields(found: type) -> tuple[str, ...]:
    names = _FIELDS.get(found)
    if names is None:
        fields = attrs.fields(found) if attrs.has(found) and found is not Span else ()
        names = _FIELDS[found] = tuple(f.name for f in fields if f.type not in _LEAVES)
    return names
