"""Each rule form scored end to end: its points at and around its boundaries, and its reasons."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import rubric


def make(facts: str, indicator: str, *, max_: int = 10, head: str = "") -> rubric.Rubric:
    text = (
        f'rubric demo "示例" max {max_}\n{head}{facts}\n'
        f'indicator q "质量" max {max_}\n{indicator}\n'
    )
    return rubric.loads(text, filename="demo.rub")


def node(r: rubric.Rubric, facts: dict[str, object]) -> rubric.ScoredNode:
    return r.score(facts)["q"]


def texts(n: rubric.ScoredNode) -> list[str]:
    return [reason.text for reason in n.explanation]


# ---------------------------------------------------------------- when


WHEN = make(
    'fact ok: bool "项目符合规定"\nfact staff: count "工作人员人数" unit "人"\n'
    'fact trained: bool "开展培训"',
    "  +2 if ok\n  +1 if staff >= 2 and trained\n  -3 if not ok\n",
    max_=3,
)


@pytest.mark.parametrize(
    ("ok", "staff", "trained", "score"),
    [
        (True, 2, True, "3.00"),
        (True, 1, True, "2.00"),
        (True, 3, False, "2.00"),
        (False, 2, True, "0.00"),
    ],
)
def test_when(ok: bool, staff: int, trained: bool, score: str) -> None:
    assert node(WHEN, {"ok": ok, "staff": staff, "trained": trained}).score == Decimal(score)


def test_when_explains_what_held_and_what_did_not() -> None:
    assert texts(node(WHEN, {"ok": True, "staff": 1, "trained": True})) == [
        "项目符合规定：是，得2分",
        "工作人员人数为1人，不满足“≥ 2人”；开展培训：是（各项均须满足，条件不成立），未得1分",
        "项目符合规定：是（要求不成立，条件不成立），不扣分",
    ]
    reasons = node(WHEN, {"ok": False, "staff": 5, "trained": True}).explanation
    assert [r.points for r in reasons] == [0, 1, -3, 2]
    assert reasons[-1].text == "各项合计扣2分，低于0分，按0分计"
    assert reasons[-1].kind == "clamp"
    assert dict(reasons[1].facts) == {"staff": 5, "trained": True}


def test_or_conditions() -> None:
    r = make('fact a: bool "甲"\nfact b: bool "乙"', "  +1 if a or b\n", max_=1)
    assert node(r, {"a": False, "b": True}).score == 1
    assert node(r, {"a": False, "b": False}).score == 0
    assert texts(node(r, {"a": False, "b": True})) == [
        "甲：否；乙：是（满足其一即可，条件成立），得1分"
    ]


# ---------------------------------------------------------------- each


EACH = make(
    'fact areas: set of {living "生活救助", education "子女助学", medical "医疗救助"} "已量化的项目"\n'
    'fact factors: set "分配因素"',
    "  +1 for each of areas\n  +1 for each of factors, at most 3\n",
    max_=6,
)


@pytest.mark.parametrize(
    ("areas", "factors", "score"),
    [
        ([], [], "0.00"),
        (["medical"], ["甲", "乙"], "3.00"),
        (["living", "education"], ["a", "b", "c"], "5.00"),
        (["living", "education", "medical"], ["a", "b", "c", "d"], "6.00"),
    ],
)
def test_each_of_a_set(areas: list[str], factors: list[str], score: str) -> None:
    assert node(EACH, {"areas": areas, "factors": factors}).score == Decimal(score)


def test_each_of_a_set_explains_items_in_declared_order_and_the_cap() -> None:
    assert texts(
        node(EACH, {"areas": ["medical", "living"], "factors": ["人口", "绩效", "户数", "其他"]})
    ) == [
        "已量化的项目：生活救助、医疗救助，共2项，每项得1分，共得2分",
        "分配因素：人口、其他、户数、绩效，共4项，每项得1分，共得4分；最多得3分，按3分计",
    ]
    assert texts(node(EACH, {"areas": [], "factors": []}))[0] == "已量化的项目：无，不得分"


def test_each_of_a_list_of_conditions_with_a_cap() -> None:
    r = make(
        'fact a: bool "甲"\nfact b: bool "乙"\nfact c: count "丙"',
        "  +2 for each of [a, b, c >= 3], at most 5\n",
        max_=5,
    )
    n = node(r, {"a": True, "b": True, "c": 3})
    assert n.score == Decimal("5.00")
    assert texts(n) == [
        "甲：是，得2分",
        "乙：是，得2分",
        "丙为3，满足“≥ 3”，得2分",
        "以上3项合计得6分，最多得5分，按5分计",
    ]
    assert [r.points for r in n.explanation] == [2, 2, 2, -1]
    assert node(r, {"a": False, "b": True, "c": 2}).score == Decimal("2.00")


# ---------------------------------------------------------------- per


def per(reading: str, points: str = "-1", step: str = "1", cap: str = "") -> rubric.Rubric:
    return make(
        'fact rate: number "完成率" unit "%"',
        f"  start from full marks\n  {points} per {step} of rate short of 100{reading}{cap}\n",
    )


@pytest.mark.parametrize(
    ("reading", "rate", "score"),
    [
        (", proportionally", "97.5", "7.50"),
        (", whole steps only", "97.5", "8.00"),
        (", any part counts as a step", "97.5", "7.00"),
        (", proportionally", "100", "10.00"),
        (", proportionally", "120", "10.00"),
        (", whole steps only", "99.99", "10.00"),
        (", any part counts as a step", "99.99", "9.00"),
        (", proportionally", "0", "0.00"),
    ],
)
def test_per_step_readings(reading: str, rate: str, score: str) -> None:
    assert node(per(reading), {"rate": Decimal(rate)}).score == Decimal(score)


def test_per_step_of_any_size_with_a_cap() -> None:
    r = per(", whole steps only", points="-0.5", step="5", cap=", at most 2")
    assert node(r, {"rate": 89}).score == Decimal("9.00")  # 11 short: 2 whole steps of 5
    assert node(r, {"rate": 0}).score == Decimal("8.00")  # 20 steps, but at most 2 off
    assert texts(node(r, {"rate": 89})) == [
        "起评分为满分10分",
        "完成率 = 89.00%，比100%少11.00个百分点，每少5个百分点扣0.5分（不足一档的部分不计，计2档），扣1分",
    ]


def test_per_unit_of_a_count_needs_no_reading() -> None:
    r = make(
        'fact bad: count "不合规户数" unit "户"\nfact ok: bool "达标"',
        "  +10 if ok\n  -0.1 per 1 of bad\n",
    )
    assert node(r, {"ok": True, "bad": 3}).score == Decimal("9.70")
    assert node(r, {"ok": True, "bad": 100}).score == Decimal("0.00")
    assert node(r, {"ok": True, "bad": 0}).explanation[1].text == (
        "不合规户数 = 0户，每1户扣0.1分，不扣分"
    )
    assert node(r, {"ok": True, "bad": 3}).explanation[1].text == (
        "不合规户数 = 3户，每1户扣0.1分，扣0.3分"
    )


def test_per_over_awards_points() -> None:
    r = make(
        'fact n: count "超额完成户数" unit "户"',
        "  +2 per 1 of n over 10, at most 6\n",
        max_=6,
    )
    assert node(r, {"n": 10}).score == 0
    assert node(r, {"n": 12}).score == 4
    assert node(r, {"n": 50}).score == 6
    assert texts(node(r, {"n": 12})) == ["超额完成户数 = 12户，比10户多2户，每多1户得2分，得4分"]


def test_inexact_values_are_marked_as_approximate() -> None:
    r = make(
        'fact done: count "完成数"\nfact target: count >= 1 "任务数"',
        '  let rate "完成率" = done / target * 100 unit "%"\n  start from full marks\n'
        "  -0.5 per 1 of rate short of 100, proportionally\n",
        max_=9,
    )
    n = node(r, {"done": 29, "target": 30})
    assert n.score == Decimal("7.33")
    assert n.exact == Fraction(733, 100)
    assert texts(n)[1:] == [
        "完成率 ≈ 96.67%，比100%少约3.33个百分点，每少1个百分点扣0.5分，扣约1.67分",
        "得分约7.3333分，按四舍五入保留2位小数为7.33分",
    ]
    assert n.explanation[1].points == Fraction(-5, 3)
    assert sum(reason.points for reason in n.explanation) == n.exact


# ---------------------------------------------------------------- tables


TIERS = make(
    'fact days: count "拨付所用工作日数" unit "个工作日"',
    "  points by days:\n    <= 20 -> 4\n    > 20 and <= 30 -> 2\n    otherwise -> 0\n",
    max_=4,
)


@pytest.mark.parametrize(("days", "score"), [(0, 4), (20, 4), (21, 2), (30, 2), (31, 0)])
def test_tiers_with_inclusive_bounds(days: int, score: int) -> None:
    assert node(TIERS, {"days": days}).score == score


def test_tiers_explain_the_band() -> None:
    assert texts(node(TIERS, {"days": 25})) == [
        "拨付所用工作日数为25个工作日，属于“> 20个工作日且≤ 30个工作日”一档，得2分"
    ]
    assert texts(node(TIERS, {"days": 31})) == [
        "拨付所用工作日数为31个工作日，不属于“≤ 20个工作日”、“> 20个工作日且≤ 30个工作日”，不得分"
    ]


def test_exclusive_bounds() -> None:
    r = make(
        'fact rate: number "比率"',
        "  points by rate: < 80 -> 0, >= 80 and < 90 -> 4, >= 90 -> 5\n",
        max_=5,
    )
    assert [node(r, {"rate": x}).score for x in (Decimal("79.99"), 80, Decimal("89.99"), 90)] == [
        0,
        4,
        4,
        5,
    ]


def test_a_value_in_no_band_is_an_error_naming_value_and_bands() -> None:
    r = make(
        'fact rate: number "比率"', "  points by rate: >= 90 -> 5, >= 80 and < 90 -> 4\n", max_=5
    )
    with pytest.raises(rubric.FactsError) as caught:
        r.score({"rate": 50})
    assert caught.value.facts == ("rate",)
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n"
        "  rate: 比率 = 50 falls in none of the bands (≥ 90, ≥ 80且< 90) of the table on rubric "
        "line 4; if such a value can happen, the rubric needs an 'otherwise' arm"
    )


def test_points_by_level() -> None:
    r = make(
        'fact media: level {none "无", provincial "省级", national "国家级"} "媒体报道"',
        "  points by media: provincial -> 1, national -> 2, otherwise -> 0\n",
        max_=2,
    )
    assert [node(r, {"media": m}).score for m in ("none", "provincial", "national")] == [0, 1, 2]
    assert texts(node(r, {"media": "national"})) == ["媒体报道：国家级，得2分"]
    assert texts(node(r, {"media": "none"})) == ["媒体报道：无，不得分"]


def test_level_comparison_in_a_condition() -> None:
    r = make(
        'fact media: level {none, national "国家级"} "媒体报道"',
        "  +2 if media = national\n",
        max_=2,
    )
    assert node(r, {"media": "national"}).score == 2
    assert texts(node(r, {"media": "none"})) == ["媒体报道为none，不满足“= 国家级”，未得2分"]


def test_membership_and_number_of() -> None:
    r = make(
        'fact areas: set of {living "生活救助", medical "医疗救助"} "已量化项目"',
        '  +1 if living in areas\n  +1 if "medical" in areas\n  +1 if number of areas >= 2\n',
        max_=3,
    )
    assert node(r, {"areas": ["living"]}).score == 1
    assert node(r, {"areas": ["living", "medical"]}).score == 3
    assert texts(node(r, {"areas": ["medical"]}))[0] == (
        "“生活救助”不在已量化项目（医疗救助）之中，未得1分"
    )


# ---------------------------------------------------------------- start, pools, clamps


def test_start_from_a_number() -> None:
    r = make('fact bad: count "问题数"', "  start from 6\n  -1 per 1 of bad\n", max_=6)
    assert node(r, {"bad": 2}).score == 4
    assert texts(node(r, {"bad": 0}))[0] == "起评分为6分"


def test_pools_cap_awards_and_deductions_separately() -> None:
    r = make(
        'fact a: count "甲类问题数"\nfact b: count "乙类问题数"',
        "  start from full marks\n"
        '  pool first "甲类扣分" at most 4\n    -1 per 1 of a\n'
        '  pool second "乙类扣分" at most 3\n    -2 per 1 of b\n',
    )
    assert node(r, {"a": 2, "b": 1}).score == 6
    assert node(r, {"a": 9, "b": 1}).score == 4
    assert node(r, {"a": 9, "b": 9}).score == 3
    reasons = node(r, {"a": 9, "b": 9}).explanation
    assert [(x.kind, x.points) for x in reasons] == [
        ("start", 10),
        ("per", -9),
        ("cap", 5),
        ("per", -18),
        ("cap", 15),
    ]
    assert reasons[2].text == "甲类扣分合计扣9分，最多扣4分，按扣4分计"


def test_clamp_at_max() -> None:
    r = make('fact a: bool "甲"\nfact b: bool "乙"', "  +3 if a\n  +3 if b\n", max_=4)
    n = node(r, {"a": True, "b": True})
    assert n.score == 4
    assert n.explanation[-1].text == "各项合计6分，超过本项满分4分，按4分计"


# ---------------------------------------------------------------- values, requirements, rounding


def test_local_values_may_share_a_name_across_indicators() -> None:
    text = (
        'rubric demo "示例" max 20\n'
        'fact a: count "甲"\nfact b: count >= 1 "乙"\n'
        'indicator x "一" max 10\n  let rate = a / b * 10\n  +1 per 1 of rate, proportionally\n'
        'indicator y "二" max 10\n  let rate = b / b * 10\n  +1 per 1 of rate, proportionally\n'
    )
    result = rubric.loads(text).score({"a": 1, "b": 2})
    assert (result["x"].score, result["y"].score) == (5, 10)


def test_requirements_reject_facts_naming_them() -> None:
    r = make(
        'fact a: count "甲"\nfact b: count "乙"\nrequire a + b >= 1 "甲乙合计至少为1"',
        "  +1 per 1 of a / (a + b) * 10, proportionally\n",
    )
    with pytest.raises(rubric.FactsError) as caught:
        r.score({"a": 0, "b": 0})
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n  a, b: 甲乙合计至少为1 (rubric line 4 requires it)"
    )


def test_division_by_zero_is_a_facts_error() -> None:
    r = make('fact a: count "甲"\nfact b: count "乙"', "  +1 per 1 of a / b, proportionally\n")
    with pytest.raises(rubric.FactsError) as caught:
        r.score({"a": 1, "b": 0})
    assert caught.value.facts == ("b",)
    assert "divides by zero (rubric line 5)" in str(caught.value)


@pytest.mark.parametrize(
    ("mode", "exact", "shown"),
    [
        ("half up", "2.345", "2.35"),
        ("half even", "2.345", "2.34"),
        ("half even", "2.355", "2.36"),
        ("down", "2.349", "2.34"),
        ("up", "2.341", "2.35"),
    ],
)
def test_rounding_modes(mode: str, exact: str, shown: str) -> None:
    r = make(
        'fact x: number "数值"',
        "  +1 per 1 of x, proportionally\n",
        head=f"round indicators to 2 places {mode}\n",
    )
    assert node(r, {"x": Decimal(exact)}).score == Decimal(shown)


def test_rounding_only_the_total() -> None:
    text = (
        'rubric demo "示例" max 20\nround total to 1 places half up\n'
        'fact x: number "数值"\n'
        'indicator a "一" max 10\n  +1 per 1 of x, proportionally\n'
        'indicator b "二" max 10\n  +1 per 1 of x, proportionally\n'
    )
    result = rubric.loads(text).score({"x": Decimal("1.04")})
    assert result["a"].exact == Fraction(104, 100)  # not rounded on its own
    # The total is rounded, and an entry says by how much.
    assert result.root.exact == Fraction(21, 10)
    (entry,) = result.root.explanation
    assert (entry.kind, entry.points) == ("rounding", Fraction(2, 100))
    assert entry.text == "得分2.08分，按四舍五入保留1位小数为2.1分"
    assert result.total == Decimal("2.1")
    assert result.to_dict()["score"] == "2.1"


def test_grades_may_read_facts() -> None:
    text = (
        'rubric demo "示例" max 10\n'
        'fact serious: bool "存在严重问题"\nfact x: number "数值"\n'
        "grade 优秀 if total >= 9 and not serious\ngrade 合格 otherwise\n"
        'indicator a "一" max 10\n  +1 per 1 of x, proportionally\n'
    )
    r = rubric.loads(text)
    assert r.score({"serious": False, "x": 10}).grade == "优秀"
    assert r.score({"serious": True, "x": 10}).grade == "合格"


def test_a_number_on_the_left_reads_as_a_bound() -> None:
    r = make('fact n: count "户数" unit "户"', "  +1 if 1 > n\n  +1 if -1 < n\n", max_=2)
    assert texts(node(r, {"n": 5})) == [
        "户数为5户，不满足“< 1户”，未得1分",
        "户数为5户，满足“> -1户”，得1分",
    ]


def test_a_guard_protects_the_explanation_as_it_protects_the_score() -> None:
    r = make(
        'fact x: count "完成数"\nfact y: count "任务数"',
        '  let r "完成率" = x / y\n  +1 if y >= 1 and r >= 1\n  +1 if y = 0 or x / y >= 1\n',
        max_=2,
    )
    n = node(r, {"x": 1, "y": 0})
    assert n.score == 1
    assert texts(n) == [
        "任务数为0，不满足“≥ 1”；其余条件无从判断（各项均须满足，条件不成立），未得1分",
        "任务数为0，满足“= 0”；其余条件无从判断（满足其一即可，条件成立），得1分",
    ]
    assert dict(n.explanation[0].values) == {}
    assert dict(node(r, {"x": 2, "y": 1}).explanation[0].values) == {"r": 2}


def test_capped_deductions_read_alike() -> None:
    r = make(
        'fact rate: number "完成率" unit "%"\nfact s: set "问题"',
        "  start from full marks\n  -1 per 1 of rate short of 100, proportionally, at most 2\n"
        "  -1 for each of s, at most 2\n",
    )
    assert texts(node(r, {"rate": 95, "s": ["a", "b", "c"]}))[1:] == [
        "完成率 = 95.00%，比100%少5.00个百分点，每少1个百分点扣1分，扣5分；最多扣2分，按扣2分计",
        "问题：a、b、c，共3项，每项扣1分，共扣3分；最多扣2分，按扣2分计",
    ]


def test_zero_points_say_nothing_was_given() -> None:
    r = make('fact a: bool "甲"\nfact b: bool "乙"', "  +0 if a\n  +1 if b\n", max_=1)
    assert texts(node(r, {"a": True, "b": True}))[0] == "甲：是，不得分"
    assert texts(node(r, {"a": False, "b": True}))[0] == "甲：否，不得分"
