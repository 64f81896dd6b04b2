"""Evaluator objects: compiled expressions, rules and nodes that score facts and explain why."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from rubric import _wording as w
from rubric._numbers import round_to
from rubric._result import FactValue, Reason, ScoredNode
from rubric.errors import FactProblem

__all__ = ["COMPARISONS", "Env", "EvaluationError"]

Value = bool | int | Fraction | str | frozenset[str]
ZERO = Fraction(0)


class EvaluationError(Exception):
    """Facts that pass validation yet cannot be scored, such as a division by zero."""

    def __init__(self, message: str, facts: tuple[str, ...]) -> None:
        super().__init__(message)
        self.message = message
        self.facts = facts

    def problem(self) -> FactProblem:
        """The problem as a facts error reports it."""
        return FactProblem(self.facts, self.message)


def read_only(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only view of a copy: compiled objects are shared between threads."""
    return MappingProxyType(dict(mapping))


@attrs.frozen
class Policy:
    """How scores are rounded and shown."""

    places: int
    mode: str
    scope: str


@attrs.define
class Env:
    """The facts of one scoring and the values computed from them so far; never shared."""

    facts: Mapping[str, Value]
    definitions: Mapping[str, Let]
    parent: Env | None = None
    cache: dict[str, Value] = attrs.Factory(dict)

    def value(self, name: str) -> Value:
        if name in self.definitions:
            if name not in self.cache:
                self.cache[name] = self.definitions[name].expr.evaluate(self)
            return self.cache[name]
        assert self.parent is not None, f"the checker let an unknown name {name!r} through"
        return self.parent.value(name)

    def known(self, name: str) -> Value | None:
        """A value if this scoring has computed it already, else None: never computes."""
        env: Env | None = self
        while env is not None:
            if name in env.definitions:
                return env.cache.get(name)
            env = env.parent
        return None

    def child(self, definitions: Mapping[str, Let]) -> Env:
        return Env(self.facts, definitions, self)


@attrs.frozen
class Subject:
    """What a name stands for in sentences: its description and unit."""

    name: str
    label: str
    unit: str | None
    labels: Mapping[str, str] = attrs.field(factory=dict, converter=read_only)
    order: tuple[str, ...] = ()
    # Where each declared word stands, to list a set's items in the declared order.
    rank: Mapping[str, int] = attrs.field(
        init=False,
        default=attrs.Factory(lambda s: read_only({w: i for i, w in enumerate(s.order)}), True),
    )


TOTAL = Subject("total", "总分", None)  # what grade conditions call the rubric's total

# ---------------------------------------------------------------- expressions


class _Expression:
    """What every expression does beside evaluating: name itself, give its unit, explain."""

    __slots__ = ()

    def label(self, env: Env) -> str:
        raise NotImplementedError

    def show(self, env: Env, places: int) -> str:
        raise NotImplementedError

    def unit(self, env: Env) -> str | None:
        return None

    def explain(self, env: Env, places: int) -> str:
        """A phrase saying what the expression found: '项目符合…：是'."""
        return f"{self.label(env)}：{self.show(env, places)}"


class _Condition(_Expression):
    """A yes/no expression: what it shows is what it found."""

    __slots__ = ()

    def show(self, env: Env, places: int) -> str:
        return self.explain(env, places)


@attrs.frozen
class Const(_Expression):
    """A literal number or word."""

    value: Value
    text: str

    def evaluate(self, env: Env) -> Value:
        return self.value

    def label(self, env: Env) -> str:
        return self.text

    def show(self, env: Env, places: int) -> str:
        return self.text


@attrs.frozen
class FactRef(_Expression):
    """A fact, read from the facts being scored."""

    subject: Subject
    integral: bool

    def evaluate(self, env: Env) -> Value:
        return env.facts[self.subject.name]

    def label(self, env: Env) -> str:
        return self.subject.label

    def unit(self, env: Env) -> str | None:
        return self.subject.unit

    def show(self, env: Env, places: int) -> str:
        return _show(self.evaluate(env), self.subject, places, integral=self.integral)


