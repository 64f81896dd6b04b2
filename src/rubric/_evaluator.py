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
from rubric._result import Adjustment, FactValue, Reason, ScoredNode
from rubric.errors import FactProblem

__all__ = ["COMPARISONS", "Env", "EvaluationError"]

Value = bool | int | Fraction | str | frozenset[str] | Adjustment
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
    """How scores are rounded and shown: scope is 'indicators' or 'total'."""

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
    # Node scores as they are worked out, for `score of` in grades and the total's clauses.
    scores: dict[str, Fraction] = attrs.Factory(dict)

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
        return Env(self.facts, definitions, self, scores=self.scores)


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


TOTAL = Subject("total", "总分", "分")  # what grade conditions call the rubric's total

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
        try:
            return env.facts[self.subject.name]
        except KeyError:  # an optional fact, left out, that these facts still need
            name = self.subject.name
            raise EvaluationError(
                f"missing; it is optional, but a part of the rubric that applies to these facts "
                f"reads it ({self.subject.label})",
                (name,),
            ) from None

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
    if isinstance(value, Adjustment):
        return w.gain(value.points, places, zero="未调整")
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


@attrs.frozen
class NodeScore(_Expression):
    """`score of ID`: a node's score, once the tree is scored."""

    id: str
    title: str

    def evaluate(self, env: Env) -> Value:
        return env.scores[self.id]

    def label(self, env: Env) -> str:
        return f"“{self.title}”得分"

    def unit(self, env: Env) -> str | None:
        return "分"

    def show(self, env: Env, places: int) -> str:
        value = self.evaluate(env)
        assert isinstance(value, Fraction)
        return f"{w.points(value, places)}分"


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
    | NodeScore
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
        facts: tuple[tuple[str, FactValue], ...] = tuple(
            (f, env.facts[f]) for f in self.facts if f in env.facts
        )
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
        gained, capped = _capped(total, self.cap, places)
        return [self.uses.reason(env, text + capped, gained, "each", self.line)]


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
        text = self.describe(env, places, amount, steps, total)
        text += f"，{w.gain(total, places, zero=w.nothing(self.points))}"
        gained, capped = _capped(total, self.cap, places)
        return [self.uses.reason(env, text + capped, gained, "per", self.line)]

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
class Linear:
    """Points that run in a straight line from (low, start) to (high, end)."""

    low: Fraction
    high: Fraction
    start: Fraction
    end: Fraction
    low_text: str
    high_text: str

    def at(self, value: Fraction) -> Fraction:
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)

    def describe(self, value: Fraction, places: int) -> str:
        got = self.at(value)
        return (
            f"在{self.low_text}（{w.points(self.start, places)}分）至{self.high_text}"
            f"（{w.points(self.end, places)}分）之间按线性插值，{w.gain(got, places)}"
        )


@attrs.frozen
class Arm:
    """One row of a table: a test on the subject, its wording, and its points."""

    test: Callable[[Value], bool]
    text: str
    points: Fraction
    otherwise: bool
    linear: Linear | None = None


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
                if arm.linear is not None:
                    assert isinstance(value, int | Fraction)
                    got = arm.linear.at(Fraction(value))
                    text = f"{shown}，{where}，{arm.linear.describe(Fraction(value), places)}"
                    return [self.uses.reason(env, text, got, "table", self.line)]
                text = f"{shown}，{where}，{w.gain(arm.points, places)}"
                return [self.uses.reason(env, text, arm.points, "table", self.line)]
        bands = ", ".join(a.text for a in self.arms)
        raise EvaluationError(
            f"{self.subject.label(env)} = {self.subject.show(env, places)} falls in none of the "
            f"bands ({bands}) of the table on rubric line {self.line}; if such a value can "
            "happen, the rubric needs an 'otherwise' arm",
            self.uses.facts,
        )


