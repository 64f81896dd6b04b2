"""The example rubrics of rubrics/examples/ against their expected results and the oracle.

Three small rubrics of our own making (大气污染防治专项资金、城市管理综合考核、农村饮水安全项目)
together use every form of the 0.2 language (issue 3). For each, a few facts files sit in
rubrics/examples/<stem>/, and expected.json holds the results computed by the hand-written
oracle tests/examples_oracle.py (regenerate with `.venv/bin/python tests/examples_oracle.py`).
Several numbers are also worked out by hand below, with their arithmetic.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import rubric
from examples_oracle import SCORERS, expected_for, facts_files, fmt, read_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rubrics" / "examples"
STEMS = ("air_quality", "city_management", "rural_water")

CASES = [(stem, path.name) for stem in STEMS for path in facts_files(stem)]


@pytest.fixture(scope="module")
def rubrics() -> dict[str, rubric.Rubric]:
    return {stem: rubric.load(EXAMPLES / f"{stem}.rub") for stem in STEMS}


def expected(stem: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / stem / "expected.json").read_text("utf-8"))


def scores(result: rubric.Result) -> dict[str, str]:
    return {node.id: str(node.score) for node in result}


# ---------------------------------------------------------------------------
# The facts files against expected.json
# ---------------------------------------------------------------------------


def test_every_rubric_has_facts_files_and_expected_results() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.rub")) == list(STEMS)
    for stem in STEMS:
        names = [path.name for path in facts_files(stem)]
        assert 2 <= len(names) <= 3
        assert sorted(expected(stem)) == names


@pytest.mark.parametrize(("stem", "name"), CASES, ids=[f"{s}/{n}" for s, n in CASES])
def test_facts_file_scores_as_expected(
    rubrics: dict[str, rubric.Rubric], stem: str, name: str
) -> None:
    want = expected(stem)[name]
    facts = rubric.load_facts(EXAMPLES / stem / name)
    if "error" in want:
        assert want["error"] == "FactsError"
        with pytest.raises(rubric.FactsError, match="falls in none of the bands"):
            rubrics[stem].score(facts)
        return
    result = rubrics[stem].score(facts)
    assert str(result.total) == want["total"]
    assert result.grade == want["grade"]
    assert scores(result) == want["nodes"]
    assert str(result.root.score) == want["total"]
    not_applicable = sorted(node.id for node in result if not node.applicable)
    assert not_applicable == want["not_applicable"]


@pytest.mark.parametrize(("stem", "name"), CASES, ids=[f"{s}/{n}" for s, n in CASES])
def test_expected_json_is_what_the_oracle_computes(stem: str, name: str) -> None:
    assert expected(stem)[name] == expected_for(stem, read_facts(EXAMPLES / stem / name))


@pytest.mark.parametrize(("stem", "name"), CASES, ids=[f"{s}/{n}" for s, n in CASES])
def test_engine_agrees_with_the_oracle(
    rubrics: dict[str, rubric.Rubric], stem: str, name: str
) -> None:
    path = EXAMPLES / stem / name
    oracle = expected_for(stem, read_facts(path))
    if "error" in oracle:
        with pytest.raises(rubric.FactsError):
            rubrics[stem].score(rubric.load_facts(path))
        return
    result = rubrics[stem].score(rubric.load_facts(path))
    assert (str(result.total), result.grade, scores(result)) == (
        oracle["total"],
        oracle["grade"],
        oracle["nodes"],
    )


# ---------------------------------------------------------------------------
# Numbers worked out by hand (independently of the oracle and the engine)
# ---------------------------------------------------------------------------

HAND: list[tuple[str, str, str, str]] = [
    # air_quality / qinghe_county
    # 预算执行率 1950.5/2000 = 97.525%，少2.475个百分点 × 0.2 = 0.495；10 − 0.495 = 9.505 → 9.51（四舍五入）
    ("air_quality", "qinghe_county.json", "input.execution", "9.51"),
    # 管理: 10 − 1（制度1条）− 1（支付2笔×0.5）− 0.5（酌情，档案池内）= 7.5
    ("air_quality", "qinghe_county.json", "input.management", "7.50"),
    # 优良天数 292/365 = 80% 恰在“80%(含)”档 → 12
    ("air_quality", "qinghe_county.json", "output.good_days", "12.00"),
    # 满意度 360/400 = 90% 恰为“≧90%” → 15
    ("air_quality", "qinghe_county.json", "effect.satisfaction", "15.00"),
    # 达标排放 10 × 17/18 = 9.444…；× 0.8 = 7.555… → 7.56（先舍入再乘则为 9.44 × 0.8 = 7.552 → 7.55）
    ("air_quality", "qinghe_county.json", "effect.enterprise", "7.56"),
    # 加分 2（表彰）+ 0.5 × ⌊17/5⌋ = 1.5（完成率117%）= 3.5，累计不超过3分 → 3
    ("air_quality", "qinghe_county.json", "bonus", "3.00"),
    # 投诉8件 × 0.5 = 4，本项最多扣3分 → −3
    ("air_quality", "qinghe_county.json", "penalties.complaints", "-3.00"),
    # 17.01 + 37 + 37.56 + 3 − 3 = 91.57 ≥ 90，但审计发现严重问题 → 良好（见 test_grades_by_hand）
    ("air_quality", "qinghe_county.json", "air_quality", "91.57"),
    # air_quality / hongshan_county
    # 管理: 10 − 3 − min(3, 5) − min(5, 7 + 2) = −1 → 0（三个池的上限 4 + 3 + 5 = 12 > 10）
    ("air_quality", "hongshan_county.json", "input.management", "0.00"),
    # PM2.5 38.8，超3.8 → 不足1按1计，4档 × 2 = 8；15 − 8 = 7
    ("air_quality", "hongshan_county.json", "output.pm25", "7.00"),
    # 下降率 (40 − 38.8)/40 = 3% 恰在“3%(含)”档 → 6
    ("air_quality", "hongshan_county.json", "output.decline", "6.00"),
    # 满意度 563/750 = 75.0666…%；15 × 15.0666…/30 = 7.5333… → 7.53
    ("air_quality", "hongshan_county.json", "effect.satisfaction", "7.53"),
    # 2 + 21 + 27.53 + 0 − 60 − 0.5 = −9.97 → 总分不低于0
    ("air_quality", "hongshan_county.json", "air_quality", "0.00"),
    # city_management / dongcheng_district
    # 进步分: 96 − 93.75 = 2.25 → 22.5档 → 整档22 × 2 = 44；加权 40 × (60×100/100 + 40×44/100)/100 = 31.04
    ("city_management", "dongcheng_district.json", "routine.env", "31.04"),
    # 取较高者: 水平分 20 − 3×2 = 14（70%），进步分 (7 − 3)×2 = 8（80%）→ 20 × 0.8 = 16
    ("city_management", "dongcheng_district.json", "routine.sanitation", "16.00"),
    # (31.04 + 16 + 20 + 40) × 100/120 = 89.2
    ("city_management", "dongcheng_district.json", "routine", "89.20"),
    # 加分组不设上限: 3 + 1.5 × 2 = 6
    ("city_management", "dongcheng_district.json", "bonus", "6.00"),
    # city_management / xishan_district
    # 成就分: 90 在 [80, 95) 段，60 + 40 × 10/15 = 86.666… → 86.67
    ("city_management", "xishan_district.json", "routine.env.achievement", "86.67"),
    # 进步分: 0.05 不足0.1 → 0；加权 40 × 60 × 86.67/100/100 = 20.8008 → 20.80
    ("city_management", "xishan_district.json", "routine.env", "20.80"),
    # 二者择其一（未建平台）: 进度 95.5/10 = 9.55（满分10）→ 20 × 9.55/10 = 19.1
    ("city_management", "xishan_district.json", "routine.digital", "19.10"),
    # 无滨水设施，分摊: 道路 25 − 2 × 0.65 = 23.7；23.7 × 40/25 = 37.92
    ("city_management", "xishan_district.json", "routine.facilities", "37.92"),
    # (20.80 + 20 + 19.1 + 37.92)/1.2 = 81.5166… → 81.52
    ("city_management", "xishan_district.json", "routine", "81.52"),
    # 81.52 + 4.5 = 86.02；市容环境 20.80 < 24 → 最高80；未按时报送 × 0.95 → 76
    ("city_management", "xishan_district.json", "city_management", "76.00"),
    # city_management / beiyuan_district
    # 事故3起 × 10 = 30，本项最多扣20；曝光6次 × 2 = 12；合计32，扣分项最多扣30
    ("city_management", "beiyuan_district.json", "deductions", "-30.00"),
    # (10.8 + 12 + 0 + 5)/1.2 = 23.1666… → 23.17；23.17 − 30 = −6.83（允许负分）
    ("city_management", "beiyuan_district.json", "city_management", "-6.83"),
    # rural_water / liangshan_county
    # 挪用资金 → 本项最高0分（15 − 3 = 12 → 0）
    ("rural_water", "liangshan_county.json", "process.funds", "0.00"),
    # 延期1个月: 10 − 2 = 8；未通过竣工验收，最高6分 → 6
    ("rural_water", "liangshan_county.json", "process.schedule", "6.00"),
    # 不适用（未达招标限额）→ 满分5；成本 525/500 = 105% 恰在“100%-105%(含)”档 → 3；(0 + 6 + 5 + 3) × 25/35 = 10
    ("rural_water", "liangshan_county.json", "process", "10.00"),
    # 水质 397/400 = 99.25%，少0.75个百分点 → 7.5档 → 整档7 × 0.5 = 3.5；15 − 3.5 = 11.5
    ("rural_water", "liangshan_county.json", "output.quality", "11.50"),
    # 停水48小时: 10 − 10 × (48 − 24)/(72 − 24) = 5
    ("rural_water", "liangshan_county.json", "output.outage", "5.00"),
    # 管护: 4 + min(6, 4 × 45/60 + 4 × 20/24 = 3 + 3.333…) = 10
    ("rural_water", "liangshan_county.json", "effect.maintenance", "10.00"),
    # 效益 (8 + 10) × 0.9 = 16.2
    ("rural_water", "liangshan_county.json", "effect", "16.20"),
    # rural_water / pingyuan_county
    # 水质 599/600：少0.1666…个百分点 → 1档 → 14.5；未经第三方检测 × 0.8 = 11.6
    ("rural_water", "pingyuan_county.json", "output.quality", "11.60"),
    # 过程 (11 + 10 + 5 + 5) × 25/35 = 22.142… → 22.14
    ("rural_water", "pingyuan_county.json", "process", "22.14"),
    # 水源地保护不参评: (14 + 22.14 + 21.6 + 20) × 100/85 = 91.4588… → 91.46
    ("rural_water", "pingyuan_county.json", "rural_water", "91.46"),
    # rural_water / shuangqiao_township
    # 停水30.5小时: 10 × (72 − 30.5)/48 = 8.6458… → 8.65
    ("rural_water", "shuangqiao_township.json", "output.outage", "8.65"),
    # 过程 (15 + 0 + 3 + 0) × 25/35 = 12.857… → 12.86
    ("rural_water", "shuangqiao_township.json", "process", "12.86"),
]


@pytest.mark.parametrize(
    ("stem", "name", "node", "score"), HAND, ids=[f"{s}/{n}/{d}" for s, n, d, _ in HAND]
)
def test_hand_computed_scores(
    rubrics: dict[str, rubric.Rubric], stem: str, name: str, node: str, score: str
) -> None:
    assert expected(stem)[name]["nodes"][node] == score
    result = rubrics[stem].score(rubric.load_facts(EXAMPLES / stem / name))
    assert str(result[node].score) == score


def test_grades_by_hand(rubrics: dict[str, rubric.Rubric]) -> None:
    def grade(stem: str, name: str) -> str | None:
        return rubrics[stem].score(rubric.load_facts(EXAMPLES / stem / name)).grade

    # 91.57 ≥ 90 but 审计发现严重问题: not 优秀.
    assert grade("air_quality", "qinghe_county.json") == "良好"
    # The veto is the first grade line: 重大突发大气环境事件 → 不合格 (total 0 would be 差).
    assert grade("air_quality", "hongshan_county.json") == "不合格"
    # 93.20 and 环境卫生 exactly 16 (≥ 16): 优秀.
    assert grade("city_management", "dongcheng_district.json") == "优秀"
    # 91.46 ≥ 90 but 资金使用合规性 11 < 12: not 优秀.
    assert grade("rural_water", "pingyuan_county.json") == "良好"


# ---------------------------------------------------------------------------
# Variants of the facts files at further boundaries: engine, oracle and hand agree
# ---------------------------------------------------------------------------

D = Decimal

VARIANTS: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
    # PM2.5 35.01: 超0.01，不足1按1计 → 15 − 2 = 13
    ("air_quality", "qinghe_county.json", {"pm25": D("35.01")}, {"output.pm25": "13.00"}),
    # 306/360 = 85% → ≧85 → 15；310/365 ≈ 84.93% → 12
    (
        "air_quality",
        "qinghe_county.json",
        {"good_days": 306, "monitored_days": 360},
        {"output.good_days": "15.00"},
    ),
    ("air_quality", "qinghe_county.json", {"good_days": 310}, {"output.good_days": "12.00"}),
    # 下降 (40 − 38)/40 = 5% → 10；PM2.5 超3 → 15 − 6 = 9
    (
        "air_quality",
        "qinghe_county.json",
        {"pm25": 38, "pm25_last_year": 40},
        {"output.decline": "10.00", "output.pm25": "9.00"},
    ),
    # 下降恰为0 → “0(含)-3%” → 2
    (
        "air_quality",
        "qinghe_county.json",
        {"pm25": 37},
        {"output.decline": "2.00", "output.pm25": "11.00"},
    ),
    # 完成率104.9%：不足5% → 0；105%：1档 → 0.5；加分 2 + 0.5 = 2.5 未超3
    (
        "air_quality",
        "qinghe_county.json",
        {"households_converted": 1049},
        {"bonus.overachievement": "0.00", "bonus": "2.00"},
    ),
    (
        "air_quality",
        "qinghe_county.json",
        {"households_converted": 1050},
        {"bonus.overachievement": "0.50", "bonus": "2.50"},
    ),
    # 满意度60% → 段的下端 0；359/400 = 89.75% → 15 × 29.75/30 = 14.875 → 14.88
    ("air_quality", "qinghe_county.json", {"satisfied": 240}, {"effect.satisfaction": "0.00"}),
    ("air_quality", "qinghe_county.json", {"satisfied": 359}, {"effect.satisfaction": "14.88"}),
    # 酌情扣分写作 0（不调整）→ 10 − 1 − 1 = 8
    ("air_quality", "qinghe_county.json", {"manual_adjustment": 0}, {"input.management": "8.00"}),
    # 执行率105%：不少于100% → 10
    ("air_quality", "qinghe_county.json", {"funds_spent": 2100}, {"input.execution": "10.00"}),
    # 数据未造假：10 × 17/18 = 9.444… → 9.44
    (
        "air_quality",
        "qinghe_county.json",
        {"monitoring_data_irregular": False},
        {"effect.enterprise": "9.44"},
    ),
    # 无严重问题 → 91.57 评为优秀
    ("air_quality", "qinghe_county.json", {"serious_audit_issue": False}, {"air_quality": "91.57"}),
    # 指数80：第二段的下端 60；进步0.1恰为1档 → 2；40 × (36 + 0.8)/100 = 14.72 < 24 → 总分最高80
    (
        "city_management",
        "dongcheng_district.json",
        {"env_index": 80, "env_index_last_year": D("79.9")},
        {
            "routine.env.achievement": "60.00",
            "routine.env.progress": "2.00",
            "routine.env": "14.72",
        },
    ),
    # 指数95 → otherwise 100；进步 1.25 → 12档 → 24；40 × (60 + 9.6)/100 = 27.84
    (
        "city_management",
        "dongcheng_district.json",
        {"env_index": 95},
        {"routine.env.achievement": "100.00", "routine.env": "27.84"},
    ),
    # 指数60 → “≦60” 0
    (
        "city_management",
        "dongcheng_district.json",
        {"env_index": 60, "env_index_last_year": 60},
        {"routine.env.achievement": "0.00", "routine.env": "0.00"},
    ),
    # 市容环境恰为24：不低于24，总分不设上限；(24 + 16 + 20 + 40)/1.2 = 83.33；83.33 + 6 − 2 = 87.33
    (
        "city_management",
        "dongcheng_district.json",
        {"env_index_last_year": 96},
        {"routine.env": "24.00", "city_management": "87.33"},
    ),
    # 集中投诉：环境卫生最高12；(31.04 + 12 + 20 + 40)/1.2 = 85.87；85.87 + 6 − 2 = 89.87
    (
        "city_management",
        "dongcheng_district.json",
        {"mass_complaint": True},
        {"routine.sanitation": "12.00", "city_management": "89.87"},
    ),
    # 未按时报送：93.2 × 0.95 = 88.54
    (
        "city_management",
        "dongcheng_district.json",
        {"late_report": True},
        {"city_management": "88.54"},
    ),
    # 未按时报送但总分为负（−6.83）：×95%只折减正分，负分不被抬向0
    (
        "city_management",
        "beiyuan_district.json",
        {"late_report": True},
        {"city_management": "-6.83"},
    ),
    # 无滨水设施、道路满分：25 × 40/25 = 40
    (
        "city_management",
        "dongcheng_district.json",
        {"no_waterfront": True},
        {"routine.facilities": "40.00"},
    ),
    # 未建平台、进度100%：10/10 → 20
    (
        "city_management",
        "dongcheng_district.json",
        {"platform_built": False},
        {"routine.digital": "20.00"},
    ),
    # 结案率94.99 → 12
    (
        "city_management",
        "dongcheng_district.json",
        {"closure_rate": D("94.99")},
        {"routine.digital": "12.00"},
    ),
    # 停水72小时：段的上端 0；72.5 → ＞72 → 0；24.5 → 10 − 10 × 0.5/48 = 9.8958… → 9.90
    ("rural_water", "liangshan_county.json", {"outage_hours": 72}, {"output.outage": "0.00"}),
    (
        "rural_water",
        "liangshan_county.json",
        {"outage_hours": D("72.5")},
        {"output.outage": "0.00"},
    ),
    (
        "rural_water",
        "liangshan_county.json",
        {"outage_hours": D("24.5")},
        {"output.outage": "9.90"},
    ),
    # 成本 500.05/500 = 100.01% → 3；500 → 5；525.05 → 105.01% → 0
    (
        "rural_water",
        "liangshan_county.json",
        {"actual_cost": D("500.05")},
        {"process.cost": "3.00"},
    ),
    ("rural_water", "liangshan_county.json", {"actual_cost": 500}, {"process.cost": "5.00"}),
    (
        "rural_water",
        "liangshan_county.json",
        {"actual_cost": D("525.05")},
        {"process.cost": "0.00"},
    ),
    # 满意度 270/300 = 90% → 8；286/300 ≈ 95.33% → 10；239/300 ≈ 79.67% → 0
    (
        "rural_water",
        "liangshan_county.json",
        {"households_satisfied": 270},
        {"effect.satisfaction": "8.00"},
    ),
    (
        "rural_water",
        "liangshan_county.json",
        {"households_satisfied": 286},
        {"effect.satisfaction": "10.00"},
    ),
    (
        "rural_water",
        "liangshan_county.json",
        {"households_satisfied": 239},
        {"effect.satisfaction": "0.00"},
    ),
    # 999/1000 = 99.9%：恰少0.1个百分点 → 1档 → 14.5
    (
        "rural_water",
        "liangshan_county.json",
        {"samples_tested": 1000, "samples_qualified": 999},
        {"output.quality": "14.50"},
    ),
    # 未挪用：15 − 3 = 12；(12 + 6 + 5 + 3) × 25/35 = 18.571… → 18.57
    (
        "rural_water",
        "liangshan_county.json",
        {"funds_misappropriated": False},
        {"process.funds": "12.00", "process": "18.57"},
    ),
    # 已验收：不设6分上限 → 8
    (
        "rural_water",
        "liangshan_county.json",
        {"completion_accepted": True},
        {"process.schedule": "8.00"},
    ),
    # 达到招标限额、两项都不满足 → 0；(0 + 6 + 0 + 3) × 25/35 = 6.428… → 6.43
    (
        "rural_water",
        "liangshan_county.json",
        {"below_tender_threshold": False},
        {"process.tendering": "0.00", "process": "6.43"},
    ),
    # 佐证完整：效益不折算 → 18
    ("rural_water", "liangshan_county.json", {"evidence_incomplete": False}, {"effect": "18.00"}),
    # 专家评分0.5 → 1
    (
        "rural_water",
        "liangshan_county.json",
        {"expert_score": D("0.5")},
        {"decision.expert": "1.00"},
    ),
]


@pytest.mark.parametrize(
    ("stem", "name", "overrides", "hand"),
    VARIANTS,
    ids=[f"{s}/{n}/{'+'.join(o)}" for s, n, o, _ in VARIANTS],
)
def test_variants_agree_with_oracle_and_hand(
    rubrics: dict[str, rubric.Rubric],
    stem: str,
    name: str,
    overrides: dict[str, Any],
    hand: dict[str, str],
) -> None:
    path = EXAMPLES / stem / name
    engine_facts = {**rubric.load_facts(path), **overrides}
    oracle_facts = {**read_facts(path), **overrides}
    result = rubrics[stem].score(engine_facts)
    oracle = SCORERS[stem](oracle_facts)
    assert str(result.total) == fmt(oracle["total"])
    assert result.grade == oracle["grade"]
    assert scores(result) == {node: fmt(score) for node, score in oracle["nodes"].items()}
    for node, score in hand.items():
        assert str(result[node].score) == score


# ---------------------------------------------------------------------------
# Facts the rubrics refuse
# ---------------------------------------------------------------------------


def test_a_value_in_no_band_is_a_facts_error(rubrics: dict[str, rubric.Rubric]) -> None:
    facts = rubric.load_facts(EXAMPLES / "air_quality" / "error_pm25_rise.json")
    with pytest.raises(rubric.FactsError, match=r"PM2\.5浓度同比下降率 = -5\.26%") as caught:
        rubrics["air_quality"].score(facts)
    assert "otherwise" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (D("3.3"), "steps of 0.5"),
        (D("5.5"), "≤ 5"),
        (D("-0.5"), "≥ 0"),
    ],
)
def test_scale_fact_is_checked(
    rubrics: dict[str, rubric.Rubric], value: Decimal, message: str
) -> None:
    facts = {
        **rubric.load_facts(EXAMPLES / "rural_water" / "pingyuan_county.json"),
        "expert_score": value,
    }
    with pytest.raises(rubric.FactsError, match=re.escape(message)):
        rubrics["rural_water"].score(facts)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"points": D("-2.5"), "reason": "超出酌情扣分范围"}, "≥ -2"),
        ({"points": D("0.5"), "reason": "不应加分"}, "≤ 0"),
        ({"points": -1}, "reason"),
        (-1, "reason"),
    ],
)
def test_adjustment_fact_is_checked(
    rubrics: dict[str, rubric.Rubric], value: object, message: str
) -> None:
    facts = {
        **rubric.load_facts(EXAMPLES / "air_quality" / "qinghe_county.json"),
        "manual_adjustment": value,
    }
    with pytest.raises(rubric.FactsError, match=re.escape(message)):
        rubrics["air_quality"].score(facts)


# ---------------------------------------------------------------------------
# Together, the three rubrics use every form of issue 3 / spec 0.2
# ---------------------------------------------------------------------------


def code_lines(stem: str) -> list[str]:
    """The rubric's lines with comments removed (a '#' inside quotes is text)."""
    lines = []
    for line in (EXAMPLES / f"{stem}.rub").read_text("utf-8").splitlines():
        quoted = False
        for i, char in enumerate(line):
            if char == '"':
                quoted = not quoted
            elif char == "#" and not quoted:
                line = line[:i]
                break
        if line.strip():
            lines.append(line.rstrip())
    return lines


