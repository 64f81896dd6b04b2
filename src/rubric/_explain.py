"""The wording: figures and the rubric's labels to Chinese sentences, and problems to messages.

Every sentence an explanation holds is written here, from numbers the interpreter computed; this
module computes no score and imports nothing from `_score`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, assert_never

from rubric import _advice as a
from rubric import _figures as f
from rubric import _plan as p
from rubric import _wording as w
from rubric._numbers import plain, terminates
from rubric._text import printable
from rubric._values import Adjustment, Value

if TYPE_CHECKING:
    from rubric._facts import FactSpec
    from rubric._whatif import WhatIf

__all__ = ["advice", "entry", "problem", "what_if"]

_SYMBOLS = {"+": "+", "-": "-", "*": "×", "/": "/"}
_DIFFERENCES = {"short of": "比{right}少的部分", "over": "比{right}多的部分"}
_PARTIAL_WORDS = {
    "proportional": "按比例计",
    "whole": "不足一档的部分不计",
    "any": "不足一档按一档计",
}
_MODE_WORDS = {"half up": "四舍五入", "half even": "四舍六入五成双", "down": "舍去", "up": "进一"}
_POLICY_WORDS = {
    "full marks": "按满分计",
    "rescale the total": "不计分，总分按其余指标满分折算",
    "redistribute to siblings": "不计分，其分值按比例分配给同组其他指标",
    None: "不计分，本组按其余各项计分",
}

# ---------------------------------------------------------------- expressions

_CONDITIONS = (p.Comparison, p.Membership, p.Junction, p.Inversion)


@lru_cache(maxsize=65536)  # plan nodes are compared by identity, and never change
def label(expr: p.Expr) -> str:
    """What an expression is called in a sentence: '实际帮扶户数/帮扶目标任务数'."""
    match expr:
        case p.Const():
            return expr.text
        case p.FactRef() | p.ValueRef():
            return expr.subject.label
        case p.Arithmetic():
            if expr.op in _DIFFERENCES:
                return label(expr.left) + _DIFFERENCES[expr.op].format(right=label(expr.right))
            return f"{label(expr.left)}{_SYMBOLS[expr.op]}{label(expr.right)}"
        case p.Negation():
            return f"-{label(expr.operand)}"
        case p.Size():
            return f"{label(expr.operand)}的项数"
        case p.Count():
            return "符合下列条件的项数"
        case p.Function():
            if expr.name == "abs":
                inner = expr.args[0]
                if isinstance(inner, p.Arithmetic) and inner.op == "-":
                    return f"{label(inner.left)}与{label(inner.right)}之差的绝对值"
                return f"{label(inner)}的绝对值"
            names = [label(arg) for arg in expr.args]
            listed = "、".join(names[:-1]) + "与" + names[-1]
            return f"{listed}中较{'高' if expr.name == 'max' else '低'}者"
        case p.NodeScore():
            return f"“{expr.title}”得分"
        case p.Figure():
            return _figure_label(expr)
        case p.Comparison():
            return f"{label(expr.left)} {w.OPS[expr.op]} {label(expr.right)}"
        case p.Membership():
            return f"{expr.item.text}属于{label(expr.collection)}"
        case p.Junction():
            joiner = "且" if expr.op == "and" else "或"
            return joiner.join(label(o) for o in expr.operands)
        case p.Inversion():
            return f"非（{label(expr.operand)}）"
        case _:
            assert_never(expr)


@lru_cache(maxsize=65536)
def unit(expr: p.Expr) -> str | None:
    """The unit an expression's value is in, if it has one."""
    match expr:
        case p.FactRef() | p.ValueRef():
            return expr.subject.unit
        case p.Arithmetic():
            if expr.op in ("short of", "over", "+", "-"):
                return unit(expr.left) or unit(expr.right)
            return None
        case p.Negation():
            return unit(expr.operand)
        case p.Size() | p.Count():
            return "项"
        case p.Function():
            return next((u for u in map(unit, expr.args) if u), None)
        case p.NodeScore():
            return "分"
        case p.Figure():
            return None if expr.kind.startswith("rank") else expr.fact.subject.unit
        case _:
            return None


