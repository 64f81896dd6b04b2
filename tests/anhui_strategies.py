"""Hypothesis strategies and hand-picked boundary cases of valid anhui_2019 facts."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

AREAS: tuple[str, ...] = ("living", "education", "medical")
DISTINCTION_LEVELS: tuple[str, ...] = ("none", "provincial", "national")
ENDORSEMENT_LEVELS: tuple[str, ...] = ("none", "municipal", "provincial")
SURVEY_GROUPS: tuple[str, ...] = ("officials", "workers", "unionists", "beneficiaries")

BOOL_FACTS: tuple[str, ...] = (
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
)

STANDARD_FACTS: tuple[str, ...] = (
    "living_standard_compliant",
    "education_standard_compliant",
    "illness_standard_compliant",
)

RECOGNITION_LEVELS: dict[str, tuple[str, ...]] = {
    "media_coverage": DISTINCTION_LEVELS,
    "commendation": DISTINCTION_LEVELS,
    "leader_endorsement": ENDORSEMENT_LEVELS,
    "experience_shared": DISTINCTION_LEVELS,
}

CHINESE_FACTORS: tuple[str, ...] = (
    "地方经济社会发展",
    "建档困难职工户数",
    "资金使用绩效",
    "困难职工解困脱困进度",
    "上年度资金结余",
    "工作考核结果",
)

HUGE = 10**30

# A unit that scores 100: every bool true, every rule at its best.
BASE_GOOD: dict[str, object] = {
    **dict.fromkeys(BOOL_FACTS, True),
    "quantified_targets": list(AREAS),
    "aid_standards_set": list(AREAS),
    "allocation_factors": list(CHINESE_FACTORS[:3]),
    "disbursement_working_days": 15,
    "aid_staff_count": 3,
    "fund_entry_working_days": 10,
    "households_aided": 100,
    "households_targeted": 100,
    "noncompliant_households": 0,
    "aided_surveyed": 100,
    "aided_satisfied": 95,
    "media_coverage": "national",
    "commendation": "provincial",
    "leader_endorsement": "none",
    "experience_shared": "none",
    "officials_surveyed": 25,
    "officials_satisfied": 24,
    "workers_surveyed": 25,
    "workers_satisfied": 23,
    "unionists_surveyed": 25,
    "unionists_satisfied": 25,
    "beneficiaries_surveyed": 25,
    "beneficiaries_satisfied": 22,
}

# ---------------------------------------------------------------------------
# Building blocks.
# ---------------------------------------------------------------------------

_huge_counts: st.SearchStrategy[int] = st.one_of(
    st.sampled_from([HUGE, HUGE + 1, HUGE - 1, 2**63, 2**64 + 1]),
    st.integers(min_value=10**15, max_value=HUGE),
)

_working_days: st.SearchStrategy[int] = st.one_of(
    st.sampled_from([0, 1, 19, 20, 21, 29, 30, 31, 32]),
    st.integers(min_value=0, max_value=60),
)

_staff_counts: st.SearchStrategy[int] = st.integers(min_value=0, max_value=3)

# 9 points of standards, less 0.1 per household: 0 at 90 (all three), 60 (two), 30 (one).
_noncompliant_counts: st.SearchStrategy[int] = st.one_of(
    st.just(0),
    st.sampled_from([0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 100]),
    st.integers(min_value=0, max_value=120),
)

_survey_sizes: st.SearchStrategy[int] = st.one_of(
    st.sampled_from([1, 2, 3, 10, 20, 30, 40, 100, 200, 1000, 4000]),
    st.integers(min_value=1, max_value=500),
)

_group_sizes: st.SearchStrategy[int] = st.one_of(
    st.just(0),
    st.sampled_from([1, 10, 25, 100]),
    st.integers(min_value=0, max_value=200),
)

_targets: st.SearchStrategy[int] = st.one_of(
    st.sampled_from([1, 2, 3, 30, 40, 100, 200, 1000, 10_000]),
    st.integers(min_value=1, max_value=500),
)

_area_sets: st.SearchStrategy[list[str]] = st.lists(
    st.sampled_from(AREAS), unique=True, max_size=len(AREAS)
)

_factor_names: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(CHINESE_FACTORS),
    st.text(min_size=1, max_size=12),
    st.text(alphabet="资金分配因素户数绩效经济发展", min_size=1, max_size=6),
)

_factor_sets: st.SearchStrategy[list[str]] = st.lists(_factor_names, unique=True, max_size=6)

# Satisfaction: full marks from 90%; the 9-point rule hits 0 at 45%, the 10-point one at 40%.
_AID_SATISFACTION_POINTS: tuple[int, ...] = (90, 89, 91, 95, 100, 45, 44, 46, 40, 70, 0)
_SOCIAL_SATISFACTION_POINTS: tuple[int, ...] = (90, 89, 91, 95, 100, 40, 39, 41, 45, 70, 0)
# Coverage: full marks from 100%; hits 0 at 82%.
_COVERAGE_POINTS: tuple[int, ...] = (100, 99, 101, 98, 110, 200, 82, 81, 83, 50, 0)


def _count(draw: st.DrawFn, usual: st.SearchStrategy[int], huge: bool) -> int:
    """A count from `usual`; in a huge example, sometimes a very large one instead."""
    if huge and draw(st.booleans()):
        return draw(_huge_counts)
    return draw(usual)


def _near_percent(draw: st.DrawFn, total: int, percents: Sequence[int], spread: int) -> int:
    """A count in [0, total], at or near one of `percents`% of total, or anywhere in range."""
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return draw(st.integers(min_value=0, max_value=total))
    percent = draw(st.sampled_from(percents))
    offset = draw(st.integers(min_value=-spread, max_value=spread))
    return min(total, max(0, total * percent // 100 + offset))


def _households(draw: st.DrawFn, huge: bool) -> dict[str, object]:
    targeted = _count(draw, _targets, huge)
    choice = draw(st.integers(min_value=0, max_value=4))
    if choice == 0:  # a few households either side of the target
        aided = max(0, targeted + draw(st.integers(min_value=-3, max_value=3)))
    elif choice == 1:  # per-mille ratio around 100%
        aided = targeted * draw(st.integers(min_value=950, max_value=1050)) // 1000
    elif choice == 2:  # zero or a tiny number of households aided
        aided = draw(st.integers(min_value=0, max_value=2))
    elif choice == 3:
        aided = draw(st.integers(min_value=0, max_value=3 * targeted + 3))
    else:  # near a coverage boundary: 100% (full), 82% (zero), or above 100%
        percent = draw(st.sampled_from(_COVERAGE_POINTS))
        offset = draw(st.integers(min_value=-2, max_value=2))
        aided = max(0, targeted * percent // 100 + offset)
    return {"households_aided": aided, "households_targeted": targeted}


def _aided_survey(draw: st.DrawFn, huge: bool) -> dict[str, object]:
    surveyed = _count(draw, _survey_sizes, huge)
    satisfied = _near_percent(draw, surveyed, _AID_SATISFACTION_POINTS, 2)
    return {"aided_surveyed": surveyed, "aided_satisfied": satisfied}


def _social_survey(draw: st.DrawFn, huge: bool) -> dict[str, object]:
    surveyed = [_count(draw, _group_sizes, huge) for _ in SURVEY_GROUPS]
    if sum(surveyed) == 0:
        surveyed[draw(st.integers(min_value=0, max_value=3))] = draw(
            st.integers(min_value=1, max_value=200)
        )
    # One target percentage for all groups, so that the pooled rate lands near it too.
    percent = draw(st.sampled_from(_SOCIAL_SATISFACTION_POINTS))
    facts: dict[str, object] = {}
    for group, size in zip(SURVEY_GROUPS, surveyed, strict=True):
        facts[f"{group}_surveyed"] = size
        facts[f"{group}_satisfied"] = _near_percent(draw, size, (percent,), 1)
    return facts


@st.composite
def _facts(draw: st.DrawFn) -> dict[str, object]:
    # Per-example biases: how likely each bool is true (so totals spread over every grade),
    # and whether counts may be very large (kept to a minority of examples).
    truth_bias = draw(st.sampled_from((10, 9, 8, 6, 3, 0)))
    huge = draw(st.integers(min_value=0, max_value=5)) == 5
    facts: dict[str, object] = {
        name: draw(st.integers(min_value=0, max_value=9)) < truth_bias for name in BOOL_FACTS
    }
    facts["quantified_targets"] = draw(_area_sets)
    facts["aid_standards_set"] = draw(_area_sets)
    facts["allocation_factors"] = draw(_factor_sets)
    facts["disbursement_working_days"] = _count(draw, _working_days, huge)
    facts["aid_staff_count"] = _count(draw, _staff_counts, huge)
    facts["fund_entry_working_days"] = _count(draw, _working_days, huge)
    facts.update(_households(draw, huge))
    facts["noncompliant_households"] = _count(draw, _noncompliant_counts, huge)
    facts.update(_aided_survey(draw, huge))
    for name, levels in RECOGNITION_LEVELS.items():
        facts[name] = draw(st.sampled_from(levels))
    facts.update(_social_survey(draw, huge))
    return facts


def anhui_facts() -> st.SearchStrategy[dict[str, object]]:
    """Valid facts for the anhui_2019 rubric, biased toward the rules' boundaries."""
    return _facts()


