"""The jinja2 environment over the package's own templates (HTML and Markdown, as files)."""

from __future__ import annotations

from functools import cache
from typing import Any

from rubric._evaluation.units import missing_extra

__all__ = ["environment"]


@cache
def environment(kind: str) -> Any:
    """The environment for 'html' (autoescaped) or 'md' templates, loaded once."""
    try:
        import jinja2
    except ImportError:
        raise missing_extra("jinja2", "writing HTML and Markdown reports") from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rubric._report", "templates"),
        autoescape=kind == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _markdown_cell
    env.filters["num"] = _number
    return env


def _markdown_cell(text: object) -> str:
    """A table cell's text for Markdown: pipes escaped, line breaks as <br>."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _number(value: float) -> str:
    """A coordinate for SVG: at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")