_FIGURE_WORDS = {"highest": "最高值", "lowest": "最低值", "average": "平均值", "median": "中位数"}


def _figure_label(expr: p.Figure) -> str:
    """'完成率排名', '全省完成率最高值', '全省完成率前20%单位的最低值'."""
    what = expr.fact.subject.label
    match expr.kind:
        case "rank":
            return f"{what}排名"
        case "rank ascending":
            return f"{what}排名（由低到高）"
        case "top":
            return f"{expr.cohort}{what}前{expr.share}%的门槛值"
        case "highest" | "lowest" | "average" | "median":
            return f"{expr.cohort}{what}{_FIGURE_WORDS[expr.kind]}"
        case _:
            assert_never(expr.kind)


def _value_text(value: Value, subject: p.Subject, places: int, *, integral: bool) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    # Words and items given as facts are shown with their control characters escaped.
    if isinstance(value, str):
        return printable(subject.labels.get(value, value))
    if isinstance(value, frozenset):
        rank = subject.rank
        items = sorted(value, key=lambda v: (rank.get(v, len(rank)), v))
        return printable("、".join(subject.labels.get(v, v) for v in items)) or "无"
    if isinstance(value, Adjustment):
        return w.gain(value.points, places, zero="未调整")
    return w.quantity(value, subject.unit, places, integral=integral)


def show(expr: p.Expr, traced: f.Traced, places: int) -> str:
    """What an expression found, as shown in a sentence: '97.50%', '是', '生活救助、医疗救助'."""
    value = traced.value
    match expr:
        case p.Const():
            return expr.text
        case p.FactRef():
            return _value_text(value, expr.subject, places, integral=expr.integral)
        case p.ValueRef():
            return _value_text(value, expr.subject, places, integral=False)
        case p.Arithmetic():
            assert isinstance(value, Fraction | int)
            return w.quantity(value, unit(expr), places, integral=isinstance(value, int))
        case p.Negation():
            assert isinstance(value, Fraction)
            return w.quantity(value, unit(expr), places, integral=False)
        case p.Size():
            return f"{value}项"
        case p.Count():
            return f"{value}项（{_listed(expr.conditions, traced, places)}）"
        case p.Function():
            assert isinstance(value, Fraction | int)
            shown = w.quantity(value, unit(expr), places, integral=isinstance(value, int))
            parts = "，".join(
                f"{label(arg)}为{show(arg, part, places)}"
                for arg, part in zip(expr.args, traced.parts, strict=True)
                if not isinstance(arg, p.Const)
            )
            return f"{shown}（{parts}）" if parts else shown
        case p.NodeScore():
            assert isinstance(value, Fraction)
            return f"{w.points(value, places)}分"
        case p.Figure():
            assert isinstance(value, int | Fraction)
            if expr.kind.startswith("rank"):
                own = show(expr.fact, traced.parts[0], places)
                return f"第{value}名（{label(expr.fact)}为{own}）"
            whole = expr.fact.integral and expr.kind in ("highest", "lowest", "top")
            return w.quantity(value, unit(expr), places, integral=whole)
        case p.Comparison() | p.Membership() | p.Junction() | p.Inversion():
            return explain(expr, traced, places)
        case _:
            assert_never(expr)


def explain(expr: p.Expr, traced: f.Traced, places: int) -> str:
    """A phrase saying what a condition found: '项目符合…：是', '满意度为92%，满足“≥ 90%”'."""
    match expr:
        case p.Comparison():
            left_expr, right_expr = expr.left, expr.right
            left_traced, right_traced = traced.parts
            left = f"{label(left_expr)}为{show(left_expr, left_traced, places)}"
            if isinstance(left_expr, p.Count):
                found = _listed(left_expr.conditions, left_traced, places)
                left = f"符合下列条件中的{left_traced.value}项：{found}"
            if isinstance(right_expr, p.Const):
                # A written bound reads in the unit of what it bounds: “≤ 30个工作日”.
                bound_unit = unit(left_expr) if not isinstance(right_expr.value, str) else None
                target = f"{w.OPS[expr.op]} {right_expr.text}{bound_unit or ''}"
            else:
                left += f"，{label(right_expr)}为{show(right_expr, right_traced, places)}"
                target = f"{label(left_expr)} {w.OPS[expr.op]} {label(right_expr)}"
            return f"{left}，{'满足' if traced.value else '不满足'}“{target}”"
        case p.Membership():
            where = "在" if traced.value else "不在"
            items = show(expr.collection, traced.parts[0], places)
            return f"“{expr.item.text}”{where}{label(expr.collection)}（{items}）之中"
        case p.Junction():
            need = "各项均须满足" if expr.op == "and" else "满足其一即可"
            outcome = "条件成立" if traced.value else "条件不成立"
            return f"{_parts(expr, traced, places)}（{need}，{outcome}）"
        case p.Inversion():
            outcome = "条件成立" if traced.value else "条件不成立"
            return f"{explain(expr.operand, traced.parts[0], places)}（要求不成立，{outcome}）"
        case _:
            return f"{label(expr)}：{show(expr, traced, places)}"


