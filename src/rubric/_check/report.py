"""The checker's report: problems collected with their codes, capped, sorted and silenced."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from rubric._check.codes import Code, severity
from rubric._limits import DEFAULT
from rubric.dsl.source import Source, Span
from rubric.errors import Diagnostic

__all__ = ["Hint", "Report", "silenced"]

# A hint may be costly to work out (a did-you-mean over thousands of names): it is worked out
# only for the problems that are shown.
Hint = str | Callable[[], str]


@attrs.frozen
class _Problem:
    """A problem as found: its hint not yet worked out."""

    code: Code
    span: Span
    message: str
    hint: Hint


@attrs.define
class Report:
    """The problems found in one rubric, errors and warnings apart."""

    source: Source
    # Errors (and warnings) reported in full; the rest are counted (Limits.errors).
    limit: int = DEFAULT.errors
    found: list[_Problem] = attrs.Factory(list)
    errors: int = 0
    # Each table of numbers worked out once, by where it is: the bounds analysis reads it too.
    shapes: dict[tuple[int, int], Any] = attrs.Factory(dict)

    def __call__(self, code: Code, span: Span, message: str, hint: Hint = "") -> None:
        self.found.append(_Problem(code, span, message, hint))
        if severity(code) == "error":
            self.errors += 1

    def line_of(self, span: Span) -> int:
        return self.source.line_of(span)

    def diagnostics(self, kind: str) -> tuple[tuple[Diagnostic, ...], int]:
        """The first `limit` errors (or warnings) in the order of the text, and how many more.

        A warning silenced by a comment on its line is left out, and not counted.
        """
        chosen = [p for p in self.found if severity(p.code) == kind]
        if kind == "warning":
            chosen = [p for p in chosen if p.code not in silenced(self.source, p.span)]
        # Sorted as the error sorts them, so that the first shown are the first in the text.
        chosen.sort(key=lambda p: (p.span.start, p.message))
        shown = chosen[: self.limit]
        diagnostics = tuple(
            Diagnostic(
                p.message,
                p.span,
                p.hint if isinstance(p.hint, str) else p.hint(),
                p.code,
                severity(p.code),
                *self.source.line_col(p.span.start),
            )
            for p in shown
        )
        return diagnostics, len(chosen) - len(shown)


_IGNORE = re.compile(r"rubric:\s*ignore\s+([A-Z]\d{3}(?:\s*,?\s*[A-Z]\d{3})*)")
_CODE = re.compile(r"[A-Z]\d{3}")


def silenced(source: Source, span: Span) -> frozenset[str]:
    """The codes silenced where a span starts: `# rubric: ignore W401` on its line, or alone
    on the line above it."""
    line = source.line_of(span)
    codes = set(_ignored(source.line_text(line)))
    if line > 1:
        above = source.line_text(line - 1)
        if above.lstrip().startswith("#"):
            codes.update(_ignored(above))
    return frozenset(codes)


def _ignored(line: str) -> list[str]:
    comment = _comment(line)
    if comment is None:
        return []
    found = _IGNORE.search(comment)
    return _CODE.findall(found.group(1)) if found else []


def _comment(line: str) -> str | None:
    """The comment a line ends with: from the first # outside quotes."""
    quoted = escaped = False
    for index, ch in enumerate(line):
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[index:]
    return None
