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
        assert err.startswith(f"{path}:2:8: expected ':', found 'bool'\n")


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