@attrs.frozen
class Formula:
    """`points = EXPR[, at most N]`: points worked out from the facts."""

    value: Expr
    cap: Fraction | None
    refs: tuple[Expr, ...]
    uses: Uses
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        raw = self.value.evaluate(env)
        assert isinstance(raw, int | Fraction)
        total = Fraction(raw)
        magnitude = w.points(total, places)
        sign = "≈" if magnitude.startswith("约") else "="
        shown = ("-" if total < 0 else "") + magnitude.removeprefix("约")
        text = f"{self.value.label(env)} {sign} {shown}"
        if self.refs:
            found = "，".join(f"{r.label(env)}为{r.show(env, places)}" for r in self.refs)
            text += f"（{found}）"
        text += f"，{w.gain(total, places, zero=w.nothing(total))}"
        gained, capped = _capped(total, self.cap, places)
        return [self.uses.reason(env, text + capped, gained, "points", self.line)]


@attrs.frozen
class AdjustBy:
    """`adjust by NAME`: a manual adjustment, with its reason."""

    subject: Subject
    line: int

    def apply(self, env: Env, places: int) -> list[Reason]:
        value = env.facts[self.subject.name]
        assert isinstance(value, Adjustment)
        facts: tuple[tuple[str, FactValue], ...] = ((self.subject.name, value),)
        if not value.points:
            text = f"{self.subject.label}：未调整"
            return [Reason(text, ZERO, "adjust", facts, line=self.line)]
        text = f"{self.subject.label}：{w.gain(value.points, places)}，理由：{value.reason}"
        return [Reason(text, value.points, "adjust", facts, line=self.line)]


Rule = Start | When | EachItem | EachCondition | PerStep | Table | Formula | AdjustBy


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


def _capped(total: Fraction, cap: Fraction | None, places: int) -> tuple[Fraction, str]:
    """A rule's points within its `at most N`, and the words to add when the cap bit."""
    gained = _cap(total, cap)
    if gained == total:
        return total, ""
    assert cap is not None
    return gained, f"；{w.capped(total, cap, gained, places)}"


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


_MODE_WORDS = {"half up": "四舍五入", "half even": "四舍六入五成双", "down": "舍去", "up": "进一"}


@attrs.frozen
class Multiplier:
    """`× K if CONDITION` on a node's score."""

    factor: Fraction
    text: str
    condition: Expr
    uses: Uses
    line: int

    def apply(self, env: Env, score: Fraction, places: int) -> tuple[Fraction, Reason]:
        found = self.condition.explain(env, places)
        if not self.condition.evaluate(env):
            return score, self.uses.reason(env, f"{found}，得分不折算", ZERO, "multiply", self.line)
        if score <= 0:
            # A penalty that multiplies must not lift a score below 0 towards 0.
            text = f"{found}，得分×{self.text}；得分为{w.signed(score, places)}分，不折算"
            return score, self.uses.reason(env, text, ZERO, "multiply", self.line)
        after = score * self.factor
        text = (
            f"{found}，得分×{self.text}：{w.points(score, places)}分×{self.text}"
            f"={w.points(after, places)}分"
        )
        return after, self.uses.reason(env, text, after - score, "multiply", self.line)


@attrs.frozen
class CapWhen:
    """`at most N if CONDITION` on a node's score."""

    cap: Fraction
    condition: Expr
    uses: Uses
    line: int

    def apply(self, env: Env, score: Fraction, places: int) -> tuple[Fraction, Reason]:
        found = self.condition.explain(env, places)
        if not self.condition.evaluate(env):
            return score, self.uses.reason(env, f"{found}，得分不设此上限", ZERO, "cap", self.line)
        cap = w.points(self.cap, places)
        if score <= self.cap:
            text = f"{found}，最多得{cap}分；得分{w.signed(score, places)}分，未超过"
            return score, self.uses.reason(env, text, ZERO, "cap", self.line)
        text = f"{found}，最多得{cap}分，按{cap}分计"
        return self.cap, self.uses.reason(env, text, self.cap - score, "cap", self.line)


Clause = Multiplier | CapWhen

_POLICY_WORDS = {
    "full marks": "按满分计",
    "rescale the total": "不计分，总分按其余指标满分折算",
    "redistribute to siblings": "不计分，其分值按比例分配给同组其他指标",
    None: "不计分，本组按其余各项计分",
}


