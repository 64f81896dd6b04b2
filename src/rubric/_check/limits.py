"""The checker's limits: how big a rubric's numbers, values, chains, ids and reports may grow.

The bounds the checker enforces come from the `Limits` a rubric is loaded with (`places`,
`id_depth`, `value_chain`, `errors`, `exact_digits`); the digits of a number written in a
rubric are the language's own rule.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Literal

from rubric._check.report import Report
from rubric._check.walk import outermost
from rubric._i18n import _
from rubric.dsl import nodes as n

__all__ = [
    "MAX_DIGITS",
    "MAX_VALUE_BITS",
    "check_constants",
    "literal_digits",
    "rounding_of",
]

# Digits of a number written in a rubric.
MAX_DIGITS = 30
# The bounds analysis works on exact numbers; past this size it gives up on a bound (takes it
# as unbounded, which is always safe) rather than compute ever larger ones.
MAX_VALUE_BITS = 4096


def literal_digits(number: n.Number) -> int:
    """How many digits a number is written with."""
    return sum(map(str.isdigit, number.text))


RoundingScope = Literal["indicators", "total"]
RoundingMode = Literal["half up", "half even", "down", "up"]


def rounding_of(rounding: n.Rounding) -> tuple[RoundingScope, RoundingMode]:
    """What a `round` line rounds, and how, as the parser spells them."""
    match rounding.scope:
        case "indicators" | "total":
            scope: RoundingScope = rounding.scope
        case _:
            raise AssertionError(f"the parser gave an unknown rounding {rounding.scope!r}")
    match rounding.mode:
        case "half up" | "half even" | "down" | "up":
            mode: RoundingMode = rounding.mode
        case _:
            raise AssertionError(f"the parser gave an unknown rounding mode {rounding.mode!r}")
    return scope, mode


# ---------------------------------------------------------------- values of numbers alone

_EXPRESSIONS = (n.Binary, n.Negate)
# Nodes that hold no arithmetic: a table's arms (bands and points are numbers as written), and
# the leaves of a tree.
_NO_ARITHMETIC = frozenset({n.Arm, n.Band, n.Number, n.Name, n.Text, n.ScoreOf, n.Word})
_SHOWN = 60  # characters of an expression a message quotes


def check_constants(report: Report, document: n.Document, digits: int) -> None:
    """E515: arithmetic on numbers written in the rubric (and on values that are such
    arithmetic) that comes to more digits than an exact value may hold (Limits.exact_digits).

    Scoring would compute it, on any facts, and stop; it is refused here instead, where it is
    written. Each value is worked out one operation at a time, its operands within the limit,
    so that no step makes a number of more than twice its digits.
    """
    constants = _Constants(report, digits, 10**digits)
    known: dict[str, Fraction | None] = {}
    for let in document.lets:
        known[let.name] = constants.let(let, known)
    constants.within((document.requires, document.grades, document.clauses), known)
    for decl in document.nodes:
        if isinstance(decl, n.Indicator):
            local: ChainMap[str, Fraction | None] = ChainMap({}, known)
            for let in decl.lets:
                local[let.name] = constants.let(let, local)
            constants.within((decl.rules, decl.pools, decl.extras, decl.clauses), local)
        else:
            constants.within(decl.clauses, known)


class _Constants:
    """Works out arithmetic on numbers alone, reporting each value past the limit once."""

    def __init__(self, report: Report, digits: int, top: int) -> None:
        self.report = report
        self.digits = digits
        self.top = top

    def let(self, let: n.Let, known: Mapping[str, Fraction | None]) -> Fraction | None:
        """A value's number, if it is one worked out from numbers alone and within the limit."""
        expr = let.expr
        if isinstance(expr, n.Number):
            return expr.value
        if isinstance(expr, n.Name):
            return known.get(expr.name)
        if isinstance(expr, _EXPRESSIONS):
            return self.value(expr, known, let)
        self.within(expr, known)
        return None

    def within(self, root: object, known: Mapping[str, Fraction | None]) -> None:
        """Every value of numbers alone in a part of the rubric, checked."""
        for expr in _outermost(root):
            self.value(expr, known, None)

    def value(
        self, expr: n.Expr, known: Mapping[str, Fraction | None], let: n.Let | None
    ) -> Fraction | None:
        """An expression's number, worked out in order, without recursion; None where it reads
        something other than numbers, divides by 0, or comes to more than the limit."""
        results: list[Fraction | None] = []
        stack: list[tuple[n.Expr, bool]] = [(expr, False)]
        while stack:
            item, ready = stack.pop()
            match item:
                case n.Number():
                    results.append(item.value)
                case n.Name():
                    results.append(known.get(item.name))
                case n.Negate() if ready:
                    operand = results.pop()
                    results.append(None if operand is None else -operand)
                case n.Binary() if ready:
                    right, left = results.pop(), results.pop()
                    found = None
                    if left is not None and right is not None:
                        found = self.operate(item, left, right, let if item is expr else None)
                    results.append(found)
                case n.Negate():
                    stack += [(item, True), (item.operand, False)]
                case n.Binary():
                    stack += [(item, True), (item.right, False), (item.left, False)]
                case _:
                    # A condition, a set's size, a score: no number of its own, but arithmetic
                    # on numbers may stand inside it.
                    self.within(item, known)
                    results.append(None)
        return results.pop()

    def operate(
        self, expr: n.Binary, a: Fraction, b: Fraction, let: n.Let | None
    ) -> Fraction | None:
        match expr.op:
            case "+":
                found = a + b
            case "-":
                found = a - b
            case "*":
                found = a * b
            case "/":
                if not b:
                    return None  # E427, or W404: reported by the checks of division
                found = a / b
            case "short of":
                found = max(b - a, Fraction(0))
            case "over":
                found = max(a - b, Fraction(0))
            case _:
                raise AssertionError(f"the parser gave an unknown operator {expr.op!r}")
        top = self.top
        if -top < found.numerator < top and found.denominator < top:
            return found
        text = self.report.source.text[expr.span.start : expr.span.end]
        if len(text) > _SHOWN:
            text = text[: _SHOWN - 1] + "…"
        what = (
            _("the value '{name}' ({text})", name=let.name, text=text)
            if let is not None
            else f"'{text}'"
        )
        self.report(
            "E515",
            expr.span,
            _(
                "{what} comes to a number of more than {digits} digits, more "
                "than an exact value may hold",
                what=what,
                digits=self.digits,
            ),
            _(
                "it is worked out from numbers written in the rubric alone: "
                "write smaller numbers, or multiply fewer of them\nthe limit "
                "is Limits.exact_digits; software that embeds rubric can "
                "raise it (docs/limits.md)"
            ),
        )
        return None


def _outermost(root: object) -> Iterator[n.Expr]:
    yield from outermost(root, _EXPRESSIONS, _NO_ARITHMETIC)  # type: ignore[misc]
