"""Test cases as tables: TOML files of facts and the scores they must get, run and covered."""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from rubric._i18n import N_, _, translate
from rubric._numbers import fixed
from rubric._result import Reason, Result, ScoredNode
from rubric._rubric import Rubric
from rubric.dsl import nodes as n
from rubric.dsl.format import arm_text, split_comment
from rubric.dsl.parser import parse
from rubric.dsl.source import Source
from rubric.errors import CaseError, FactsError

__all__ = [
    "SUFFIX",
    "Case",
    "Coverage",
    "Outcome",
    "case_files",
    "coverage",
    "exact",
    "load_case",
    "run_case",
]

SUFFIX = ".case.toml"  # what pytest collects, and what a directory of cases holds
_KEYS = ("rubric", "description", "facts", "expect")
_SPECIAL = ("total", "grade", "error")


@attrs.frozen
class Expected:
    """One expectation of a case: a node's score (or the total), the grade, or a refusal."""

    what: str  # a node id, "total", "grade" or "error"
    value: str | Fraction | Decimal | tuple[str, ...]


@attrs.frozen
class Case:
    """A case file: the facts of one unit and what scoring them must give."""

    path: Path
    name: str
    rubric: Path | None
    facts: dict[str, object]
    expected: tuple[Expected, ...]


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read a case file; CaseError says what is wrong with it."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise CaseError(
            path, _("not UTF-8 text: byte {start} cannot be read", start=exc.start)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(path, _("invalid TOML: {exc}", exc=exc)) from None
    problems = [
        _("unknown key '{key}'; a case has {keys}", key=key, keys=", ".join(_KEYS))
        for key in data
        if key not in _KEYS
    ]
    facts, expect = data.get("facts"), data.get("expect")
    if not isinstance(facts, dict):
        problems.append(_("no [facts] table: the facts of the unit go under [facts]"))
    if not isinstance(expect, dict) or not expect:
        problems.append(
            _(
                "no [expect] table: write what the facts must score under "
                '[expect], such as total = "98.75", grade = "优秀" or '
                '"output.delivery.coverage" = "7.75"'
            )
        )
    rubric = data.get("rubric")
    if rubric is not None and not isinstance(rubric, str):
        problems.append(_('rubric: expected the path of the rubric, such as rubric = "../x.rub"'))
    description = data.get("description", path.name.removesuffix(SUFFIX).removesuffix(".toml"))
    if not isinstance(description, str):
        problems.append(_("description: expected a text"))
    expected: list[Expected] = []
    for what, value in (expect or {}).items() if isinstance(expect, dict) else ():
        found = _expectation(what, value)
        if isinstance(found, str):
            problems.append(found)
        else:
            expected.append(found)
    if problems:
        raise CaseError(path, "; ".join(problems))
    assert isinstance(facts, dict) and isinstance(description, str)
    where = (path.parent / rubric).resolve() if isinstance(rubric, str) else None
    return Case(path, description, where, facts, tuple(expected))


def _expectation(what: str, value: object) -> Expected | str:
    if what == "grade":
        return Expected(what, value) if isinstance(value, str) else _("grade: expected a text")
    if what == "error":
        lines = [value] if isinstance(value, str) else value
        if isinstance(lines, list) and lines and all(isinstance(v, str) for v in lines):
            return Expected(what, tuple(lines))
        return _("error: expected the problem the facts are refused with, or a list of them")
    score = _score(value)
    if score is None:
        return _('{what}: expected a score such as 7.75, "7.75" or the exact "29/3"', what=what)
    return Expected(what, score)


def _score(value: object) -> Fraction | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Fraction(value) if "/" in value else Decimal(value)
        except (ValueError, ZeroDivisionError, InvalidOperation):
            return None
    return None


