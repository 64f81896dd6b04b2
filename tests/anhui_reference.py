"""Hand-written plain-Python oracle for the anhui_2019 rubric contract."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import cast

# ---------------------------------------------------------------------------
# Tree: (node id, max, parent id) in table order; the root has parent None.
# ---------------------------------------------------------------------------

ROOT = "anhui_2019"

_TREE: tuple[tuple[str, int, str | None], ...] = (
    (ROOT, 100, None),
    ("input", 20, ROOT),
    ("input.setup", 10, "input"),
    ("input.setup.goal_rationality", 4, "input.setup"),
    ("input.setup.indicator_clarity", 6, "input.setup"),
    ("input.funding", 10, "input"),
    ("input.funding.allocation", 4, "input.funding"),
    ("input.funding.timeliness", 4, "input.funding"),
    ("input.funding.union_funds", 2, "input.funding"),
    ("process", 30, ROOT),
    ("process.management", 20, "process"),
    ("process.management.policy", 6, "process.management"),
    ("process.management.capacity", 4, "process.management"),
    ("process.management.informatization", 3, "process.management"),
    ("process.management.archives", 5, "process.management"),
    ("process.management.reporting", 2, "process.management"),
    ("process.finance", 10, "process"),
    ("process.finance.rules", 2, "process.finance"),
    ("process.finance.compliance", 5, "process.finance"),
    ("process.finance.payment", 3, "process.finance"),
    ("output", 25, ROOT),
    ("output.delivery", 25, "output"),
    ("output.delivery.coverage", 9, "output.delivery"),
    ("output.delivery.regularity", 7, "output.delivery"),
    ("output.delivery.standards", 9, "output.delivery"),
    ("effect", 25, ROOT),
    ("effect.benefit", 25, "effect"),
    ("effect.benefit.aid_benefit", 9, "effect.benefit"),
    ("effect.benefit.sustainability", 6, "effect.benefit"),
    ("effect.benefit.social_satisfaction", 10, "effect.benefit"),
)

MAXES: dict[str, Decimal] = {node: Decimal(f"{mx}.00") for node, mx, _ in _TREE}
PARENT: dict[str, str | None] = {node: parent for node, _, parent in _TREE}
_CHILDREN: dict[str, tuple[str, ...]] = {
    node: tuple(child for child, _, parent in _TREE if parent == node) for node, _, _ in _TREE
}
INDICATORS: tuple[str, ...] = tuple(node for node, _, _ in _TREE if not _CHILDREN[node])

# ---------------------------------------------------------------------------
# Fact accessors (facts are assumed valid).
# ---------------------------------------------------------------------------


def _flag(facts: Mapping[str, object], name: str) -> bool:
    return cast(bool, facts[name])


def _count(facts: Mapping[str, object], name: str) -> int:
    return cast(int, facts[name])


def _level(facts: Mapping[str, object], name: str) -> str:
    return cast(str, facts[name])


def _items(facts: Mapping[str, object], name: str) -> Collection[str]:
    return cast(Collection[str], facts[name])


def _points(facts: Mapping[str, object], *weighted: tuple[int, str]) -> Fraction:
    """Sum of the weights whose bool fact is true."""
    return Fraction(sum(weight for weight, name in weighted if _flag(facts, name)))


def _rate_percent(numerator: int, denominator: int) -> Fraction:
    return Fraction(100 * numerator, denominator)


def _linear_below(rate: Fraction, full_at: int, full: int, per_point: Fraction) -> Fraction:
    """`full` when rate >= full_at; else `per_point` off per point short (may go negative)."""
    if rate >= full_at:
        return Fraction(full)
    return full - per_point * (full_at - rate)


# ---------------------------------------------------------------------------
# The 19 third-level indicators, straight from the contract's rule column.
# Each returns the raw (unclamped, unrounded) exact score.
# ---------------------------------------------------------------------------


def _goal_rationality(f: Mapping[str, object]) -> Fraction:
    return _points(f, (2, "complies_with_policy"), (2, "goal_reflects_precise_aid"))


def _indicator_clarity(f: Mapping[str, object]) -> Fraction:
    return Fraction(len(_items(f, "quantified_targets")) + len(_items(f, "aid_standards_set")))


def _allocation(f: Mapping[str, object]) -> Fraction:
    factors = min(3, len(_items(f, "allocation_factors")))
    return _points(f, (1, "allocation_collectively_decided")) + factors


def _timeliness(f: Mapping[str, object]) -> Fraction:
    days = _count(f, "disbursement_working_days")
    if days <= 20:
        return Fraction(4)
    if days <= 30:
        return Fraction(2)
    return Fraction(0)


def _union_funds(f: Mapping[str, object]) -> Fraction:
    return _points(f, (2, "union_funds_invested"))


def _policy(f: Mapping[str, object]) -> Fraction:
    return _points(
        f,
        (1, "annual_targets_decomposed"),
        (1, "archive_rules_in_place"),
        (1, "campaign_plan_in_place"),
        (1, "implementation_rules_in_place"),
        (2, "household_info_cross_checked"),
    )


def _capacity(f: Mapping[str, object]) -> Fraction:
    staffed = _count(f, "aid_staff_count") >= 2 and _flag(f, "staff_training_held")
    return (
        _points(f, (1, "leading_group_active"))
        + (1 if staffed else 0)
        + _points(f, (1, "inspections_held"), (1, "audit_findings_rectified"))
    )


def _informatization(f: Mapping[str, object]) -> Fraction:
    entered_in_time = _count(f, "fund_entry_working_days") <= 30
    return _points(f, (1, "archives_entered")) + (2 if entered_in_time else 0)


def _archives(f: Mapping[str, object]) -> Fraction:
    return _points(
        f,
        (1, "one_file_per_household"),
        (1, "dynamic_management"),
        (1, "aid_publicized"),
        (1, "exit_procedure_followed"),
        (1, "archives_complete"),
    )


def _reporting(f: Mapping[str, object]) -> Fraction:
    return _points(f, (1, "materials_on_time"), (1, "materials_accurate"))


def _finance_rules(f: Mapping[str, object]) -> Fraction:
    return _points(f, (1, "fund_rules_in_place"), (1, "fund_rules_compliant"))


def _compliance(f: Mapping[str, object]) -> Fraction:
    return _points(
        f, (2, "dedicated_account"), (2, "central_funds_spent"), (1, "provincial_funds_spent")
    )


def _payment(f: Mapping[str, object]) -> Fraction:
    return _points(f, (2, "paid_by_bank_card"), (1, "living_aid_paid_regularly"))


def _coverage(f: Mapping[str, object]) -> Fraction:
    rate = _rate_percent(_count(f, "households_aided"), _count(f, "households_targeted"))
    return _linear_below(rate, full_at=100, full=9, per_point=Fraction(1, 2))


def _regularity(f: Mapping[str, object]) -> Fraction:
    return _points(
        f,
        (2, "service_network_built"),
        (2, "aided_within_30_working_days"),
        (2, "contact_person_system"),
        (1, "publicity_column"),
    )


def _standards(f: Mapping[str, object]) -> Fraction:
    compliant = _points(
        f,
        (3, "living_standard_compliant"),
        (3, "education_standard_compliant"),
        (3, "illness_standard_compliant"),
    )
    return compliant - Fraction(1, 10) * _count(f, "noncompliant_households")


def _aid_benefit(f: Mapping[str, object]) -> Fraction:
    rate = _rate_percent(_count(f, "aided_satisfied"), _count(f, "aided_surveyed"))
    return _linear_below(rate, full_at=90, full=9, per_point=Fraction(1, 5))


_RECOGNITION: dict[str, dict[str, int]] = {
    "media_coverage": {"none": 0, "provincial": 1, "national": 2},
    "commendation": {"none": 0, "provincial": 1, "national": 2},
    "leader_endorsement": {"none": 0, "municipal": 1, "provincial": 2},
    "experience_shared": {"none": 0, "provincial": 1, "national": 2},
}


def _sustainability(f: Mapping[str, object]) -> Fraction:
    recognition = sum(points[_level(f, name)] for name, points in _RECOGNITION.items())
    return _points(f, (3, "continued_care")) + min(3, recognition)


_SURVEY_GROUPS = ("officials", "workers", "unionists", "beneficiaries")


def _social_satisfaction(f: Mapping[str, object]) -> Fraction:
    satisfied = sum(_count(f, f"{group}_satisfied") for group in _SURVEY_GROUPS)
    surveyed = sum(_count(f, f"{group}_surveyed") for group in _SURVEY_GROUPS)
    rate = _rate_percent(satisfied, surveyed)
    return _linear_below(rate, full_at=90, full=10, per_point=Fraction(1, 5))


_RULES: dict[str, Callable[[Mapping[str, object]], Fraction]] = {
    "input.setup.goal_rationality": _goal_rationality,
    "input.setup.indicator_clarity": _indicator_clarity,
    "input.funding.allocation": _allocation,
    "input.funding.timeliness": _timeliness,
    "input.funding.union_funds": _union_funds,
    "process.management.policy": _policy,
    "process.management.capacity": _capacity,
    "process.management.informatization": _informatization,
    "process.management.archives": _archives,
    "process.management.reporting": _reporting,
    "process.finance.rules": _finance_rules,
    "process.finance.compliance": _compliance,
    "process.finance.payment": _payment,
    "output.delivery.coverage": _coverage,
    "output.delivery.regularity": _regularity,
    "output.delivery.standards": _standards,
    "effect.benefit.aid_benefit": _aid_benefit,
    "effect.benefit.sustainability": _sustainability,
    "effect.benefit.social_satisfaction": _social_satisfaction,
}
assert tuple(_RULES) == INDICATORS

# ---------------------------------------------------------------------------
# Clamping, rounding and aggregation, in whole hundredths of a point.
# ---------------------------------------------------------------------------

_MAX_POINTS: dict[str, int] = {node: mx for node, mx, _ in _TREE}
# Parents, children before parents (the tree table lists parents first).
_PARENTS_BOTTOM_UP: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (node, _CHILDREN[node]) for node, _, _ in reversed(_TREE) if _CHILDREN[node]
)


def _hundredths(value: Fraction, maximum: int) -> int:
    """Clamp to [0, maximum], then round to hundredths half up, exactly (no float)."""
    if value <= 0:
        return 0
    if value >= maximum:
        return 100 * maximum
    scaled = value * 100  # positive, so half up is floor(scaled + 1/2)
    return (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)


def _as_points(hundredths: int) -> Decimal:
    """Hundredths of a point as a Decimal with exactly 2 places (context-independent)."""
    return Decimal(f"{hundredths // 100}.{hundredths % 100:02d}")


def reference_scores(facts: Mapping[str, object]) -> dict[str, Decimal]:
    """Score every node of the anhui_2019 tree for a valid facts mapping."""
    hundredths: dict[str, int] = {}
    for node in INDICATORS:
        hundredths[node] = _hundredths(_RULES[node](facts), _MAX_POINTS[node])
    # A parent is the exact sum of its children's rounded scores.
    for node, children in _PARENTS_BOTTOM_UP:
        hundredths[node] = sum(hundredths[child] for child in children)
    return {node: _as_points(hundredths[node]) for node, _, _ in _TREE}


def reference_grade(total: Decimal) -> str:
    """Grade a total: 优秀 ≥ 85, 良好 ≥ 75, 中等 ≥ 60, else 差."""
    if total >= 85:
        return "优秀"
    if total >= 75:
        return "良好"
    if total >= 60:
        return "中等"
    return "差"
