"""Every rule form as data: tests/cases/<form>/{rubric.rub, facts.json, expected.json}, one test.

Like jmespath's compliance suite, each folder holds a rubric and named cases: `facts.json` maps a
case's name to its facts, `expected.json` the same name to what scoring them must give. A case
of `expected.json` that `facts.json` lacks is about the rubric itself: it compiles, or is refused.

Facts are JSON, numbers read exactly (`0.1` is one tenth). Three values JSON cannot write:
`{"$fraction": "1/3"}` is a Fraction, `{"$adjustment": ["-1", "理由"]}` a rubric.Adjustment,
and `{"$file": "facts.toml"}` (the whole facts) a facts file of the folder, read by load_facts.

What a case may expect (every key optional):

- `total`, `max`: `str(result.total)`, `str(rubric.max)`; `grade`: the grade or null;
  `grade_texts`: the texts of `result.grade_explanation`; `grade_entries`: entries of it by index.
- `nodes`: by id, what the node must hold: `score` (`str(node.score)`), `exact` (a Fraction's
  text), `max`, `min` (text or null), `role`, `applicable`, `policy`, `texts` (every entry's
  text), `kinds`, `points` (every entry's points), `entries` (by index, negative from the end:
  `text`, `text_starts`, `points`, `kind`, `facts`, `values`), `adds_up` (the entries sum to the score),
  `dict` (a part of `node.to_dict()`).
- `data`: a part of `result.to_dict()`; in a part, an object matches the keys it names (indices
  of a list as keys), a list matches whole, and "$absent" matches a key that is not there.
- `iter`: `[id, exact, applicable]` of every node in order; `same_as`: another case (of
  another folder: "folder/case") whose result must equal this one.
- `error`: the whole text of the FactsError; `error_lines`: lines of it by index;
  `error_contains`: a part of it; `error_facts`: its `facts`.
- A case `facts.json` lacks is about the rubric itself: `rubric` (its `id`, `max`… as texts) for
  a rubric that compiles; `problems` (each among the checker's messages) or `problems_exactly`
  for one refused.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import rubric

CASES = Path(__file__).resolve().parent / "cases"
FOLDERS = sorted(p.parent for p in CASES.glob("*/rubric.rub"))


def _read(path: Path) -> Any:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def _params() -> list[Any]:
    found = []
    for folder in FOLDERS:
        for name in _read(folder / "expected.json"):
            found.append(pytest.param(folder, name, id=f"{folder.name}/{name}"))
    return found


@functools.cache
def _rubric(folder: Path) -> rubric.Rubric:
    text = (folder / "rubric.rub").read_text(encoding="utf-8")
    return rubric.loads(text, filename="demo.rub")


def _facts(folder: Path, given: Any) -> Any:
    if isinstance(given, dict) and set(given) == {"$file"}:
        return rubric.load_facts(folder / given["$file"])
    if isinstance(given, dict):
        if set(given) == {"$fraction"}:
            return Fraction(given["$fraction"])
        if set(given) == {"$adjustment"}:
            points, reason = given["$adjustment"]
            return rubric.Adjustment(Fraction(points), reason)
        return {key: _facts(folder, value) for key, value in given.items()}
    if isinstance(given, list):
        return [_facts(folder, item) for item in given]
    return given


def _score(folder: Path, name: str) -> rubric.Result | rubric.FactsError:
    facts = _facts(folder, _read(folder / "facts.json")[name])
    try:
        return _rubric(folder).score(facts)
    except rubric.FactsError as error:
        return error


def test_there_are_cases_of_every_kind() -> None:
    params = _params()
    assert len(FOLDERS) >= 140
    assert len(params) >= 270


@pytest.mark.parametrize(("folder", "name"), _params())
def test_case(folder: Path, name: str) -> None:
    expected = _read(folder / "expected.json")[name]
    if name not in _read(folder / "facts.json"):
        _refused(folder, expected)
        return
    outcome = _score(folder, name)
    errors = {k: expected.pop(k) for k in list(expected) if k.startswith("error")}
    if errors:
        assert isinstance(outcome, rubric.FactsError), "the facts were scored"
        _error(outcome, errors)
    else:
        assert isinstance(outcome, rubric.Result), str(outcome)
    if expected:
        assert isinstance(outcome, rubric.Result), str(outcome)
        _result(folder, _rubric(folder), outcome, expected)


def _refused(folder: Path, expected: dict[str, Any]) -> None:
    if "rubric" in expected:  # the rubric compiles, and is what it says
        compiled = _rubric.__wrapped__(folder)
        for key, value in expected["rubric"].items():
            assert str(getattr(compiled, key)) == value
        return
    with pytest.raises(rubric.RubricCheckError) as caught:
        _rubric.__wrapped__(folder)
    messages = [d.message for d in caught.value.diagnostics]
    if "problems_exactly" in expected:
        assert messages == expected["problems_exactly"]
    for problem in expected.get("problems", []):
        assert problem in messages


def _error(error: rubric.FactsError, expected: dict[str, Any]) -> None:
    text = str(error)
    if "error" in expected:
        assert text == expected["error"]
    for index, line in expected.get("error_lines", {}).items():
        assert text.splitlines()[int(index)] == line
    if "error_contains" in expected:
        assert expected["error_contains"] in text
    if "error_facts" in expected:
        assert list(error.facts) == expected["error_facts"]


def _result(
    folder: Path, r: rubric.Rubric, result: rubric.Result, expected: dict[str, Any]
) -> None:
    for key, value in expected.items():
        match key:
            case "total":
                assert str(result.total) == value
            case "max":
                assert str(r.max) == value
            case "grade":
                assert result.grade == value
            case "grade_texts":
                assert [e.text for e in result.grade_explanation] == value
            case "grade_entries":
                for index, entry in value.items():
                    _entry(result.grade_explanation[int(index)], entry)
            case "nodes":
                for node_id, wanted in value.items():
                    _node(result[node_id], wanted)
            case "data":
                _part(result.to_dict(), value, "data")
            case "iter":
                shown = [[n.id, str(n.exact), n.applicable] for n in result]
                assert shown == value
            case "same_as":
                other_folder, _, other = value.rpartition("/")
                where = CASES / other_folder if other_folder else folder
                assert _score(where, other) == result
            case _:
                raise AssertionError(f"unknown expectation {key!r}")


def _node(node: rubric.ScoredNode, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        match key:
            case "score":
                assert str(node.score) == value, node.id
            case "exact":
                assert node.exact == Fraction(value), node.id
            case "max":
                assert str(node.max) == value
            case "min":
                assert (None if node.min is None else str(node.min)) == value
            case "role" | "applicable" | "policy":
                assert getattr(node, key) == value
            case "texts":
                assert [e.text for e in node.explanation] == value
            case "kinds":
                assert [e.kind for e in node.explanation] == value
            case "points":
                assert [e.points for e in node.explanation] == [Fraction(p) for p in value]
            case "entries":
                for index, entry in value.items():
                    _entry(node.explanation[int(index)], entry)
            case "adds_up":
                assert sum((e.points for e in node.explanation), Fraction(0)) == node.exact
            case "dict":
                _part(node.to_dict(), value, node.id)
            case _:
                raise AssertionError(f"unknown expectation {key!r} of a node")


def _entry(entry: rubric.Reason, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        match key:
            case "text" | "kind":
                assert getattr(entry, key) == value
            case "text_starts":
                assert entry.text.startswith(value)
            case "points":
                assert entry.points == Fraction(value)
            case "facts" | "values":
                assert dict(getattr(entry, key)) == _numbers(value)
            case _:
                raise AssertionError(f"unknown expectation {key!r} of an entry")


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return Fraction(value)
    return value


def _part(actual: Any, expected: Any, where: str) -> None:
    """Whether actual holds expected: objects by the keys named, lists whole."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            if isinstance(actual, list):
                _part(actual[int(key)], value, f"{where}[{key}]")
            elif value == "$absent":
                assert key not in actual, f"{where}: {key} should be absent"
            else:
                assert key in actual, f"{where}: no {key}"
                _part(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _part(a, e, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"
