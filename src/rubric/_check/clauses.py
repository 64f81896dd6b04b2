"""Lines on a node's score: caps, multipliers and 'not applicable', and their policies."""

from __future__ import annotations

from typing import Literal, assert_never

from rubric._check.names import Names, Scope
from rubric._i18n import _
from rubric.dsl import nodes as n

__all__ = ["Policy", "check_clauses", "policy_of"]

Policy = Literal["full marks", "rescale the total", "redistribute to siblings"]


def policy_of(text: str | None) -> Policy | None:
    """A not-applicable policy as the parser spells it."""
    match text:
        case None:
            return None
        case "full marks" | "rescale the total" | "redistribute to siblings":
            return text
        case _:
            raise AssertionError(f"the parser gave an unknown policy {text!r}")


def check_clauses(
    names: Names,
    clauses: tuple[n.Clause, ...],
    scope: Scope,
    max_: n.Number | None,
    owner: str | None,
) -> tuple[n.Clause, ...]:
    """The clauses on a node's score (owner None: on the total), with words resolved.

    max_ is what the node is worth when its score can never be above it; None when it can
    (a bonus): a cap at or above the max may then still act, which the bounds judge (E331).
    """
    report = names.report
    checked: list[n.Clause] = []
    clause_scope = scope.child()
    clause_scope.scores = owner is None
    where = _("the total") if owner is None else _("'{found}'", found=owner)
    seen_na: n.NotApplicable | None = None
    for clause in clauses:
        if clause.condition is not None:
            condition = names.condition(clause.condition, clause_scope, _("this line"))
            checked.append(n.replace(clause, condition=condition))
        else:
            checked.append(clause)
        match clause:
            case n.NotApplicable():
                if owner is None:
                    report(
                        "E324",
                        clause.span,
                        _("the rubric as a whole cannot be not applicable"),
                        _("put the line under the group or indicator that may not apply"),
                    )
                elif seen_na is not None:
                    report(
                        "E323",
                        clause.span,
                        _(
                            "a second 'not applicable' line for {where}; the first is on "
                            "line {line}",
                            where=where,
                            line=report.line_of(seen_na.span),
                        ),
                        _("join the conditions with 'or' on one line"),
                    )
                seen_na = seen_na or clause
            case n.CapIf():
                # The grammar reads no sign before a cap: it is never below 0.
                if max_ is not None and clause.cap.value >= max_.value:
                    report(
                        "E325",
                        clause.cap.span,
                        _(
                            "at most {text}, but {where} is worth only {text2}",
                            text=clause.cap.text,
                            where=where,
                            text2=max_.text,
                        ),
                        _("a cap limits a score below its max: lower it"),
                    )
            case n.Multiply():
                if not 0 <= clause.factor.value < 1:
                    report(
                        "E327",
                        clause.factor.span,
                        _("a multiplier of {text}", text=clause.factor.text),
                        _(
                            "a multiplier lowers a score: give a number from 0 up to, "
                            "not including, 1, such as 0.8"
                        ),
                    )
            case _:
                assert_never(clause)
    return tuple(checked)
