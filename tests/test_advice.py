"""Advice: what would have earned the points a node lost, for every rule form at its boundaries.

Each case is a small rubric (one indicator, rules given) and facts; the advice of the indicator
is asserted exactly: its sentences and the exact points each promises. Properties: over
generated rubrics of every form, no advice promises more than the node lost or nothing, and the
node's arithmetic replayed from its figures is its score; on the Anhui rubric, making the change
an advice names moves the node by exactly the points it promised.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import every_form
import rubric
from anhui_strategies import BASE_GOOD, anhui_boundary_cases, anhui_facts
from rubric import _advice as a
from rubric import _figures as f
from rubric import _plan as p
from rubric._score import interpret

FACTS = {
    "ok": 'fact ok: bool "资料齐全"',
    "late": 'fact late: bool "未按时报送"',
    "accident": 'fact accident: bool "发生安全事故"',
    "staff": 'fact staff: count "工作人员人数" unit "人"',
    "trained": 'fact trained: bool "开展业务培训"',
    "days": 'fact days: count "拨付所用工作日数" unit "个工作日"',
    "aided": 'fact aided: count "实际帮扶户数" unit "户"',
    "targeted": 'fact targeted: count >= 1 "帮扶目标任务数" unit "户"',
    "surveyed": 'fact surveyed: count >= 1 "调查人数" unit "人"',
    "satisfied": 'fact satisfied: count <= surveyed "满意人数" unit "人"',
    "hazards": 'fact hazards: count "安全隐患" unit "处"',
    "pm25": 'fact pm25: number >= 0 "PM2.5年均浓度" unit "μg/m³"',
    "media": 'fact media: level {none "无", provincial "省级", national "国家级"} "媒体报道"',
    "honour": 'fact honour: level {none "无", provincial "省级", national "国家级"} "通报表彰"',
    "kinds": 'fact kinds: set of {living "生活救助", education "子女助学", medical "医疗救助"} '
    '"已量化的项目"',
    "factors": 'fact factors: set "资金分配因素"',
    "mark": 'fact mark: number >= 0 and <= 40 "管理得分" unit "分"',
    "adj": 'fact adj: adjustment >= -3 and <= 0 "酌情扣分"',
}
LETS = {
    "rate": ('let rate "完成率" = aided / targeted * 100 unit "%"', ("aided", "targeted")),
    "satisfaction": (
        'let satisfaction "满意度" = satisfied / surveyed * 100 unit "%"',
        ("satisfied", "surveyed"),
    ),
}
BASE: dict[str, object] = {
    "ok": False,
    "late": False,
    "accident": False,
    "staff": 0,
    "trained": False,
    "days": 0,
    "aided": 0,
    "targeted": 1,
    "surveyed": 1,
    "satisfied": 0,
    "hazards": 0,
    "pm25": 0,
    "media": "none",
    "honour": "none",
    "kinds": [],
    "factors": [],
    "mark": 0,
    "adj": 0,
}


def _named(text: str, name: str) -> bool:
    return re.search(rf"\b{name}\b", text) is not None


def make(body: str, *, head: str = "", places: int = 2, scope: str = "indicators") -> str:
    """A rubric around rule lines: the facts and values they read declared above them."""
    names = {name for name in FACTS if _named(body + head, name)}
    lets = [name for name in LETS if _named(body + head, name)]
    for name in lets:
        names.update(LETS[name][1])
    if "satisfied" in names:
        names.add("surveyed")
    lines = [f'rubric t "测试"\nround {scope} to {places} places half up']
    lines += [FACTS[name] for name in FACTS if name in names]
    lines += [LETS[name][0] for name in lets]
    return "\n".join(lines) + "\n" + head + body


def scored(body: str, facts: dict[str, object], **options: Any) -> rubric.Result:
    text = make(body, **options)
    compiled = rubric.loads(text)
    given = {spec.name: facts.get(spec.name, BASE[spec.name]) for spec in compiled.facts}
    return compiled.score(given)


def advice(body: str, facts: dict[str, object], node: str = "i", **options: Any) -> list[Any]:
    """The advice of one node, as (text, points) pairs."""
    return [(item.text, item.points) for item in scored(body, facts, **options)[node].advice]


def one(max_: int | str, *rules: str) -> str:
    return f'indicator i "指标" max {max_}\n' + "".join(f"  {rule}\n" for rule in rules)


F = Fraction

CASES = [
    # ---- +K if, -K if: a condition and its parts
    ("when unmet", one(2, "+2 if ok"), {}, [("若资料齐全，可再得2分", 2)]),
    ("when met", one(2, "+2 if ok"), {"ok": True}, []),
    (
        "deduction held",
        one(10, "start from full marks", "-2 if late"),
        {"late": True},
        [("若“未按时报送”不成立，可少扣2分", 2)],
    ),
    ("deduction not held", one(10, "start from full marks", "-2 if late"), {}, []),
    (
        "deduction of a happening",
        one(10, "start from full marks", "-3 if accident"),
        {"accident": True},
        [("若不再发生安全事故，可少扣3分", 3)],
    ),
    (
        "and: one part short, at its boundary",
        one(1, "+1 if staff >= 2 and trained"),
        {"staff": 1, "trained": True},
        [("若工作人员人数达到2人，可再得1分", 1)],
    ),
    (
        "and: both parts short",
        one(1, "+1 if staff >= 2 and trained"),
        {"staff": 1},
        [("若工作人员人数达到2人且开展业务培训，可再得1分", 1)],
    ),
    (
        "and: the other part short",
        one(1, "+1 if staff >= 2 and trained"),
        {"staff": 2},
        [("若开展业务培训，可再得1分", 1)],
    ),
    (
        "or",
        one(1, "+1 if ok or staff >= 3"),
        {"staff": 2},
        [("若资料齐全或工作人员人数达到3人，可再得1分", 1)],
    ),
    (
        "and of an or",
        one(1, "+1 if trained and (ok or staff > 3)"),
        {"trained": False},
        [("若开展业务培训且（资料齐全或工作人员人数超过3人），可再得1分", 1)],
    ),
    (
        "and: a part never read, behind a guard",
        one(1, "+1 if staff >= 1 and not (aided / staff >= 2)"),
        {"staff": 0},
        [("若工作人员人数达到1人且实际帮扶户数/工作人员人数低于2，可再得1分", 1)],
    ),
    (
        "deduction of an and: any part may go",
        one(10, "start from full marks", "-1 if late and accident"),
        {"late": True, "accident": True},
        [("若“未按时报送”不成立或不再发生安全事故，可少扣1分", 1)],
    ),
    (
        "deduction of an or: every part that holds must go",
        one(10, "start from full marks", "-1 if late or accident or staff < 2"),
        {"late": True, "staff": 5},
        [("若“未按时报送”不成立，可少扣1分", 1)],
    ),
    (
        "at most a bound, just over",
        one(1, "+1 if days <= 30"),
        {"days": 31},
        [("若拨付所用工作日数不超过30个工作日，可再得1分", 1)],
    ),
    ("at most a bound, on it", one(1, "+1 if days <= 30"), {"days": 30}, []),
    (
        "below a bound, on it",
        one(1, "+1 if days < 30"),
        {"days": 30},
        [("若拨付所用工作日数低于30个工作日，可再得1分", 1)],
    ),
    (
        "above a bound",
        one(1, "+1 if staff > 2"),
        {"staff": 2},
        [("若工作人员人数超过2人，可再得1分", 1)],
    ),
    (
        "a level word",
        one(1, "+1 if media = national"),
        {"media": "provincial"},
        [("若媒体报道为国家级，可再得1分", 1)],
    ),
    (
        "not a level word",
        one(1, "+1 if media != none"),
        {},
        [("若媒体报道不为无，可再得1分", 1)],
    ),
    (
        "an item of a set",
        one(1, "+1 if living in kinds"),
        {"kinds": ["medical"]},
        [("若已量化的项目包括“生活救助”，可再得1分", 1)],
    ),
    (
        "a deduction for an item of a set",
        one(10, "start from full marks", "-1 if living in kinds"),
        {"kinds": ["living"]},
        [("若已量化的项目不再包括“生活救助”，可少扣1分", 1)],
    ),
    (
        "not",
        one(1, "+1 if not late"),
        {"late": True},
        [("若“未按时报送”不成立，可再得1分", 1)],
    ),
    (
        "a deduction for not",
        one(10, "start from full marks", "-1 if not ok"),
        {},
        [("若资料齐全，可少扣1分", 1)],
    ),
    (
        "the max leaves less than K",
        one(3, "+2 if ok", "+2 if trained"),
        {"trained": True},
        [("若资料齐全，可再得1分", 1)],
    ),
    # ---- for each of [...]: each item
    (
        "each item",
        one(3, "+1 for each of [ok, trained, staff >= 2]"),
        {"staff": 1},
        [
            ("若资料齐全，可再得1分", 1),
            ("若开展业务培训，可再得1分", 1),
            ("若工作人员人数达到2人，可再得1分", 1),
        ],
    ),
    (
        "each item, the list's cap reached",
        one(2, "+1 for each of [ok, trained, staff >= 2], at most 2"),
        {"ok": True, "trained": True},
        [],
    ),
    (
        "each item, the list's cap not reached",
        one(2, "+1 for each of [ok, trained, staff >= 2], at most 2"),
        {"ok": True},
        [("若开展业务培训，可再得1分", 1), ("若工作人员人数达到2人，可再得1分", 1)],
    ),
    (
        "each item deducted",
        one(10, "start from full marks", "-1 for each of [late, accident, ok]"),
        {"late": True, "accident": True, "ok": True},
        [
            ("若“未按时报送”不成立，可少扣1分", 1),
            ("若不再发生安全事故，可少扣1分", 1),
            ("若不再资料齐全，可少扣1分", 1),
        ],
    ),
    # ---- for each of SET
    (
        "declared items missing",
        one(3, "+1 for each of kinds"),
        {"kinds": ["living"]},
        [("若已量化的项目再包括子女助学、医疗救助，可再得2分", 2)],
    ),
    (
        "declared items missing, a cap",
        one(2, "+1 for each of kinds, at most 2"),
        {"kinds": ["living"]},
        [("若已量化的项目再包括子女助学、医疗救助中的任1项，可再得1分", 1)],
    ),
    (
        "every declared item",
        one(3, "+1 for each of kinds"),
        {"kinds": ["living", "education", "medical"]},
        [],
    ),
    (
        "items of an open set, a cap",
        one(3, "+1 for each of factors, at most 3"),
        {"factors": ["甲"]},
        [("若资金分配因素再有2项，可再得2分", 2)],
    ),
    (
        "items of an open set, the max",
        one(5, "start from 3", "+0.5 for each of factors"),
        {},
        [("若资金分配因素再有4项，可再得2分", 2)],
    ),
    (
        "items of an open set, the cap reached",
        one(3, "+1 for each of factors, at most 3"),
        {"factors": ["甲", "乙", "丙"]},
        [],
    ),
    (
        "items deducted",
        one(10, "start from full marks", "-1 for each of factors"),
        {"factors": ["甲", "乙"]},
        [("若资金分配因素减少2项，可少扣2分", 2)],
    ),
    (
        "items deducted, the floor",
        one(1, "start from full marks", "-1 for each of factors"),
        {"factors": ["甲", "乙"]},
        [("若资金分配因素减少2项，可少扣1分", 1)],
    ),
    # ---- per
    (
        "a rate short of 100",
        one(9, "start from full marks", "-0.5 per 1 of rate short of 100, proportionally"),
        {"aided": 39, "targeted": 40},
        [("若实际帮扶户数达到帮扶目标任务数，可再得1.25分", F(5, 4))],
    ),
    (
        "a rate at 100",
        one(9, "start from full marks", "-0.5 per 1 of rate short of 100, proportionally"),
        {"aided": 40, "targeted": 40},
        [],
    ),
    (
        "a rate far short: the floor",
        one(9, "start from full marks", "-0.5 per 1 of rate short of 100, proportionally"),
        {"aided": 0, "targeted": 40},
        [("若实际帮扶户数达到帮扶目标任务数，可再得9分", 9)],
    ),
    (
        "a rate short of 100, rounded",
        one(9, "start from full marks", "-0.5 per 1 of rate short of 100, proportionally"),
        {"aided": 29, "targeted": 30},
        [("若实际帮扶户数达到帮扶目标任务数，可再得1.67分", F(167, 100))],
    ),
    (
        "a rate short of 90",
        one(9, "start from full marks", "-0.2 per 1 of satisfaction short of 90, proportionally"),
        {"satisfied": 35, "surveyed": 40},
        [("若满意度达到90%，可再得0.5分", F(1, 2))],
    ),
    (
        "a count short of a fact",
        one(9, "start from full marks", "-1 per 1 of aided short of targeted"),
        {"aided": 37, "targeted": 40},
        [("若实际帮扶户数达到帮扶目标任务数，可再得3分", 3)],
    ),
    (
        "over a target, any part counts",
        one(10, "start from full marks", "-2 per 1 of pm25 over 35, any part counts as a step"),
        {"pm25": Decimal("37.4")},
        [("若PM2.5年均浓度降至35μg/m³，可再得6分", 6)],
    ),
    (
        "a count, the floor",
        one(5, "start from full marks", "-1 per 1 of hazards"),
        {"hazards": 7},
        [("若安全隐患降至0处，可再得5分", 5)],
    ),
    (
        "a count, the max reached before 0",
        one(5, "start from full marks", "+2 if ok", "-1 per 1 of hazards"),
        {"ok": True, "hazards": 4},
        [("若安全隐患降至2处，可再得2分", 2)],
    ),
    (
        "a count under the rule's cap",
        one(5, "start from full marks", "-0.1 per 1 of hazards, at most 1"),
        {"hazards": 20},
        [("若安全隐患降至0处，可再得1分", 1)],
    ),
    (
        "whole steps over a target, up to the cap",
        one(2, "+0.5 per 5 of rate over 100, whole steps only, at most 2"),
        {"aided": 223, "targeted": 200},
        [("若完成率达到120%，可再得1分", 1)],
    ),
    (
        "any part over a target, up to the cap",
        one(2, "+0.5 per 5 of rate over 100, any part counts as a step, at most 2"),
        {"aided": 223, "targeted": 200},
        [("若完成率达到120%，可再得0.5分", F(1, 2))],
    ),
    (
        "whole steps below a target, none yet",
        one(2, "+0.5 per 5 of rate over 100, whole steps only, at most 2"),
        {"aided": 90, "targeted": 100},
        [("若完成率达到120%，可再得2分", 2)],
    ),
    (
        "at the rule's cap",
        one(2, "+0.5 per 5 of rate over 100, whole steps only, at most 2"),
        {"aided": 120, "targeted": 100},
        [],
    ),
    (
        "a count per step, up to the max",
        one(3, "+1 per 1 of staff"),
        {"staff": 1},
        [("若工作人员人数达到3人，可再得2分", 2)],
    ),
    # ---- points by
    (
        "a band below the best",
        one(4, "points by days: <= 20 -> 4, <= 30 -> 2, otherwise -> 0"),
        {"days": 21},
        [("若拨付所用工作日数在“≤ 20个工作日”一档，可再得2分", 2)],
    ),
    (
        "the best band, on its bound",
        one(4, "points by days: <= 20 -> 4, <= 30 -> 2, otherwise -> 0"),
        {"days": 20},
        [],
    ),
    (
        "otherwise, the worst",
        one(4, "points by days: <= 20 -> 4, <= 30 -> 2, otherwise -> 0"),
        {"days": 31},
        [("若拨付所用工作日数在“≤ 20个工作日”一档，可再得4分", 4)],
    ),
    (
        "the best band, beyond the max: the least band that reaches it",
        one(4, "+2 if ok", "points by days: <= 20 -> 4, <= 30 -> 2, otherwise -> 0"),
        {"ok": True, "days": 31},
        [("若拨付所用工作日数在“≤ 30个工作日”一档，可再得2分", 2)],
    ),
    (
        "a level",
        one(2, "points by media: provincial -> 1, national -> 2, otherwise -> 0"),
        {"media": "provincial"},
        [("若媒体报道为国家级，可再得1分", 1)],
    ),
    (
        "a level in a pool: the least that the cap lets count",
        one(
            6,
            "+3 if ok",
            "pool recognition at most 3",
            "  points by media: provincial -> 1, national -> 2, otherwise -> 0",
            "  points by honour: provincial -> 1, national -> 2, otherwise -> 0",
        ),
        {"ok": True, "media": "national"},
        [("若通报表彰为省级，可再得1分", 1)],
    ),
    (
        "a level in a full pool",
        one(
            3,
            "pool recognition at most 3",
            "  points by media: provincial -> 1, national -> 2, otherwise -> 0",
            "  points by honour: provincial -> 1, national -> 2, otherwise -> 0",
        ),
        {"media": "national", "honour": "national"},
        [],
    ),
    (
        "otherwise is the best level",
        one(2, "points by media: none -> 0, otherwise -> 2"),
        {},
        [("若媒体报道为省级或国家级，可再得2分", 2)],
    ),
    (
        "otherwise is the best band",
        one(3, "points by days: > 30 -> 0, otherwise -> 3"),
        {"days": 31},
        [("若拨付所用工作日数不属于“> 30个工作日”，可再得3分", 3)],
    ),
    (
        "a linear arm below a fixed one",
        one(10, "points by satisfaction: >= 90 -> 10, >= 60 and < 90 -> 0 to 10, otherwise -> 0"),
        {"satisfied": 167, "surveyed": 200},
        [("若满意度在“≥ 90%”一档，可再得2.17分", F(217, 100))],
    ),
    (
        "a linear arm's best end",
        one(5, "points by pm25: < 35 -> 0, >= 35 and <= 75 -> 5 to 0, > 75 -> 0"),
        {"pm25": Decimal("45.5")},
        [("若PM2.5年均浓度降至35μg/m³，可再得1.31分", F(131, 100))],
    ),
    # ---- points =
    (
        "a share of a count",
        one(15, "points = 15 * aided / targeted, at most 15"),
        {"aided": 100, "targeted": 120},
        [("若实际帮扶户数达到120户，可再得2.5分", F(5, 2))],
    ),
    (
        "a share of a count, a count rounded up",
        one(15, "points = 15 * aided / targeted, at most 15"),
        {"aided": 100, "targeted": 121},
        [("若实际帮扶户数达到121户，可再得2.6分", F(13, 5))],
    ),
    (
        "a fact as the points",
        one(40, "points = mark"),
        {"mark": 38},
        [("若管理得分达到40分，可再得2分", 2)],
    ),
    ("a fact that cannot go so far", one(50, "points = mark"), {"mark": 38}, []),
    (
        "a rate as the points",
        one(10, "points = satisfaction / 10"),
        {"satisfied": 30, "surveyed": 40},
        [("若满意人数达到调查人数，可再得2.5分", F(5, 2))],
    ),
    (
        "a rate that cannot go so far",
        one(12, "points = satisfaction / 10"),
        {"satisfied": 40, "surveyed": 40},
        [],
    ),
    (
        "a formula with no fact to solve for",
        one(10, "points = mark short of 40"),
        {"mark": 35},
        [("若管理得分比40少的部分达到10分，可再得5分", 5)],
    ),
    # ---- caps, multipliers, the clamp, rounding
    (
        "a multiplier",
        one(10, "points = mark / 4", "× 0.8 if late"),
        {"mark": 40, "late": True},
        [("若“未按时报送”不成立，可再得2分", 2)],
    ),
    (
        "a cap",
        one(10, "+5 if ok", "+5 if trained", "at most 6 if accident"),
        {"ok": True, "trained": True, "accident": True},
        [("若不再发生安全事故，可再得4分", 4)],
    ),
    (
        "a cap that did not bite",
        one(10, "+5 if ok", "+5 if trained", "at most 6 if accident"),
        {"ok": True, "accident": True},
        [("若开展业务培训，可再得1分", 1)],
    ),
    (
        "a rule under a multiplier",
        one(10, "+5 if ok", "+5 if trained", "× 0.5 if accident"),
        {"trained": True, "accident": True},
        [("若资料齐全，可再得2.5分", F(5, 2)), ("若不再发生安全事故，可再得2.5分", F(5, 2))],
    ),
    (
        "a rule under a cap of 0",
        one(10, "start from full marks", "-0.5 per 1 of hazards", "at most 0 if hazards > 10"),
        {"hazards": 12},
        [("若安全隐患不超过10处，可再得4分", 4)],
    ),
    (
        "adjustments: nothing to say",
        one(5, "+5 if ok", "adjust by adj"),
        {"ok": True, "adj": {"points": -1.5, "reason": "资料不全"}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("body", "facts", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_advice_of_every_rule_form(
    body: str, facts: dict[str, object], expected: list[tuple[str, int | Fraction]]
) -> None:
    assert advice(body, facts) == [(text, F(points)) for text, points in expected]


def test_advice_with_the_total_rounded_is_exact() -> None:
    # Indicators are not rounded: the points a change earns are exact, and read as such.
    body = one(9, "start from full marks", "-0.5 per 1 of rate short of 100, proportionally")
    found = advice(body, {"aided": 29, "targeted": 30}, scope="total")
    assert found == [("若实际帮扶户数达到帮扶目标任务数，可再得约1.67分", F(5, 3))]


def test_deduction_items_deduct_less() -> None:
    body = 'group minus "扣分项" deductions at most 10\nindicator minus.h "安全隐患" max 6\n'
    body += "  -2 per 1 of hazards\n  -1 if late\n"
    found = advice(
        'indicator i "指标" max 5\n  +5 if ok\n' + body, {"hazards": 2, "late": True}, "minus.h"
    )
    assert found == [("若安全隐患降至0处，可少扣4分", 4), ("若“未按时报送”不成立，可少扣1分", 1)]


def test_caps_and_multipliers_on_groups_and_the_total() -> None:
    body = (
        "× 0.9 if late\n"
        'group g "组" max 10\nat most 6 if accident\n'
        'indicator g.i "指标" max 10\n  +5 if ok\n  +5 if trained\n'
    )
    result = scored(body, {"ok": True, "trained": True, "accident": True, "late": True})
    assert [(x.text, x.points) for x in result["g"].advice] == [
        ("若不再发生安全事故，可再得4分", 4)
    ]
    # The total: 6 × 0.9 = 5.4; without the multiplier, 6.
    assert [(x.text, x.points) for x in result.root.advice] == [
        ("若“未按时报送”不成立，可再得0.6分", F(3, 5))
    ]
    assert result["g.i"].advice == ()


def test_nodes_that_do_not_apply_or_lost_nothing_have_none() -> None:
    body = (
        'indicator i "指标" max 10\n  not applicable if accident, full marks\n  +10 if ok\n'
        'indicator j "另一指标" max 10\n  not applicable if late, rescale the total\n  +10 if ok\n'
        'indicator k "第三指标" max 10\n  +10 if trained\n'
    )
    result = scored(body, {"accident": True, "late": True, "trained": True})
    assert [node.advice for node in result] == [(), (), (), ()]


def test_advice_names_its_line_and_facts() -> None:
    body = one(9, "start from full marks", "-0.5 per 1 of rate short of 100, proportionally")
    (item,) = scored(body, {"aided": 39, "targeted": 40})["i"].advice
    line = make(body).splitlines().index("  -0.5 per 1 of rate short of 100, proportionally") + 1
    assert item == rubric.Advice(
        "若实际帮扶户数达到帮扶目标任务数，可再得1.25分", F(5, 4), line, ("aided", "targeted")
    )
    assert item.to_dict(2) == {
        "text": "若实际帮扶户数达到帮扶目标任务数，可再得1.25分",
        "points": "1.25",
        "exact": "1.25",
        "line": line,
        "facts": ["aided", "targeted"],
    }


def test_advice_is_worked_out_when_first_read(
    monkeypatch: pytest.MonkeyPatch, anhui: rubric.Rubric
) -> None:
    calls = []
    original = rubric.Rubric._advice

    def counted(self: rubric.Rubric, facts: Any) -> Any:
        calls.append(1)
        return original(self, facts)

    monkeypatch.setattr(rubric.Rubric, "_advice", counted)
    result = anhui.score(dict(BASE_GOOD, households_aided=39, households_targeted=40))
    result.to_dict()
    assert result["output.delivery.coverage"].explanation
    assert calls == []
    assert result["output.delivery.coverage"].advice
    assert result["input"].advice == ()
    assert calls == [1]


def test_json_shows_advice_only_when_asked(anhui: rubric.Rubric) -> None:
    result = anhui.score(dict(BASE_GOOD, households_aided=39, households_targeted=40))
    plain = result.to_dict()
    assert "advice" not in json.dumps(plain)
    data = result.to_dict(advice=True)

    def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node, *(n for child in node["children"] for n in walk(child))]

    nodes = {node["id"]: node for node in walk(data)}
    assert all(isinstance(node["advice"], list) for node in nodes.values())
    assert nodes["output.delivery.coverage"]["advice"] == [
        {
            "text": "若实际帮扶户数达到帮扶目标任务数，可再得1.25分",
            "points": "1.25",
            "exact": "1.25",
            "line": result["output.delivery.coverage"].advice[0].line,
            "facts": ["households_aided", "households_targeted"],
        }
    ]
    # Apart from the advice, the same data.
    for node in nodes.values():
        del node["advice"]
    assert data == plain
    assert json.loads(result.to_json(advice=True)) == result.to_dict(advice=True)
    node = result["output.delivery.coverage"]
    assert node.to_dict(advice=True)["advice"] == [node.advice[0].to_dict(2)]
    assert "advice" not in node.to_dict()


# ---------------------------------------------------------------- properties


def _indicator_hints(result: rubric.Result) -> list[tuple[interpret.Scored, tuple[a.Hint, ...]]]:
    """The hints of every node of a result, beside what the interpreter scored."""
    plan = result._rubric._plan
    values = dict(result.facts)
    outcome = interpret.run(plan, values)
    specs = {spec.name: spec for spec in plan.facts}
    found = []
    for position, node in enumerate(outcome.root.walk()):
        if node.applicable:
            made = a.hints(
                node.node,
                node.entries,
                node.exact,
                root=position == 0,
                lets=plan.lets,
                facts=values,
                specs=specs,
                rules=plan.policy,
            )
            found.append((node, made))
    return found


@settings(max_examples=150)
@given(st.data())
def test_advice_never_promises_more_than_was_lost(data: st.DataObject) -> None:
    compiled = every_form.compile_or_none(data.draw(every_form.rubrics()))
    if compiled is None:
        return
    try:
        result = compiled.score(data.draw(every_form.facts()))
    except rubric.FactsError:
        return
    plan = compiled._plan
    for node, hints in _indicator_hints(result):
        clauses = any(isinstance(e.figures, f.Multiplied | f.CappedIf) for e in node.entries)
        if isinstance(node.node, p.Indicator) or clauses:
            # The node's arithmetic, replayed from its figures, gives its score.
            model = a.model(node.node, node.entries, plan.policy, root=node.node is plan.root.group)
            assert a.replay(model, plan.policy)[1] == node.exact
        for hint in hints:
            assert hint.points > 0
            if isinstance(node.node, p.Indicator):
                own = sum((e.cap for e in node.node.extras if e.role == "bonus"), Fraction(0))
                assert hint.points <= node.node.max_points + own - node.exact
        # What a rule could add, give or take the rounding of the score.
        unit = Fraction(1, 10**plan.policy.places)
        for entry in node.entries:
            fig = entry.figures
            mine = [h for h in hints if h.line == entry.line]
            if isinstance(fig, f.Judged) and fig.points > 0:
                holds = [h for h in mine if isinstance(h.aim, a.Holds)]
                assert all(h.points <= fig.points + unit for h in holds)
            if isinstance(fig, f.Tabled):
                best = max(
                    max(arm.points, arm.linear.end, arm.linear.start) if arm.linear else arm.points
                    for arm in fig.rule.arms
                )
                assert all(h.points <= best - fig.got + unit for h in mine)
    for scored_node in result:
        for item in scored_node.advice:
            assert item.points > 0
            if scored_node.kind == "indicator":
                assert item.points <= scored_node.most_points - scored_node.exact


def _change(hint: a.Hint, facts: dict[str, object]) -> dict[str, object] | None:
    """The facts an Anhui advice names, changed as it says; None where it names no fact."""
    aim = hint.aim
    match aim:
        case a.Holds():
            return _holds(aim.condition, aim.want, facts)
        case a.Items():
            assert isinstance(aim.collection, p.FactRef)
            name = aim.collection.subject.name
            added = aim.choices[: aim.change] or [f"新增{i}" for i in range(aim.change)]
            return {name: [*facts[name], *added]}  # type: ignore[misc]
        case a.Reaches():
            if aim.rate is not None:
                part, whole = aim.rate
                assert isinstance(part, p.FactRef) and isinstance(whole, p.FactRef)
                return {part.subject.name: facts[whole.subject.name]}
            if isinstance(aim.quantity, p.FactRef):
                return {aim.quantity.subject.name: int(aim.value)}
            if aim.quantity.subject.name == "rate" and "aided_surveyed" in hint.facts:  # type: ignore[union-attr]
                surveyed = facts["aided_surveyed"]
                return {"aided_satisfied": math.ceil(aim.value * surveyed / 100)}  # type: ignore[operator]
            return None
        case a.Band():
            subject = aim.rule.subject
            assert isinstance(subject, p.FactRef)
            if aim.arm.word is not None:
                return {subject.subject.name: aim.arm.word}
            ((op, bound),) = aim.arm.bounds
            assert op == "<="
            return {subject.subject.name: int(bound)}
    return None


def _holds(condition: p.Expr, want: bool, facts: dict[str, object]) -> dict[str, object]:
    match condition:
        case p.FactRef():
            return {condition.subject.name: want}
        case p.Comparison():
            assert want and isinstance(condition.left, p.FactRef)
            assert isinstance(condition.right, p.Const) and condition.op in (">=", "<=")
            value = condition.right.value
            assert isinstance(value, Fraction) and value.denominator == 1
            return {condition.left.subject.name: int(value)}
        case p.Junction():
            changed: dict[str, object] = {}
            for operand in condition.operands:
                changed.update(_holds(operand, want, facts))
            return changed
    raise AssertionError(condition)


def _check_changes(anhui: rubric.Rubric, facts: dict[str, object]) -> int:
    result = anhui.score(facts)
    checked = 0
    for node, hints in _indicator_hints(result):
        for hint in hints:
            change = _change(hint, facts)
            if change is None:
                continue
            after = result.what_if(change).after[node.node.id]
            assert after.exact - node.exact == hint.points, (node.node.id, hint, change)
            checked += 1
    return checked


def test_anhui_advice_is_what_its_change_earns(anhui: rubric.Rubric) -> None:
    # Anhui's rules each read their own facts: making the change an advice names moves its
    # indicator by exactly the points it promised.
    assert sum(_check_changes(anhui, facts) for facts in anhui_boundary_cases()) > 100


@settings(max_examples=60)
@given(anhui_facts())
def test_anhui_advice_is_what_its_change_earns_on_any_facts(
    anhui: rubric.Rubric, facts: dict[str, object]
) -> None:
    _check_changes(anhui, facts)
