"""HTML reports: one self-contained file each, inline CSS and SVG charts, no script, A4 print."""

from __future__ import annotations

from pathlib import Path

from rubric._report.contents import Document
from rubric._report.render import environment

__all__ = ["render_html", "write_html"]


def render_html(document: Document) -> str:
    """The document as one HTML page."""
    return str(environment("html").get_template("document.html.jinja").render(doc=document))


def write_html(document: Document, path: Path) -> Path:
    """Write the document's HTML page to path."""
    path.write_text(render_html(document), encoding="utf-8")
    return path