def _listed(conditions: tuple[p.Expr, ...], traced: f.Traced, places: int) -> str:
    """What each condition of `number of [...]` found, in the order listed."""
    return "；".join(
        explain(condition, part, places)
        for condition, part in zip(conditions, traced.parts, strict=True)
    )


def _parts(expr: p.Junction, traced: f.Traced, places: int) -> str:
    """The findings of every operand read; an inner and/or in brackets, its verdict left out."""
    found = []
    for operand, part in zip(expr.operands, traced.parts, strict=False):
        if isinstance(operand, p.Junction):
            found.append(f"（{_parts(operand, part, places)}）")
        else:
            found.append(explain(operand, part, places))
    if traced.cut:
        found.append("其余条件无从判断")
    return "；".join(found)


# ---------------------------------------------------------------- entries


def _capped(total: Fraction, cap: Fraction | None, gained: Fraction, places: int) -> str:
    """The words to add to a rule's sentence when its `at most N` bit."""
    if gained == total:
        return ""
    assert cap is not None
    return f"；{w.capped(total, cap, gained, places)}"


def _missed(points: Fraction, places: int) -> str:
    if points.numerator > 0:
        return f"未得{w.points(points, places)}分"
    return w.nothing(points)


def _part(part: f.Part, places: int) -> str:
    """'“成就分”80/100分': a child's score out of what it counts for."""
    return f"“{part.title}”{w.points(part.exact, places)}/{w.points(part.counted, places)}分"


def _stepped(fig: f.Stepped, places: int) -> str:
    rule = fig.rule
    verb = w.verb(rule.points)
    k = w.points(rule.points, places)
    quantity = rule.quantity
    amount = fig.amount
    if isinstance(quantity, p.Arithmetic) and quantity.op in ("short of", "over"):
        base, target = quantity.left, quantity.right
        base_traced, target_traced = fig.traced.parts
        step_unit = w.step_unit(unit(base))
        more_less = "少" if quantity.op == "short of" else "多"
        value = base_traced.value
        assert isinstance(value, int | Fraction)
        sign = w.approx_sign(Fraction(value), places=places)
        head = f"{label(base)} {sign} {show(base, base_traced, places)}"
        # A written target reads as written, in the unit of what it is compared with.
        goal = (
            f"{target.text}{unit(base) or ''}"
            if isinstance(target, p.Const)
            else show(target, target_traced, places)
        )
        if isinstance(target, p.Figure):  # a cohort figure is named: 全省…平均值（89.29%）
            goal = f"{label(target)}（{goal}）"
        if amount == 0:
            bound = "不低于" if quantity.op == "short of" else "不高于"
            return f"{head}，{bound}{goal}"
        # Percentage points show as the percentage does: 2.50个百分点 beside 97.50%.
        diff = w.quantity(amount, "%" if unit(base) == "%" else None, places, integral=False)
        diff = diff.removesuffix("%")
        about = "" if w.approx_sign(amount, places=places) == "=" else "约"
        head += f"，比{goal}{more_less}{about}{diff}{step_unit}"
        rate = f"每{more_less}{w.points(rule.step, places)}{step_unit}{verb}{k}分"
    else:
        # The quantity itself is counted here, not a difference: steps read in its own unit.
        own_unit = unit(quantity) or ""
        shown = show(quantity, fig.traced, places)
        head = f"{label(quantity)} {w.approx_sign(amount, places=places)} {shown}"
        if amount < 0:
            # Only the positive part of a quantity counts (docs/dsl.md, 9.5).
            head += "，小于0，按0计"
            amount = Fraction(0)
        rate = f"每{w.points(rule.step, places)}{own_unit}{verb}{k}分"
    if fig.steps != amount / rule.step:
        rate += f"（{_PARTIAL_WORDS[rule.partial]}，计{w.points(fig.steps, places)}档）"
    return f"{head}，{rate}"