class Block:
    """One context of a rubric: the header area, a group line, or an indicator."""

    def __init__(self, kind: str, line: str) -> None:
        self.kind = kind
        self.line = line
        self.body: list[str] = []

    @property
    def max(self) -> Decimal | None:
        found = re.search(r"\bmax ([\d.]+)", self.line)
        return Decimal(found.group(1)) if found else None

    @property
    def id(self) -> str:
        return self.line.split()[1]


def blocks(stem: str) -> list[Block]:
    result = [Block("header", "")]
    for line in code_lines(stem):
        word = line.split()[0]
        if word in ("group", "indicator"):
            result.append(Block(word, line.strip()))
        else:
            result[-1].body.append(line.strip())
    return result


def tables(block: Block) -> list[list[tuple[str, str]]]:
    """The `points by` tables of an indicator: lists of (band, points) arms."""
    found: list[list[tuple[str, str]]] = []
    for line in block.body:
        if line.startswith("points by"):
            found.append([])
            line = line.split(":", 1)[1]
        elif not re.match(r"^(≦|≧|＜|＞|<|>|=|otherwise|\w+ ->)", line) or not found:
            continue
        for arm in filter(None, (part.strip() for part in line.split(","))):
            band, points = (part.strip() for part in arm.split("->"))
            found[-1].append((band, points))
    return found


