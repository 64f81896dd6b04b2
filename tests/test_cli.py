"""The command line: its outputs, its exit codes, and no traceback for any bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from anhui_reference import reference_grade, reference_scores
from anhui_strategies import BASE_GOOD
from conftest import ANHUI
from rubric import load
from rubric.cli import main


def rubric_line(text: str) -> int:
    lines = ANHUI.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.json"
    facts = dict(BASE_GOOD, households_aided=39, households_targeted=40)
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_reports_the_rubric(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", ANHUI)
    assert (code, err) == (0, "")
    assert out == (
        f"{ANHUI}: ok: anhui_2019 “安徽省困难职工帮扶民生工程绩效评价指标（试行）”, "
        "10 groups, 19 indicators, 59 facts, max 100.00\n"
    )


def test_score_json_is_the_tree(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, err = run(capsys, "score", ANHUI, good, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    expected = reference_scores(json.loads(good.read_text(encoding="utf-8")))
    assert data["grade"] == reference_grade(expected["anhui_2019"]) == "优秀"
    assert set(data) == {
        "id",
        "title",
        "score",
        "max",
        "children",
        "explanation",
        "grade",
        "grade_explanation",
    }

    def walk(node: dict[str, object]) -> list[dict[str, object]]:
        children = node["children"]
        assert isinstance(children, list)
        return [node, *(n for child in children for n in walk(child))]

    nodes = walk(data)
    assert {n["id"]: n["score"] for n in nodes} == {k: str(v) for k, v in expected.items()}
    assert all(isinstance(n["max"], str) and n["max"].endswith(".00") for n in nodes)
    coverage = next(n for n in nodes if n["id"] == "output.delivery.coverage")
    assert coverage["score"] == "7.75"
    assert coverage["explanation"][1] == {
        "text": "实际帮扶户数/帮扶目标任务数 = 97.50%，比100%少2.50个百分点，每少1个百分点扣0.5分，扣1.25分",
        "points": "-1.25",
        "exact": "-1.25",
        "kind": "per",
        "facts": {"households_aided": 39, "households_targeted": 40},
        "values": {"rate": "97.5"},
        "line": rubric_line("-0.5 per 1 of rate short of 100"),
    }


def test_score_text_is_an_indented_tree(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, _ = run(capsys, "score", ANHUI, good)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "安徽省困难职工帮扶民生工程绩效评价指标（试行）  [anhui_2019, 2019（试行）]"
    assert lines[1] == "总分 98.75 / 100.00    等级：优秀"
    assert "投入                20.00 / 20.00  input" in lines
    assert "    保障情况         7.75 /  9.00  output.delivery.coverage" in lines
    assert (
        "        -1.25  实际帮扶户数/帮扶目标任务数 = 97.50%，比100%少2.50个百分点，"
        "每少1个百分点扣0.5分，扣1.25分"
    ) in lines


def test_toml_facts_score_like_json(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    facts = json.loads(good.read_text(encoding="utf-8"))
    toml = good.with_suffix(".toml")
    toml.write_text(
        "# 注释\n"
        + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in facts.items()),
        encoding="utf-8",
    )
    assert run(capsys, "score", ANHUI, good, "--format", "json") == run(
        capsys, "score", ANHUI, toml, "--format", "json"
    )


def test_score_text_shows_what_would_earn_lost_points(
    capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    code, out, _ = run(capsys, "score", ANHUI, good)
    assert code == 0
    lines = out.splitlines()
    coverage = lines.index("    保障情况         7.75 /  9.00  output.delivery.coverage")
    assert lines[coverage + 1 : coverage + 4] == [
        "        +9.00  起评分为满分9分",
        "        -1.25  实际帮扶户数/帮扶目标任务数 = 97.50%，比100%少2.50个百分点，"
        "每少1个百分点扣0.5分，扣1.25分",
        "               可改进：若实际帮扶户数达到帮扶目标任务数，可再得1.25分",
    ]
    # Only indicators that lost points have any.
    assert sum("可改进：" in line for line in lines) == 1


def test_score_what_if_prints_what_moved(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    plain = run(capsys, "score", ANHUI, good)[1]
    code, out, err = run(
        capsys,
        "score",
        ANHUI,
        good,
        "--what-if",
        "households_aided=30",
        "--what-if",
        "media_coverage=none",  # not JSON: taken as text
    )
    assert (code, err) == (0, "")
    assert out == plain + (
        "\n"
        "假如改变以下事实：\n"
        "  实际帮扶户数：39户 → 30户\n"
        "  媒体报道：国家级媒体报道 → 无\n"
        "\n"
        "得分变化：\n"
        "  产出  23.75 → 16.00（-7.75）  output\n"
        "    项目产出  23.75 → 16.00（-7.75）  output.delivery\n"
        "      保障情况  7.75 → 0.00（-7.75）  output.delivery.coverage\n"
        "          实际帮扶户数/帮扶目标任务数 = 75.00%，比100%少25.00个百分点，"
        "每少1个百分点扣0.5分，扣12.5分\n"
        "          各项合计扣3.5分，低于0分，按0分计\n"
        "  效果  25.00 → 23.00（-2.00）  effect\n"
        "    项目效益  25.00 → 23.00（-2.00）  effect.benefit\n"
        "      可持续影响  6.00 → 4.00（-2.00）  effect.benefit.sustainability\n"
        "          媒体报道：无，不得分\n"
        "\n"
        "总分 98.75 → 89.00（-9.75）\n"
        "等级 优秀 → 优秀（不变）\n"
    )
    # JSON where it parses: a quoted text, a list, the same as the facts file would give.
    quoted = run(capsys, "score", ANHUI, good, "--what-if", 'media_coverage="none"')[1]
    assert quoted == run(capsys, "score", ANHUI, good, "--what-if", "media_coverage=none")[1]
    listed = run(capsys, "score", ANHUI, good, "--what-if", 'allocation_factors=["甲"]')[1]
    assert "  资金分配依据的因素：地方经济社会发展、建档困难职工户数、资金使用绩效 → 甲\n" in listed


def test_score_what_if_in_json(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, _ = run(
        capsys, "score", ANHUI, good, "--format", "json", "--what-if", "households_aided=30"
    )
    assert code == 0
    data = json.loads(out)
    result = load(ANHUI).score(json.loads(good.read_text(encoding="utf-8")))
    assert data.pop("what_if") == result.what_if({"households_aided": 30}).to_dict()
    assert data == result.to_dict()


@pytest.mark.parametrize("change", ["households_aided", "=3"])
def test_score_what_if_needs_fact_equals_value(
    capsys: pytest.CaptureFixture[str], good: Path, change: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["score", str(ANHUI), str(good), "--what-if", change])
    assert caught.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"rubric score: error: argument --what-if: expected FACT=VALUE, found {change!r}\n"
    )


def test_score_what_if_names_every_bad_fact(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    args = ["--what-if", "househlds_aided=30", "--what-if", "households_aided=-1"]
    assert run(capsys, "score", ANHUI, good, *args) == (
        1,
        "",
        "--what-if: 2 problems, nothing was scored\n"
        "  households_aided: expected a count (a whole number, 0 or more), found the number -1\n"
        "  househlds_aided: unknown fact; did you mean 'households_aided'?\n",
    )


def test_score_what_if_takes_one_unit(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    assert run(capsys, "score", ANHUI, good, good, "--what-if", "households_aided=3") == (
        2,
        "",
        "rubric score: --what-if takes one unit's facts file\n",
    )


def test_invalid_facts_exit_1_naming_every_fact(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    facts = dict(BASE_GOOD, households_aided=True, aided_surveyed=2.0, bogus=1)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    code, out, err = run(capsys, "score", ANHUI, path)
    assert (code, out) == (1, "")
    assert err == (
        f"{path}: 3 problems, nothing was scored\n"
        "  households_aided: expected a count (a whole number, 0 or more), found true\n"
        "  aided_surveyed: expected a count (a whole number, 0 or more), found the decimal number 2.0\n"
        "  bogus: unknown fact\n"
    )


def test_invalid_rubric_exit_1_with_position(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, good: Path
) -> None:
    path = tmp_path / "bad.rub"
    path.write_text('rubric x "标题" max 1\nfact a bool\n', encoding="utf-8")
    for args in (("check", path), ("score", path, good)):
        code, out, err = run(capsys, *args)
        assert (code, out) == (1, "")
        assert err.startswith(f"{path}:2:8: expected ':', found 'bool' [E101]\n")


def test_missing_files_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", tmp_path / "none.rub")
    assert code == 1
    assert err == f"rubric: cannot read {tmp_path / 'none.rub'}: No such file or directory\n"
    code, _, err = run(capsys, "score", ANHUI, tmp_path / "none.json")
    assert code == 1
    assert err == f"rubric: cannot read {tmp_path / 'none.json'}: No such file or directory\n"
    code, _, err = run(capsys, "score", ANHUI, tmp_path)
    assert code == 1
    assert err.startswith(f"rubric: cannot read {tmp_path}: ")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["score"],
        ["score", "x.rub"],
        ["frobnicate"],
        ["score", "a.rub", "b.json", "--format", "xml"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    assert "usage: rubric" in capsys.readouterr().err


HOSTILE: list[bytes] = [
    b"\x00\x01\x02\xff\xfe",
    b'rubric x "t" max 1\n' + b"fact a: count >= " + b"9" * 5000 + b"\n",
    b'rubric x "t" max 1\nindicator q "q" max 1\n  +1 if ' + b"(" * 3000 + b"\n",
    b'rubric x "t" max 1\n' + b"x" * 100_000 + b"\n",
    b'rubric x "t" max 1\nfact a: bool\nindicator q "q" max 1\n  +1 if __import__("os")\n',
    b'rubric x "t" max 1\nlet a = b\nlet b = a\nindicator q "q" max 1\n  +1 per 1 of a, whole steps only\n',
    b'rubric x "\xe4\xb8\xad\n',
]


@pytest.mark.parametrize("content", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_rubrics_exit_1_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hostile.rub"
    path.write_bytes(content)
    done = subprocess.run(
        [sys.executable, "-m", "rubric", "check", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{path}:")


def test_console_script_runs_the_main_job(tmp_path: Path, good: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rubric", "score", str(ANHUI), str(good), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout)["score"] == "98.75"


# ---------------------------------------------------------------- warnings, --strict, json, outline

WARNED = (
    'rubric w "有警告" max 10\n'
    'fact x: number >= 0 and <= 100 "比率"\n'
    'indicator q "质量" max 10\n'
    "  points by x: >= 90 -> 10, >= 60 and < 89.5 -> 6, otherwise -> 0\n"
)


def test_check_prints_warnings_and_passes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "w.rub"
    path.write_text(WARNED, encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 0
    assert out == f"{path}: ok: w “有警告”, 0 groups, 1 indicator, 1 fact, max 10.00; 1 warning\n"
    assert err == (
        f"{path}:4:3: warning: no band takes x >= 89.5 and x < 90, between two bands: such a "
        "value gets the 'otherwise' arm's 0 [W402]\n"
        "      points by x: >= 90 -> 10, >= 60 and < 89.5 -> 6, otherwise -> 0\n"
        "      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "    if that is meant, add the arm >= 89.5 and < 90 -> 0; else make the bands meet\n"
    )


def test_strict_counts_warnings_as_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "w.rub"
    path.write_text(WARNED, encoding="utf-8")
    code, out, err = run(capsys, "check", "--strict", path)
    assert (code, out) == (1, "")
    assert err.endswith(f"{path}: 1 warning, which --strict counts as errors\n")
    assert run(capsys, "check", "--strict", ANHUI)[0] == 0


def test_a_comment_silences_one_warning_on_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "w.rub"
    path.write_text(WARNED.rstrip("\n") + "  # rubric: ignore W402\n", encoding="utf-8")
    assert run(capsys, "check", "--strict", path)[:2] == (
        0,
        f"{path}: ok: w “有警告”, 0 groups, 1 indicator, 1 fact, max 10.00\n",
    )
    # Another code on the line silences nothing; a comment alone on the line above does.
    path.write_text(WARNED.rstrip("\n") + "  # rubric: ignore W401\n", encoding="utf-8")
    assert run(capsys, "check", "--strict", path)[0] == 1
    lines = WARNED.splitlines()
    lines.insert(3, "  # rubric: ignore W402 (89.5 to 90 gets nothing, as the notice says)")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(capsys, "check", "--strict", path)[0] == 0


def test_json_lists_every_diagnostic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.rub"
    path.write_text(WARNED, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", path)
    assert code == 0
    assert json.loads(out) == {
        "file": str(path),
        "ok": True,
        "diagnostics": [
            {
                "file": str(path),
                "line": 4,
                "column": 3,
                "end_line": 4,
                "end_column": 66,
                "severity": "warning",
                "code": "W402",
                "message": "no band takes x >= 89.5 and x < 90, between two bands: such a value "
                "gets the 'otherwise' arm's 0",
                "hint": "if that is meant, add the arm >= 89.5 and < 90 -> 0; else make the "
                "bands meet",
            }
        ],
        "omitted": 0,
    }
    assert json.loads(run(capsys, "check", "--format", "json", "--strict", path)[1])["ok"] is False
    bad = tmp_path / "bad.rub"
    bad.write_text('rubric x "标题" max 1\nfact abc: bool\nindicator q "q" max 1\n  +1 if abd\n')
    code, out, err = run(capsys, "check", "--format", "json", bad)
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["ok"] is False
    assert [(d["line"], d["column"], d["code"], d["severity"]) for d in report["diagnostics"]] == [
        (4, 9, "E201", "error")
    ]
    assert report["diagnostics"][0]["hint"] == (
        "did you mean 'abc'? every name must be declared first, with a 'fact' or a 'let' line"
    )


def test_outline_shows_the_tree_with_bounds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "o.rub"
    path.write_text(
        'rubric o "大纲" max 20\n'
        'fact x: number >= 0 and <= 50 "比率"\nfact a: bool "甲"\n'
        'group g "组" max 20\n'
        'indicator g.q "质量" max 10\n  points = x / 10\n'
        'indicator g.r "规范" max 10\n  +10 if a\n  not applicable if x > 40, full marks\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "outline", path)
    assert code == 0
    assert out == (
        "o  大纲\n"
        "max 20.00; the total can be 0 to 15\n"
        "\n"
        "id     title    max  lowest  highest  reads\n"
        "g      组     20.00       0       15\n"
        "  g.q  质量   10.00       0        5  x\n"
        "  g.r  规范   10.00       0       10  x, a\n"
        "\n"
        "lowest and highest: proved over every facts the rubric accepts, reached by some;\n"
        "≥ or ≤ marks a bound that is safe but was not shown reached.\n"
    )


def test_a_count_of_4300_digits_is_an_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rub = tmp_path / "big.rub"
    rub.write_text(
        'rubric d "t" max 10\nfact n: count "户数"\nindicator i "i" max 10\n  +10 if n > 1\n',
        encoding="utf-8",
    )
    facts = tmp_path / "big.json"
    facts.write_text('{"n": 1' + "0" * 4299 + "}", encoding="utf-8")
    for form in ("json", "text"):
        code, out, err = run(capsys, "score", rub, facts, "--format", form)
        assert (code, out) == (1, "")
        assert err == (
            f"{facts}: 1 problem, nothing was scored\n"
            "  n: has more than 1000 digits, more than any fact may hold\n"
        )


def test_the_collector_leaves_the_rubric_alone_only_in_the_program(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gc

    before = gc.get_freeze_count()
    assert run(capsys, "check", ANHUI)[0] == 0
    assert gc.get_freeze_count() == before  # called from other code: the collector untouched
    program = (
        "import gc, sys\n"
        "from rubric.cli import main\n"
        f"sys.argv = ['rubric', 'check', {str(ANHUI)!r}]\n"
        "code = main()\n"
        "print(code, gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 True"
