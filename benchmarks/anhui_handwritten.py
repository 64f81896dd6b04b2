"""A plain hand-written scorer of the Anhui 2019 table: the yardstick the benchmarks divide by.

The simplest honest one: the contract's rules (shared/spec/anhui_2019_contract.md) written out
in Python, exact (Decimal for points; the three rate rules as one integer division each, rounded
half up in integers), no wording, no explanation. `score` trusts its facts; `validate` checks
them as a careful caller would first (types, bounds, the survey totals), so that
`validate` + `score` is the fair comparison for `Rubric.score`, which validates too.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

ROOT = "anhui_2019"
CENT = Decimal("0.01")
ONE = Decimal(1)

BOOLS = [
    "complies_with_policy",
    "goal_reflects_precise_aid",
    "allocation_collectively_decided",
    "union_funds_invested",
    "annual_targets_decomposed",
    "archive_rules_in_place",
    "campaign_plan_in_place",
    "implementation_rules_in_place",
    "household_info_cross_checked",
    "leading_group_active",
    "staff_training_held",
    "inspections_held",
    "audit_findings_rectified",
    "archives_entered",
    "one_file_per_household",
    "dynamic_management",
    "aid_publicized",
    "exit_procedure_followed",
    "archives_complete",
    "materials_on_time",
    "materials_accurate",
    "fund_rules_in_place",
    "fund_rules_compliant",
    "dedicated_account",
    "central_funds_spent",
    "provincial_funds_spent",
    "paid_by_bank_card",
    "living_aid_paid_regularly",
    "service_network_built",
    "aided_within_30_working_days",
    "contact_person_system",
    "publicity_column",
    "living_standard_compliant",
    "education_standard_compliant",
    "illness_standard_compliant",
    "continued_care",
]
COUNTS = [
    "disbursement_working_days",
    "aid_staff_count",
    "fund_entry_working_days",
    "households_aided",
    "households_targeted",
    "noncompliant_households",
    "aided_surveyed",
    "aided_satisfied",
    "officials_surveyed",
    "officials_satisfied",
    "workers_surveyed",
    "workers_satisfied",
    "unionists_surveyed",
    "unionists_satisfied",
    "beneficiaries_surveyed",
    "beneficiaries_satisfied",
]
AREAS = frozenset({"living", "education", "medical"})
LEVELS = {
    "media_coverage": {"none": 0, "provincial": 1, "national": 2},
    "commendation": {"none": 0, "provincial": 1, "national": 2},
    "leader_endorsement": {"none": 0, "municipal": 1, "provincial": 2},
    "experience_shared": {"none": 0, "provincial": 1, "national": 2},
}
GROUPS = ("officials", "workers", "unionists", "beneficiaries")
NAMES = (
    frozenset(BOOLS)
    | frozenset(COUNTS)
    | frozenset(LEVELS)
    | {
        "quantified_targets",
        "aid_standards_set",
        "allocation_factors",
    }
)


def validate(facts: Mapping[str, object]) -> list[str]:
    """The names of the facts the contract refuses; [] when every fact is valid."""
    bad = [name for name in NAMES if name not in facts]
    bad += [name for name in facts if name not in NAMES]
    bad += [n for n in BOOLS if n in facts and type(facts[n]) is not bool]
    bad += [n for n in COUNTS if n in facts and (type(facts[n]) is not int or facts[n] < 0)]  # type: ignore[operator]
    bad += [n for n, words in LEVELS.items() if n in facts and facts[n] not in words]
    for name in ("quantified_targets", "aid_standards_set", "allocation_factors"):
        items = facts.get(name)
        if not isinstance(items, list | tuple | set | frozenset):
            bad.append(name)
            continue
        ok = all(type(i) is str and i for i in items) and len(set(items)) == len(items)
        if not ok or (name != "allocation_factors" and not set(items) <= AREAS):
            bad.append(name)
    if bad:
        return bad
    f: Mapping[str, int] = facts  # type: ignore[assignment]
    bad += [n for n in ("households_targeted", "aided_surveyed") if f[n] < 1]
    if f["aided_satisfied"] > f["aided_surveyed"]:
        bad.append("aided_satisfied")
    bad += [f"{g}_satisfied" for g in GROUPS if f[f"{g}_satisfied"] > f[f"{g}_surveyed"]]
    if sum(f[f"{g}_surveyed"] for g in GROUPS) < 1:
        bad.append("officials_surveyed")
    return bad


def _cents(numerator: int, denominator: int) -> Decimal:
    """numerator/denominator points (≥ 0) rounded half up to the cent."""
    return Decimal((200 * numerator + denominator) // (2 * denominator)) * CENT


def _short_of(target: int, satisfied: int, surveyed: int, per_point: int, top: int) -> Decimal:
    """`top` less 1/per_point of a point per percentage point below `target`%, down to 0."""
    shortfall = target * surveyed - 100 * satisfied  # percentage points × surveyed
    if shortfall <= 0:
        return Decimal(top)
    left = top * per_point * surveyed - shortfall  # points × per_point × surveyed
    return _cents(max(left, 0), per_point * surveyed)


def score(facts: Mapping[str, object]) -> dict[str, object]:
    """Every node's score (Decimal, 2 places) by id, and the grade under "grade"."""
    f: Mapping[str, object] = facts
    s: dict[str, Any] = {}
    s["input.setup.goal_rationality"] = Decimal(
        2 * (f["complies_with_policy"] is True) + 2 * (f["goal_reflects_precise_aid"] is True)
    )
    s["input.setup.indicator_clarity"] = Decimal(
        len(f["quantified_targets"]) + len(f["aid_standards_set"])  # type: ignore[arg-type]
    )
    factors = min(3, len(f["allocation_factors"]))  # type: ignore[arg-type]
    s["input.funding.allocation"] = Decimal(
        (f["allocation_collectively_decided"] is True) + factors
    )
    days: int = f["disbursement_working_days"]  # type: ignore[assignment]
    s["input.funding.timeliness"] = Decimal(4 if days <= 20 else 2 if days <= 30 else 0)
    s["input.funding.union_funds"] = Decimal(2 * (f["union_funds_invested"] is True))
    s["process.management.policy"] = Decimal(
        (f["annual_targets_decomposed"] is True)
        + (f["archive_rules_in_place"] is True)
        + (f["campaign_plan_in_place"] is True)
        + (f["implementation_rules_in_place"] is True)
        + 2 * (f["household_info_cross_checked"] is True)
    )
    staffed = f["aid_staff_count"] >= 2 and f["staff_training_held"] is True  # type: ignore[operator]
    s["process.management.capacity"] = Decimal(
        (f["leading_group_active"] is True)
        + staffed
        + (f["inspections_held"] is True)
        + (f["audit_findings_rectified"] is True)
    )
    s["process.management.informatization"] = Decimal(
        (f["archives_entered"] is True) + 2 * (f["fund_entry_working_days"] <= 30)  # type: ignore[operator]
    )
    s["process.management.archives"] = Decimal(
        sum(
            f[n] is True
            for n in (
                "one_file_per_household",
                "dynamic_management",
                "aid_publicized",
                "exit_procedure_followed",
                "archives_complete",
            )
        )
    )
    s["process.management.reporting"] = Decimal(
        (f["materials_on_time"] is True) + (f["materials_accurate"] is True)
    )
    s["process.finance.rules"] = Decimal(
        (f["fund_rules_in_place"] is True) + (f["fund_rules_compliant"] is True)
    )
    s["process.finance.compliance"] = Decimal(
        2 * (f["dedicated_account"] is True)
        + 2 * (f["central_funds_spent"] is True)
        + (f["provincial_funds_spent"] is True)
    )
    s["process.finance.payment"] = Decimal(
        2 * (f["paid_by_bank_card"] is True) + (f["living_aid_paid_regularly"] is True)
    )
    # 每少1个百分点扣0.5分: 2 steps of a point per point below 100%.
    aided: int = f["households_aided"]  # type: ignore[assignment]
    targeted: int = f["households_targeted"]  # type: ignore[assignment]
    s["output.delivery.coverage"] = _short_of(100, aided, targeted, 2, 9)
    s["output.delivery.regularity"] = Decimal(
        2 * (f["service_network_built"] is True)
        + 2 * (f["aided_within_30_working_days"] is True)
        + 2 * (f["contact_person_system"] is True)
        + (f["publicity_column"] is True)
    )
    met = 3 * sum(
        f[n] is True
        for n in (
            "living_standard_compliant",
            "education_standard_compliant",
            "illness_standard_compliant",
        )
    )
    lost = Decimal(f["noncompliant_households"]) / 10  # type: ignore[arg-type]
    s["output.delivery.standards"] = max(Decimal(met) - lost, Decimal(0)).quantize(CENT)
    # 每降低一个百分点扣0.2分: 5 steps of a point per point below 90%.
    s["effect.benefit.aid_benefit"] = _short_of(
        90,
        f["aided_satisfied"],
        f["aided_surveyed"],
        5,
        9,  # type: ignore[arg-type]
    )
    recognition = sum(LEVELS[n][f[n]] for n in LEVELS)  # type: ignore[index]
    s["effect.benefit.sustainability"] = Decimal(
        3 * (f["continued_care"] is True) + min(3, recognition)
    )
    satisfied = sum(f[f"{g}_satisfied"] for g in GROUPS)  # type: ignore[misc]
    surveyed = sum(f[f"{g}_surveyed"] for g in GROUPS)  # type: ignore[misc]
    s["effect.benefit.social_satisfaction"] = _short_of(90, satisfied, surveyed, 5, 10)
    s["input.setup"] = s["input.setup.goal_rationality"] + s["input.setup.indicator_clarity"]
    s["input.funding"] = (
        s["input.funding.allocation"]
        + s["input.funding.timeliness"]
        + s["input.funding.union_funds"]
    )
    s["input"] = s["input.setup"] + s["input.funding"]
    s["process.management"] = (
        s["process.management.policy"]
        + s["process.management.capacity"]
        + s["process.management.informatization"]
        + s["process.management.archives"]
        + s["process.management.reporting"]
    )
    s["process.finance"] = (
        s["process.finance.rules"] + s["process.finance.compliance"] + s["process.finance.payment"]
    )
    s["process"] = s["process.management"] + s["process.finance"]
    s["output.delivery"] = (
        s["output.delivery.coverage"]
        + s["output.delivery.regularity"]
        + s["output.delivery.standards"]
    )
    s["output"] = s["output.delivery"]
    s["effect.benefit"] = (
        s["effect.benefit.aid_benefit"]
        + s["effect.benefit.sustainability"]
        + s["effect.benefit.social_satisfaction"]
    )
    s["effect"] = s["effect.benefit"]
    total = s["input"] + s["process"] + s["output"] + s["effect"]
    s[ROOT] = total
    s["grade"] = (
        "优秀" if total >= 85 else "良好" if total >= 75 else "中等" if total >= 60 else "差"
    )
    return s