ALL = {stem: blocks(stem) for stem in STEMS}
INDICATORS = [b for stem in STEMS for b in ALL[stem] if b.kind == "indicator"]
GROUPS = [b for stem in STEMS for b in ALL[stem] if b.kind == "group"]
TABLES = [t for b in INDICATORS for t in tables(b)]
RULES = [line for b in INDICATORS for line in b.body]
TEXT = "\n".join(line for stem in STEMS for line in code_lines(stem))


def _tier(table: list[tuple[str, str]]) -> bool:
    return all(" to " not in points for _, points in table)


def _first_arm_is_best(table: list[tuple[str, str]], signs: tuple[str, ...]) -> bool:
    band, points = table[0]
    return band.startswith(signs) and Decimal(points) == max(
        Decimal(p) for _, p in table if " to " not in p
    )


def _pools(block: Block) -> list[Decimal]:
    return [
        Decimal(m.group(1))
        for line in block.body
        if (m := re.match(r"pool .* at most ([\d.]+)$", line))
    ]


def _deduction_groups() -> list[tuple[Block, list[Block]]]:
    found = []
    for group in GROUPS:
        if re.search(r"\bdeductions\b", group.line):
            found.append((group, [b for b in INDICATORS if b.id.startswith(group.id + ".")]))
    return found


