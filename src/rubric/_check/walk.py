"""Walking a syntax tree fast: the checker reads every node of rubrics of 10,000 indicators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any, TypeVar

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
        if found is tuple:
            stack.extend(item)  # type: ignore[arg-type]
            continue
        # Each kind's fields read at once, by a getter made once per kind.
        children = _CHILDREN.get(found, _UNKNOWN)
        if children is _UNKNOWN:
            children = _CHILDREN[found] = _children(found)
        if children is not None:
            stack.extend(children(item))


def outermost(
    root: object, kinds: tuple[type, ...], skip: frozenset[type] = frozenset()
) -> Iterator[object]:
    """Every node of these kinds that no other node of them holds, without recursion; nodes
    of the kinds in `skip`, and what they hold, are not looked into."""
    stack = [root]
    while stack:
        item = stack.pop()
        found = type(item)
        if found in kinds:
            yield item
        elif found is tuple:
            stack.extend(item)  # type: ignore[arg-type]
        elif found not in skip:
            children = _CHILDREN.get(found, _UNKNOWN)
            if children is _UNKNOWN:
                children = _CHILDREN[found] = _children(found)
            if children is not None:
                stack.extend(children(item))


# How to read the fields of each kind of node that may hold other nodes, as a tuple; None for
# a kind that holds none.
_CHILDREN: dict[type, Callable[[Any], tuple[object, ...]] | None] = {}
_UNKNOWN: Any = object()


def _children(found: type) -> Callable[[Any], tuple[object, ...]] | None:
    names = _fields(found)
    if not names:
        return None
    if len(names) == 1:
        (name,) = names
        return lambda item: (getattr(item, name),)
    return attrgetter(*names)


def _fields(found: type) -> tuple[str, ...]:
    names = _FIELDS.get(found)
    if names is None:
        fields = attrs.fields(found) if attrs.has(found) and found is not Span else ()
        names = _FIELDS[found] = tuple(f.name for f in fields if f.type not in _LEAVES)
    return names
