"""The example units: their totals and grades, their JSON and TOML twins, their golden trees."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import rubric
from anhui_reference import reference_grade, reference_scores
from conftest import EXAMPLES

EXPECTED: dict[str, dict[str, str]] = json.loads(
    (EXAMPLES / "expected.json").read_text(encoding="utf-8")
)
GOLDEN = Path(__file__).resolve().parent / "golden" / "anhui"


def test_examples_cover_every_grade_in_both_formats() -> None:
    assert {v["grade"] for v in EXPECTED.values()} >= {"优秀", "良好", "差"}
    stems = {Path(name).stem for name in EXPECTED}
    for stem in stems:
        assert {f"{stem}.json", f"{stem}.toml"} <= set(EXPECTED)
    assert sorted(p.name for p in EXAMPLES.glob("*.json") if p.name != "expected.json") == sorted(
        f"{stem}.json" for stem in stems
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_total_and_grade(anhui: rubric.Rubric, name: str) -> None:
    facts = rubric.load_facts(EXAMPLES / name)
    result = anhui.score(facts)
    assert str(result.total) == EXPECTED[name]["total"]
    assert result.grade == EXPECTED[name]["grade"]
    # The expected figures were computed with the hand-written reference; so is this check.
    plain = {k: v if not isinstance(v, Decimal) else int(v) for k, v in facts.items()}
    assert {n.id: n.score for n in result} == reference_scores(plain)
    assert reference_grade(result.total) == result.grade


@pytest.mark.parametrize("stem", sorted({Path(name).stem for name in EXPECTED}))
def test_toml_twin_holds_the_same_facts(anhui: rubric.Rubric, stem: str) -> None:
    from_json = rubric.load_facts(EXAMPLES / f"{stem}.json")
    from_toml = rubric.load_facts(EXAMPLES / f"{stem}.toml")
    assert from_json == from_toml
    assert "#" in (EXAMPLES / f"{stem}.toml").read_text(encoding="utf-8")
    assert anhui.score(from_json) == anhui.score(from_toml)


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_golden_json_tree(anhui: rubric.Rubric, path: Path) -> None:
    result = anhui.score(rubric.load_facts(EXAMPLES / path.name))
    assert result.to_dict() == json.loads(path.read_text(encoding="utf-8"))