def _count_facts_with_unit(unit: str) -> set[str]:
    return set(re.findall(rf'^fact (\w+): count\b.*unit "{unit}"$', TEXT, re.M))


def _per_one_of(fact_names: set[str]) -> bool:
    return any(re.search(rf"per 1 of {name}\b", rule) for name in fact_names for rule in RULES)


def _one_of_children_without_policy() -> bool:
    for group in GROUPS:
        if group.line.endswith(", one of"):
            children = [b for b in INDICATORS if b.id.startswith(group.id + ".")]
            na = [line for b in children for line in b.body if line.startswith("not applicable if")]
            if len(na) == len(children) >= 2 and not any("," in line for line in na):
                return True
    return False


def _weights_differ_from_maxes() -> bool:
    weighted = [g for g in GROUPS if g.line.endswith(", weighted")]
    for group in weighted:
        children = [b for b in INDICATORS if b.id.startswith(group.id + ".")]
        weights = [Decimal(re.search(r"\bweight ([\d.]+)", b.line).group(1)) for b in children]
        if len(children) >= 2 and weights != [b.max for b in children]:
            return True
    return False


def _scaled_to(target_is_100: bool) -> bool:
    for group in GROUPS:
        if group.line.endswith(", scaled"):
            children = [
                b
                for b in ALL_BLOCKS
                if b.id.startswith(group.id + ".") and b.id.count(".") == group.id.count(".") + 1
            ]
            total = sum((b.max or Decimal(0)) for b in children)
            if total != group.max and (group.max == 100) == target_is_100:
                return True
    return False


