"""Properties of any rubric: generated rubrics and facts keep every score in bounds and summed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rubric
from conftest import ANHUI
from rubric import testing
from rubric._numbers import round_to

FACTS = (
    'fact a: bool "甲"\nfact b: bool "乙"\nfact n: count "件数" unit "件"\n'
    'fact x: number >= 0 "比率" unit "%"\nfact m: level {lo "低", mid "中", hi "高"} "等级"\n'
    'fact s: set "因素"\n'
    # Every fact is used somewhere, whatever rules are drawn.
    "require n >= 0 and x >= 0 and (a or not a) and (b or not b) and number of s >= 0 "
    'and (m = lo or m != lo) "总是成立"\n'
)
MODES = ["half up", "half even", "down", "up"]
READINGS = ["proportionally", "whole steps only", "any part counts as a step"]

tenths = st.integers(1, 100).map(lambda t: Fraction(t, 10))


def num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.1f}"


@st.composite
def rules(draw: st.DrawFn, max_: int, *, start: bool = True) -> str:
    k = num(draw(tenths.filter(lambda v: v <= max_)))
    t = draw(st.integers(0, 120))
    step = num(draw(tenths))
    forms = [
        f"+{k} if a",
        f"-{k} if b and n > {t % 10}",
        f"+{k} for each of s, at most {num(draw(tenths))}",
        f"+{k} for each of [a, b, n >= {t % 5}]",
        f"-{k} per {step} of x short of {t}, {draw(st.sampled_from(READINGS))}",
        f"+{k} per {step} of x over {t}, {draw(st.sampled_from(READINGS))}, at most {k}",
        f"+{k} per 1 of n, at most {k}",
        f"points by n: <= {t % 7} -> {k}, <= {t % 7 + 3} -> -{k}, otherwise -> 0",
        f"points by x: < {t} -> 0, >= {t} and < {t + 10} -> {k}, >= {t + 10} -> -{k}",
        f"points by m: lo -> 0, mid -> {k}, hi -> -{k}",
    ]
    if start:
        forms.append("start from full marks")
    return draw(st.sampled_from(forms))


@st.composite
def indicator(draw: st.DrawFn, node_id: str) -> tuple[str, int]:
    max_ = draw(st.integers(1, 10))
    body = [f"  {draw(rules(max_))}" for _ in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        body.append(f"  pool p at most {num(draw(tenths))}")
        body += [f"    {draw(rules(max_, start=False))}" for _ in range(draw(st.integers(1, 2)))]
    starts = [line for line in body if "start from" in line]
    body = [line for line in body if "start from" not in line or line is starts[0]]
    if not starts:  # full marks must be reachable for the checker to accept the rubric
        body.insert(0, f"  +{max_} if a or b or not a")
    return f'indicator {node_id} "指标" max {max_}\n' + "\n".join(body) + "\n", max_


@st.composite
def rubrics(draw: st.DrawFn) -> rubric.Rubric:
    places = draw(st.integers(0, 3))
    mode = draw(st.sampled_from(MODES))
    scope = draw(st.sampled_from(["indicators", "total"]))
    groups, total = [], 0
    for g in range(draw(st.integers(1, 3))):
        parts = [draw(indicator(f"g{g}.i{i}")) for i in range(draw(st.integers(1, 3)))]
        group_max = sum(m for _, m in parts)
        total += group_max
        groups.append(f'group g{g} "组" max {group_max}\n' + "".join(p for p, _ in parts))
    text = (
        f'rubric r "随机" max {total}\nround {scope} to {places} places {mode}\n'
        f"grade 甲 if total >= {total * 3 // 4}\ngrade 乙 otherwise\n{FACTS}" + "".join(groups)
    )
    # Every drawn rule is valid, every fact used, every table total, full marks reachable:
    # the checker must accept each drawn rubric.
    return rubric.loads(text, filename="random.rub")


facts = st.fixed_dictionaries(
    {
        "a": st.booleans(),
        "b": st.booleans(),
        "n": st.integers(0, 30) | st.integers(0, 10**20),
        "x": st.decimals(0, 200, places=3),
        "m": st.sampled_from(["lo", "mid", "hi"]),
        "s": st.lists(st.text(min_size=1, max_size=3), unique=True, max_size=6),
    }
)


@given(rubrics(), st.data())
def test_scores_stay_in_bounds_and_add_up(r: rubric.Rubric, data: st.DataObject) -> None:
    # The hand-made facts above, or facts rubric.testing draws from the declarations, near
    # the drawn rubric's thresholds.
    f = data.draw(facts | testing.facts(r))
    result = r.score(f)
    testing.assert_within_bounds(r, result)
    step = Decimal(1).scaleb(-r.places)
    for node in result:
        assert Fraction(0) <= node.exact <= node.max_points
        if node.children:
            assert node.exact == sum(child.exact for child in node.children) + sum(
                reason.points for reason in node.explanation
            )
        else:
            assert sum(reason.points for reason in node.explanation) == node.exact
            assert all(reason.text for reason in node.explanation)
        assert node.score == node.score.quantize(step)
    assert 0 <= result.total <= result.max
    policy_total = round_to(result.root.exact, r.places, r.mode)
    assert Fraction(result.total) == policy_total
    assert result.grade == ("甲" if result.total >= result.max * 3 // 4 else "乙")
    assert r.score(f) == result


# ---------------------------------------------------------------- every form of issue 3

POLICIES = ["full marks", "rescale the total", "redistribute to siblings"]
EXTRA_FACTS = 'fact adj: adjustment >= -2 and <= 1 in steps of 0.5 "酌情调整"\n'


@st.composite
def rich_rules(draw: st.DrawFn, max_: int) -> str:
    k = num(draw(tenths.filter(lambda v: v <= max_)))
    t = draw(st.integers(0, 120))
    forms = [
        draw(rules(max_)),
        f"points = x / {draw(st.integers(1, 40))}",
        f"points = {k} * n - {t % 5}, at most {k}",
        f"points by x:\n    <= {t} -> 0\n    > {t} and < {t + 20} -> 0 to {k}\n"
        f"    otherwise -> {k}",
        f"points by x:\n    < {t} -> {k}\n    >= {t} and <= {t + 5} -> {k} to 0\n"
        "    otherwise -> 0",
        "adjust by adj",
    ]
    return draw(st.sampled_from(forms))


@st.composite
def clauses(draw: st.DrawFn, max_: int, *, may_not_apply: bool, policy: bool) -> list[str]:
    lines = []
    if draw(st.booleans()):
        lines.append(f"at most {draw(st.integers(0, max_ - 1))} if a")
    if draw(st.booleans()):
        lines.append(f"× {draw(st.sampled_from(['0', '0.5', '0.8']))} if b")
    if may_not_apply and draw(st.booleans()):
        # Inside a group that renormalises, no policy but full marks (E330).
        choices = [f", {p}" for p in POLICIES] if policy else ["", ", full marks"]
        tail = draw(st.sampled_from(choices))
        lines.append(f"not applicable if a and n > {draw(st.integers(0, 5))}{tail}")
    return lines


@st.composite
def rich_indicator(
    draw: st.DrawFn, node_id: str, *, may_not_apply: bool, policy: bool, weight: bool
) -> tuple[str, int]:
    max_ = draw(st.integers(1, 10))
    body = [f"  {draw(rich_rules(max_))}" for _ in range(draw(st.integers(1, 3)))]
    starts = [line for line in body if "start from" in line]
    body = [line for line in body if "start from" not in line or line is starts[0]]
    body.insert(0, f"  +{max_} if a or b or not a")
    if node_id == "g0.i0":  # every fact must be used: the adjustment is, here
        body.append("  adjust by adj")
    body += [f"  {c}" for c in draw(clauses(max_, may_not_apply=may_not_apply, policy=policy))]
    head = f'indicator {node_id} "指标" max {max_}' + (
        f" weight {draw(st.integers(1, 9))}" if weight else ""
    )
    return head + "\n" + "\n".join(body) + "\n", max_


@st.composite
def rich_rubrics(draw: st.DrawFn) -> rubric.Rubric:
    places = draw(st.integers(0, 3))
    mode = draw(st.sampled_from(MODES))
    scope = draw(st.sampled_from(["indicators", "total"]))
    groups, total = [], 0
    for g in range(draw(st.integers(1, 3))):
        way = draw(st.sampled_from([None, "scaled", "weighted", "best of"]))
        policy = way is None  # a group that renormalises overrides its parts' policies
        parts = [
            draw(
                rich_indicator(
                    f"g{g}.i{i}", may_not_apply=i > 0, policy=policy, weight=way == "weighted"
                )
            )
            for i in range(draw(st.integers(2, 3)))
        ]
        group_max = sum(m for _, m in parts) if way is None else draw(st.integers(1, 20))
        total += group_max
        header = f'group g{g} "组" max {group_max}' + (f", {way}" if way else "")
        extra = [f"  {c}" for c in draw(clauses(group_max, may_not_apply=False, policy=True))]
        groups.append("\n".join([header, *extra]) + "\n" + "".join(p for p, _ in parts))
    if draw(st.booleans()):
        groups.append(
            f'group plus "加分" bonus at most {draw(st.integers(1, 3))}\n'
            'indicator plus.a "加分" max 2\n  +1 per 1 of n, at most 2\n'
        )
    if draw(st.booleans()):
        groups.append('group minus "扣分" deductions\nindicator minus.a "扣分"\n  -1 per 1 of n\n')
    negative = draw(st.booleans())
    text = (
        f'rubric r "随机" max {total}\nround {scope} to {places} places {mode}\n'
        + ("allow negative total\n" if negative else "")
        + f"{FACTS}{EXTRA_FACTS}"
        + "\n".join(draw(clauses(total, may_not_apply=False, policy=True)))
        + "\n"
        + "".join(groups)
    )
    return rubric.loads(text, filename="random.rub")


adjustments = st.sampled_from([0, -2, -1.5, 0.5, 1]).map(
    lambda p: {"points": p, "reason": "酌情"} if p else 0
)


def _without_aggregate(node: rubric.ScoredNode) -> Fraction:
    """What a node's entries start from: its aggregate entry's points, else its children's sum."""
    aggregate = [r for r in node.explanation if r.kind == "aggregate"]
    if aggregate:
        return Fraction(0)
    return sum((child.exact for child in node.children), Fraction(0))


