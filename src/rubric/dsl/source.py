"""Source text of a rubric: read within the limits, with spans and line/column lookup."""

from __future__ import annotations

import bisect
import os
import re
import unicodedata
from pathlib import Path

import attrs

from rubric._i18n import _
from rubric._limits import DEFAULT, Limits
from rubric.errors import Diagnostic, RubricSyntaxError

_WINDOW = 80  # columns of a long line shown around a problem
_LINE_BREAK = re.compile("\n")


@attrs.frozen(init=False)
class Span:
    """A half-open range of character offsets into a source text."""

    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        # Each field set through its slot directly: attrs' own __init__ for a frozen class
        # goes through object.__setattr__ for each, and a parse makes hundreds of thousands
        # of spans (one per node, a node per token). Same fields, equality, hash and repr.
        _set_start(self, start)
        _set_end(self, end)

    def __add__(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


# The slots' own setters, taken from the class attrs made (a slotted class is made anew).
_set_start = Span.__dict__["start"].__set__
_set_end = Span.__dict__["end"].__set__


@attrs.frozen
class Source:
    """A rubric's text and the name it is reported under."""

    text: str
    filename: str = "<string>"
    _line_starts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        starts = [0]
        starts.extend(found.end() for found in _LINE_BREAK.finditer(self.text))
        object.__setattr__(self, "_line_starts", tuple(starts))

    def line_col(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line_of(self, span: Span) -> int:
        """The 1-based line a span starts on."""
        # line_col's line, without the column and its tuple: the compiler asks this of every
        # line it keeps. Every line starts at or before the end of the text, so an offset past
        # the end needs no clamping to fall on the last line.
        return bisect.bisect_right(self._line_starts, max(0, span.start))

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, without its line break."""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")

    def lines(self) -> list[tuple[int, str]]:
        """Return every line as (offset of its first character, text without the line break)."""
        # One split of the whole text, rather than a search for each line's end: the lines are
        # the same, each without its "\n" and any "\r" before it, as line_text gives them.
        lines = zip(self._line_starts, self.text.split("\n"), strict=True)
        return [(start, line.rstrip("\r")) for start, line in lines]

    def excerpt(self, span: Span) -> str:
        """Render the line holding span.start and a caret line under the span."""
        line, col = self.line_col(span.start)
        text = self.line_text(line)
        start = col - 1
        end = min(len(text), start + max(1, span.end - span.start))
        # Show a window of a long line around the problem, marked with … where cut.
        left = max(0, start - _WINDOW // 2) if len(text) > _WINDOW else 0
        right = min(len(text), max(left + _WINDOW, end)) if len(text) > _WINDOW else len(text)
        right = min(right, left + 2 * _WINDOW)
        # Tabs show as four spaces, on the line and under it alike, so the caret stays aligned.
        shown = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
        shown = shown.replace("\t", "    ")
        before = (("…" if left else "") + text[left:start]).replace("\t", "    ")
        underlined = text[start : min(end, right)].replace("\t", "    ") or " "
        pad = " " * display_width(before)
        marks = "^" * max(1, display_width(underlined))
        return f"    {shown}\n    {pad}{marks}"


def display_width(text: str) -> int:
    """Return how many terminal columns text takes: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def read(path: str | os.PathLike[str], limits: Limits = DEFAULT) -> Source:
    """Read a `.rub` file as UTF-8, no more of it than the limit on a rubric's size."""
    path = Path(path)
    with path.open("rb") as file:
        data = file.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise RubricSyntaxError(Source("", str(path)), [too_big(limits)])
    try:
        return Source(data.decode("utf-8"), str(path))
    except UnicodeDecodeError as exc:
        source = Source(data.decode("utf-8", errors="replace"), str(path))
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        problem = Diagnostic(
            _("byte {start} is not UTF-8 text", start=exc.start),
            Span(offset, offset + 1),
            _("save the rubric as UTF-8 (most editors offer it under 'Save as' / encoding)"),
            code="E104",
        )
        raise RubricSyntaxError(source, [problem]) from None


def too_big(limits: Limits) -> Diagnostic:
    """The problem of a rubric longer than the limit on its size."""
    return Diagnostic(
        _(
            "this rubric is longer than the limit of {file_bytes} bytes",
            file_bytes=limits.file_bytes,
        ),
        Span(0, 0),
        _(
            "a rubric of thousands of indicators takes a few megabytes: "
            "check that this is the rubric file\nthe limit is "
            "Limits.file_bytes; software that embeds rubric can raise it "
            "(docs/limits.md)"
        ),
        code="E501",
    )