# ---------------------------------------------------------------------------
# Hand-picked boundary cases.
# ---------------------------------------------------------------------------


def _copy(facts: dict[str, object]) -> dict[str, object]:
    """A copy whose list values are fresh too, so that callers may mutate it freely."""
    return {
        name: list(value) if isinstance(value, list) else value for name, value in facts.items()
    }


def _with(**overrides: object) -> dict[str, object]:
    facts = _copy(BASE_GOOD)
    facts.update(_copy(overrides))
    return facts


def _social(satisfied: int, surveyed: int = 100) -> dict[str, object]:
    """All respondents in the beneficiaries group; the other groups have 0 (valid)."""
    facts: dict[str, object] = {}
    for group in SURVEY_GROUPS:
        facts[f"{group}_surveyed"] = 0
        facts[f"{group}_satisfied"] = 0
    facts["beneficiaries_surveyed"] = surveyed
    facts["beneficiaries_satisfied"] = satisfied
    return facts


def _recognition(media: str, commendation: str, leader: str, shared: str) -> dict[str, object]:
    return {
        "media_coverage": media,
        "commendation": commendation,
        "leader_endorsement": leader,
        "experience_shared": shared,
    }


_ALL_BAD: dict[str, object] = {
    **dict.fromkeys(BOOL_FACTS, False),
    "quantified_targets": [],
    "aid_standards_set": [],
    "allocation_factors": [],
    "disbursement_working_days": 31,
    "aid_staff_count": 0,
    "fund_entry_working_days": 31,
    "households_aided": 0,
    "households_targeted": 1,
    "noncompliant_households": 0,
    "aided_surveyed": 1,
    "aided_satisfied": 0,
    **_recognition("none", "none", "none", "none"),
    **_social(0, 1),
}


