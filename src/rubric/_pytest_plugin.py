"""The pytest plugin: every `*.case.toml` file is a test of the rubric it names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rubric._cases import SUFFIX, Outcome, coverage, load_case, run_case
from rubric._rubric import Rubric, load
from rubric.dsl.source import Source
from rubric.errors import RubricError

_RUBRICS = pytest.StashKey[dict[Path, "Rubric | RubricError"]]()
_OUTCOMES = pytest.StashKey[dict[Path, list[Outcome]]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RUBRICS] = {}
    config.stash[_OUTCOMES] = {}


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    if file_path.name.endswith(SUFFIX):
        file: CaseFile = CaseFile.from_parent(parent, path=file_path)
        return file
    return None


class CaseFile(pytest.File):
    """A case file: one test, named after the file."""

    def collect(self) -> Iterator[CaseItem]:
        yield CaseItem.from_parent(self, name=self.path.name.removesuffix(SUFFIX))


class CaseFailedError(Exception):
    """A case whose facts did not score as it expects; the message says how."""


class CaseItem(pytest.Item):
    """Score the case's facts with its rubric and compare with what it expects."""

    def runtest(self) -> None:
        case = load_case(self.path)
        if case.rubric is None:
            raise CaseFailedError(
                f'{self.path}: name the rubric this case tests, such as rubric = "../x.rub" '
                "(a path from the case file)"
            )
        rubric = self._rubric(case.rubric)
        outcome = run_case(rubric, case)
        self.config.stash[_OUTCOMES].setdefault(case.rubric, []).append(outcome)
        if not outcome.passed:
            raise CaseFailedError(outcome.render())

    def _rubric(self, path: Path) -> Rubric:
        rubrics = self.config.stash[_RUBRICS]
        if path not in rubrics:
            try:
                rubrics[path] = load(path)
            except RubricError as error:
                rubrics[path] = error
            except OSError as error:
                rubrics[path] = RubricError(f"cannot read the rubric {path}: {error.strerror}")
        found = rubrics[path]
        if isinstance(found, RubricError):
            raise found
        return found

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, CaseFailedError | RubricError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"rubric case {self.name}"


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Which rules, arms, caps and grades of each rubric no case exercised."""
    outcomes = config.stash.get(_OUTCOMES, {})
    if not outcomes:
        return
    terminalreporter.section("rubric cases: coverage")
    for path, ran in sorted(outcomes.items()):
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        results = [o.result for o in ran if o.result is not None]
        shown = _shown(path, config.rootpath)
        terminalreporter.write_line(coverage(Source(text, shown), results).render(shown))


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
