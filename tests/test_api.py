"""The public API: its names, immutability, thread safety, and the result's accessors."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import rubric
from anhui_strategies import BASE_GOOD, anhui_boundary_cases
from conftest import ANHUI


def test_public_names() -> None:
    assert sorted(rubric.__all__) == sorted(
        [
            "Adjustment",
            "Batch",
            "Bound",
            "Diagnostic",
            "FactProblem",
            "FactSpec",
            "FactValue",
            "FactsError",
            "GradeLine",
            "Limits",
            "OutlineNode",
            "NodeBounds",
            "Reason",
            "Result",
            "Row",
            "Rubric",
            "RubricCheckError",
            "RubricError",
            "RubricSyntaxError",
            "ScoredNode",
            "__version__",
            "load",
            "load_facts",
            "loads",
            # issue 8: many units, evaluations and reports
            "Comparison",
            "Difference",
            "Evaluation",
            "GradeShare",
            "NodeStatistics",
            "Shortfall",
            "Standing",
            "Unit",
            "UnitError",
            "load_units",
            "write_report",
            "write_template",
            # issue 9, item 9: rules relative to the other units
            "Cohort",
            "CohortError",
            # issue 10, item 6: advice and what-if
            "Advice",
            "FactChange",
            "NodeChange",
            "WhatIf",
        ]
    )
    for name in rubric.__all__:
        assert hasattr(rubric, name)
    assert issubclass(rubric.RubricSyntaxError, rubric.RubricError)
    assert issubclass(rubric.RubricCheckError, rubric.RubricError)
    assert issubclass(rubric.FactsError, rubric.RubricError)
    assert (Path(rubric.__file__).parent / "py.typed").exists()


def test_load_and_loads_agree(anhui: rubric.Rubric) -> None:
    again = rubric.loads(ANHUI.read_text(encoding="utf-8"), filename=str(ANHUI))
    assert again.score(BASE_GOOD) == anhui.score(BASE_GOOD)
    assert repr(anhui) == (
        f"<Rubric anhui_2019 '安徽省困难职工帮扶民生工程绩效评价指标（试行）' from {ANHUI}, max 100.00>"
    )
    assert (anhui.id, anhui.version, anhui.places, anhui.filename) == (
        "anhui_2019",
        "2019（试行）",
        2,
        str(ANHUI),
    )


def test_compiled_rubrics_and_results_are_immutable(anhui: rubric.Rubric) -> None:
    result = anhui.score(BASE_GOOD)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        anhui._compiled = None  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.grade = "差"  # type: ignore[misc]
    node = result["input"]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        node.exact = Fraction(0)  # type: ignore[misc]
    assert isinstance(node.children, tuple)
    assert isinstance(result["input.setup.goal_rationality"].explanation, tuple)
    hash(result)


def test_concurrent_scoring_matches_sequential(anhui: rubric.Rubric) -> None:
    cases = anhui_boundary_cases() * 5
    sequential = [anhui.score(facts) for facts in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(anhui.score, cases))
    assert concurrent == sequential


def test_scoring_leaves_the_facts_alone(anhui: rubric.Rubric) -> None:
    facts = json.loads(json.dumps(BASE_GOOD))
    before = json.dumps(facts, sort_keys=True)
    anhui.score(facts)
    assert json.dumps(facts, sort_keys=True) == before


def test_result_accessors(anhui: rubric.Rubric) -> None:
    result = anhui.score(BASE_GOOD)
    assert result.total == Decimal("100.00") and result.max == Decimal("100.00")
    assert result.grade == "优秀"
    assert len(result) == 30
    assert "input.setup" in result and "nope" not in result
    assert result.node("input.setup") is result["input.setup"]
    assert [n.id for n in result][:3] == ["anhui_2019", "input", "input.setup"]
    with pytest.raises(KeyError, match="no node 'nope'; ids are anhui_2019, input"):
        result.node("nope")
    leaf = result["input.setup.goal_rationality"]
    assert (leaf.kind, leaf.score, leaf.max, leaf.children) == (
        "indicator",
        Decimal("4.00"),
        Decimal("4.00"),
        (),
    )
    assert leaf.explanation[0].to_dict(2) == {
        "text": "项目符合国家相关法律法规规定，落实省委省政府和全总工作部署：是，得2分",
        "points": "2.00",
        "exact": "2",
        "kind": "when",
        "facts": {"complies_with_policy": True},
        "values": {},
        "line": leaf.explanation[0].line,
    }
    data = json.loads(result.to_json())
    assert data == result.to_dict()
    assert data["grade"] == "优秀" and data["score"] == "100.00"


def test_fact_specs_describe_the_facts(anhui: rubric.Rubric) -> None:
    spec = next(s for s in anhui.facts if s.name == "households_targeted")
    assert (spec.kind, spec.description, spec.unit) == ("count", "帮扶目标任务数", "户")
    assert [b.describe() for b in spec.bounds] == ["≥ 1"]
    spec = next(s for s in anhui.facts if s.name == "media_coverage")
    assert dict(spec.labels)["national"] == "国家级媒体报道"


def test_load_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.rub"
    path.write_bytes('rubric x "标题" max 1\n'.encode("gbk"))
    with pytest.raises(rubric.RubricSyntaxError) as caught:
        rubric.load(path)
    assert str(caught.value).startswith(f"{path}:1:11: byte 10 is not UTF-8 text [E104]\n")


def test_byte_order_mark_is_ignored() -> None:
    text = "\ufeff" + ANHUI.read_text(encoding="utf-8")
    assert rubric.loads(text).id == "anhui_2019"


def test_error_positions(tmp_path: Path) -> None:
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads('rubric x "标题" max 1\nindicator q "质量" max 1\n  +1 if nope\n', "t.rub")
    error = caught.value
    assert (error.filename, error.line, error.column) == ("t.rub", 3, 9)
    assert error.offset == len('rubric x "标题" max 1\nindicator q "质量" max 1\n  +1 if ')
    assert error.diagnostics[0].message == "unknown name 'nope'"


def test_concurrent_compiles_agree() -> None:
    text = ANHUI.read_text(encoding="utf-8")
    broken = text.replace("fact households_targeted: count >= 1", "fact households_targeted count")
    with ThreadPoolExecutor(max_workers=4) as pool:
        compiled = list(pool.map(rubric.loads, [text] * 8))
        errors = list(pool.map(_error_text, [broken] * 8))
    assert all(r.score(BASE_GOOD) == compiled[0].score(BASE_GOOD) for r in compiled)
    assert len(set(errors)) == 1
    assert errors[0].startswith("<string>:")


def _error_text(text: str) -> str:
    try:
        rubric.loads(text)
    except rubric.RubricError as error:
        return str(error)
    return ""


def test_grade_lines_give_their_thresholds_where_plain(anhui: rubric.Rubric) -> None:
    assert [(g.name, g.threshold, g.strict) for g in anhui.grades] == [
        ("优秀", 85, False),
        ("良好", 75, False),
        ("中等", 60, False),
        ("差", None, False),
    ]
    mixed = rubric.loads(
        'rubric r "示例" max 10\ngrade 甲 if total > 8.5\ngrade 乙 if total >= 5 and ok\n'
        'grade 丙 otherwise\nfact ok: bool "合格"\nindicator q "质量" max 10\n  +10 if ok\n'
    )
    assert [(g.name, g.line, g.threshold, g.strict) for g in mixed.grades] == [
        ("甲", 2, Fraction(17, 2), True),
        ("乙", 3, None, False),
        ("丙", 4, None, False),
    ]


# ---------------------------------------------------------------- start-up


def _run(code: str, stdin: bytes = b"") -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_import_leaves_the_parser_and_the_heavy_modules_until_needed() -> None:
    heavy = (
        *("pyparsing", "gettext", "json", "pathlib", "pickle", "zlib"),
        *("rubric._cohort", "rubric._batch", "rubric._outline"),
    )
    code = f"import sys, rubric; print([m for m in {heavy!r} if m in sys.modules])"
    assert _run(code) == "[]\n"


def test_a_pickled_rubric_scores_without_the_parser() -> None:
    anhui = rubric.load(ANHUI)
    facts = dict(BASE_GOOD)
    code = (
        "import pickle, sys, rubric; rubric_, facts = pickle.loads(sys.stdin.buffer.read()); "
        "print(rubric_.score(facts).total, 'pyparsing' in sys.modules)"
    )
    out = _run(code, pickle.dumps((anhui, facts)))
    assert out == f"{anhui.score(facts).total} False\n"


def test_batches_and_outlines_named_from_the_package_are_the_classes_the_rubric_makes() -> None:
    anhui = rubric.load(ANHUI)
    batch = anhui.score_batch([("甲", dict(BASE_GOOD))])
    assert type(batch) is rubric.Batch
    assert type(batch[0]) is rubric.Row
    assert type(next(anhui.score_many([dict(BASE_GOOD)]))) is rubric.Row
    assert {type(node) for node in anhui.outline()} == {rubric.OutlineNode}
    assert {type(line) for line in anhui.grades} == {rubric.GradeLine}
    assert pickle.loads(pickle.dumps(batch)) == batch
