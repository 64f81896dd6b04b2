"""Markdown reports: the same documents as the HTML ones, charts named by their captions."""

from __future__ import annotations

from pathlib import Path

from rubric._report.contents import Document
from rubric._report.render import environment

__all__ = ["render_markdown", "write_markdown"]


def render_markdown(document: Document) -> str:
    """The document as Markdown text."""
    return str(environment("md").get_template("document.md.jinja").render(doc=document))


def write_markdown(document: Document, path: Path) -> Path:
    """Write the document as Markdown to path."""
    path.write_text(render_markdown(document), encoding="utf-8")
    return path