@attrs.frozen
class ValueRef(_Expression):
    """A named value defined by `let`, computed once per scoring."""

    subject: Subject

    def evaluate(self, env: Env) -> Value:
        return env.value(self.subject.name)

    def label(self, env: Env) -> str:
        return self.subject.label

    def unit(self, env: Env) -> str | None:
        return self.subject.unit

    def show(self, env: Env, places: int) -> str:
        return _show(self.evaluate(env), self.subject, places, integral=False)


def _show(value: Value, subject: Subject, places: int, *, integral: bool) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return subject.labels.get(value, value)
    if isinstance(value, frozenset):
        rank = subject.rank
        items = sorted(value, key=lambda v: (rank.get(v, len(rank)), v))
        return "、".join(subject.labels.get(v, v) for v in items) or "无"
    return w.quantity(value, subject.unit, places, integral=integral)


def _divide(left: Fraction, right: Fraction) -> Fraction:
    return Fraction(left) / right  # int / int would give a float


_ARITHMETIC: dict[str, Callable[[Any, Any], Fraction]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
    # Differences of counts stay counts (ints), so that they read and serialise as counts.
    "short of": lambda a, b: max(b - a, 0),
    "over": lambda a, b: max(a - b, 0),
}
_SYMBOLS = {"+": "+", "-": "-", "*": "×", "/": "/"}
_DIFFERENCES = {"short of": "比{right}少的部分", "over": "比{right}多的部分"}


@attrs.frozen
class Arithmetic(_Expression):
    """`+ - * /`, and the clamped differences `short of` and `over`."""

    op: str
    left: Expr
    right: Expr
    facts: tuple[str, ...]
    line: int

    def evaluate(self, env: Env) -> Value:
        left, right = self.left.evaluate(env), self.right.evaluate(env)
        try:
            return _ARITHMETIC[self.op](left, right)
        except ZeroDivisionError:
            raise EvaluationError(
                f"{self.label(env)} divides by zero (rubric line {self.line}); "
                "add a bound such as '>= 1' to the facts it divides by",
                self.facts,
            ) from None

    def label(self, env: Env) -> str:
        if self.op in _DIFFERENCES:
            return self.left.label(env) + _DIFFERENCES[self.op].format(right=self.right.label(env))
        return f"{self.left.label(env)}{_SYMBOLS[self.op]}{self.right.label(env)}"

    def unit(self, env: Env) -> str | None:
        if self.op in ("short of", "over", "+", "-"):
            return self.left.unit(env) or self.right.unit(env)
        return None

    def show(self, env: Env, places: int) -> str:
        value = self.evaluate(env)
        assert isinstance(value, Fraction | int)
        return w.quantity(value, self.unit(env), places, integral=isinstance(value, int))


@attrs.frozen
class Negation(_Expression):
    """Unary minus."""

    operand: Expr

    def evaluate(self, env: Env) -> Value:
        value = self.operand.evaluate(env)
        assert isinstance(value, int | Fraction)
        return -Fraction(value)

    def label(self, env: Env) -> str:
        return f"-{self.operand.label(env)}"

    def unit(self, env: Env) -> str | None:
        return self.operand.unit(env)

    def show(self, env: Env, places: int) -> str:
        value = self.evaluate(env)
        assert isinstance(value, Fraction)
        return w.quantity(value, self.unit(env), places, integral=False)


@attrs.frozen
class Size(_Expression):
    """`number of SET`."""

    operand: Expr

    def evaluate(self, env: Env) -> Value:
        value = self.operand.evaluate(env)
        assert isinstance(value, frozenset)
        return len(value)

    def label(self, env: Env) -> str:
        return f"{self.operand.label(env)}的项数"

    def unit(self, env: Env) -> str | None:
        return "项"

    def show(self, env: Env, places: int) -> str:
        return f"{self.evaluate(env)}项"


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}