# Overrides of BASE_GOOD that land the total exactly on a grade edge.
_GRADE_85: dict[str, object] = {  # −2 −2 −2 −9
    "complies_with_policy": False,
    "goal_reflects_precise_aid": False,
    "union_funds_invested": False,
    "aided_satisfied": 35,
}
_GRADE_75: dict[str, object] = {  # −10 −2 −4 −1 −2 −6
    **_social(40),
    "union_funds_invested": False,
    "disbursement_working_days": 31,
    "publicity_column": False,
    "dedicated_account": False,
    "aided_satisfied": 60,
}
_GRADE_60: dict[str, object] = {  # −10 −9 −5 −1 −9 −2 −2 −1 −1
    **_social(40),
    "aided_satisfied": 45,
    "households_aided": 90,
    "households_targeted": 100,
    "commendation": "none",
    "noncompliant_households": 150,
    "union_funds_invested": False,
    "materials_on_time": False,
    "materials_accurate": False,
    "leading_group_active": False,
    "publicity_column": False,
}
_COVERAGE_8_99: dict[str, object] = {"households_aided": 9998, "households_targeted": 10000}
_COVERAGE_3_99: dict[str, object] = {"households_aided": 8998, "households_targeted": 10000}


def anhui_named_boundary_cases() -> list[tuple[str, dict[str, object]]]:
    """(name, facts) pairs: BASE_GOOD with a small override per boundary, plus all_bad."""
    one_standard = {"education_standard_compliant": False, "illness_standard_compliant": False}
    cases: list[tuple[str, dict[str, object]]] = [
        ("base_good", _with()),
        ("all_bad", _copy(_ALL_BAD)),
        # timeliness: ≤ 20 → 4, ≤ 30 → 2, else 0
        ("disbursement_0_days", _with(disbursement_working_days=0)),
        ("disbursement_20_days", _with(disbursement_working_days=20)),
        ("disbursement_21_days", _with(disbursement_working_days=21)),
        ("disbursement_30_days", _with(disbursement_working_days=30)),
        ("disbursement_31_days", _with(disbursement_working_days=31)),
        ("disbursement_huge_days", _with(disbursement_working_days=HUGE)),
        # informatization: +2 when ≤ 30
        ("fund_entry_0_days", _with(fund_entry_working_days=0)),
        ("fund_entry_20_days", _with(fund_entry_working_days=20)),
        ("fund_entry_21_days", _with(fund_entry_working_days=21)),
        ("fund_entry_30_days", _with(fund_entry_working_days=30)),
        ("fund_entry_31_days", _with(fund_entry_working_days=31)),
        # coverage: ≥ 100% → 9, else 0.5 per point short
        ("coverage_exactly_100", _with(households_aided=100, households_targeted=100)),
        ("coverage_above_100", _with(households_aided=101, households_targeted=100)),
        ("coverage_99_5", _with(households_aided=199, households_targeted=200)),
        ("coverage_29_of_30", _with(households_aided=29, households_targeted=30)),
        ("coverage_39_of_40", _with(households_aided=39, households_targeted=40)),
        ("coverage_82_percent", _with(households_aided=82, households_targeted=100)),
        ("coverage_81_percent", _with(households_aided=81, households_targeted=100)),
        ("coverage_0_aided", _with(households_aided=0, households_targeted=100)),
        ("coverage_1_of_huge", _with(households_aided=1, households_targeted=HUGE)),
        ("coverage_huge_short_by_1", _with(households_aided=HUGE - 1, households_targeted=HUGE)),
        ("coverage_huge_aided", _with(households_aided=HUGE, households_targeted=1)),
        # 9 − 0.5 × 0.03 = 8.985: half up gives 8.99 (half even would give 8.98)
        ("coverage_half_up_8_985", _with(households_aided=9997, households_targeted=10000)),
        # 9 − 0.5 × 0.01 = 8.995 → 9.00
        ("coverage_half_up_8_995", _with(households_aided=9999, households_targeted=10000)),
        # standards: 3 per compliant standard, 0.1 off per noncompliant household
        ("noncompliant_1", _with(noncompliant_households=1)),
        ("noncompliant_89", _with(noncompliant_households=89)),
        ("noncompliant_90", _with(noncompliant_households=90)),
        ("noncompliant_91", _with(noncompliant_households=91)),
        ("noncompliant_huge", _with(noncompliant_households=HUGE)),
        ("one_standard_noncompliant_30", _with(**one_standard, noncompliant_households=30)),
        ("one_standard_noncompliant_31", _with(**one_standard, noncompliant_households=31)),
        ("no_standard_noncompliant_0", _with(**dict.fromkeys(STANDARD_FACTS, False))),
        # aid_benefit: ≥ 90% → 9, 0.2 per point short, 0 at 45%
        ("aid_satisfaction_100", _with(aided_surveyed=100, aided_satisfied=100)),
        ("aid_satisfaction_90", _with(aided_surveyed=100, aided_satisfied=90)),
        ("aid_satisfaction_89", _with(aided_surveyed=100, aided_satisfied=89)),
        ("aid_satisfaction_46", _with(aided_surveyed=100, aided_satisfied=46)),
        ("aid_satisfaction_45", _with(aided_surveyed=100, aided_satisfied=45)),
        ("aid_satisfaction_44", _with(aided_surveyed=100, aided_satisfied=44)),
        ("aid_satisfaction_40", _with(aided_surveyed=100, aided_satisfied=40)),
        ("aid_satisfaction_0", _with(aided_surveyed=1, aided_satisfied=0)),
        ("aid_satisfaction_2_of_3", _with(aided_surveyed=3, aided_satisfied=2)),
        # 9 − 0.2 × 0.075 = 8.985 → 8.99
        ("aid_satisfaction_half_up", _with(aided_surveyed=4000, aided_satisfied=3597)),
        # social_satisfaction: pooled, ≥ 90% → 10, 0.2 per point short, 0 at 40%
        ("social_90", _with(**_social(90))),
        ("social_89", _with(**_social(89))),
        ("social_45", _with(**_social(45))),
        ("social_41", _with(**_social(41))),
        ("social_40", _with(**_social(40))),
        ("social_39", _with(**_social(39))),
        ("social_0", _with(**_social(0, 1))),
        # 10 − 0.2 × 0.075 = 9.985 → 9.99
        ("social_half_up", _with(**_social(3597, 4000))),
        # pooled 90% although no group is at 90% on its own
        (
            "social_pooled_90",
            _with(
                officials_surveyed=10,
                officials_satisfied=10,
                workers_surveyed=10,
                workers_satisfied=8,
                unionists_surveyed=0,
                unionists_satisfied=0,
                beneficiaries_surveyed=0,
                beneficiaries_satisfied=0,
            ),
        ),
        # pooled 45/100 overall, but unpooled group averages would differ
        (
            "social_pooled_uneven",
            _with(
                officials_surveyed=1,
                officials_satisfied=1,
                workers_surveyed=99,
                workers_satisfied=44,
                unionists_surveyed=0,
                unionists_satisfied=0,
                beneficiaries_surveyed=0,
                beneficiaries_satisfied=0,
            ),
        ),
        # sustainability: 3 + min(3, recognition)
        ("recognition_0", _with(**_recognition("none", "none", "none", "none"))),
        ("recognition_1", _with(**_recognition("provincial", "none", "none", "none"))),
        ("recognition_2", _with(**_recognition("national", "none", "none", "none"))),
        ("recognition_3", _with(**_recognition("provincial", "provincial", "municipal", "none"))),
        ("recognition_4", _with(**_recognition("national", "none", "provincial", "none"))),
        (
            "recognition_8",
            _with(**_recognition("national", "national", "provincial", "national")),
        ),
        (
            "recognition_8_without_care",
            _with(
                continued_care=False,
                **_recognition("national", "national", "provincial", "national"),
            ),
        ),
        # allocation: 1 + min(3, factors)
        ("allocation_0_factors", _with(allocation_factors=[])),
        ("allocation_2_factors", _with(allocation_factors=list(CHINESE_FACTORS[:2]))),
        ("allocation_3_factors", _with(allocation_factors=list(CHINESE_FACTORS[:3]))),
        ("allocation_4_factors", _with(allocation_factors=list(CHINESE_FACTORS[:4]))),
        ("allocation_6_factors", _with(allocation_factors=list(CHINESE_FACTORS))),
        (
            "allocation_4_factors_not_decided",
            _with(allocation_collectively_decided=False, allocation_factors=["a", "b", "c", "d"]),
        ),
        # capacity: +1 needs aid_staff_count ≥ 2 and staff_training_held
        ("staff_0", _with(aid_staff_count=0)),
        ("staff_1", _with(aid_staff_count=1)),
        ("staff_2", _with(aid_staff_count=2)),
        ("staff_2_untrained", _with(aid_staff_count=2, staff_training_held=False)),
        ("staff_3_untrained", _with(aid_staff_count=3, staff_training_held=False)),
        # indicator_clarity: +1 per listed area
        ("no_targets_or_standards", _with(quantified_targets=[], aid_standards_set=[])),
        (
            "one_target_two_standards",
            _with(quantified_targets=["medical"], aid_standards_set=["education", "living"]),
        ),
        # grade edges: 85, 75 and 60, and 0.01 below each
        ("total_85", _with(**_GRADE_85)),
        ("total_84_99", _with(**_GRADE_85, **_COVERAGE_8_99)),
        ("total_75", _with(**_GRADE_75)),
        ("total_74_99", _with(**_GRADE_75, **_COVERAGE_8_99)),
        ("total_60", _with(**_GRADE_60)),
        ("total_59_99", _with(**{**_GRADE_60, **_COVERAGE_3_99})),
    ]
    return cases


def anhui_boundary_cases() -> list[dict[str, object]]:
    """Hand-picked valid facts hitting every boundary of the contract's rules exactly."""
    return [facts for _, facts in anhui_named_boundary_cases()]