def _tabled(fig: f.Tabled, places: int) -> str:
    rule, arm = fig.rule, fig.arm
    subject = rule.subject
    value = fig.traced.value
    if isinstance(value, str):
        # A level names its own arm: no need to say which band it falls in.
        shown = f"{label(subject)}：{show(subject, fig.traced, places)}，"
        return shown + w.gain(arm.points, places)
    shown = f"{label(subject)}为{show(subject, fig.traced, places)}"
    if arm.otherwise:
        bands = "、".join(f"“{a.text}”" for a in rule.arms if not a.otherwise)
        where = f"不属于{bands}"
    else:
        where = f"属于“{arm.text}”一档"
    if arm.linear is not None:
        line = arm.linear
        how = (
            f"在{line.low_text}（{w.points(line.start, places)}分）至{line.high_text}"
            f"（{w.points(line.end, places)}分）之间按线性插值，{w.gain(fig.got, places)}"
        )
        return f"{shown}，{where}，{how}"
    return f"{shown}，{where}，{w.gain(arm.points, places)}"


def _computed(fig: f.Computed, places: int) -> str:
    total = fig.total
    magnitude = w.points(total, places)
    sign = "≈" if magnitude.startswith("约") else "="
    shown = ("-" if total.numerator < 0 else "") + magnitude.removeprefix("约")
    text = f"{label(fig.rule.value)} {sign} {shown}"
    if fig.rule.refs:
        found = "，".join(
            f"{label(ref)}为{show(ref, traced, places)}"
            for ref, traced in zip(fig.rule.refs, fig.refs, strict=True)
        )
        text += f"（{found}）"
    text += f"，{w.gain(total, places, zero=w.nothing(total))}"
    return text + _capped(total, fig.rule.cap, fig.gained, places)


def _clamped(fig: f.Clamped, places: int) -> str:
    deduction = fig.node.role == "deductions"
    total, bound = fig.total, fig.bound
    if total > bound:
        if deduction:
            return f"各项合计得{w.points(total, places)}分，扣分项最多得0分，按0分计"
        high = w.points(bound, places)
        return f"各项合计{w.points(total, places)}分，超过本项满分{high}分，按{high}分计"
    if deduction:
        low = w.points(bound, places)
        return f"各项合计扣{w.points(total, places)}分，本项最多扣{low}分，按扣{low}分计"
    return f"各项合计扣{w.points(total, places)}分，低于0分，按0分计"


def _cap_label(fig: f.Capped) -> str:
    match fig.owner:
        case p.Pool():
            return fig.owner.label
        case p.EachCondition():
            return f"以上{fig.count}项"
        case p.Group():
            return f"“{fig.owner.title}”"
        case _:
            assert_never(fig.owner)