@attrs.frozen
class Comparison(_Condition):
    """A comparison of two numbers, or of a level with a word."""

    op: str
    left: Expr
    right: Expr

    def evaluate(self, env: Env) -> Value:
        return COMPARISONS[self.op](self.left.evaluate(env), self.right.evaluate(env))

    def label(self, env: Env) -> str:
        return f"{self.left.label(env)} {w.OPS[self.op]} {self.right.label(env)}"

    def explain(self, env: Env, places: int) -> str:
        holds = bool(self.evaluate(env))
        left = f"{self.left.label(env)}为{self.left.show(env, places)}"
        if isinstance(self.right, Const):
            # A written bound reads in the unit of what it bounds: “≤ 30个工作日”.
            unit = self.left.unit(env) if not isinstance(self.right.value, str) else None
            target = f"{w.OPS[self.op]} {self.right.show(env, places)}{unit or ''}"
        else:
            left += f"，{self.right.label(env)}为{self.right.show(env, places)}"
            target = f"{self.left.label(env)} {w.OPS[self.op]} {self.right.label(env)}"
        return f"{left}，{'满足' if holds else '不满足'}“{target}”"


@attrs.frozen
class Membership(_Condition):
    """`WORD in SET`."""

    item: Const
    collection: Expr

    def evaluate(self, env: Env) -> Value:
        collection = self.collection.evaluate(env)
        assert isinstance(collection, frozenset)
        return self.item.value in collection

    def label(self, env: Env) -> str:
        return f"{self.item.text}属于{self.collection.label(env)}"

    def explain(self, env: Env, places: int) -> str:
        where = "在" if self.evaluate(env) else "不在"
        items = self.collection.show(env, places)
        return f"“{self.item.text}”{where}{self.collection.label(env)}（{items}）之中"


@attrs.frozen
class Junction(_Condition):
    """`and` / `or` of conditions."""

    op: str
    operands: tuple[Expr, ...]

    def evaluate(self, env: Env) -> Value:
        if self.op == "and":
            return all(o.evaluate(env) for o in self.operands)
        return any(o.evaluate(env) for o in self.operands)

    def label(self, env: Env) -> str:
        joiner = "且" if self.op == "and" else "或"
        return joiner.join(o.label(env) for o in self.operands)

    def explain(self, env: Env, places: int) -> str:
        need = "各项均须满足" if self.op == "and" else "满足其一即可"
        outcome = "条件成立" if self.evaluate(env) else "条件不成立"
        return f"{self.parts(env, places)}（{need}，{outcome}）"

    def parts(self, env: Env, places: int) -> str:
        """The findings of every operand; an inner and/or in brackets, its verdict left to this.

        Evaluation stops at the operand that decides; the explanation reads on, for the reader,
        but only as far as it can: a guard such as `y >= 1 and x / y >= 1` protects the
        explanation as it protects the evaluation.
        """
        found: list[str] = []
        decided = False
        for operand in self.operands:
            try:
                inner = operand.parts(env, places) if isinstance(operand, Junction) else None
                found.append(f"（{inner}）" if inner else operand.explain(env, places))
            except EvaluationError:
                if not decided:  # evaluation would have met it first; never expected here
                    raise
                found.append("其余条件无从判断")
                break
            decided = decided or bool(operand.evaluate(env)) == (self.op == "or")
        return "；".join(found)


@attrs.frozen
class Inversion(_Condition):
    """`not` of a condition."""

    operand: Expr

    def evaluate(self, env: Env) -> Value:
        return not self.operand.evaluate(env)

    def label(self, env: Env) -> str:
        return f"非（{self.operand.label(env)}）"

    def explain(self, env: Env, places: int) -> str:
        outcome = "条件成立" if self.evaluate(env) else "条件不成立"
        return f"{self.operand.explain(env, places)}（要求不成立，{outcome}）"


Expr = (
    Const
    | FactRef
    | ValueRef
    | Arithmetic
    | Negation
    | Size
    | Comparison
    | Membership
    | Junction
    | Inversion
)


@attrs.frozen
class Let:
    """A named value: its expression, and what it is called in sentences."""

    subject: Subject
    expr: Expr


