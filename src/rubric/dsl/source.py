"""Source text of a rubric, with spans and line/column lookup."""

from __future__ import annotations

import bisect
import unicodedata

import attrs


@attrs.frozen
class Span:
    """A half-open range of character offsets into a source text."""

    start: int
    end: int

    def __add__(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


@attrs.frozen
class Source:
    """A rubric's text and the name it is reported under."""

    text: str
    filename: str = "<string>"
    _line_starts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        starts = [0]
        starts.extend(i + 1 for i, ch in enumerate(self.text) if ch == "\n")
        object.__setattr__(self, "_line_starts", tuple(starts))

    def line_col(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, without its line break."""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")

    def lines(self) -> list[tuple[int, str]]:
        """Return every line as (offset of its first character, text without the line break)."""
        return [(start, self.line_text(number)) for number, start in enumerate(self._line_starts, 1)]

    def excerpt(self, span: Span) -> str:
        """Render the line holding span.start and a caret line under the span."""
        line, col = self.line_col(span.start)
        text = self.line_text(line)
        before = text[: col - 1]
        underlined = text[col - 1 : col - 1 + max(1, span.end - span.start)] or " "
        pad = " " * display_width(before)
        marks = "^" * max(1, display_width(underlined))
        return f"    {text}\n    {pad}{marks}"


def display_width(text: str) -> int:
    """Return how many terminal columns text takes: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
