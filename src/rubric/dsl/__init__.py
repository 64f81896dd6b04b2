"""The rubric DSL: source text, grammar, syntax-tree nodes and parser.

The parser (and pyparsing under it) is imported when first named: reading a span or a source
line needs neither.
"""

from typing import TYPE_CHECKING, Any

from rubric.dsl.source import Source, Span

if TYPE_CHECKING:
    from rubric.dsl.nodes import Document
    from rubric.dsl.parser import parse

__all__ = ["Document", "Source", "Span", "parse"]


def __getattr__(name: str) -> Any:
    if name == "parse":
        from rubric.dsl.parser import parse

        return parse
    if name == "Document":
        from rubric.dsl.nodes import Document

        return Document
    raise AttributeError(f"module 'rubric.dsl' has no attribute {name!r}")