ALL_BLOCKS = [b for stem in STEMS for b in ALL[stem] if b.kind != "header"]

FORMS: dict[str, Any] = {
    # 1. tables
    "tier bands, higher is better": lambda: any(
        _tier(t) and _first_arm_is_best(t, ("≧", ">=", ">", "＞")) for t in TABLES
    ),
    "tier bands, lower is better": lambda: any(
        _tier(t) and _first_arm_is_best(t, ("≦", "<=", "<", "＜")) for t in TABLES
    ),
    "band with inclusive lower, exclusive upper bound": lambda: any(
        re.fullmatch(r">= [\d.]+ and < [\d.]+", b) for t in TABLES for b, _ in t
    ),
    "band with exclusive lower, inclusive upper bound": lambda: any(
        re.fullmatch(r"> [\d.]+ and <= [\d.]+", b) for t in TABLES for b, _ in t
    ),
    "≦ ≧ ＜ ＞ in bands": lambda: all(
        any(b.startswith(sign) for t in TABLES for b, _ in t) for sign in "≦≧＜＞"
    ),
    "table without otherwise": lambda: any(all(b != "otherwise" for b, _ in t) for t in TABLES),
    # 2. steps
    "per 1 percentage point, proportionally": lambda: any(
        re.search(r"per 1 of \w+ short of 100, proportionally$", r) for r in RULES
    ),
    "per 0.1 point": lambda: any(re.search(r"per 0\.1 of ", r) for r in RULES),
    "per 5 percent": lambda: any(re.search(r"per 5 of \w+ over 100\b", r) for r in RULES),
    "per 1 μg/m³": lambda: (
        any(re.search(r"per 1 of pm25 over 35\b", r) for r in RULES) and 'unit "μg/m³"' in TEXT
    ),
    "per 1 month": lambda: _per_one_of(_count_facts_with_unit("个月")),
    "per 1 case": lambda: _per_one_of(
        _count_facts_with_unit("笔") | _count_facts_with_unit("起") | _count_facts_with_unit("件")
    ),
    "reading: proportionally": lambda: any(r.endswith(", proportionally") for r in RULES),
    "reading: whole steps only": lambda: any(", whole steps only" in r for r in RULES),
    "reading: any part counts as a step": lambda: any(
        ", any part counts as a step" in r for r in RULES
    ),
    # 3. pools
    "several capped pools adding up to more than the item": lambda: any(
        len(_pools(b)) >= 2 and sum(_pools(b)) > (b.max or 0) for b in INDICATORS
    ),
    # 4. start from full marks
    "start from full marks": lambda: "start from full marks" in RULES,
    # 5. proportional scores and multipliers
    "points = …, at most N": lambda: any(
        re.match(r"points = .*, at most [\d.]+$", r) for r in RULES
    ),
    "points = … uncapped": lambda: any(re.match(r"points = [^,]*$", r) for r in RULES),
    "points = … in a pool": lambda: any(
        re.match(r"pool ", b.body[i]) and any(x.startswith("points = ") for x in b.body[i + 1 :])
        for b in INDICATORS
        for i in range(len(b.body))
    ),
    "× 0.8 if": lambda: any(r.startswith("× 0.8 if ") for r in RULES),
    "* K if": lambda: re.search(r"^\s*\* [\d.]+ if ", TEXT, re.M) is not None,
    # 6. interpolation
    "linear segment, higher is better": lambda: any(
        re.fullmatch(r"0 to [\d.]+", p) for t in TABLES for _, p in t
    ),
    "linear segment, lower is better": lambda: any(
        re.fullmatch(r"[1-9][\d.]* to 0", p) for t in TABLES for _, p in t
    ),
    "piecewise table of segments": lambda: any(sum(" to " in p for _, p in t) >= 2 for t in TABLES),
    # 7. zeroing threshold and all-or-nothing
    "at most 0 if, then per-occurrence deductions": lambda: any(
        any(r.startswith("at most 0 if ") for r in b.body)
        and any(re.match(r"-[\d.]+ per 1 of ", r) for r in b.body)
        for b in INDICATORS
    ),
    "all-or-nothing item": lambda: any(
        len(b.body) == 1
        and (m := re.match(r"\+([\d.]+) if .* and ", b.body[0]))
        and Decimal(m.group(1)) == b.max
        for b in INDICATORS
    ),
    # 8. bonus, deductions, total
    "bonus group with a cap": lambda: any(
        re.search(r'" bonus at most [\d.]+$', g.line) for g in GROUPS
    ),
    "bonus group without a cap": lambda: any(g.line.endswith('" bonus') for g in GROUPS),
    "deductions group without a cap": lambda: any(g.line.endswith('" deductions') for g in GROUPS),
    "deductions group with a cap": lambda: any(
        re.search(r'" deductions at most [\d.]+$', g.line) for g in GROUPS
    ),
    "deduction items with and without max": lambda: any(
        any(b.max is None for b in items) and any(b.max is not None for b in items)
        for _, items in _deduction_groups()
    ),
    "allow negative total": lambda: "allow negative total" in TEXT,
    "total floored at 0 (a rubric with deductions, no allow negative total)": lambda: any(
        "allow negative total" not in "\n".join(code_lines(s))
        and re.search(r"\bdeductions\b", "\n".join(code_lines(s)))
        for s in STEMS
    ),
    # 9. grades and caps
    "veto grade line first": lambda: any(
        (first := next(line for line in code_lines(s) if line.startswith("grade ")))
        and "total" not in first
        for s in STEMS
    ),
    "grade precondition: and not": lambda: (
        re.search(r"^grade \S+ if total >= [\d.]+ and not \w+$", TEXT, re.M) is not None
    ),
    "grade precondition: score of ID": lambda: (
        re.search(r"^grade \S+ if total >= [\d.]+ and score of [\w.]+ ", TEXT, re.M) is not None
    ),
    "cap on an item": lambda: any(re.match(r"at most [1-9][\d.]* if ", r) for r in RULES),
    "cap on a group": lambda: any(any(r.startswith("at most ") for r in g.body) for g in GROUPS),
    "cap on the total, with score of ID": lambda: any(
        any(re.match(r"at most [\d.]+ if score of ", r) for r in ALL[s][0].body) for s in STEMS
    ),
    "multiplier on a group": lambda: any(
        any(re.match(r"(\*|×) [\d.]+ if ", r) for r in g.body) for g in GROUPS
    ),
    "multiplier on the total": lambda: any(
        any(re.match(r"(\*|×) [\d.]+ if ", r) for r in ALL[s][0].body) for s in STEMS
    ),
    # 10. not applicable
    "not applicable, full marks": lambda: any(
        r.startswith("not applicable if ") and r.endswith(", full marks") for r in RULES
    ),
    "not applicable, rescale the total": lambda: ", rescale the total" in TEXT,
    "not applicable, redistribute to siblings": lambda: any(
        r.endswith(", redistribute to siblings") for r in RULES
    ),
    "not applicable on a group": lambda: any(
        any(r.startswith("not applicable if ") for r in g.body) for g in GROUPS
    ),
    "not applicable without a policy (one of)": _one_of_children_without_policy,
    # 11. aggregates
    "weighted group, weights not the maxes": _weights_differ_from_maxes,
    "scaled group, normalised to 100": lambda: _scaled_to(True),
    "scaled group, normalised to its max": lambda: _scaled_to(False),
    "best of": lambda: any(g.line.endswith(", best of") for g in GROUPS),
    "one of": lambda: any(g.line.endswith(", one of") for g in GROUPS),
    # 12. adjustment
    "adjustment fact with bounds, and adjust by": lambda: (
        re.search(r"^fact (\w+): adjustment >= -[\d.]+ and <= 0 ", TEXT, re.M) is not None
        and any(r.startswith("adjust by ") for r in RULES)
    ),
    # 13. scale fact
    "scale fact in steps of 0.5, used in scoring": lambda: (
        (m := re.search(r"^fact (\w+): number >= 0 and <= 5 in steps of 0\.5 ", TEXT, re.M))
        is not None
        and any(m.group(1) in r for r in RULES)
    ),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_the_examples_use_every_form(form: str) -> None:
    assert FORMS[form](), form


def test_the_rubrics_are_small_and_round_indicators() -> None:
    for stem in STEMS:
        indicators = [b for b in ALL[stem] if b.kind == "indicator"]
        assert 6 <= len(indicators) <= 12, stem
        assert "round indicators to 2 places half up" in code_lines(stem)
