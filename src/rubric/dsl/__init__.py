"""The rubric DSL: source text, grammar, syntax-tree nodes and parser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rubric._limits import DEFAULT, Limits
from rubric.dsl.source import Source, Span

if TYPE_CHECKING:
    from rubric.dsl.nodes import Document

__all__ = ["Document", "Source", "Span", "parse"]


def parse(source: Source, limits: Limits = DEFAULT) -> Document:
    """Parse a rubric's text into its syntax tree (see `rubric.dsl.parser.parse`)."""
    # Imported here: the parser brings pyparsing, which only reading a rubric's text needs.
    from rubric.dsl.parser import parse

    return parse(source, limits)


def __getattr__(name: str) -> object:
    if name == "Document":
        from rubric.dsl.nodes import Document

        return Document
    raise AttributeError(f"module 'rubric.dsl' has no attribute {name!r}")
