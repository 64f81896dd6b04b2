"""Golden error texts: what a rubric author sees for each kind of mistake, asserted exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

import rubric
from rubric._i18n import language

GOLDEN = Path(__file__).resolve().parent / "golden" / "errors"
CASES = sorted(GOLDEN.glob("*.rub"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_error_text_is_the_golden_text(path: Path) -> None:
    expected = path.with_suffix(".txt").read_text(encoding="utf-8")
    kind = rubric.RubricSyntaxError if path.stem.startswith("syntax") else rubric.RubricCheckError
    with pytest.raises(kind) as caught:
        rubric.loads(path.read_text(encoding="utf-8"), filename=path.name)
    assert f"{caught.value}\n" == expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_error_text_in_chinese_is_the_golden_text(path: Path) -> None:
    """The same mistakes, worded in Chinese: `<name>.zh.txt` beside the English `<name>.txt`."""
    expected = path.with_suffix(".zh.txt").read_text(encoding="utf-8")
    with language("zh"), pytest.raises(rubric.RubricError) as caught:
        rubric.loads(path.read_text(encoding="utf-8"), filename=path.name)
    assert f"{caught.value}\n" == expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_problem_points_inside_the_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    with pytest.raises(rubric.RubricError) as caught:
        rubric.loads(text, filename=path.name)
    error = caught.value
    assert isinstance(error, rubric.RubricSyntaxError | rubric.RubricCheckError)
    for diagnostic in error.diagnostics:
        assert 0 <= diagnostic.span.start <= diagnostic.span.end <= len(text)
    line = text.splitlines()[error.line - 1] if text.strip() else ""
    assert error.column <= len(line) + 1
    assert str(error).startswith(f"{path.name}:{error.line}:{error.column}: ")


def test_golden_files_cover_both_stages() -> None:
    stems = {p.stem.split("_")[0] for p in CASES}
    assert stems == {"syntax", "check"}
    assert all(p.with_suffix(".txt").exists() for p in CASES)
    assert all(p.with_suffix(".zh.txt").exists() for p in CASES)