@attrs.frozen
class NotApplicable:
    """`not applicable if CONDITION[, policy]`."""

    condition: Expr
    policy: str | None
    uses: Uses
    line: int
    # In a scaled, weighted, best-of or one-of group, a node left out leaves the group to
    # the rest whatever its policy says: the group keeps its max on its own.
    within_group: bool = False

    def test(self, env: Env, places: int) -> Reason | None:
        """The entry saying the node does not apply, or None when it does."""
        if not self.condition.evaluate(env):
            return None
        words = _POLICY_WORDS[self.policy]
        if self.within_group and self.policy != "full marks":
            words = _POLICY_WORDS[None]
        text = f"{self.condition.explain(env, places)}，本项不适用，{words}"
        return self.uses.reason(env, text, ZERO, "na", self.line)


@attrs.frozen
class Scored:
    """A node's result, and the max it counts for once nodes left out are taken away."""

    node: ScoredNode
    counted: Fraction
    whole: bool = True  # counts for its whole max: nothing under it was left out

    @property
    def share(self) -> Fraction:
        """The node's score as a share of what it counts for."""
        return self.node.exact / self.counted

    def shown(self, places: int) -> str:
        """'“成就分”80/100分': the node's score out of what it counts for."""
        return (
            f"“{self.node.title}”{w.points(self.node.exact, places)}/"
            f"{w.points(self.counted, places)}分"
        )


def _way(mode: str | None, role: str) -> str:
    """The name of a group's combine_ method: its mode, or how its role adds up."""
    if mode is not None:
        return mode.replace(" ", "_")
    return "base" if role == "base" else "extra"


def _least(role: str, max_: Fraction | None) -> Fraction | None:
    """The least a node scores: 0, or minus what a deduction may take (None: no limit)."""
    if role != "deductions":
        return ZERO
    return None if max_ is None else -max_


def _node(
    ident: Node,
    exact: Fraction,
    rounding: Policy,
    children: tuple[ScoredNode, ...] = (),
    reasons: tuple[Reason, ...] = (),
    **extra: Any,
) -> ScoredNode:
    return ScoredNode(
        ident.id,
        ident.title,
        ident.kind,
        exact,
        ident.max_points,
        rounding.places,
        rounding.mode,
        children,
        reasons,
        role=ident.role,
        min_points=ident.min_points,
        **extra,
    )


def _finish(
    node: Node,
    env: Env,
    policy: Policy,
    total: Fraction,
    reasons: list[Reason],
    *,
    rounded: bool,
) -> Fraction:
    """Apply a node's caps and multipliers, then round it; entries go to reasons."""
    for clause in node.clauses:
        total, reason = clause.apply(env, total, policy.places)
        reasons.append(reason)
    if rounded:
        places = policy.places
        after = round_to(total, places, policy.mode)
        if after != total:
            text = (
                f"得分{w.signed(total, places + 2)}分，按{_MODE_WORDS[policy.mode]}保留"
                f"{places}位小数为{w.signed(after, places)}分"
            )
            reasons.append(Reason(text, after - total, "rounding", line=node.line))
            total = after
    env.scores[node.id] = total
    return total