# ---------------------------------------------------------------- rules


@attrs.frozen
class Uses:
    """The facts and values a rule reads, reported with each of its explanation entries."""

    facts: tuple[str, ...]
    values: tuple[str, ...]

    def reason(self, env: Env, text: str, points: Fraction, kind: str, line: int) -> Reason:
        facts: tuple[tuple[str, FactValue], ...] = tuple((f, env.facts[f]) for f in self.facts)
        # Only values the rule computed: one behind an unmet guard may not be computable.
        values: tuple[tuple[str, FactValue], ...] = tuple(
            (v, value) for v in self.values if (value := env.known(v)) is not None
        )
        return Reason(text, points, kind, facts, values, line)


@attrs.frozen
class Start:
    """`start from …`: the points an indicator starts with."""

    amount: Fraction
    full: bool
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        text = f"起评分为{'满分' if self.full else ''}{w.points(self.amount, places)}分"
        return [Reason(text, self.amount, "start", line=self.line)]


def _missed(award: Award) -> str:
    if award.points > 0:
        return f"未得{w.points(award.points, award.places)}分"
    return w.nothing(award.points)


@attrs.frozen
class Award:
    """K points for a condition, with its wording worked out once, when compiled."""

    points: Fraction
    places: int
    held: str = attrs.field(
        init=False, default=attrs.Factory(lambda a: w.gain(a.points, a.places), takes_self=True)
    )
    missed: str = attrs.field(init=False, default=attrs.Factory(_missed, takes_self=True))

    def judge(self, condition: Expr, uses: Uses, env: Env, kind: str, line: int) -> Reason:
        """The entry for one condition: what it found, and the points it gave or did not."""
        holds = bool(condition.evaluate(env))
        found = condition.explain(env, self.places)
        text = f"{found}，{self.held if holds else self.missed}"
        return uses.reason(env, text, self.points if holds else ZERO, kind, line)


@attrs.frozen
class When:
    """`±K if CONDITION`."""

    award: Award
    condition: Expr
    uses: Uses
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        return [self.award.judge(self.condition, self.uses, env, "when", self.line)]


@attrs.frozen
class EachItem:
    """`±K for each of SET[, at most N]`: points per item of a set."""

    points: Fraction
    collection: Expr
    cap: Fraction | None
    uses: Uses
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        items = self.collection.evaluate(env)
        assert isinstance(items, frozenset)
        count = len(items)
        total = self.points * count
        label = self.collection.label(env)
        k = w.points(self.points, places)
        verb = w.verb(self.points)
        if not count:
            text = f"{label}：无，{w.nothing(self.points)}"
            return [self.uses.reason(env, text, ZERO, "each", self.line)]
        shown = self.collection.show(env, places)
        text = (
            f"{label}：{shown}，共{count}项，每项{verb}{k}分，共{verb}{w.points(total, places)}分"
        )
        gained = _cap(total, self.cap)
        if gained != total:
            assert self.cap is not None
            text += f"；{w.capped(total, self.cap, gained, places)}"
        return [self.uses.reason(env, text, gained, "each", self.line)]


@attrs.frozen
class EachCondition:
    """`±K for each of [C1, C2, …][, at most N]`: points per condition that holds."""

    award: Award
    conditions: tuple[tuple[Expr, Uses], ...]
    cap: Fraction | None
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        reasons = [
            self.award.judge(condition, uses, env, "each", self.line)
            for condition, uses in self.conditions
        ]
        total = sum((r.points for r in reasons), ZERO)
        capped = _cap(total, self.cap)
        if capped != total:
            assert self.cap is not None
            reasons.append(
                _cap_reason(f"以上{len(reasons)}项", total, self.cap, capped, places, self.line)
            )
        return reasons


_PARTIAL_STEPS: dict[str, Callable[[Fraction], Fraction]] = {
    "proportional": lambda steps: steps,
    "whole": lambda steps: Fraction(math.floor(steps)),
    "any": lambda steps: Fraction(math.ceil(steps)),
}
_PARTIAL_WORDS = {
    "proportional": "按比例计",
    "whole": "不足一档的部分不计",
    "any": "不足一档按一档计",
}


