"""The errors rubric raises: one root, one subclass per stage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from rubric.dsl.source import Source, Span

__all__ = [
    "CaseError",
    "CohortError",
    "Diagnostic",
    "FactProblem",
    "FactsError",
    "RubricCheckError",
    "RubricError",
    "RubricSyntaxError",
]


@attrs.frozen
class Diagnostic:
    """One problem found in a rubric's text, with where it is and how to fix it."""

    message: str
    span: Span
    hint: str = ""
    # A stable code (E1xx syntax, E2xx names and types, E3xx the tree and points, E4xx rules and
    # bands, E5xx limits; W… warnings), for docs, editors and silencing; "" until assigned.
    code: str = ""
    severity: Literal["error", "warning"] = "error"
    # Where the problem starts, 1-based (0: not worked out; `to_dict` works it out).
    line: int = attrs.field(default=0, eq=False)
    column: int = attrs.field(default=0, eq=False)

    def to_dict(self, source: Source) -> dict[str, object]:
        """The problem as JSON for editors and CI: where it starts and ends (1-based lines and
        columns; the end is the column just after it), severity, code, message and hint."""
        line, column = source.line_col(self.span.start)
        end_line, end_column = source.line_col(self.span.end)
        return {
            "file": source.filename,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    def render(self, source: Source) -> str:
        """Render as `file:line:col: message [code]`, the source line, a caret and the hint.

        A warning reads `file:line:col: warning: message [code]`.
        """
        line, col = source.line_col(self.span.start)
        from rubric._i18n import _

        kind = _("warning: ") if self.severity == "warning" else ""
        code = f" [{self.code}]" if self.code else ""
        head = f"{source.filename}:{line}:{col}: {kind}{self.message}{code}"
        parts = [head, source.excerpt(self.span)]
        parts.extend(f"    {line}" for line in self.hint.splitlines())
        return "\n".join(parts)


def _names(facts: str | tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(facts, str):
        return (facts,) if facts else ()
    return tuple(facts)


@attrs.frozen
class FactProblem:
    """One problem with some facts: usually one, several for a `require`, none for the file."""

    facts: tuple[str, ...] = attrs.field(converter=_names)
    message: str

    @property
    def fact(self) -> str:
        """The facts concerned, as one text: 'a' or 'a, b', '' for the facts as a whole."""
        return ", ".join(self.facts)

    def render(self) -> str:
        """Render as `fact: message`, control characters escaped: it reaches terminals."""
        from rubric._text import printable, shortened

        # A name as given may be anything, a megabyte long: a name of a fact is far shorter.
        names = ", ".join(shortened(name, 200) for name in self.facts)
        return printable(f"{names}: {self.message}" if self.facts else self.message)


class RubricError(Exception):
    """The root of every error rubric raises on bad input."""


class _DiagnosticsError(RubricError):
    """An error holding one or more diagnostics about one rubric source."""

    def __init__(self, source: Source, diagnostics: Iterable[Diagnostic], omitted: int = 0) -> None:
        self.source = source
        self.diagnostics = tuple(sorted(diagnostics, key=lambda d: (d.span.start, d.message)))
        # Problems found past the limit on how many are reported: counted, not shown.
        self.omitted = omitted
        # Worded once, in the language of the moment it is raised (rubric._i18n): its problems
        # were worded then too.
        self._text = self._render()
        super().__init__(self._text)

    def __reduce__(
        self,
    ) -> tuple[type[_DiagnosticsError], tuple[Source, tuple[Diagnostic, ...], int]]:
        return type(self), (self.source, self.diagnostics, self.omitted)

    @property
    def filename(self) -> str:
        """The name of the rubric file the first problem is in."""
        return self.source.filename

    @property
    def line(self) -> int:
        """The 1-based line of the first problem."""
        return self.source.line_of(self.diagnostics[0].span)

    @property
    def column(self) -> int:
        """The 1-based column of the first problem."""
        return self.source.line_col(self.diagnostics[0].span.start)[1]

    @property
    def offset(self) -> int:
        """The character offset of the first problem."""
        return self.diagnostics[0].span.start

    def __str__(self) -> str:
        return self._text

    def _render(self) -> str:
        from rubric._i18n import _, ngettext

        rendered = [d.render(self.source) for d in self.diagnostics]
        if self.omitted:
            rendered.append(
                ngettext(
                    "… and {count} more problem, not shown",
                    "… and {count} more problems, not shown",
                    self.omitted,
                )
            )
        if len(rendered) > 1:
            total = len(self.diagnostics) + self.omitted
            rendered.append(
                _("{total} problems found in {file}", total=total, file=self.source.filename)
            )
        return "\n".join(rendered)


class RubricSyntaxError(_DiagnosticsError):
    """A rubric's text does not follow the grammar."""


class RubricCheckError(_DiagnosticsError):
    """A rubric parses but is not valid: unknown names, wrong types, inconsistent points."""


class FactsError(RubricError):
    """The facts given to a rubric are missing, unknown, of the wrong type or out of bounds."""

    def __init__(self, problems: Iterable[FactProblem], origin: str = "facts") -> None:
        self.problems = tuple(problems)
        self.origin = origin
        self._text = self._render()
        super().__init__(self._text)

    @property
    def facts(self) -> tuple[str, ...]:
        """The names of the offending facts, each once, in the order reported."""
        return tuple(dict.fromkeys(name for p in self.problems for name in p.facts))

    def __reduce__(self) -> tuple[type[FactsError], tuple[tuple[FactProblem, ...], str]]:
        return type(self), (self.problems, self.origin)

    def __str__(self) -> str:
        return self._text

    def _render(self) -> str:
        count = len(self.problems)
        from rubric._i18n import ngettext
        from rubric._text import printable

        origin = printable(self.origin)
        head = ngettext(
            "{origin}: {count} problem, nothing was scored",
            "{origin}: {count} problems, nothing was scored",
            count,
            origin=origin,
        )
        return "\n".join([head, *(f"  {p.render()}" for p in self.problems)])


class CaseError(RubricError):
    """A test case file (`rubric test`, the pytest plugin) cannot be read as a case."""

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")

    def __reduce__(self) -> tuple[type[CaseError], tuple[str, str]]:
        return type(self), (self.path, self.message)


class CohortError(RubricError):
    """A rubric that compares units was scored without its cohort, or with another rubric's."""