@attrs.frozen
class Indicator:
    """An indicator: its values, rules and pools, scored into a node within its bounds."""

    id: str
    title: str
    max: Fraction | None
    lets: Mapping[str, Let] = attrs.field(converter=read_only)
    parts: tuple[Rule | Pool, ...]
    line: int
    role: str = "base"
    clauses: tuple[Clause, ...] = ()
    not_applicable: NotApplicable | None = None
    kind: str = attrs.field(default="indicator", init=False)
    # The most it scores: its max, or 0 for a deduction item.
    max_points: Fraction = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda i: ZERO if i.role == "deductions" or i.max is None else i.max, True
        ),
    )
    # The least it scores: 0, or minus what a deduction item may deduct (None: no limit).
    min_points: Fraction | None = attrs.field(
        init=False, default=attrs.Factory(lambda i: _least(i.role, i.max), True)
    )

    def score(self, env: Env, policy: Policy) -> Scored:
        local = env.child(self.lets)
        if self.not_applicable is not None:
            reason = self.not_applicable.test(local, policy.places)
            if reason is not None:
                return _skipped(self, env, policy, self.not_applicable.policy, (reason,))
        reasons = [r for part in self.parts for r in part.apply(local, policy.places)]
        total = sum((r.points for r in reasons), ZERO)
        total = self.clamp(total, reasons, policy.places)
        total = _finish(self, local, policy, total, reasons, rounded=policy.scope == "indicators")
        return Scored(_node(self, total, policy, (), tuple(reasons)), self.max_points)

    def clamp(self, total: Fraction, reasons: list[Reason], places: int) -> Fraction:
        """Bring the rules' sum within the indicator's bounds, saying so."""
        high, low = self.max_points, self.min_points
        if total > high:
            if self.role == "deductions":
                text = f"各项合计得{w.points(total, places)}分，扣分项最多得0分，按0分计"
            else:
                text = (
                    f"各项合计{w.points(total, places)}分，超过本项满分"
                    f"{w.points(high, places)}分，按{w.points(high, places)}分计"
                )
            bound = high
        elif low is not None and total < low:
            if self.role == "deductions":
                text = (
                    f"各项合计扣{w.points(total, places)}分，本项最多扣"
                    f"{w.points(low, places)}分，按扣{w.points(low, places)}分计"
                )
            else:
                text = f"各项合计扣{w.points(total, places)}分，低于0分，按0分计"
            bound = low
        else:
            return total
        reasons.append(Reason(text, bound - total, "clamp", line=self.line))
        return bound


def _skipped(
    node: Indicator | Group,
    env: Env,
    policy: Policy,
    na_policy: str | None,
    reasons: tuple[Reason, ...],
) -> Scored:
    """A node that does not apply, and every node below it.

    Its entries give the points it scores, as every node's do: its max under full marks.
    """
    full = na_policy == "full marks"
    children: tuple[ScoredNode, ...] = ()
    if isinstance(node, Group):
        above = Reason(f"所属的“{node.title}”不适用", ZERO, "na", line=node.line)
        children = tuple(
            _skipped(child, env, policy, na_policy, (above,)).node for child in node.children
        )
    exact = node.max_points if full else ZERO
    below = sum((child.exact for child in children), ZERO)
    first, *rest = reasons
    reasons = (attrs.evolve(first, points=exact - below), *rest)
    env.scores[node.id] = exact
    scored = _node(node, exact, policy, children, reasons, applicable=False, policy=na_policy)
    return Scored(scored, node.max_points if full else ZERO, full)


