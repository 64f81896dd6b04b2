"""Hand-written, independent scorers of the three example rubrics in rubrics/examples/.

Each scorer follows the (invented) table text quoted in the .rub file's comments, written
straight in Python with exact Fractions; nothing here imports `rubric`. Rounding follows the
rubrics' `round indicators to 2 places half up`: every indicator is rounded after it is limited
(and multiplied); a group whose score is not a plain sum of its children (scaled, weighted,
best of, one of, redistributed, capped, multiplied) is rounded; so is the total when it is
rescaled, capped, multiplied or floored.

Run it as a script to regenerate rubrics/examples/<stem>/expected.json from the facts files:

    .venv/bin/python tests/examples_oracle.py

expected.json maps each facts file name to {"total", "grade", "not_applicable" (the ids of the
nodes that do not apply), "nodes" (every node's score with 2 decimals, the root first)}, or, for
facts that cannot be scored, to {"error": "FactsError", "reason": …}.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

F = Fraction
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rubrics" / "examples"


class NoBandError(Exception):
    """A value falls in none of the bands of a table that has no 'otherwise' arm."""


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def read_facts(path: Path) -> dict[str, Any]:
    """A facts file, with every decimal read exactly (as a Fraction of its digits)."""
    with path.open(encoding="utf-8") as handle:
        return cast(dict[str, Any], json.load(handle, parse_float=Fraction))


def num(facts: Mapping[str, Any], name: str) -> Fraction:
    value = facts[name]
    assert not isinstance(value, bool)
    return Fraction(value)


def flag(facts: Mapping[str, Any], name: str) -> bool:
    value = facts[name]
    assert isinstance(value, bool)
    return value


def adjustment(facts: Mapping[str, Any], name: str) -> Fraction:
    value = facts[name]
    if isinstance(value, dict):
        return Fraction(value["points"])
    return Fraction(value)


def r2(value: Fraction) -> Fraction:
    """Round to hundredths, half up (ties away from zero)."""
    sign = -1 if value < 0 else 1
    hundredths = abs(value) * 100
    return sign * Fraction(math.floor(hundredths + F(1, 2)), 100)


def clamp(value: Fraction, low: Fraction | int | None, high: Fraction | int | None) -> Fraction:
    if low is not None and value < low:
        value = Fraction(low)
    if high is not None and value > high:
        value = Fraction(high)
    return value


def indicator(raw: Fraction, maximum: int) -> Fraction:
    """An ordinary indicator: limited to [0, max], then rounded."""
    return r2(clamp(raw, 0, maximum))


def short_of(value: Fraction, target: Fraction | int) -> Fraction:
    return max(Fraction(0), target - value)


def over(value: Fraction, target: Fraction | int) -> Fraction:
    return max(Fraction(0), value - target)


def proportional_steps(quantity: Fraction, step: Fraction | int) -> Fraction:
    return quantity / step


def whole_steps(quantity: Fraction, step: Fraction | int) -> int:
    return math.floor(quantity / step)


def any_part_steps(quantity: Fraction, step: Fraction | int) -> int:
    return math.ceil(quantity / step)


def segment(value: Fraction, low: int, high: int, at_low: int, at_high: int) -> Fraction:
    """Linear from `at_low` points at `low` to `at_high` points at `high`."""
    return at_low + Fraction(at_high - at_low) * (value - low) / (high - low)


def pool(points: Fraction, cap: int) -> Fraction:
    """A pool caps what its rules give or take together: at most `cap` either way."""
    return clamp(points, -cap, cap)


# ---------------------------------------------------------------------------
# air_quality: 大气污染防治专项资金绩效评价
# ---------------------------------------------------------------------------


def score_air_quality(f: Mapping[str, Any]) -> dict[str, Any]:
    s: dict[str, Fraction] = {}

    # 预算执行率: 满分10分，每低1个百分点扣0.2分，按比例。
    exec_rate = num(f, "funds_spent") / num(f, "funds_budgeted") * 100
    s["input.execution"] = indicator(10 - F(2, 10) * short_of(exec_rate, 100), 10)

    # 资金管理规范性: 满分10分，三个扣分池 4 + 3 + 5 = 12 > 10，扣完为止。
    rules = pool(-1 * num(f, "missing_rules"), 4)
    payments = pool(F(-1, 2) * num(f, "irregular_payments"), 3)
    archives = pool(-1 * num(f, "missing_documents") + adjustment(f, "manual_adjustment"), 5)
    s["input.management"] = indicator(10 + rules + payments + archives, 10)
    s["input"] = s["input.execution"] + s["input.management"]

    # PM2.5: 每超1μg/m³扣2分，不足1μg/m³按1μg/m³计。
    pm25 = num(f, "pm25")
    s["output.pm25"] = indicator(15 - 2 * any_part_steps(over(pm25, 35), 1), 15)

    # 优良天数比例: ≧85 → 15；[80, 85) → 12；[75, 80) → 8；＜75 → 0。
    good_rate = num(f, "good_days") / num(f, "monitored_days") * 100
    if good_rate >= 85:
        good = F(15)
    elif good_rate >= 80:
        good = F(12)
    elif good_rate >= 75:
        good = F(8)
    else:
        good = F(0)
    s["output.good_days"] = indicator(good, 15)

    # 同比下降率: ≥5 → 10；[3, 5) → 6；[0, 3) → 2；没有“其他”一档。
    last = num(f, "pm25_last_year")
    decline = (last - pm25) / last * 100
    if decline >= 5:
        down = F(10)
    elif decline >= 3:
        down = F(6)
    elif decline >= 0:
        down = F(2)
    else:
        raise NoBandError(f"PM2.5浓度同比下降率 ≈ {float(decline):.2f}% falls in no band")
    s["output.decline"] = indicator(down, 10)
    s["output"] = s["output.pm25"] + s["output.good_days"] + s["output.decline"]

    # 满意度: ≧90 → 15；[60, 90) 线性 0→15；其余 0。
    sat_rate = num(f, "satisfied") / num(f, "surveyed") * 100
    if sat_rate >= 90:
        sat = F(15)
    elif sat_rate >= 60:
        sat = segment(sat_rate, 60, 90, 0, 15)
    else:
        sat = F(0)
    s["effect.satisfaction"] = indicator(sat, 15)

    # 清洁取暖: 完成率×15分，最高15分。
    heating_rate = num(f, "households_converted") / num(f, "households_planned") * 100
    s["effect.heating"] = indicator(min(F(15), 15 * heating_rate / 100), 15)

    # 达标排放: 达标企业数/监测企业数×10分；弄虚作假的×0.8（限定之后、舍入之前）。
    enterprise = clamp(
        10 * num(f, "compliant_enterprises") / num(f, "monitored_enterprises"), 0, 10
    )
    if flag(f, "monitoring_data_irregular"):
        enterprise *= F(8, 10)
    s["effect.enterprise"] = r2(enterprise)
    s["effect"] = s["effect.satisfaction"] + s["effect.heating"] + s["effect.enterprise"]

    # 加分项（累计不超过3分）。
    s["bonus.commendation"] = indicator(F(2) if flag(f, "national_commendation") else F(0), 2)
    s["bonus.overachievement"] = indicator(F(1, 2) * whole_steps(over(heating_rate, 100), 5), 2)
    s["bonus"] = min(F(3), s["bonus.commendation"] + s["bonus.overachievement"])

    # 扣分项（不设上限）。
    s["penalties.inspection"] = r2(clamp(-2 * num(f, "inspection_problems"), None, 0))
    s["penalties.complaints"] = r2(clamp(F(-1, 2) * num(f, "valid_complaints"), -3, 0))
    s["penalties"] = s["penalties.inspection"] + s["penalties.complaints"]

    # 总分: 基本分 + 加分 + 扣分，不低于0。
    total = s["input"] + s["output"] + s["effect"] + s["bonus"] + s["penalties"]
    total = r2(max(F(0), total))
    s["air_quality"] = total

    if flag(f, "major_pollution_incident"):
        grade = "不合格"
    elif total >= 90 and not flag(f, "serious_audit_issue"):
        grade = "优秀"
    elif total >= 80:
        grade = "良好"
    elif total >= 60:
        grade = "中等"
    else:
        grade = "差"
    return {"total": total, "grade": grade, "nodes": s, "not_applicable": []}


# ---------------------------------------------------------------------------
# city_management: 城市管理综合考核
# ---------------------------------------------------------------------------


def score_city_management(f: Mapping[str, Any]) -> dict[str, Any]:
    s: dict[str, Fraction] = {}
    not_applicable: list[str] = []

    # 市容环境（加权）: 成就分（分段线性）×60 + 进步分×40，折算为40分。
    index = num(f, "env_index")
    if index <= 60:
        achievement = F(0)
    elif index < 80:
        achievement = segment(index, 60, 80, 0, 60)
    elif index < 95:
        achievement = segment(index, 80, 95, 60, 100)
    else:
        achievement = F(100)
    s["routine.env.achievement"] = indicator(achievement, 100)
    gain = over(index, num(f, "env_index_last_year"))
    s["routine.env.progress"] = indicator(2 * whole_steps(gain, F(1, 10)), 100)
    weighted = (60 * s["routine.env.achievement"] / 100 + 40 * s["routine.env.progress"] / 100) / (
        60 + 40
    )
    s["routine.env"] = r2(40 * weighted)

    # 环境卫生（取较高者）: 水平分（满分20）与进步分（满分10）按满分比例取高，折算为20分；
    # 集中投诉的最高12分。
    failed = num(f, "failed_spot_checks")
    s["routine.sanitation.level"] = indicator(20 - 2 * failed, 20)
    fewer = over(num(f, "failed_spot_checks_last_year"), failed)
    s["routine.sanitation.progress"] = indicator(2 * fewer, 10)
    best = 20 * max(s["routine.sanitation.level"] / 20, s["routine.sanitation.progress"] / 10)
    if flag(f, "mass_complaint"):
        best = min(F(12), best)
    s["routine.sanitation"] = r2(best)

    # 数字化城管（二者择其一）。
    if flag(f, "platform_built"):
        rate = num(f, "closure_rate")
        closure = F(20) if rate >= 95 else F(12) if rate >= 85 else F(0)
        s["routine.digital.closure"] = indicator(closure, 20)
        s["routine.digital.construction"] = F(0)
        not_applicable.append("routine.digital.construction")
        s["routine.digital"] = r2(20 * s["routine.digital.closure"] / 20)
    else:
        s["routine.digital.closure"] = F(0)
        not_applicable.append("routine.digital.closure")
        s["routine.digital.construction"] = indicator(num(f, "construction_progress") / 10, 10)
        s["routine.digital"] = r2(20 * s["routine.digital.construction"] / 10)

    # 市政设施: 滨水设施不考核的，其分值按比例分摊到道路设施。
    roads = 25 - 2 * proportional_steps(short_of(num(f, "road_intact_rate"), 98), 1)
    s["routine.facilities.roads"] = indicator(roads, 25)
    if flag(f, "no_waterfront"):
        s["routine.facilities.waterfront"] = F(0)
        not_applicable.append("routine.facilities.waterfront")
        s["routine.facilities"] = r2(s["routine.facilities.roads"] * 40 / 25)
    else:
        kept = [flag(f, n) for n in ("railings_intact", "lighting_intact", "cleaning_in_place")]
        s["routine.facilities.waterfront"] = indicator(F(5 * sum(kept)), 15)
        s["routine.facilities"] = s["routine.facilities.roads"] + s["routine.facilities.waterfront"]

    # 日常考核: 原始分120分折算为100分。
    raw = (
        s["routine.env"] + s["routine.sanitation"] + s["routine.digital"] + s["routine.facilities"]
    )
    s["routine"] = r2(raw * 100 / 120)

    # 加分项（组不设上限；每项有各自满分）。
    award = {"none": F(0), "provincial": F(2), "national": F(3)}[f["award_level"]]
    s["bonus.award"] = indicator(award, 3)
    s["bonus.innovation"] = indicator(F(3, 2) * num(f, "innovations_promoted"), 3)
    s["bonus"] = s["bonus.award"] + s["bonus.innovation"]

    # 扣分项（累计最多扣30分）。
    s["deductions.accidents"] = r2(clamp(-10 * num(f, "safety_accidents"), -20, 0))
    s["deductions.media"] = r2(clamp(-2 * num(f, "media_exposures"), None, 0))
    s["deductions"] = max(F(-30), s["deductions.accidents"] + s["deductions.media"])

    # 总分: 可为负；市容环境低于24分的最高80分；未按时报送的×95%（按书写顺序；
    # 折算只减少正的得分，不会把负分抬向0）。
    total = s["routine"] + s["bonus"] + s["deductions"]
    if s["routine.env"] < 24:
        total = min(F(80), total)
    if flag(f, "late_report") and total > 0:
        total *= F(95, 100)
    total = r2(total)
    s["city_management"] = total

    if flag(f, "major_safety_accident"):
        grade = "不合格"
    elif total >= 90 and s["routine.sanitation"] >= 16:
        grade = "优秀"
    elif total >= 80:
        grade = "良好"
    elif total >= 60:
        grade = "合格"
    else:
        grade = "较差"
    return {"total": total, "grade": grade, "nodes": s, "not_applicable": not_applicable}


# ---------------------------------------------------------------------------
# rural_water: 农村饮水安全巩固提升项目支出绩效评价
# ---------------------------------------------------------------------------


def score_rural_water(f: Mapping[str, Any]) -> dict[str, Any]:
    s: dict[str, Fraction] = {}
    not_applicable: list[str] = []

    # 决策。
    approved = flag(f, "feasibility_approved") and flag(f, "in_annual_plan")
    s["decision.approval"] = indicator(F(5) if approved else F(0), 5)
    s["decision.expert"] = indicator(2 * num(f, "expert_score"), 10)
    s["decision"] = s["decision.approval"] + s["decision.expert"]

    # 过程（原始分35分，折算为25分）。
    funds = clamp(15 - num(f, "irregular_expenses"), 0, 15)
    if flag(f, "funds_misappropriated"):
        funds = min(F(0), funds)
    s["process.funds"] = r2(funds)
    schedule = clamp(10 - 2 * num(f, "months_delayed"), 0, 10)
    if not flag(f, "completion_accepted"):
        schedule = min(F(6), schedule)
    s["process.schedule"] = r2(schedule)
    if flag(f, "below_tender_threshold"):
        s["process.tendering"] = F(5)  # 不适用，得满分
        not_applicable.append("process.tendering")
    else:
        tendering = 3 * flag(f, "tendering_lawful") + 2 * flag(f, "contracts_filed")
        s["process.tendering"] = indicator(F(tendering), 5)
    cost_ratio = num(f, "actual_cost") / num(f, "budget_cost") * 100
    cost = F(5) if cost_ratio <= 100 else F(3) if cost_ratio <= 105 else F(0)
    s["process.cost"] = indicator(cost, 5)
    raw = sum(
        s[n] for n in ("process.funds", "process.schedule", "process.tendering", "process.cost")
    )
    s["process"] = r2(raw * 25 / 35)

    # 产出。
    quality_rate = num(f, "samples_qualified") / num(f, "samples_tested") * 100
    quality = clamp(15 - F(1, 2) * whole_steps(short_of(quality_rate, 100), F(1, 10)), 0, 15)
    if not flag(f, "third_party_testing"):
        quality *= F(8, 10)
    s["output.quality"] = r2(quality)
    hours = num(f, "outage_hours")
    if hours <= 24:
        outage = F(10)
    elif hours <= 72:
        outage = segment(hours, 24, 72, 10, 0)
    else:
        outage = F(0)
    s["output.outage"] = indicator(outage, 10)
    left_out = 0
    if flag(f, "no_centralized_source"):
        s["output.source.zone"] = F(0)
        s["output.source.signs"] = F(0)
        s["output.source"] = F(0)
        not_applicable += ["output.source", "output.source.zone", "output.source.signs"]
        left_out = 15
    else:
        s["output.source.zone"] = indicator(F(10 * flag(f, "protection_zone_designated")), 10)
        s["output.source.signs"] = indicator(F(5 * flag(f, "signs_installed")), 5)
        s["output.source"] = s["output.source.zone"] + s["output.source.signs"]
    s["output"] = s["output.quality"] + s["output.outage"] + s["output.source"]

    # 效益（佐证材料不完整的×0.9）。
    sat_rate = num(f, "households_satisfied") / num(f, "households_surveyed") * 100
    if sat_rate > 95:
        sat = F(10)
    elif sat_rate >= 90:
        sat = F(8)
    elif sat_rate >= 80:
        sat = F(5)
    else:
        sat = F(0)
    s["effect.satisfaction"] = indicator(sat, 10)
    funding = pool(
        4 * num(f, "maint_funds_received") / num(f, "maint_funds_required")
        + 4 * num(f, "fees_collected") / num(f, "fees_due"),
        6,
    )
    body = F(4) if flag(f, "maintenance_body_set") else F(0)
    s["effect.maintenance"] = indicator(body + funding, 10)
    effect = s["effect.satisfaction"] + s["effect.maintenance"]
    if flag(f, "evidence_incomplete"):
        effect = r2(effect * F(9, 10))
    s["effect"] = effect

    # 总分: 水源地保护不参评的，按参评指标满分折算为百分制。
    total = s["decision"] + s["process"] + s["output"] + s["effect"]
    if left_out:
        total = r2(total * 100 / (100 - left_out))
    s["rural_water"] = total

    if total >= 90 and s["process.funds"] >= 12:
        grade = "优秀"
    elif total >= 80:
        grade = "良好"
    elif total >= 60:
        grade = "中等"
    else:
        grade = "差"
    return {"total": total, "grade": grade, "nodes": s, "not_applicable": not_applicable}


SCORERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "air_quality": score_air_quality,
    "city_management": score_city_management,
    "rural_water": score_rural_water,
}


# ---------------------------------------------------------------------------
# expected.json
# ---------------------------------------------------------------------------


def fmt(value: Fraction) -> str:
    """A score with exactly 2 decimals; the oracle's scores are always whole hundredths."""
    hundredths = value * 100
    assert hundredths.denominator == 1, value
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths.numerator), 100)
    return f"{sign}{whole}.{cents:02d}"


def expected_for(stem: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    try:
        result = SCORERS[stem](facts)
    except NoBandError as error:
        return {"error": "FactsError", "reason": str(error)}
    return {
        "total": fmt(result["total"]),
        "grade": result["grade"],
        "not_applicable": sorted(result["not_applicable"]),
        # The root (the rubric's id, whose score is the total) first, then as the oracle scored them.
        "nodes": {
            node: fmt(result["nodes"][node])
            for node in sorted(result["nodes"], key=lambda node: node != stem)
        },
    }


def facts_files(stem: str) -> list[Path]:
    return sorted(p for p in (EXAMPLES / stem).glob("*.json") if p.name != "expected.json")


def main() -> None:
    for stem in SCORERS:
        expected = {path.name: expected_for(stem, read_facts(path)) for path in facts_files(stem)}
        target = EXAMPLES / stem / "expected.json"
        target.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"wrote {target.relative_to(ROOT)} ({len(expected)} facts files)")


if __name__ == "__main__":
    main()