def entry(entry: f.Entry, rules: p.Policy) -> str:
    """The sentence of one explanation entry."""
    places = rules.places
    fig = entry.figures
    match fig:
        case f.Started():
            full = "满分" if fig.rule.full else ""
            return f"起评分为{full}{w.points(fig.rule.amount, places)}分"
        case f.Judged():
            found = explain(fig.condition, fig.traced, places)
            given = w.gain(fig.points, places) if fig.holds else _missed(fig.points, places)
            return f"{found}，{given}"
        case f.Counted():
            rule = fig.rule
            what = label(rule.collection)
            if not fig.count:
                return f"{what}：无，{w.nothing(rule.points)}"
            verb, k = w.verb(rule.points), w.points(rule.points, places)
            text = (
                f"{what}：{show(rule.collection, fig.traced, places)}，共{fig.count}项，"
                f"每项{verb}{k}分，共{verb}{w.points(fig.total, places)}分"
            )
            return text + _capped(fig.total, rule.cap, fig.gained, places)
        case f.Capped():
            text = f"{_cap_label(fig)}合计{w.verb(fig.total)}{w.points(fig.total, places)}分，"
            return text + w.capped(fig.total, fig.cap, fig.capped, places)
        case f.Stepped():
            text = _stepped(fig, places)
            text += f"，{w.gain(fig.total, places, zero=w.nothing(fig.rule.points))}"
            return text + _capped(fig.total, fig.rule.cap, fig.gained, places)
        case f.Tabled():
            return _tabled(fig, places)
        case f.Computed():
            return _computed(fig, places)
        case f.Guard():
            found = explain(fig.rule.condition, fig.traced, places)
            return f"{found}，按本条计分" if fig.holds else f"{found}，本条不适用，不计分"
        case f.Adjusted():
            what = fig.rule.subject.label
            if not fig.adjustment.points:
                return f"{what}：未调整"
            gained = w.gain(fig.adjustment.points, places)
            return f"{what}：{gained}，理由：{printable(fig.adjustment.reason)}"
        case f.Clamped():
            return _clamped(fig, places)
        case f.Rounded():
            return (
                f"得分{w.signed(fig.before, places + 2)}分，按{_MODE_WORDS[rules.mode]}保留"
                f"{places}位小数为{w.signed(fig.after, places)}分"
            )
        case f.Multiplied():
            found = explain(fig.clause.condition, fig.traced, places)
            factor = fig.clause.text
            if not fig.holds:
                return f"{found}，得分不折算"
            if fig.score <= 0:
                return f"{found}，得分×{factor}；得分为{w.signed(fig.score, places)}分，不折算"
            return (
                f"{found}，得分×{factor}：{w.points(fig.score, places)}分×{factor}"
                f"={w.points(fig.after, places)}分"
            )
        case f.CappedIf() if fig.clause.condition is None:
            cap = w.points(fig.clause.cap, places)
            if fig.score <= fig.clause.cap:
                return f"最多得{cap}分；得分{w.signed(fig.score, places)}分，未超过"
            return f"得分{w.points(fig.score, places)}分，最多得{cap}分，按{cap}分计"
        case f.CappedIf():
            assert fig.clause.condition is not None
            found = explain(fig.clause.condition, fig.traced, places)
            if not fig.holds:
                return f"{found}，得分不设此上限"
            cap = w.points(fig.clause.cap, places)
            if fig.score <= fig.clause.cap:
                return f"{found}，最多得{cap}分；得分{w.signed(fig.score, places)}分，未超过"
            return f"{found}，最多得{cap}分，按{cap}分计"
        case f.LeftOut():
            na = fig.rule
            words = _POLICY_WORDS[na.policy]
            return f"{explain(na.condition, fig.traced, places)}，本项不适用，{words}"
        case f.Above():
            return f"所属的“{fig.group.title}”不适用"
        case f.Redistributed():
            names = "、".join(f"“{title}”" for title in fig.shared)
            pts = [w.points(x, places) for x in (fig.total, fig.target, fig.counted, fig.after)]
            total, target, counted, after = pts
            return (
                f"{names}不适用，其{w.points(fig.target - fig.counted, places)}分按比例分配给同组"
                f"其他项：其余各项得分合计{total}分、满分合计{counted}分，"
                f"折算为{total}×{target}/{counted}={after}分"
            )
        case f.Scaled():
            got, out_of, top, total = (
                w.points(x, places) for x in (fig.got, fig.out_of, fig.top, fig.total)
            )
            return (
                f"各项得分合计{got}分，满分合计{out_of}分，"
                f"按本组满分{top}分折算：{got}/{out_of}×{top}={total}分"
            )
        case f.Weighted():
            assert all(part.weight is not None for part in fig.parts)
            parts = "、".join(
                f"{_part(part, places)}×权重{w.points(part.weight or Fraction(0), places)}"
                for part in fig.parts
            )
            rate = w.quantity(fig.rate * 100, "%", places, integral=False)
            return (
                f"按权重汇总：{parts}，权重合计{w.points(fig.weight_sum, places)}，"
                f"加权得分率{rate}，乘以本组满分{w.points(fig.top, places)}分，"
                f"得{w.points(fig.total, places)}分"
            )
        case f.BestOf():
            shares = "、".join(_part(part, places) for part in fig.parts)
            return (
                f"取较高者：{shares}，“{fig.best}”得分率最高，按本组满分"
                f"{w.points(fig.top, places)}分计{w.points(fig.total, places)}分"
            )
        case f.OneOf():
            part = fig.part
            return (
                f"择其一计分：适用“{part.title}”，得{w.points(part.exact, places)}分"
                f"（满分{w.points(part.counted, places)}分），按本组满分"
                f"{w.points(fig.top, places)}分计{w.points(fig.total, places)}分"
            )
        case f.NothingLeft():
            return "各项均不适用，本组不计分"
        case f.RescaledTotal():
            left_out = "、".join(f"“{title}”" for title in fig.left_out)
            total, full, counted, after = (
                w.points(x, places) for x in (fig.total, fig.full, fig.counted, fig.after)
            )
            return (
                f"{left_out}不适用，满分合计{w.points(fig.full - fig.counted, places)}分不计；"
                f"其余满分合计{counted}分，总分按{full}分折算：{total}×{full}/{counted}={after}分"
            )
        case f.TotalClamped():
            return f"总分合计扣{w.points(fig.total, places)}分，低于0分，按0分计"
        case f.GradeTried():
            name = fig.grade.name
            if fig.traced is None or fig.grade.condition is None:
                return f"评为{name}（以上等级的条件均不满足）"
            found = explain(fig.grade.condition, fig.traced, places)
            return f"{'' if fig.given else '未'}评为{name}：{found}"
        case _:
            assert_never(fig)


