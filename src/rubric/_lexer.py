"""The Pygments lexer for `.rub` files: `rub`, found through the `pygments.lexers` entry point."""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["RubricLexer"]

# Phrases first, longest first within each list: `at most` before `at`, `points by` before `points`.
_STATEMENTS = (
    "allow negative total",
    "not applicable if",
    "for each of",
    "start from",
    "points by",
    "adjust by",
    "in steps of",
    "at most",
    "rubric",
    "version",
    "round",
    "grade",
    "fact",
    "require",
    "let",
    "group",
    "indicator",
    "pool",
    "points",
    "per",
    "if",
    "otherwise",
    "of",
    "to",
)
_WORDS = ("short of", "number of", "score of", "and", "or", "not", "in", "over")
_TYPES = ("bool", "count", "number", "level", "set", "adjustment")
_QUALIFIERS = (
    "any part counts as a step",
    "whole steps only",
    "redistribute to siblings",
    "rescale the total",
    "proportionally",
    "full marks",
    "half up",
    "half even",
    "down",
    "up",
    "indicators",
    "total",
    "places",
    "place",
    "max",
    "weight",
    "bonus",
    "deductions",
    "scaled",
    "weighted",
    "best of",
    "one of",
    "unit",
    "optional",
)
# A word, not the start or the end of a name or of a dotted id such as bonus.commendation.
_START, _END = r"(?<![\w.])", r"(?![\w.])"


def _phrases(found: tuple[str, ...]) -> str:
    return r"(?:" + "|".join(p.replace(" ", r"\s+") for p in found) + r")" + _END


class RubricLexer(RegexLexer):
    """Rubric DSL (`.rub` files): performance-evaluation rubrics, 绩效评价指标."""

    name = "Rubric"
    aliases: ClassVar[list[str]] = ["rub", "rubric"]
    filenames: ClassVar[list[str]] = ["*.rub"]
    mimetypes: ClassVar[list[str]] = ["text/x-rubric"]
    url = "https://pypi.org/project/rubric/"

    tokens = {  # noqa: RUF012 - the shape Pygments reads
        "root": [
            (r"[ \t\r\n\u3000\ufeff]+", Whitespace),
            (r"#.*", Comment.Single),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (_START + _phrases(_QUALIFIERS), Keyword.Pseudo),
            (_START + _phrases(_TYPES), Keyword.Type),
            (_START + _phrases(_WORDS), Operator.Word),
            (_START + _phrases(_STATEMENTS), Keyword),
            (r"[+-]?\d+(?:\.\d+)?%?", Number),
            (r"<=|>=|!=|->|[<>=*/+\-×÷→≤≥≦≧≠＜＞＝]", Operator),
            (r"[:,()\[\]{}]", Punctuation),
            (r"[^\W\d]\w*(?:\.[^\W\d]\w*)*", Name),
        ]
    }