def case_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The case files given, and every `*.case.toml` below each directory given."""
    found: list[Path] = []
    for given in map(Path, paths):
        found.extend(sorted(given.rglob(f"*{SUFFIX}")) if given.is_dir() else [given])
    return list(dict.fromkeys(found))


# ---------------------------------------------------------------- running a case


@attrs.frozen
class Failure:
    """An expectation a case did not meet: what was expected, what came, and why."""

    what: str
    title: str
    expected: str
    actual: str
    details: tuple[str, ...] = ()  # the node's explanation, or its children's scores


@attrs.frozen
class Outcome:
    """A case run: its result (or the problems its facts were refused with) and its failures."""

    case: Case
    result: Result | None
    refused: tuple[str, ...]
    failures: tuple[Failure, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def render(self) -> str:
        """The failures, each as expected against actual, with the explanation of the node."""
        lines = [f"{self.case.path}: {self.case.name}"]
        for failure in self.failures:
            words = {
                "what": failure.what,
                "title": failure.title,
                "expected": failure.expected,
                "actual": failure.actual,
            }
            lines.append(
                "  "
                + (
                    _("{what} ({title}): expected {expected}, got {actual}", **words)
                    if failure.title
                    else _("{what}: expected {expected}, got {actual}", **words)
                )
            )
            lines.extend(f"    {detail}" for detail in failure.details)
        return "\n".join(lines)


def run_case(rubric: Rubric, case: Case) -> Outcome:
    """Score a case's facts and compare what came with what it expects."""
    try:
        result = rubric.score(case.facts)
    except FactsError as error:
        refused = tuple(p.render() for p in error.problems)
        return Outcome(case, None, refused, tuple(_refused(case, refused)))
    return Outcome(case, result, (), tuple(_compare(case, result)))


def _refused(case: Case, refused: tuple[str, ...]) -> Iterator[Failure]:
    for item in case.expected:
        if item.what == "error":
            assert isinstance(item.value, tuple)
            missing = [line for line in item.value if line not in refused]
            if missing:
                yield Failure("error", "", _listed(missing), _listed(refused))
        else:
            yield Failure(
                item.what,
                "",
                _("the facts to be scored"),
                _("refused: {problems}", problems=_listed(refused)),
            )


def _compare(case: Case, result: Result) -> Iterator[Failure]:
    for item in case.expected:
        if item.what == "error":
            assert isinstance(item.value, tuple)
            yield Failure(
                "error", "", _("refused: {problems}", problems=_listed(item.value)), _("scored")
            )
        elif item.what == "grade":
            if result.grade != item.value:
                why = tuple(_reason(r, result.root.places) for r in result.grade_explanation)
                yield Failure("grade", "", str(item.value), str(result.grade), why)
        else:
            node_id = result.root.id if item.what == "total" else item.what
            if node_id not in result:
                ids = [node.id for node in result]
                close = difflib.get_close_matches(node_id, ids, n=1)
                found = (
                    _("no such node; did you mean '{id}'?", id=close[0])
                    if close
                    else _("no such node; ids are {ids}", ids=", ".join(ids))
                )
                yield Failure(item.what, "", _("a node of the rubric"), found)
                continue
            node = result[node_id]
            expected, actual = _shown(item.value, node)
            if expected != actual:
                title = "" if item.what == "total" else node.title
                yield Failure(item.what, title, expected, actual, _explanation(node, result))


def _shown(value: object, node: ScoredNode) -> tuple[str, str]:
    """The expected and the actual score, alike written: exact fractions, or decimals."""
    if isinstance(value, Fraction):
        return exact(value), exact(node.exact)
    assert isinstance(value, Decimal)
    if value == node.score:
        return str(node.score), str(node.score)
    return str(value), str(node.score)


def _explanation(node: ScoredNode, result: Result) -> tuple[str, ...]:
    """Why a node scored as it did: its parts' scores, if it has parts, then its own entries."""
    parts = tuple(
        f"{fixed(c.exact, c.places, c.mode):>7}  {c.title}  {c.id}" for c in node.children
    )
    return parts + tuple(_reason(r, node.places) for r in node.explanation)


def _reason(reason: Reason, places: int) -> str:
    return f"{_signed(reason.points, places):>7}  {reason.text}"


def exact(value: Fraction) -> str:
    """A number exactly: 9.5 when its decimal ends, 29/3 when it does not."""
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    with localcontext() as context:
        context.prec = len(str(value.numerator)) + len(str(value.denominator)) + 2
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return format(quotient.normalize(), "f")


def _signed(points: Fraction, places: int) -> str:
    shown = fixed(points, places)
    return ("+" if points > 0 and shown.strip("0.") else "") + shown


def _listed(lines: Sequence[str]) -> str:
    return "; ".join(lines) if lines else "nothing"


# ---------------------------------------------------------------- coverage


@attrs.frozen
class Item:
    """A rule, a table arm, a cap or a grade line that cases can exercise."""

    line: int
    text: str
    node: str  # the id of the node it belongs to, or "" for the total and grades
    kind: str  # "rule", "arm", "pool", "clause" or "grade"


