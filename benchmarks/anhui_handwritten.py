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
TENTH = Decimal("0.1")
# The whole points a rule can give, made once: a careful hand-writer does not build
# Decimal(2) again for every unit.
POINTS = tuple(Decimal(i) for i in range(11))

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
        return POINTS[top]
    left = top * per_point * surveyed - shortfall  # points × per_point × surveyed
    return _cents(max(left, 0), per_point * surveyed)


def score(facts: Mapping[str, Any]) -> dict[str, object]:
    """Every node's score (Decimal, 2 places) by id, and the grade under "grade"."""
    f, d = facts, POINTS
    goal = d[2 * (f["complies_with_policy"] is True) + 2 * (f["goal_reflects_precise_aid"] is True)]
    clarity = d[len(f["quantified_targets"]) + len(f["aid_standards_set"])]
    allocation = d[
        (f["allocation_collectively_decided"] is True) + min(3, len(f["allocation_factors"]))
    ]
    days = f["disbursement_working_days"]
    timeliness = d[4 if days <= 20 else 2 if days <= 30 else 0]
    union = d[2 * (f["union_funds_invested"] is True)]
    policy = d[
        (f["annual_targets_decomposed"] is True)
        + (f["archive_rules_in_place"] is True)
        + (f["campaign_plan_in_place"] is True)
        + (f["implementation_rules_in_place"] is True)
        + 2 * (f["household_info_cross_checked"] is True)
    ]
    capacity = d[
        (f["leading_group_active"] is True)
        + (f["aid_staff_count"] >= 2 and f["staff_training_held"] is True)
        + (f["inspections_held"] is True)
        + (f["audit_findings_rectified"] is True)
    ]
    informatization = d[(f["archives_entered"] is True) + 2 * (f["fund_entry_working_days"] <= 30)]
    archives = d[
        (f["one_file_per_household"] is True)
        + (f["dynamic_management"] is True)
        + (f["aid_publicized"] is True)
        + (f["exit_procedure_followed"] is True)
        + (f["archives_complete"] is True)
    ]
    reporting = d[(f["materials_on_time"] is True) + (f["materials_accurate"] is True)]
    rules = d[(f["fund_rules_in_place"] is True) + (f["fund_rules_compliant"] is True)]
    compliance = d[
        2 * (f["dedicated_account"] is True)
        + 2 * (f["central_funds_spent"] is True)
        + (f["provincial_funds_spent"] is True)
    ]
    payment = d[2 * (f["paid_by_bank_card"] is True) + (f["living_aid_paid_regularly"] is True)]
    # 每少1个百分点扣0.5分: 2 steps of a point per point below 100%.
    coverage = _short_of(100, f["households_aided"], f["households_targeted"], 2, 9)
    regularity = d[
        2 * (f["service_network_built"] is True)
        + 2 * (f["aided_within_30_working_days"] is True)
        + 2 * (f["contact_person_system"] is True)
        + (f["publicity_column"] is True)
    ]
    met = 3 * (
        (f["living_standard_compliant"] is True)
        + (f["education_standard_compliant"] is True)
        + (f["illness_standard_compliant"] is True)
    )
    standards = d[met] - TENTH * f["noncompliant_households"]
    if standards < 0:
        standards = d[0]
    # 每降低一个百分点扣0.2分: 5 steps of a point per point below 90%.
    aid_benefit = _short_of(90, f["aided_satisfied"], f["aided_surveyed"], 5, 9)
    levels = LEVELS
    recognition = (
        levels["media_coverage"][f["media_coverage"]]
        + levels["commendation"][f["commendation"]]
        + levels["leader_endorsement"][f["leader_endorsement"]]
        + levels["experience_shared"][f["experience_shared"]]
    )
    sustainability = d[3 * (f["continued_care"] is True) + min(3, recognition)]
    satisfied = (
        f["officials_satisfied"]
        + f["workers_satisfied"]
        + f["unionists_satisfied"]
        + f["beneficiaries_satisfied"]
    )
    surveyed = (
        f["officials_surveyed"]
        + f["workers_surveyed"]
        + f["unionists_surveyed"]
        + f["beneficiaries_surveyed"]
    )
    social = _short_of(90, satisfied, surveyed, 5, 10)
    setup = goal + clarity
    funding = allocation + timeliness + union
    management = policy + capacity + informatization + archives + reporting
    finance = rules + compliance + payment
    delivery = coverage + regularity + standards
    benefit = aid_benefit + sustainability + social
    total = setup + funding + management + finance + delivery + benefit
    return {
        "input.setup.goal_rationality": goal,
        "input.setup.indicator_clarity": clarity,
        "input.funding.allocation": allocation,
        "input.funding.timeliness": timeliness,
        "input.funding.union_funds": union,
        "process.management.policy": policy,
        "process.management.capacity": capacity,
        "process.management.informatization": informatization,
        "process.management.archives": archives,
        "process.management.reporting": reporting,
        "process.finance.rules": rules,
        "process.finance.compliance": compliance,
        "process.finance.payment": payment,
        "output.delivery.coverage": coverage,
        "output.delivery.regularity": regularity,
        "output.delivery.standards": standards,
        "effect.benefit.aid_benefit": aid_benefit,
        "effect.benefit.sustainability": sustainability,
        "effect.benefit.social_satisfaction": social,
        "input.setup": setup,
        "input.funding": funding,
        "input": setup + funding,
        "process.management": management,
        "process.finance": finance,
        "process": management + finance,
        "output.delivery": delivery,
        "output": delivery,
        "effect.benefit": benefit,
        "effect": benefit,
        ROOT: total,
        "grade": (
            "优秀" if total >= 85 else "良好" if total >= 75 else "中等" if total >= 60 else "差"
        ),
    }