@attrs.frozen
class PerStep:
    """`±K per STEP of QUANTITY[, reading][, at most N]`."""

    points: Fraction
    step: Fraction
    quantity: Expr
    partial: str
    cap: Fraction | None
    uses: Uses
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        amount = Fraction(self.quantity.evaluate(env))  # type: ignore[arg-type]
        steps = _PARTIAL_STEPS[self.partial](amount / self.step)
        total = self.points * steps
        gained = _cap(total, self.cap)
        text = self.describe(env, places, amount, steps, total)
        text += f"，{w.gain(total, places, zero=w.nothing(self.points))}"
        if gained != total:
            assert self.cap is not None
            text += f"；{w.capped(total, self.cap, gained, places)}"
        return [self.uses.reason(env, text, gained, "per", self.line)]

    def describe(
        self, env: Env, places: int, amount: Fraction, steps: Fraction, total: Fraction
    ) -> str:
        verb = w.verb(self.points)
        k = w.points(self.points, places)
        quantity = self.quantity
        if isinstance(quantity, Arithmetic) and quantity.op in ("short of", "over"):
            base, target = quantity.left, quantity.right
            unit = w.step_unit(base.unit(env))
            more_less = "少" if quantity.op == "short of" else "多"
            value = base.evaluate(env)
            assert isinstance(value, int | Fraction)
            sign = w.approx_sign(Fraction(value), places=places)
            head = f"{base.label(env)} {sign} {base.show(env, places)}"
            # A written target reads as written, in the unit of what it is compared with.
            goal = (
                f"{target.text}{base.unit(env) or ''}"
                if isinstance(target, Const)
                else target.show(env, places)
            )
            if amount == 0:
                bound = "不低于" if quantity.op == "short of" else "不高于"
                return f"{head}，{bound}{goal}"
            # Percentage points show as the percentage does: 2.50个百分点 beside 97.50%.
            diff = w.quantity(
                amount, "%" if base.unit(env) == "%" else None, places, integral=False
            )
            diff = diff.removesuffix("%")
            about = "" if w.approx_sign(amount, places=places) == "=" else "约"
            head += f"，比{goal}{more_less}{about}{diff}{unit}"
            rate = f"每{more_less}{w.points(self.step, places)}{unit}{verb}{k}分"
        else:
            # The quantity itself is counted here, not a difference: steps read in its own unit.
            unit = quantity.unit(env) or ""
            shown = quantity.show(env, places)
            head = f"{quantity.label(env)} {w.approx_sign(amount, places=places)} {shown}"
            rate = f"每{w.points(self.step, places)}{unit}{verb}{k}分"
        if steps != amount / self.step:
            rate += f"（{_PARTIAL_WORDS[self.partial]}，计{w.points(steps, places)}档）"
        return f"{head}，{rate}"


@attrs.frozen
class Arm:
    """One row of a table: a test on the subject, its wording, and its points."""

    test: Callable[[Value], bool]
    text: str
    points: Fraction
    otherwise: bool


@attrs.frozen
class Table:
    """`points by SUBJECT: …`: the first arm that matches gives its points."""

    subject: Expr
    arms: tuple[Arm, ...]
    uses: Uses
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        value = self.subject.evaluate(env)
        shown = f"{self.subject.label(env)}为{self.subject.show(env, places)}"
        if isinstance(value, str):
            # A level names its own arm: no need to say which band it falls in.
            arm = next((a for a in self.arms if a.test(value)), None)
            assert arm is not None, "the checker makes level tables cover every level"
            text = f"{self.subject.label(env)}：{self.subject.show(env, places)}，"
            text += w.gain(arm.points, places)
            return [self.uses.reason(env, text, arm.points, "table", self.line)]
        for arm in self.arms:
            if arm.test(value):
                if arm.otherwise:
                    bands = "、".join(f"“{a.text}”" for a in self.arms if not a.otherwise)
                    where = f"不属于{bands}"
                else:
                    where = f"属于“{arm.text}”一档"
                text = f"{shown}，{where}，{w.gain(arm.points, places)}"
                return [self.uses.reason(env, text, arm.points, "table", self.line)]
        bands = ", ".join(a.text for a in self.arms)
        raise EvaluationError(
            f"{self.subject.label(env)} = {self.subject.show(env, places)} falls in none of the "
            f"bands ({bands}) of the table on rubric line {self.line}; if such a value can "
            "happen, the rubric needs an 'otherwise' arm",
            self.uses.facts,
        )


