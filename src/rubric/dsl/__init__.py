"""The rubric DSL: source text, grammar, syntax-tree nodes and parser."""

from rubric.dsl.nodes import Document
from rubric.dsl.parser import parse
from rubric.dsl.source import Source, Span

__all__ = ["Document", "Source", "Span", "parse"]