# ---------------------------------------------------------------- problems


def problem(found: f.Problem, rules: p.Policy) -> str:
    """What is wrong with facts that cannot be scored, as a facts error reports it."""
    what = found.what
    match what:
        case f.DividesByZero():
            return (
                f"{label(what.expr)} divides by zero (rubric line {what.expr.line}); "
                "add a bound such as '>= 1' to the facts it divides by"
            )
        case f.MissingOptional():
            if what.grade is not None:
                line = what.grade
                return (
                    f"missing; it is optional, but the grade line '{line.name}' (rubric line "
                    f"{line.line}) reads it for these facts ({what.subject.label}): give it, or "
                    "declare it without 'optional'"
                )
            return (
                "missing; it is optional, but a part of the rubric that applies to these facts "
                f"reads it ({what.subject.label})"
            )
        case f.NoCohortValues():
            figure = what.figure
            return (
                f"{label(figure)} cannot be worked out: no unit of the cohort gives "
                f"'{figure.fact.subject.name}' ({figure.fact.subject.label})"
            )
        case f.NoBand():
            rule = what.rule
            bands = ", ".join(a.text for a in rule.arms)
            value = show(rule.subject, what.traced, rules.places)
            return (
                f"{label(rule.subject)} = {value} falls in none of the bands ({bands}) of the "
                f"table on rubric line {rule.line}; if such a value can happen, the rubric needs "
                "an 'otherwise' arm"
            )
        case f.NotOneApplies():
            group = what.group
            titles = "、".join(what.applicable) or "none"
            return (
                f"'{group.id}' ({group.title}) scores one of its parts, but "
                f"{len(what.applicable)} apply: {titles}; the facts must make exactly one apply"
            )
        case f.NothingToShare():
            return (
                f"every part of '{what.group.id}' ({what.group.title}) is not applicable, so "
                "there is nothing to share their points with"
            )
        case f.NothingApplies():
            return "no part of the rubric applies to these facts"
        case f.TooLong():
            where = what.where
            if isinstance(where, p.Arithmetic):
                made = f"{label(where)} (rubric line {where.line})"
            else:
                made = f"the score of '{where.id}' ({where.title}, rubric line {where.line})"
            return (
                f"{made} comes to a number of more than {what.digits} digits, more than an "
                "exact value may hold; check these facts, or raise Limits.exact_digits"
            )
        case f.Unmet():
            req = what.requirement
            return f"{req.message} (rubric line {req.line} requires it)"
        case _:
            assert_never(what)