@attrs.frozen
class Coverage:
    """What a rubric's cases exercised: each rule and cap that gave or took points in some case,
    each table arm some case's value fell in, each grade some case was given."""

    items: tuple[Item, ...]
    exercised: frozenset[Item]

    @property
    def missed(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item not in self.exercised)

    def render(self, filename: str) -> str:
        missed = self.missed
        lines = [
            _(
                "coverage of {file}: {exercised} of {count} rules, arms, caps and grades exercised",
                file=filename,
                exercised=len(self.items) - len(missed),
                count=len(self.items),
            )
        ]
        if missed:
            lines.append(_("not exercised by any case:"))
            width = max(len(str(item.line)) for item in missed)
            for item in missed:
                where = f"  ({item.node})" if item.node else ""
                number = str(item.line).rjust(width)
                line = _("line {line}", line=number)
                lines.append(f"  {line}  {item.text}{where}  {translate(_WHY[item.kind])}")
        return "\n".join(lines)


_WHY = {
    "rule": N_("never gave or took points"),
    "arm": N_("no value fell in this arm"),
    "pool": N_("the pool's cap never held its rules back"),
    "clause": N_("never changed a score"),
    "grade": N_("no case got this grade"),
}


def coverage(source: Source, results: Iterable[Result]) -> Coverage:
    """Which rules, arms, caps and grades of a rubric the results exercised.

    Read from the results' explanations: an entry names the line of the rule that made it and
    the points it gave; a table's entry names the value looked up, so the arm it fell in is
    found from the bands (a table of an expression that is not a name is counted as a whole).
    """
    document = parse(source)
    items: list[Item] = []
    tables: dict[int, tuple[n.Table, list[Item]]] = {}

    def line(node: Any) -> int:
        return source.line_of(node.span)

    def text(node: Any) -> str:
        return split_comment(source.line_text(line(node)))[0].strip()

    def rules(owner: str, found: Iterable[n.Rule]) -> None:
        for rule in found:
            if isinstance(rule, n.Table) and isinstance(rule.subject, n.Name):
                arms = [
                    Item(line(arm), arm_text(source.text, arm), owner, "arm") for arm in rule.arms
                ]
                tables[line(rule)] = (rule, arms)
                items.extend(arms)
            else:
                items.append(Item(line(rule), text(rule), owner, "rule"))

    def clauses(owner: str, found: Iterable[n.Clause]) -> None:
        items.extend(Item(line(c), text(c), owner, "clause") for c in found)

    items.extend(Item(line(g), text(g), "", "grade") for g in document.grades)
    clauses("", document.clauses)
    for node in document.nodes:
        clauses(node.id, node.clauses)
        if isinstance(node, n.Indicator):
            rules(node.id, node.rules)
            blocks: list[n.Pool | n.Extra] = [*node.pools, *node.extras]
            for pool in blocks:
                items.append(Item(line(pool), text(pool), node.id, "pool"))
                rules(node.id, pool.rules)
    by_line = {(item.line, item.kind): item for item in items if item.kind != "arm"}
    exercised: set[Item] = set()
    for result in results:
        if result.grade_explanation and result.grade is not None:
            given = result.grade_explanation[-1].line
            exercised.update(i for i in items if i.kind == "grade" and i.line == given)
        for scored in result:
            for entry in scored.explanation:
                if entry.line is None:
                    continue
                if entry.kind == "table" and entry.line in tables:
                    table, arms = tables[entry.line]
                    chosen = _arm(table, dict(entry.facts) | dict(entry.values))
                    if chosen is not None:
                        exercised.add(arms[chosen])
                    continue
                if entry.points or entry.kind == "na":
                    for kind in ("rule", "pool", "clause"):
                        if (entry.line, kind) in by_line:
                            exercised.add(by_line[entry.line, kind])
    return Coverage(tuple(items), frozenset(exercised))


def _arm(table: n.Table, values: Mapping[str, object]) -> int | None:
    """The index of the arm a table's subject fell in, from the value its entry records."""
    assert isinstance(table.subject, n.Name)
    value = values.get(table.subject.name)
    if value is None or isinstance(value, bool):
        return None
    number = Fraction(value) if isinstance(value, int | Fraction) else None
    for index, arm in enumerate(table.arms):
        if arm.band is not None:
            bounds = arm.band.bounds
            if number is not None and all(_holds(number, op, b.value) for op, b in bounds):
                return index
        elif arm.word is not None:
            if value == arm.word.name:
                return index
        else:
            return index
    return None


def _holds(value: Fraction, op: str, bound: Fraction) -> bool:
    match op:
        case "<":
            return value < bound
        case "<=":
            return value <= bound
        case ">":
            return value > bound
        case ">=":
            return value >= bound
        case "=":
            return value == bound
        case _:
            return value != bound
