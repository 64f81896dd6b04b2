"""Indicators and their rules: each rule form's types, and whether full marks are in reach."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Literal, assert_never

import attrs

from rubric._check import bands
from rubric._check.clauses import check_clauses
from rubric._check.intervals import ZERO
from rubric._check.names import COUNT, Names, Scope
from rubric._i18n import _
from rubric._numbers import plain
from rubric.dsl import nodes as n

__all__ = ["Reading", "Role", "Rules", "reading_of", "role_of", "total"]

Role = Literal["base", "bonus", "deductions"]
Reading = Literal["proportional", "whole", "any"]


def role_of(text: str) -> Role:
    """A node's role as the parser spells it."""
    match text:
        case "base" | "bonus" | "deductions":
            return text
        case _:
            raise AssertionError(f"the parser gave an unknown role {text!r}")


def reading_of(text: str | None) -> Reading | None:
    """How a `per` rule counts part of a step, as the parser spells it."""
    match text:
        case None:
            return None
        case "proportional" | "whole" | "any":
            return text
        case _:
            raise AssertionError(f"the parser gave an unknown reading {text!r}")


@attrs.define
class Rules:
    """Checks an indicator's values, rules, pools and clauses."""

    names: Names
    # While the rules of an indicator's own bonus or deductions are checked: what a rule's
    # points may not be more than, in words.
    within: str | None = None

    def check_indicator(self, ind: n.Indicator, outer: Scope) -> n.Indicator:
        names, report = self.names, self.names.report
        scope = outer.child()
        outer_used, names.used = names.used, set()
        lets = names.check_lets(ind.lets, scope)
        rules, bests = self.check_rules(ind.rules, ind, scope)
        starts = [r for r in ind.rules if isinstance(r, n.Start)]
        for extra in starts[1:]:
            report(
                "E403",
                extra.span,
                _("a second 'start from' line in one indicator"),
                _("keep one 'start from' line"),
            )
        pools = []
        pool_names: set[str] = set()
        for pool in ind.pools:
            if pool.name in pool_names:
                report(
                    "E409",
                    pool.span,
                    _("a second pool named '{name}' in this indicator", name=pool.name),
                    _("give each pool its own name"),
                )
            pool_names.add(pool.name)
            if pool.cap.value <= 0:
                report(
                    "E408",
                    pool.cap.span,
                    _("a pool's cap must be more than 0, found {text}", text=pool.cap.text),
                )
            pool_rules, pool_bests = self.check_rules(pool.rules, ind, scope)
            pools.append(n.replace(pool, rules=pool_rules))
            bests.append(min(pool.cap.value, total(pool_bests)))
        extras = self.check_extras(ind, scope)
        # With its own bonus, an indicator may score above its max: a cap there may still act,
        # which the proved bounds judge (E331).
        over = any(extra.role == "bonus" for extra in ind.extras)
        clauses = check_clauses(names, ind.clauses, scope, None if over else ind.max, ind.id)
        names.unused_locals += [let for let in lets if let.name not in names.used]
        # What the rules used, but for their own values, counts as used outside: added to the
        # outer set in place, as copying it would cost as much as every fact, for each indicator.
        outer_used.update(names.used.difference(let.name for let in lets))
        names.used = outer_used
        if not ind.rules and not ind.pools:
            report(
                "E309",
                ind.id_span,
                _("the indicator '{id}' has no rules", id=ind.id),
                _("add rules below it, such as: +2 if some_fact"),
            )
        elif ind.max is not None and ind.role != "deductions":
            best = total(bests)
            if best < ind.max.value:
                report(
                    "E302",
                    ind.max.span,
                    _(
                        "the rules of '{id}' can give at most {number} point, but its max "
                        "is {text}",
                        id=ind.id,
                        number=plain(best, 6),
                        text=ind.max.text,
                    )
                    if best == 1
                    else _(
                        "the rules of '{id}' can give at most {number} points, but its max "
                        "is {text}",
                        id=ind.id,
                        number=plain(best, 6),
                        text=ind.max.text,
                    ),
                    _(
                        "lower the max, or add or correct the rules so that full "
                        "marks can be reached"
                    ),
                )
        return n.replace(
            ind, lets=lets, rules=rules, pools=tuple(pools), clauses=clauses, extras=extras
        )

    def check_extras(self, ind: n.Indicator, scope: Scope) -> tuple[n.Extra, ...]:
        """An indicator's own bonus and deductions: one of each, a cap above 0, and rules that
        only give (a bonus) or only take (deductions)."""
        report = self.names.report
        checked: list[n.Extra] = []
        seen: dict[str, n.Extra] = {}
        for extra in ind.extras:
            first = seen.setdefault(extra.role, extra)
            if first is not extra:
                report(
                    "E428",
                    extra.span,
                    _(
                        "a second '{role}' line in the indicator '{id}'; the first is on line "
                        "{line}",
                        role=extra.role,
                        id=ind.id,
                        line=report.line_of(first.span),
                    ),
                    _(
                        "put all the rules of its {role} under one '{role}' line",
                        role=extra.role,
                    ),
                )
            if extra.cap.value <= 0:
                report(
                    "E408",
                    extra.cap.span,
                    _(
                        "the cap of an indicator's {role} must be more than 0, found {text}",
                        role=extra.role,
                        text=extra.cap.text,
                    ),
                )
            # Each rule is checked as a rule of an item worth the cap: no rule gives more.
            within = n.replace(ind, max=extra.cap, role="base")
            self.within = _(
                "the {role} of '{id}', which is at most {text}",
                role=extra.role,
                id=ind.id,
                text=extra.cap.text,
            )
            try:
                rules, _most = self.check_rules(extra.rules, within, scope)
            finally:
                self.within = None
            for rule in extra.rules:
                self.sign_fits(rule, extra.role)
            checked.append(n.replace(extra, rules=rules))
        return tuple(checked)

    def sign_fits(self, rule: n.Rule, role: str) -> None:
        """A bonus's rules only give and deductions' only take: their points say which."""
        gives = role == "bonus"
        match rule:
            case n.When() | n.Each() | n.Per():
                wrong = [rule.points] if (rule.points.value < 0) == gives else []
                if rule.points.value == 0:
                    wrong = []
            case n.Table():
                numbers = [a.points for a in rule.arms] + [a.end for a in rule.arms if a.end]
                wrong = [x for x in numbers if x.value != 0 and (x.value < 0) == gives]
            case n.Formula() | n.Adjust() | n.Start():
                what = "'points ='" if isinstance(rule, n.Formula) else "'adjust by'"
                if isinstance(rule, n.Start):
                    return  # the parser refuses it (E120)
                self.names.report(
                    "E429",
                    rule.span,
                    _("{what} in an indicator's bonus, whose rules only give points", what=what)
                    if gives
                    else _(
                        "{what} in an indicator's deductions, whose rules only take points",
                        what=what,
                    ),
                    _(
                        "write rules with signed points under '{role}', such as {example}; or "
                        "move the line above the '{role}' line",
                        role=role,
                        example="+1 per 1 of awards" if gives else "-1 per 1 of problems",
                    ),
                )
                return
            case _:
                assert_never(rule)
        for number in wrong[:1]:
            self.names.report(
                "E429",
                number.span,
                _(
                    "{text} points in an indicator's bonus, whose rules only give points",
                    text=number.text,
                )
                if gives
                else _(
                    "{text} points in an indicator's deductions, whose rules only take points",
                    text=number.text,
                ),
                _(
                    "write {signed}; to take points, put the rule under a 'deductions' line",
                    signed="+" + number.text.lstrip("+-"),
                )
                if gives
                else _(
                    "write {signed}; to give points, put the rule under a 'bonus' line",
                    signed="-" + number.text.lstrip("+-"),
                ),
            )

    def check_rules(
        self, rules: tuple[n.Rule, ...], ind: n.Indicator, scope: Scope
    ) -> tuple[tuple[n.Rule, ...], list[Fraction]]:
        """Check each rule; return them with words resolved, and the most each can give.

        The most is a generous estimate, for the error that full marks are out of reach: the
        exact bounds are worked out later, from the facts' declarations.
        """
        checked, bests = [], []
        for rule in rules:
            rule_checked, best = self.check_rule(rule, ind, scope)
            checked.append(rule_checked)
            bests.append(best)
        return tuple(checked), bests

    def check_rule(self, rule: n.Rule, ind: n.Indicator, scope: Scope) -> tuple[n.Rule, Fraction]:
        if isinstance(rule, n.Guardable) and rule.condition is not None:
            # A rule's own condition: where it does not hold, the rule gives nothing. What the
            # rule can give at most is still what it gives where it holds.
            condition = self.names.condition(rule.condition, scope, _("a rule's 'if'"))
            rule = n.replace(rule, condition=condition)
        match rule:
            case n.Start():
                return rule, self.start(rule, ind)
            case n.When():
                self.points_fit(rule.points, ind)
                condition = self.names.condition(rule.condition, scope, _("an 'if'"))
                return n.replace(rule, condition=condition), max(rule.points.value, ZERO)
            case n.Each():
                return self.each(rule, ind, scope)
            case n.Per():
                return self.per(rule, ind, scope)
            case n.Formula():
                self.positive_cap(rule.cap)
                value, _type = self.names.numeric(rule.value, scope, _("'points ='"))
                # What a formula can give depends on the facts: assume it can reach the max.
                return n.replace(rule, value=value), _capped(self.reach(ind), rule.cap)
            case n.Adjust():
                return rule, self.adjust(rule, ind, scope)
            case n.Table():
                return self.table(rule, ind, scope)
            case _:
                assert_never(rule)

    def start(self, rule: n.Start, ind: n.Indicator) -> Fraction:
        if ind.role == "deductions" or ind.max is None:
            self.names.report(
                "E404",
                rule.span,
                _("'start from' in a deduction item"),
                _("a deduction item starts from 0 and only deducts: delete this line"),
            )
            return ZERO
        if rule.amount is None:
            return ind.max.value
        if rule.amount.value > ind.max.value:
            self.names.report(
                "E402",
                rule.amount.span,
                _(
                    "starts from {text}, above the max {text2}",
                    text=rule.amount.text,
                    text2=ind.max.text,
                ),
                _("start from full marks, or from a number up to the max"),
            )
        return rule.amount.value

    def each(self, rule: n.Each, ind: n.Indicator, scope: Scope) -> tuple[n.Rule, Fraction]:
        names = self.names
        self.points_fit(rule.points, ind)
        self.positive_cap(rule.cap)
        per_item = max(rule.points.value, ZERO)
        if rule.items is not None:
            items = tuple(names.condition(c, scope, _("a 'for each of' list")) for c in rule.items)
            return n.replace(rule, items=items), _capped(per_item * len(items), rule.cap)
        assert rule.subject is not None
        subject, type_ = names.infer(rule.subject, scope)
        if type_ is not None and type_.kind == "set" and type_.words is not None:
            best = _capped(per_item * len(type_.words), rule.cap)
            return n.replace(rule, subject=subject), best
        if type_ is not None and type_.kind != "set":
            hint = (
                _(
                    "to give points per unit of a number, write: {text} per 1 of …",
                    text=rule.points.text,
                )
                if type_.numeric
                else _("write 'for each of' a set fact, or of a list of conditions in [ ]")
            )
            names.report(
                "E410",
                rule.subject.span,
                _("'for each of' needs a set, found {type_kind}", type_kind=type_.describe()),
                hint,
            )
        # A set of any names can hold any number of items.
        unbounded = self.reach(ind) if per_item else ZERO
        return n.replace(rule, subject=subject), _capped(unbounded, rule.cap)

    def per(self, rule: n.Per, ind: n.Indicator, scope: Scope) -> tuple[n.Rule, Fraction]:
        names = self.names
        if rule.step.value <= 0:
            names.report(
                "E406",
                rule.step.span,
                _("a step must be more than 0, found {text}", text=rule.step.text),
            )
        self.positive_cap(rule.cap)
        quantity, type_ = names.infer(rule.quantity, scope)
        if type_ is not None and not type_.numeric:
            names.report(
                "E411",
                rule.quantity.span,
                _("'per' needs a quantity, found {type_kind}", type_kind=type_.describe()),
                _("write a count, a number or an arithmetic expression after 'of'"),
            )
        whole_steps = type_ == COUNT and rule.step.value == 1
        # A wrong step or quantity is reported already; the reading would only add noise.
        readable = rule.step.value > 0 and type_ is not None and type_.numeric
        if reading_of(rule.partial) is None and not whole_steps and readable:
            names.report(
                "E405",
                rule.span,
                _("this rule does not say how a part of a step counts"),
                _(
                    "end it with ', proportionally' (2.5 steps count 2.5), ', "
                    "whole steps only' (2.5 count 2) or ', any part counts as a "
                    "step' (2.5 count 3)"
                ),
            )
        # A per-step award grows with its quantity; without a cap it can always reach the max.
        unbounded = self.reach(ind) if rule.points.value > 0 else ZERO
        return n.replace(rule, quantity=quantity), _capped(unbounded, rule.cap)

    def adjust(self, rule: n.Adjust, ind: n.Indicator, scope: Scope) -> Fraction:
        _name, type_ = self.names.infer(rule.name, scope)
        if type_ is not None and type_.kind != "adjustment":
            self.names.report(
                "E412",
                rule.name.span,
                _(
                    "'adjust by' needs an adjustment fact, found {type_kind}",
                    type_kind=type_.describe(),
                ),
                _(
                    'declare it as: fact {name}: adjustment >= -3 and <= 0 "酌情扣分"',
                    name=rule.name.name,
                ),
            )
        # An adjustment gives at most its upper bound: an item may be scored by hand alone.
        highest = self.names.upper_bounds.get(rule.name.name)
        reach = self.reach(ind)
        return reach if highest is None else max(min(highest, reach), ZERO)

    def table(self, rule: n.Table, ind: n.Indicator, scope: Scope) -> tuple[n.Rule, Fraction]:
        subject, type_ = self.names.infer(rule.subject, scope)
        for arm in rule.arms:
            self.points_fit(arm.points, ind)
            if arm.end is not None:
                self.points_fit(arm.end, ind)
        bands.check_table(self.names.report, rule, type_)
        ends = [a.end.value for a in rule.arms if a.end is not None]
        best = max([*(a.points.value for a in rule.arms), *ends], default=ZERO)
        return n.replace(rule, subject=subject), max(best, ZERO)

    def reach(self, ind: n.Indicator) -> Fraction:
        """What a rule whose points grow with the facts can give: the indicator's max."""
        return ind.max.value if ind.max is not None and ind.role != "deductions" else ZERO

    def points_fit(self, points: n.Number, ind: n.Indicator) -> None:
        if ind.max is not None and abs(points.value) > ind.max.value:
            if self.within is not None:
                self.names.report(
                    "E401",
                    points.span,
                    _("{text} points in {within}", text=points.text, within=self.within),
                    _("a single rule cannot give or take more than the cap of its block"),
                )
                return
            self.names.report(
                "E401",
                points.span,
                _(
                    "{text} points in an indicator worth {text2}",
                    text=points.text,
                    text2=ind.max.text,
                ),
                _("a single rule cannot give or take more than the indicator's max"),
            )

    def positive_cap(self, cap: n.Number | None) -> None:
        if cap is not None and cap.value <= 0:
            self.names.report(
                "E407", cap.span, _("a cap must be more than 0, found {text}", text=cap.text)
            )


def total(values: Iterable[Fraction]) -> Fraction:
    """The sum of some points or maxes. Most are whole numbers: those are added as ints, as a
    Fraction addition finds a common denominator each time (a few percent of the check, where
    every indicator and group is summed)."""
    found = list(values)
    if all(value.denominator == 1 for value in found):
        return Fraction(sum(value.numerator for value in found))
    return sum(found, ZERO)


def _capped(value: Fraction, cap: n.Number | None) -> Fraction:
    return value if cap is None else min(value, cap.value)