# ---------------------------------------------------------------- advice

# How a condition reads as a goal: "若…达到2人", "若…不超过30个工作日".
_GOALS = {">=": "达到", ">": "超过", "<=": "不超过", "<": "低于", "=": "为", "!=": "不为"}
_NEGATIVES = ("未", "不", "无", "没", "非")
_OPPOSITE: dict[p.CompareOp, p.CompareOp] = {
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
    "=": "!=",
    "!=": "=",
}


def advice(hint: a.Hint, rules: p.Policy) -> str:
    """The sentence of one piece of advice: '若实际帮扶户数达到帮扶目标任务数，可再得1.25分'."""
    places = rules.places
    # 少扣 where the advice names a deduction's cause going away; 再得 where it names a target.
    verb = "可少扣" if hint.undo else "可再得"
    return f"若{_aim(hint.aim, places)}，{verb}{w.points(hint.points, places)}分"


def _aim(aim: a.Aim, places: int) -> str:
    match aim:
        case a.Holds():
            return _goal(aim.condition, aim.traced, aim.want, places)
        case a.Items():
            what = label(aim.collection)
            if aim.change < 0:
                return f"{what}减少{-aim.change}项"
            if not aim.choices:
                return f"{what}再有{aim.change}项"
            named = aim.collection
            labels = named.subject.labels if isinstance(named, p.FactRef | p.ValueRef) else {}
            items = "、".join(labels.get(choice, choice) for choice in aim.choices)
            if aim.change == len(aim.choices):
                return f"{what}再包括{items}"
            return f"{what}再包括{items}中的任{aim.change}项"
        case a.Reaches():
            verb = "达到" if aim.up else "降至"
            if aim.rate is not None:
                return f"{label(aim.rate[0])}{verb}{label(aim.rate[1])}"
            quantity = aim.quantity
            if aim.written is not None:
                goal = aim.written
            elif isinstance(aim.target, p.Const):
                goal = f"{aim.target.text}{unit(quantity) or ''}"
            elif aim.target is not None:
                goal = label(aim.target)
            else:
                goal = _figure(aim.value, unit(quantity), places)
            return f"{label(quantity)}{verb}{goal}"
        case a.Band():
            rule, arm = aim.rule, aim.arm
            what = label(rule.subject)
            if aim.words:
                subject = rule.subject
                labels = (
                    subject.subject.labels if isinstance(subject, p.FactRef | p.ValueRef) else {}
                )
                return f"{what}为{'或'.join(labels.get(word, word) for word in aim.words)}"
            if arm.word is not None:
                return f"{what}为{arm.text}"
            if arm.otherwise:
                bands = "、".join(f"“{other.text}”" for other in rule.arms if not other.otherwise)
                return f"{what}不属于{bands}"
            return f"{what}在“{arm.text}”一档"
        case _:
            assert_never(aim)


def _figure(value: Fraction, unit: str | None, places: int) -> str:
    """A target value, exact where its decimal ends: '40户', '98.5%', '约96.67%'."""
    for shown in range(places, 11):
        if terminates(value, shown):
            return f"{plain(value, shown)}{unit or ''}"
    return f"约{plain(value, places)}{unit or ''}"


def _goal(expr: p.Expr, traced: f.Traced, want: bool, places: int) -> str:
    """What would make a condition hold (want) or stop holding, as found by its trace."""
    match expr:
        case p.Comparison():
            op = expr.op if want else _OPPOSITE[expr.op]
            right = expr.right
            if isinstance(right, p.Const):
                bound_unit = unit(expr.left) if not isinstance(right.value, str) else None
                goal = f"{right.text}{bound_unit or ''}"
            else:
                goal = label(right)
            return f"{label(expr.left)}{_GOALS[op]}{goal}"
        case p.Membership():
            where = "包括" if want else "不再包括"
            return f"{label(expr.collection)}{where}“{expr.item.text}”"
        case p.Junction():
            parts = list(traced.parts) + [None] * (len(expr.operands) - len(traced.parts))
            every = (expr.op == "and") == want  # each part must change, or any one will do
            if every:
                # Only the parts that are not yet as wanted need to change.
                chosen = [
                    (o, t)
                    for o, t in zip(expr.operands, parts, strict=True)
                    if t is None or bool(t.value) != want
                ]
            else:
                chosen = list(zip(expr.operands, parts, strict=True))
            goals = [_inner(o, t, want, places) for o, t in chosen]
            return ("且" if every else "或").join(goals)
        case p.Inversion():
            # A part an and/or never read has no trace of its own parts.
            inner = traced.parts[0] if traced.parts else f.Traced(not traced.value)
            return _goal(expr.operand, inner, not want, places)
        case p.FactRef() | p.ValueRef():
            what = label(expr)
            if want:
                return what
            # "不再未按时报送…" would read as a double negative.
            return f"“{what}”不成立" if what.startswith(_NEGATIVES) else f"不再{what}"
        case _:
            return f"“{label(expr)}”{'成立' if want else '不成立'}"