Rule = Start | When | EachItem | EachCondition | PerStep | Table


def _cap_reason(
    label: str, total: Fraction, cap: Fraction, capped: Fraction, places: int, line: int
) -> Reason:
    """The entry that brings rules' points back to their cap: awards and deductions alike."""
    text = f"{label}合计{w.verb(total)}{w.points(total, places)}分，"
    text += w.capped(total, cap, capped, places)
    return Reason(text, capped - total, "cap", line=line)


def _cap(total: Fraction, cap: Fraction | None) -> Fraction:
    if cap is None:
        return total
    return max(-cap, min(cap, total))


# ---------------------------------------------------------------- nodes


@attrs.frozen
class Pool:
    """Rules whose points together are capped at `at most N`."""

    label: str
    cap: Fraction
    rules: tuple[Rule, ...]
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        reasons = [r for rule in self.rules for r in rule.apply(env, places)]
        total = sum((r.points for r in reasons), Fraction(0))
        capped = _cap(total, self.cap)
        if capped != total:
            reasons.append(_cap_reason(self.label, total, self.cap, capped, places, self.line))
        return reasons


@attrs.frozen
class Indicator:
    """An indicator: its values, rules and pools, scored into a node within [0, max]."""

    id: str
    title: str
    max: Fraction
    lets: Mapping[str, Let] = attrs.field(converter=read_only)
    parts: tuple[Rule | Pool, ...]
    line: int

    def score(self, env: Env, policy: Policy) -> ScoredNode:
        local = env.child(self.lets)
        reasons = [r for part in self.parts for r in part.apply(local, policy.places)]
        total = sum((r.points for r in reasons), Fraction(0))
        places = policy.places
        if total > self.max or total < 0:
            bound = self.max if total > self.max else ZERO
            where = f"超过本项满分{w.points(self.max, places)}分" if bound else "低于0分"
            summed = f"{w.verb(total) if total < 0 else ''}{w.points(total, places)}"
            text = f"各项合计{summed}分，{where}，按{w.points(bound, places)}分计"
            reasons.append(Reason(text, bound - total, "clamp", line=self.line))
            total = bound
        if policy.scope == "indicators":
            rounded = round_to(total, policy.places, policy.mode)
            if rounded != total:
                text = (
                    f"得分{w.points(total, places + 2)}分，按{_MODE_WORDS[policy.mode]}保留"
                    f"{places}位小数为{w.points(rounded, places)}分"
                )
                reasons.append(Reason(text, rounded - total, "rounding", line=self.line))
                total = rounded
        return ScoredNode(
            self.id,
            self.title,
            "indicator",
            total,
            self.max,
            policy.places,
            policy.mode,
            (),
            tuple(reasons),
        )


_MODE_WORDS = {"half up": "四舍五入", "half even": "四舍六入五成双", "down": "舍去", "up": "进一"}


@attrs.frozen
class Group:
    """A group: the sum of its children's scores."""

    id: str
    title: str
    max: Fraction
    children: tuple[Group | Indicator, ...]

    def score(self, env: Env, policy: Policy) -> ScoredNode:
        children = tuple(child.score(env, policy) for child in self.children)
        total = sum((c.exact for c in children), Fraction(0))
        return ScoredNode(
            self.id, self.title, "group", total, self.max, policy.places, policy.mode, children
        )
