"""The outputs the docs show are what the tool prints now, exactly.

Every `console` block of README.md and docs/*.md that runs `$ rubric …` commands, and every `>>>`
transcript of docs/api.md, is run again in docs/examples/ (which holds the files they read) and
must equal what the doc shows, line for line. The blocks are run by tests/doc_outputs.py: `rubric`
through `rubric.cli.main` in this process, stdout and stderr captured together in order, which
prints what `python -m rubric …` prints (test_in_process_runs_print_what_python_m_rubric_prints
keeps that so). Markers above a block say where it runs (`<!-- run in: DIR -->`, relative to
docs/examples/) or that it is not checked (`<!-- not checked: REASON -->`).

After an intended change of wording in the engine, run `python docs/regenerate.py`, which
rewrites every shown output from the current engine, and review `git diff docs/`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import doc_outputs

RUNS = doc_outputs.all_runs()
CHECKED = [run for run in RUNS if run.skipped is None]


def _ids(found: list[doc_outputs.Run]) -> list[str]:
    return [run.where for run in found]


@pytest.mark.parametrize("run", CHECKED, ids=_ids(CHECKED))
def test_shown_output_is_printed_now(run: doc_outputs.Run) -> None:
    now = doc_outputs.now(run)
    if now != list(run.lines):
        first = next(
            (n for n, (a, b) in enumerate(zip(run.lines, now, strict=False)) if a != b),
            min(len(run.lines), len(now)),
        )
        pytest.fail(
            f"{run.where}: the {run.kind} block shows an output the tool no longer prints "
            f"(first difference: {run.name}:{run.line + 1 + first}); if the change is meant, "
            "run `python docs/regenerate.py` and review the diff\n" + doc_outputs.diff(run, now),
            pytrace=False,
        )


def test_there_are_runs_to_check() -> None:
    # Guard against a change to the fences, the markers or the parser that would leave
    # nothing to compare.
    names = {run.name for run in CHECKED}
    assert names >= {"docs/dsl.md", "docs/api.md", "docs/tutorial.md"}, names
    assert sum(run.kind == "console" for run in CHECKED) >= 80
    assert sum(run.kind == "transcript" for run in CHECKED) >= 15
    assert sum(len(doc_outputs.commands(run)) for run in CHECKED if run.kind == "console") >= 100


def test_every_marker_is_above_a_run() -> None:
    # A marker that stands above anything else (a typo in a fence, a moved block) would silently
    # do nothing.
    marked = {(run.path, run.line) for run in RUNS if run.skipped is not None or run.directory}
    for path in doc_outputs.DOCS:
        lines = path.read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines, 1):
            if re.match(r"\s*<!--\s*(not checked|run in)\b", line):
                fence = next(n for n in range(number, len(lines)) if lines[n].strip()) + 1
                where = f"{path.relative_to(doc_outputs.ROOT)}:{number}"
                assert (path, fence) in marked, f"{where}: the marker is not above a run block"


def test_every_run_in_directory_exists() -> None:
    for run in RUNS:
        assert run.cwd.is_dir(), f"{run.where}: no directory {run.cwd}"


# Commands of the docs, of every kind of outcome: a scored tree, JSON, a rubric error (exit 1),
# a facts error, a file that cannot be read, wrong usage (exit 2).
SAMPLES = [
    ("", ["score", "goal.rub", "goal.json"]),
    ("api", ["score", "coverage.rub", "coverage29.json", "--format", "json"]),
    ("", ["check", "forms_struct.rub"]),
    ("", ["score", "facts_types.rub", "facts_bad.json"]),
    ("api", ["score", "coverage.rub", "nothere.json"]),
    ("api", ["score", "coverage.rub"]),
]


@pytest.mark.parametrize(("directory", "args"), SAMPLES, ids=[" ".join(a) for _, a in SAMPLES])
def test_in_process_runs_print_what_python_m_rubric_prints(directory: str, args: list[str]) -> None:
    cwd = doc_outputs.EXAMPLES / directory
    real = subprocess.run(
        [sys.executable, "-m", "rubric", *args],
        cwd=cwd,
        env=dict(os.environ, COLUMNS="80", PYTHONIOENCODING="utf-8"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    expected = real.stdout.decode("utf-8") + f"status {real.returncode}\n"
    assert doc_outputs.run_command(f'rubric {" ".join(args)}; echo "status $?"', cwd) == expected


def test_a_stale_output_is_caught_and_placed() -> None:
    # The comparison is real: one printed line changed, and the block no longer matches; the
    # diff numbers its lines as lines of the doc.
    run = next(r for r in CHECKED if r.kind == "console" and not r.lines[1].startswith("$ "))
    lines = list(run.lines)
    lines[1] += "（旧）"
    stale = dataclasses.replace(run, lines=tuple(lines))
    now = doc_outputs.now(stale)
    assert now != list(stale.lines)
    diff = doc_outputs.diff(stale, now)
    assert f"\n-{lines[1]}\n" in diff and f"\n+{run.lines[1]}" in diff, diff
    assert f"\n@@ -{run.line + 1}," in diff, diff


def test_an_elided_output_keeps_its_first_and_last_lines() -> None:
    printed = [f"line {n}" for n in range(1, 11)]
    shown = ["line 1", "line 2", doc_outputs.ELISION, "line 10"]
    assert doc_outputs._elide(printed, shown) == shown
    assert doc_outputs._elide(printed, ["line 1", doc_outputs.ELISION]) == ["line 1", "…"]
    assert doc_outputs._elide(printed[:2], shown) == printed[:2]  # too short to leave any out
    assert doc_outputs._elide(printed, printed) == printed


def test_the_shell_here(tmp_path: Path) -> None:
    run = doc_outputs.run_command
    piped = 'rubric score goal.rub goal.json | head -n 1; echo "exit ${PIPESTATUS[0]} $?"'
    assert run(piped) == "绩效目标合理性示例  [goal_demo]\nexit 0 0\n"
    assert run('rubric check nothere.rub; echo "exit $?"') == (
        "rubric: cannot read nothere.rub: No such file or directory\nexit 1\n"
    )
    with pytest.raises(doc_outputs.UnsupportedCommandError, match="stderr inside a pipe"):
        run("rubric check nothere.rub | head -1")
    with pytest.raises(doc_outputs.UnsupportedCommandError, match="'&&'"):
        run("rubric check goal.rub && echo ok")
    with pytest.raises(doc_outputs.UnsupportedCommandError, match="'cat'"):
        run("cat goal.rub")
    assert run("printf 'a\\xd6\\n' > x.rub", tmp_path, write=True) == ""
    assert (tmp_path / "x.rub").read_bytes() == b"a\xd6\n"
    assert run("printf 'a\\xd6\\n' > x.rub", tmp_path) == ""
    with pytest.raises(AssertionError, match=r"x\.rub is not what the command writes"):
        run("printf 'b\\n' > x.rub", tmp_path)