def _inner(expr: p.Expr, traced: f.Traced | None, want: bool, places: int) -> str:
    """A part's goal within an and/or: an inner and/or of several parts in brackets."""
    if traced is None:
        traced = f.Traced(not want)  # a part never read: taken as not yet as wanted
    goal = _goal(expr, traced, want, places)
    if isinstance(expr, p.Junction) and ("且" in goal or "或" in goal):
        return f"（{goal}）"
    return goal


# ---------------------------------------------------------------- what-if


def _subject(spec: FactSpec) -> p.Subject:
    choices = spec.choices or ()
    return p.Subject(
        spec.name,
        spec.description or spec.name,
        spec.unit,
        dict(spec.labels),
        {word: i for i, word in enumerate(choices)},
    )


def fact_text(value: Value | None, spec: FactSpec, places: int) -> str:
    """A fact's value as a sentence shows it: '39户', '是', '国家级媒体报道'; '未填' if left out."""
    if value is None:
        return "未填"
    if isinstance(value, Adjustment) and value.points:
        return f"{w.gain(value.points, places)}（{value.reason}）"
    return _value_text(value, _subject(spec), places, integral=spec.kind == "count")


def what_if(changes: WhatIf, specs: Sequence[FactSpec], places: int) -> str:
    """A what-if in Chinese: the facts changed, each node that moved and why, total and grade."""
    known = {spec.name: spec for spec in specs}
    lines = ["假如改变以下事实："]
    for fact in changes.facts:
        spec = known[fact.name]
        before = fact_text(fact.before, spec, places)
        after = fact_text(fact.after, spec, places)
        lines.append(f"  {spec.description or spec.name}：{before} → {after}")
    if not changes.facts:
        lines.append("  （无：给出的值与原值相同）")
    old, new = changes.before, changes.after
    depths = {old.root.id: 0}
    for scored in old:
        depths.update((child.id, depths[scored.id] + 1) for child in scored.children)
    moved = [node for node in changes.nodes if node.id != old.root.id]
    lines += ["", "得分变化：" if moved else "各项得分不变"]
    for node in moved:
        indent = "  " * depths[node.id]
        head = (
            f"{indent}{node.title}  {node.before} → {node.after}（{_difference(node.difference)}）"
        )
        if node.applicable_before != node.applicable_after:
            head += "（改为不适用）" if node.applicable_before else "（改为适用）"
        lines.append(f"{head}  {node.id}")
        lines.extend(f"{indent}    {reason.text}" for reason in node.reasons)
    top = next((node for node in changes.nodes if node.id == old.root.id), None)
    lines.append("")
    total = f"总分 {old.total} → {new.total}"
    if top is not None:
        lines.append(f"{total}（{_difference(new.total - old.total)}）")
        lines.extend(f"    {reason.text}" for reason in top.reasons)
    else:
        lines.append(f"{total}（不变）")
    if old.grade is not None or new.grade is not None:
        same = "（不变）" if old.grade == new.grade else ""
        lines.append(f"等级 {old.grade or '无'} → {new.grade or '无'}{same}")
    return "\n".join(lines)


def _difference(value: object) -> str:
    """'+1.67', '-2.25'; '0.00' for a move too small to show."""
    text = str(value)
    return text if text.startswith("-") or not text.strip("0.") else f"+{text}"