@given(rich_rubrics(), st.data())
def test_every_form_keeps_scores_in_bounds_and_explained(
    r: rubric.Rubric, data: st.DataObject
) -> None:
    drawn = data.draw(
        st.builds(lambda f, adj: {**f, "adj": adj}, facts, adjustments) | testing.facts(r)
    )
    f, adj = {k: v for k, v in drawn.items() if k != "adj"}, drawn["adj"]
    result = r.score({**f, "adj": adj})
    testing.assert_within_bounds(r, result)
    for node in result:
        low = node.min_points
        if node is not result.root:
            assert low is None or low <= node.exact
            assert node.exact <= node.most_points
            own = node.own_points
            if own:
                caps = {block.role: block.cap for block in node.own}
                assert 0 <= own.get("bonus", 0) <= caps.get("bonus", 0)
                assert -caps.get("deductions", 0) <= own.get("deductions", 0) <= 0
        if not node.applicable:
            assert node.exact in (0, node.max_points)
            continue
        entries = sum((reason.points for reason in node.explanation), Fraction(0))
        if node.children:
            assert node.exact == _without_aggregate(node) + entries
        else:
            assert node.exact == entries
        assert all(reason.text for reason in node.explanation)
    bonus = sum((c.max_points for c in result.root.children if c.role == "bonus"), Fraction(0))
    bonus += sum((node.most_points - node.max_points for node in result), Fraction(0))
    assert result.root.exact <= result.root.max_points + bonus
    if r.outline()[0].min is not None:  # the total may not go below 0
        assert result.root.exact >= 0
    assert r.score({**f, "adj": adj}) == result


# ---------------------------------------------------------------- Anhui: facts that move one way

ANHUI_RUBRIC = rubric.load(ANHUI)
# Each fact of the Anhui rubric, and the way raising it moves the total: more done, more
# satisfied, is never worth less; more days, more households below the standard, more people
# surveyed or households targeted for the same result, are never worth more.
DOWN = {
    "disbursement_working_days",
    "fund_entry_working_days",
    "noncompliant_households",
    "households_targeted",
    "aided_surveyed",
    *(f"{group}_surveyed" for group in ("officials", "workers", "unionists", "beneficiaries")),
}
ONE_WAY = [(spec.name, "down" if spec.name in DOWN else "up") for spec in ANHUI_RUBRIC.facts]


@pytest.mark.parametrize(("name", "direction"), ONE_WAY, ids=[name for name, _ in ONE_WAY])
@settings(max_examples=8)
@given(data=st.data())
def test_each_anhui_fact_moves_the_total_one_way(
    name: str, direction: str, data: st.DataObject
) -> None:
    first, second = data.draw(testing.fact_pairs(ANHUI_RUBRIC, name))
    testing.assert_monotonic(ANHUI_RUBRIC, name, first, second, direction=direction)
