"""Write the example evaluation: 18 fictional units (16 cities, 2 counties) scored with anhui_2019.

    python examples/make_evaluation.py     # from the repository's root, rubric[report] installed

writes, beside this script, the same units as a workbook and as CSV:

- evaluation_2019.xlsx, evaluation_2019.csv (UTF-8): the third party's verified facts (第三方);
- self_assessment_2019.xlsx, self_assessment_2019.csv (GBK, as Chinese Excel saves CSV): six of
  the units' own 自评, more generous than the verification in places.

The facts come from a seeded generator, so the files are the same on every run; the script
checks that the units spread over all four grades and fails if they do not.
"""

from __future__ import annotations

import os
import random
import sys
from collections import Counter
from pathlib import Path

import rubric

HERE = Path(__file__).resolve().parent
RUBRIC = HERE.parent / "rubrics" / "anhui_2019.rub"

# (id, name, 类别, quality): quality in [0, 1] steers how well the unit did.
UNITS = [
    ("qingshan", "青山市总工会", "市", 0.95),
    ("lanxi", "兰溪市总工会", "市", 0.6),
    ("yunling", "云岭市总工会", "市", 0.9),
    ("shihu", "石湖市总工会", "市", 0.5),
    ("meichuan", "梅川市总工会", "市", 0.8),
    ("tongjiang", "桐江市总工会", "市", 0.45),
    ("fenglin", "枫林市总工会", "市", 0.7),
    ("heming", "鹤鸣市总工会", "市", 0.25),
    ("songtao", "松涛市总工会", "市", 0.62),
    ("minghu", "明湖市总工会", "市", 0.92),
    ("cuiping", "翠屏市总工会", "市", 0.4),
    ("yintan", "银滩市总工会", "市", 0.8),
    ("yuquan", "玉泉市总工会", "市", 0.55),
    ("jinqiao", "金桥市总工会", "市", 0.75),
    ("ziyun", "紫云市总工会", "市", 0.35),
    ("bibo", "碧波市总工会", "市", 0.64),
    ("baihe", "白河县总工会", "县", 0.2),
    ("luxi", "芦溪县总工会", "县", 0.66),
]
SELF_ASSESSED = ("lanxi", "shihu", "tongjiang", "heming", "cuiping", "baihe")
# Two units with the very same facts, so that the ranking shows a shared rank.
TWINS = {"bibo": "songtao"}

LEVELS = {
    "media_coverage": ("none", "provincial", "national"),
    "commendation": ("none", "provincial", "national"),
    "leader_endorsement": ("none", "municipal", "provincial"),
    "experience_shared": ("none", "provincial", "national"),
}
FACTORS = ("建档困难职工户数", "资金使用绩效", "上年度资金结余", "地区经济发展水平")
SUBJECTS = ("living", "education", "medical")


def unit_facts(rng: random.Random, quality: float, spec: rubric.Rubric) -> dict[str, object]:
    """One unit's facts: each yes more likely, each rate nearer full, the better the unit."""
    facts: dict[str, object] = {}
    for fact in spec.facts:
        if fact.kind == "bool":
            facts[fact.name] = rng.random() < 0.35 + 0.65 * quality
    facts["quantified_targets"] = [s for s in SUBJECTS if rng.random() < 0.3 + 0.7 * quality]
    facts["aid_standards_set"] = [s for s in SUBJECTS if rng.random() < 0.2 + 0.8 * quality]
    facts["allocation_factors"] = [f for f in FACTORS if rng.random() < 0.2 + 0.6 * quality]
    facts["disbursement_working_days"] = round(40 - 28 * quality + rng.randint(-4, 4))
    facts["fund_entry_working_days"] = round(45 - 25 * quality + rng.randint(-5, 5))
    facts["aid_staff_count"] = 1 + round(4 * quality * rng.random() + quality)
    targeted = rng.choice((30, 40, 80, 120, 200, 400, 1200))
    facts["households_targeted"] = targeted
    facts["households_aided"] = min(
        targeted, round(targeted * (0.8 + 0.2 * quality + 0.02 * rng.random()))
    )
    facts["noncompliant_households"] = max(0, round(14 * (1 - quality) + rng.randint(-2, 2)))
    surveyed = rng.choice((50, 60, 80, 90, 100))
    facts["aided_surveyed"] = surveyed
    facts["aided_satisfied"] = min(surveyed, round(surveyed * (0.62 + 0.33 * quality)))
    for name, words in LEVELS.items():
        weights = (1.6 - quality, 0.5 + quality, quality * quality)
        facts[name] = rng.choices(words, weights)[0]
    for group in ("officials", "workers", "unionists", "beneficiaries"):
        asked = rng.choice((10, 15, 20, 30, 50, 80))
        facts[f"{group}_surveyed"] = asked
        facts[f"{group}_satisfied"] = min(
            asked, round(asked * (0.6 + 0.35 * quality + 0.04 * rng.random()))
        )
    return facts


def self_assessment(rng: random.Random, facts: dict[str, object]) -> dict[str, object]:
    """A unit's own view: some missing items claimed, satisfaction rounded up."""
    claimed = dict(facts)
    for name, value in facts.items():
        if value is False and rng.random() < 0.5:
            claimed[name] = True
    claimed["aided_satisfied"] = min(
        int(str(claimed["aided_surveyed"])), int(str(facts["aided_satisfied"])) + 4
    )
    claimed["noncompliant_households"] = max(0, int(str(facts["noncompliant_households"])) - 3)
    return claimed


def main() -> int:
    # The workbooks' creation date is fixed, so that running this again changes no byte.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1576800000")  # 2019-12-20, the 自评 deadline
    anhui = rubric.load(RUBRIC)
    rng = random.Random(2019)
    verified, claimed = [], []
    made: dict[str, dict[str, object]] = {}
    for unit_id, name, category, quality in UNITS:
        facts = unit_facts(rng, quality, anhui)
        facts = made[unit_id] = made.get(TWINS.get(unit_id, ""), facts)
        fields = {"类别": category, "年度": "2019", "评价方": "第三方"}
        verified.append(rubric.Unit(unit_id, name, facts, fields))
        if unit_id in SELF_ASSESSED:
            own = self_assessment(rng, facts)
            claimed.append(rubric.Unit(unit_id, name, own, dict(fields, 评价方="自评")))
    evaluation = rubric.Evaluation(anhui, verified)
    grades = Counter(s.grade for s in evaluation.ranking)
    if evaluation.errors or set(grades) != {"优秀", "良好", "中等", "差"}:
        print(f"the units do not spread over the four grades: {dict(grades)}", file=sys.stderr)
        for error in evaluation.errors:
            print(error, file=sys.stderr)
        return 1
    rubric.write_template(anhui, HERE / "evaluation_2019.xlsx", verified)
    rubric.write_template(anhui, HERE / "evaluation_2019.csv", verified)
    rubric.write_template(anhui, HERE / "self_assessment_2019.xlsx", claimed)
    gbk = HERE / "self_assessment_2019.csv"
    rubric.write_template(anhui, gbk, claimed)
    gbk.write_bytes(gbk.read_text(encoding="utf-8-sig").encode("gbk"))
    for standing in evaluation.ranking:
        unit = standing.unit
        print(
            f"{standing.rank:>2}  {unit.name}  {unit.category}  {standing.total}  {standing.grade}"
        )
    print(", ".join(f"{grade} {count}" for grade, count in grades.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
