"""Walking a syntax tree fast: the checker reads every node of rubrics of 10,000 indicators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any, TypeVar

from rubric.dsl import nodes as n

__all__ = ["nodes_of", "outermost"]

T = TypeVar("T")


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


# How to read the fields of each kind of node that may hold other nodes (nodes.child_fields), as
# a tuple, by a getter made once per kind; None for a kind that holds none.
_CHILDREN: dict[type, Callable[[Any], tuple[object, ...]] | None] = {}
_UNKNOWN: Any = object()


def _children(found: type) -> Callable[[Any], tuple[object, ...]] | None:
    names = n.child_fields(found)
    if not names:
        return None
    if len(names) == 1:
        (name,) = names
        return lambda item: (getattr(item, name),)
    return attrgetter(*names)
