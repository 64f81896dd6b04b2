"""The Anhui 2019 rubric against its contract: every rule at its boundaries, and properties."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rubric
from anhui_reference import INDICATORS, MAXES, PARENT, ROOT, reference_grade, reference_scores
from anhui_strategies import BASE_GOOD, anhui_facts, anhui_named_boundary_cases
from rubric import testing

CASES = anhui_named_boundary_cases()


def with_(**overrides: object) -> dict[str, object]:
    facts = json.loads(json.dumps(BASE_GOOD))
    facts.update(overrides)
    return facts


def test_tree_matches_the_contract(anhui: rubric.Rubric) -> None:
    result = anhui.score(BASE_GOOD)
    assert [node.id for node in result] == list(MAXES)
    assert {node.id: node.max for node in result} == MAXES
    for node in result:
        assert [c.id for c in node.children] == [k for k, p in PARENT.items() if p == node.id]
    assert [n.id for n in result if n.kind == "indicator"] == list(INDICATORS)
    assert result.root.id == ROOT == anhui.id
    assert result.root.title == "安徽省困难职工帮扶民生工程绩效评价指标（试行）"
    assert anhui.max == Decimal("100.00")


def test_titles_are_the_tables_words(anhui: rubric.Rubric) -> None:
    titles = {node.id: node.title for node in anhui.score(BASE_GOOD)}
    assert titles["input"] == "投入"
    assert titles["process.management"] == "项目管理"
    assert titles["output.delivery.coverage"] == "保障情况"
    assert titles["effect.benefit.social_satisfaction"] == "社会满意度"


def test_facts_are_the_contracts(anhui: rubric.Rubric) -> None:
    kinds = {spec.name: spec.kind for spec in anhui.facts}
    assert len(kinds) == 59
    assert set(kinds) == set(BASE_GOOD)
    assert kinds["quantified_targets"] == "set"
    assert kinds["media_coverage"] == "level"
    assert kinds["households_targeted"] == "count"
    specs = {spec.name: spec for spec in anhui.facts}
    assert specs["leader_endorsement"].choices == ("none", "municipal", "provincial")
    assert specs["aid_standards_set"].choices == ("living", "education", "medical")
    assert specs["allocation_factors"].choices is None


@pytest.mark.parametrize(("name", "facts"), CASES, ids=[name for name, _ in CASES])
def test_boundary_cases_match_the_reference(
    anhui: rubric.Rubric, name: str, facts: dict[str, object]
) -> None:
    expected = reference_scores(facts)
    result = anhui.score(facts)
    assert {node.id: node.score for node in result} == expected
    assert result.grade == reference_grade(expected[ROOT])


# Hand-computed from the contract's wording, independent of both implementations.
HAND = [
    ("output.delivery.coverage", {"households_aided": 29, "households_targeted": 30}, "7.33"),
    ("output.delivery.coverage", {"households_aided": 39, "households_targeted": 40}, "7.75"),
    ("output.delivery.coverage", {"households_aided": 100, "households_targeted": 100}, "9.00"),
    ("output.delivery.coverage", {"households_aided": 101, "households_targeted": 100}, "9.00"),
    ("output.delivery.coverage", {"households_aided": 82, "households_targeted": 100}, "0.00"),
    ("output.delivery.coverage", {"households_aided": 83, "households_targeted": 100}, "0.50"),
    ("output.delivery.coverage", {"households_aided": 0, "households_targeted": 7}, "0.00"),
    ("input.funding.timeliness", {"disbursement_working_days": 20}, "4.00"),
    ("input.funding.timeliness", {"disbursement_working_days": 21}, "2.00"),
    ("input.funding.timeliness", {"disbursement_working_days": 30}, "2.00"),
    ("input.funding.timeliness", {"disbursement_working_days": 31}, "0.00"),
    ("input.funding.timeliness", {"disbursement_working_days": 0}, "4.00"),
    ("process.management.informatization", {"fund_entry_working_days": 30}, "3.00"),
    ("process.management.informatization", {"fund_entry_working_days": 31}, "1.00"),
    ("process.management.capacity", {"aid_staff_count": 2}, "4.00"),
    ("process.management.capacity", {"aid_staff_count": 1}, "3.00"),
    ("process.management.capacity", {"staff_training_held": False}, "3.00"),
    ("input.funding.allocation", {"allocation_factors": ["a", "b"]}, "3.00"),
    ("input.funding.allocation", {"allocation_factors": ["a", "b", "c", "d", "e"]}, "4.00"),
    (
        "input.funding.allocation",
        {"allocation_factors": [], "allocation_collectively_decided": False},
        "0.00",
    ),
    (
        "input.setup.indicator_clarity",
        {"quantified_targets": ["medical"], "aid_standards_set": []},
        "1.00",
    ),
    ("output.delivery.standards", {"noncompliant_households": 1}, "8.90"),
    ("output.delivery.standards", {"noncompliant_households": 89}, "0.10"),
    ("output.delivery.standards", {"noncompliant_households": 90}, "0.00"),
    ("output.delivery.standards", {"noncompliant_households": 91}, "0.00"),
    (
        "output.delivery.standards",
        {"illness_standard_compliant": False, "noncompliant_households": 5},
        "5.50",
    ),
    ("effect.benefit.aid_benefit", {"aided_satisfied": 89, "aided_surveyed": 100}, "8.80"),
    ("effect.benefit.aid_benefit", {"aided_satisfied": 90, "aided_surveyed": 100}, "9.00"),
    ("effect.benefit.aid_benefit", {"aided_satisfied": 45, "aided_surveyed": 100}, "0.00"),
    ("effect.benefit.aid_benefit", {"aided_satisfied": 46, "aided_surveyed": 100}, "0.20"),
    ("effect.benefit.aid_benefit", {"aided_satisfied": 2, "aided_surveyed": 3}, "4.33"),
    (
        "effect.benefit.sustainability",
        {"media_coverage": "national", "commendation": "national"},
        "6.00",
    ),
    (
        "effect.benefit.sustainability",
        {
            "continued_care": False,
            "media_coverage": "provincial",
            "commendation": "none",
            "leader_endorsement": "municipal",
            "experience_shared": "none",
        },
        "2.00",
    ),
]


@pytest.mark.parametrize(("node_id", "overrides", "expected"), HAND)
def test_hand_computed_scores(
    anhui: rubric.Rubric, node_id: str, overrides: dict[str, object], expected: str
) -> None:
    assert anhui.score(with_(**overrides))[node_id].score == Decimal(expected)


def test_social_satisfaction_pools_the_four_groups(anhui: rubric.Rubric) -> None:
    facts = with_(
        officials_surveyed=10,
        officials_satisfied=10,
        workers_surveyed=90,
        workers_satisfied=45,
        unionists_surveyed=0,
        unionists_satisfied=0,
        beneficiaries_surveyed=0,
        beneficiaries_satisfied=0,
    )
    # Pooled: 55 of 100 = 55% → 10 − 0.2 × 35 = 3; averaging the groups would give more.
    assert anhui.score(facts)["effect.benefit.social_satisfaction"].score == Decimal("3.00")


@pytest.mark.parametrize(
    ("total_hundredths", "grade"),
    [(8500, "优秀"), (8499, "良好"), (7500, "良好"), (7499, "中等"), (6000, "中等"), (5999, "差")],
)
def test_grade_boundaries(total_hundredths: int, grade: str) -> None:
    # Grade bands read off a total, through the same rubric grades on a one-number rubric.
    text = (
        'rubric g "等级" max 100\n'
        "grade 优秀 if total >= 85\ngrade 良好 if total >= 75\ngrade 中等 if total >= 60\n"
        "grade 差 otherwise\n"
        'fact s: number >= 0 and <= 100 "得分"\n'
        'indicator q "得分" max 100\n  +1 per 1 of s, proportionally\n'
    )
    result = rubric.loads(text).score({"s": Fraction(total_hundredths, 100)})
    assert result.total == Decimal(total_hundredths) / 100
    assert result.grade == grade == reference_grade(result.total)


@given(anhui_facts())
def test_generated_facts_match_the_reference(
    anhui: rubric.Rubric, facts: dict[str, object]
) -> None:
    result = anhui.score(facts)
    expected = reference_scores(facts)
    assert {node.id: node.score for node in result} == expected
    assert result.grade == reference_grade(result.total)


@given(st.data())
def test_facts_drawn_from_the_declarations_match_the_reference(
    anhui: rubric.Rubric, data: st.DataObject
) -> None:
    # rubric.testing knows nothing of Anhui but its declarations and its thresholds.
    facts = data.draw(testing.facts(anhui))
    result = anhui.score(facts)
    assert {node.id: node.score for node in result} == reference_scores(facts)
    assert result.grade == reference_grade(result.total)
    testing.assert_within_bounds(anhui, result)


@given(anhui_facts())
def test_every_node_within_bounds_and_parents_sum(
    anhui: rubric.Rubric, facts: dict[str, object]
) -> None:
    result = anhui.score(facts)
    for node in result:
        assert 0 <= node.score <= node.max
        assert node.score == node.score.quantize(Decimal("0.01"))
        if node.children:
            assert node.exact == sum(child.exact for child in node.children)
            assert node.score == sum(child.score for child in node.children)
            assert node.max == sum(child.max for child in node.children)
        else:
            # The explanation accounts for every hundredth of the score.
            assert sum(r.points for r in node.explanation) == node.exact
    assert result.grade == reference_grade(result.total)


@given(anhui_facts())
def test_scoring_is_deterministic(anhui: rubric.Rubric, facts: dict[str, object]) -> None:
    first, second = anhui.score(facts), anhui.score(dict(reversed(list(facts.items()))))
    assert first == second
    assert first.to_dict() == second.to_dict()


def test_coverage_explanation_reads_like_the_table(anhui: rubric.Rubric) -> None:
    node = anhui.score(with_(households_aided=39, households_targeted=40))[
        "output.delivery.coverage"
    ]
    texts = [reason.text for reason in node.explanation]
    assert texts == [
        "起评分为满分9分",
        "实际帮扶户数/帮扶目标任务数 = 97.50%，比100%少2.50个百分点，每少1个百分点扣0.5分，扣1.25分",
    ]
    deduction = node.explanation[1]
    assert deduction.points == Fraction(-5, 4)
    assert dict(deduction.facts) == {"households_aided": 39, "households_targeted": 40}
    assert dict(deduction.values) == {"rate": Fraction(195, 2)}