@attrs.frozen
class Group:
    """A group: its children's scores combined by sum, scaling, weights, best of or one of."""

    id: str
    title: str
    max: Fraction | None
    children: tuple[Group | Indicator, ...]
    line: int = 0
    mode: str | None = None
    role: str = "base"
    weights: tuple[Fraction, ...] | None = None
    clauses: tuple[Clause, ...] = ()
    not_applicable: NotApplicable | None = None
    kind: str = attrs.field(default="group", init=False)
    # The most it scores: its max; a bonus group without a cap, what its items give.
    max_points: Fraction = attrs.field(init=False, default=attrs.Factory(lambda g: g.most(), True))
    min_points: Fraction | None = attrs.field(
        init=False, default=attrs.Factory(lambda g: _least(g.role, g.max), True)
    )
    # How it combines its children's scores: one of the combine_ methods below.
    combine: Callable[[list[Scored], list[Reason], int], tuple[Fraction, Fraction]] = attrs.field(
        init=False,
        default=attrs.Factory(lambda g: getattr(g, f"combine_{_way(g.mode, g.role)}"), True),
        eq=False,
        repr=False,
    )
    # What the base children are worth together, worked out once.
    base_max: Fraction = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda g: sum((c.max_points for c in g.children if c.role == "base"), ZERO), True
        ),
    )

    def most(self) -> Fraction:
        if self.role == "deductions":
            return ZERO
        if self.max is not None:
            return self.max
        return sum((c.max_points for c in self.children), ZERO)

    def score(self, env: Env, policy: Policy) -> Scored:
        if self.not_applicable is not None:
            reason = self.not_applicable.test(env, policy.places)
            if reason is not None:
                return _skipped(self, env, policy, self.not_applicable.policy, (reason,))
        scored = [child.score(env, policy) for child in self.children]
        reasons: list[Reason] = []
        total, counted = self.combine(scored, reasons, policy.places)
        rounded = policy.scope == "indicators" and bool(reasons or self.clauses)
        total = _finish(self, env, policy, total, reasons, rounded=rounded)
        children = tuple(s.node for s in scored)
        node = _node(self, total, policy, children, tuple(reasons))
        return Scored(node, counted, counted == self.max_points)

    # Each way of combining returns the group's score and the max it counts for, and adds
    # entries explaining any step beyond a plain sum.

    def combine_base(
        self, scored: list[Scored], reasons: list[Reason], places: int
    ) -> tuple[Fraction, Fraction]:
        total = sum((s.node.exact for s in scored), ZERO)
        if all(s.whole for s in scored):
            return total, self.base_max
        counted = sum((s.counted for s in scored), ZERO)
        shared = [s.node for s in scored if s.node.policy == "redistribute to siblings"]
        shared = [node for node in shared if not node.applicable]
        if not shared:
            return total, counted
        # The max the group keeps: all but what nodes left out for the total take away.
        target = counted + sum((n.max_points for n in shared), ZERO)
        if counted == 0:
            raise EvaluationError(
                f"every part of '{self.id}' ({self.title}) is not applicable, so there is "
                "nothing to share their points with",
                (),
            )
        after = total * target / counted
        names = "、".join(f"“{n.title}”" for n in shared)
        text = (
            f"{names}不适用，其{w.points(target - counted, places)}分按比例分配给同组其他项："
            f"其余各项得分合计{w.points(total, places)}分、满分合计{w.points(counted, places)}分，"
            f"折算为{w.points(total, places)}×{w.points(target, places)}/"
            f"{w.points(counted, places)}={w.points(after, places)}分"
        )
        reasons.append(Reason(text, after - total, "rescale", line=self.line))
        return after, target

    def combine_scaled(
        self, scored: list[Scored], reasons: list[Reason], places: int
    ) -> tuple[Fraction, Fraction]:
        counted = [s for s in scored if s.counted]
        top = self.max_points
        got = sum((s.node.exact for s in counted), ZERO)
        out_of = sum((s.counted for s in counted), ZERO)
        if not counted:
            return self.nothing_left(reasons)
        total = got * top / out_of
        text = (
            f"各项得分合计{w.points(got, places)}分，满分合计{w.points(out_of, places)}分，"
            f"按本组满分{w.points(top, places)}分折算：{w.points(got, places)}/"
            f"{w.points(out_of, places)}×{w.points(top, places)}={w.points(total, places)}分"
        )
        reasons.append(Reason(text, total, "aggregate", line=self.line))
        return total, top

    def combine_weighted(
        self, scored: list[Scored], reasons: list[Reason], places: int
    ) -> tuple[Fraction, Fraction]:
        assert self.weights is not None
        pairs = [(s, weight) for s, weight in zip(scored, self.weights, strict=True) if s.counted]
        if not pairs:
            return self.nothing_left(reasons)
        top = self.max_points
        weight_sum = sum((weight for _, weight in pairs), ZERO)
        rate = sum((s.share * weight for s, weight in pairs), ZERO) / weight_sum
        total = rate * top
        parts = "、".join(
            f"{s.shown(places)}×权重{w.points(weight, places)}" for s, weight in pairs
        )
        text = (
            f"按权重汇总：{parts}，权重合计{w.points(weight_sum, places)}，"
            f"加权得分率{w.quantity(rate * 100, '%', places, integral=False)}，"
            f"乘以本组满分{w.points(top, places)}分，得{w.points(total, places)}分"
        )
        reasons.append(Reason(text, total, "aggregate", line=self.line))
        return total, top

    def combine_best_of(
        self, scored: list[Scored], reasons: list[Reason], places: int
    ) -> tuple[Fraction, Fraction]:
        counted = [s for s in scored if s.counted]
        if not counted:
            return self.nothing_left(reasons)
        best = max(counted, key=lambda s: s.share)  # the first of equals, in rubric order
        top = self.max_points
        total = best.share * top
        shares = "、".join(s.shown(places) for s in counted)
        text = (
            f"取较高者：{shares}，“{best.node.title}”得分率最高，按本组满分"
            f"{w.points(top, places)}分计{w.points(total, places)}分"
        )
        reasons.append(Reason(text, total, "aggregate", line=self.line))
        return total, top

    def combine_one_of(
        self, scored: list[Scored], reasons: list[Reason], places: int
    ) -> tuple[Fraction, Fraction]:
        chosen = [s for s in scored if s.node.applicable]
        if len(chosen) != 1:
            titles = "、".join(s.node.title for s in chosen) or "none"
            raise EvaluationError(
                f"'{self.id}' ({self.title}) scores one of its parts, but "
                f"{len(chosen)} apply: {titles}; the facts must make exactly one apply",
                (),
            )
        one = chosen[0]
        top = self.max_points
        total = one.share * top
        text = (
            f"择其一计分：适用“{one.node.title}”，得{w.points(one.node.exact, places)}分"
            f"（满分{w.points(one.counted, places)}分），按本组满分{w.points(top, places)}分计"
            f"{w.points(total, places)}分"
        )
        reasons.append(Reason(text, total, "aggregate", line=self.line))
        return total, top

    def combine_extra(
        self, scored: list[Scored], reasons: list[Reason], places: int
    ) -> tuple[Fraction, Fraction]:
        """Bonus items add up to at most the cap; deduction items take away at most the cap."""
        total = sum((s.node.exact for s in scored), ZERO)
        capped = _cap(total, self.max)
        if capped != total:
            assert self.max is not None
            reasons.append(
                _cap_reason(f"“{self.title}”", total, self.max, capped, places, self.line)
            )
        return capped, ZERO

    def nothing_left(self, reasons: list[Reason]) -> tuple[Fraction, Fraction]:
        text = "各项均不适用，本组不计分"
        reasons.append(Reason(text, ZERO, "aggregate", line=self.line))
        return ZERO, ZERO


