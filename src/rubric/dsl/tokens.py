"""The tokens of the rubric language: their patterns, and the nodes their text reads as."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rubric.dsl import nodes as n
from rubric.dsl.source import Span

__all__ = [
    "CMP",
    "DOTTED",
    "FIGURES",
    "FUNCTIONS",
    "IDENT",
    "NAME",
    "NUMBER",
    "OPERATORS",
    "POINTS",
    "RESERVED",
    "SIGNED",
    "SPACE",
    "STRING",
    "VALUE",
    "exact",
    "fold_arithmetic",
    "fold_binary",
    "fold_logic",
    "number",
    "op",
    "points",
    "unquote",
    "value",
]

# Words that can never be a name, because an expression could read them as an operator.
RESERVED = ("and", "or", "not", "in", "if", "of", "per", "for", "at", "short", "over", "otherwise")

# Unicode operators as they appear in printed tables, with their ASCII spelling.
OPERATORS = {
    "≤": "<=",
    "≥": ">=",
    "≦": "<=",
    "≧": ">=",
    "＜": "<",
    "＞": ">",
    "≠": "!=",
    "×": "*",
    "÷": "/",
    "→": "->",
    "＝": "=",
}

IDENT = r"[^\W\d]\w*"
NAME = "(?!(?:" + "|".join(RESERVED) + r")(?!\w))" + IDENT
DOTTED = IDENT + r"(?:\." + IDENT + r")*"
NUMBER = r"\d+(?:\.\d+)?"
POINTS = r"[+-][ \t]*\d+(?:\.\d+)?"
SIGNED = r"[+-]?[ \t]*\d+(?:\.\d+)?"
STRING = r'"(?:[^"\\\n]|\\.)*"'
# Spaces inside a keyword phrase: any but a line break, as lines are read in place in the text.
SPACE = r"[^\S\n]+"
CMP = r"<=|>=|!=|≤|≥|≦|≧|≠|<|>|＜|＞|=|＝"
# The functions of numbers: max(a, b, …), min(a, b, …), abs(x).
FUNCTIONS = ("max", "min", "abs")
# The words that open a cohort figure: `rank of X`, `highest of X`, …, and `top N% of X`.
FIGURES = ("rank", "highest", "lowest", "average", "median")
# A number, a quoted text or a name, but not the 'number of' or 'score of' opening a form, nor
# a function's name before its '(', nor the words opening a cohort figure.
VALUE = (
    rf"{NUMBER}|{STRING}|(?!(?:number|score|{'|'.join(FIGURES)}){SPACE}of(?!\w))"
    rf"(?!(?:{'|'.join(FUNCTIONS)})[ \t]*\()(?!top{SPACE}\d){NAME}"
)


def number(span: Span, text: str) -> n.Number:
    """A number literal, kept exact."""
    return n.Number(span, exact(text), text)


@functools.lru_cache(maxsize=4096)
def exact(text: str) -> Fraction:
    """The exact value of a number literal's text.

    Kept for the next literal of the same text: a rubric writes a few numbers (100, 4, 0.5)
    thousands of times, and a Fraction, being immutable, can be shared by all their nodes.
    """
    return Fraction(Decimal(text))


def points(span: Span, text: str) -> n.Number:
    """Points such as `+2` or `- 0.5`, kept as written without the spaces."""
    compact = text.replace(" ", "").replace("\t", "")
    return n.Number(span, exact(compact), compact)


def value(span: Span, text: str) -> n.Number | n.Text | n.Name:
    """A number, a quoted text or a name: one token, told apart by its first character."""
    if text[0].isdigit():
        return n.Number(span, exact(text), text)
    if text[0] == '"':
        return n.Text(span, unquote(text))
    return n.Name(span, text)


def unquote(text: str) -> str:
    """The text a quoted string stands for."""
    if "\\" not in text:  # most titles escape nothing: no regular expression for them
        return text[1:-1]
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def op(text: str) -> str:
    """An operator in its ASCII spelling."""
    return OPERATORS.get(text, text)


def fold_arithmetic(items: Sequence[Any]) -> Any:
    """Fold `a + b * c - d` (operands and operators in turn) left to right, products first."""
    if len(items) == 1:  # a lone value, most operands of a comparison
        return items[0]
    terms, ops = [items[0]], []
    for operator, right in zip(items[1::2], items[2::2], strict=True):
        operator = op(operator)
        if operator in ("*", "/"):
            left = terms[-1]
            terms[-1] = n.Binary(left.span + right.span, operator, left, right)
        else:
            ops.append(operator)
            terms.append(right)
    left = terms[0]
    for operator, right in zip(ops, terms[1:], strict=True):
        left = n.Binary(left.span + right.span, operator, left, right)
    return left


def fold_binary(items: Sequence[Any]) -> Any:
    """Fold operands and operators in turn left to right, all of one precedence."""
    left = items[0]
    if len(items) == 1:
        return left
    for operator, right in zip(items[1::2], items[2::2], strict=True):
        left = n.Binary(left.span + right.span, operator, left, right)
    return left


def fold_logic(items: Sequence[Any]) -> Any:
    """Fold `a and b or c`: 'and' binds tighter than 'or', and each runs over all its operands."""
    if len(items) == 1:
        return items[0]
    alternatives, run = [], [items[0]]
    for operator, right in zip(items[1::2], items[2::2], strict=True):
        if operator == "or":
            alternatives.append(_logic("and", run))
            run = []
        run.append(right)
    alternatives.append(_logic("and", run))
    return _logic("or", alternatives)


def _logic(operator: str, operands: list[Any]) -> Any:
    if len(operands) == 1:
        return operands[0]
    return n.Logic(operands[0].span + operands[-1].span, operator, tuple(operands))