Node = Indicator | Group


@attrs.frozen
class Root:
    """The rubric's total: its base groups, bonus and deductions, and the clauses on it."""

    group: Group
    negative: bool

    def score(self, env: Env, policy: Policy) -> ScoredNode:
        group = self.group
        scored = [child.score(env, policy) for child in group.children]
        places = policy.places
        base = [s for s in scored if s.node.role == "base"]
        reasons: list[Reason] = []
        total, counted = group.combine_base(base, reasons, places)
        full = group.max_points
        if counted != full:
            if counted == 0:
                raise EvaluationError("no part of the rubric applies to these facts", ())
            after = total * full / counted
            left_out = "、".join(
                f"“{node.title}”"
                for s in scored
                for node in s.node.walk()
                if node.policy == "rescale the total" and not node.applicable
            )
            text = (
                f"{left_out}不适用，满分合计{w.points(full - counted, places)}分不计；其余满分合计"
                f"{w.points(counted, places)}分，总分按{w.points(full, places)}分折算："
                f"{w.points(total, places)}×{w.points(full, places)}/{w.points(counted, places)}"
                f"={w.points(after, places)}分"
            )
            reasons.append(Reason(text, after - total, "rescale", line=group.line))
            total = after
        total += sum((s.node.exact for s in scored if s.node.role != "base"), ZERO)
        if total < 0 and not self.negative:
            text = f"总分合计扣{w.points(total, places)}分，低于0分，按0分计"
            reasons.append(Reason(text, -total, "clamp", line=group.line))
            total = ZERO
        rounded = policy.scope == "total" or bool(reasons or group.clauses)
        total = _finish(group, env, policy, total, reasons, rounded=rounded)
        children = tuple(s.node for s in scored)
        node = _node(group, total, policy, children, tuple(reasons))
        return attrs.evolve(node, min_points=None) if self.negative else node
