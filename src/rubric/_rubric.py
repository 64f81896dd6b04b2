"""The compiled Rubric, and load/loads: the whole pipeline from text to scorer."""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs

from rubric import _evaluator as ev
from rubric._checker import Findings, NodeBounds, check
from rubric._compiler import Compiled, compile_checked
from rubric._facts import FactSpec, check_requirements, validate
from rubric._numbers import fixed, round_to
from rubric._result import Reason, Result
from rubric.dsl.parser import parse
from rubric.dsl.source import Source, Span
from rubric.errors import Diagnostic, FactsError, RubricSyntaxError

__all__ = ["Rubric", "load", "loads"]


def loads(text: str, filename: str = "<string>") -> Rubric:
    """Compile a rubric from its text; filename is what errors report it as."""
    source = Source(text.removeprefix("\ufeff"), filename)
    document = parse(source)
    checked = check(document, source)
    return Rubric(compile_checked(checked), checked.findings)


def load(path: str | os.PathLike[str]) -> Rubric:
    """Read and compile a `.rub` file (UTF-8)."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        source = Source(data.decode("utf-8", errors="replace"), str(path))
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        problem = Diagnostic(
            f"byte {exc.start} is not UTF-8 text",
            Span(offset, offset + 1),
            "save the rubric as UTF-8 (most editors offer it under 'Save as' / encoding)",
        )
        raise RubricSyntaxError(source, [problem]) from None
    return loads(text, str(path))


@attrs.frozen
class Rubric:
    """A compiled rubric: immutable, safe to share between threads, scores many facts."""

    _compiled: Compiled = attrs.field(alias="compiled", repr=False)
    _findings: Findings | None = attrs.field(default=None, alias="findings", repr=False, eq=False)

    @property
    def id(self) -> str:
        """The rubric's id, from its header."""
        return self._compiled.id

    @property
    def title(self) -> str:
        """The rubric's title."""
        return self._compiled.title

    @property
    def version(self) -> str | None:
        """The rubric's version text, if it declares one."""
        return self._compiled.version

    @property
    def max(self) -> Decimal:
        """The most the rubric gives."""
        return Decimal(fixed(self._compiled.root.group.max_points, self._compiled.policy.places))

    @property
    def places(self) -> int:
        """How many decimals scores are rounded and shown with."""
        return self._compiled.policy.places

    @property
    def facts(self) -> tuple[FactSpec, ...]:
        """The facts the rubric reads, as declared, in order."""
        return self._compiled.facts

    @property
    def filename(self) -> str:
        """The file the rubric was read from."""
        return self._compiled.filename

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """What the checker warns about: problems (W codes) that do not stop scoring."""
        return () if self._findings is None else self._findings.warnings

    def bounds(self, node_id: str | None = None) -> NodeBounds:
        """The lowest and highest score a node (by default the total) can get from valid facts.

        Raise KeyError for an id no node has.
        """
        assert self._findings is not None, "a rubric from load or loads has its bounds"
        return self._findings.bounds[self.id if node_id is None else node_id]

    def __repr__(self) -> str:
        return f"<Rubric {self.id} {self.title!r} from {self.filename}, max {self.max}>"

    def validate(self, facts: Mapping[str, object]) -> None:
        """Raise FactsError naming every fact its declaration or a `require` line refuses.

        Facts that pass may still fail to score, as when a value falls in no band of a table;
        `score` reports that with a FactsError too, and scores nothing.
        """
        self._environment(facts)

    def score(self, facts: Mapping[str, object]) -> Result:
        """Score one unit's facts; raise FactsError, naming every bad fact, if they are invalid."""
        env = self._environment(facts)
        compiled = self._compiled
        try:
            root = compiled.root.score(env, compiled.policy)
            grade, reasons = self._grade(env, root.exact)
        except ev.EvaluationError as problem:
            raise FactsError([problem.problem()]) from None
        return Result(root, grade, compiled.version, reasons)

    def _environment(self, facts: Mapping[str, object]) -> ev.Env:
        values = validate(self._compiled.facts, facts)
        env = ev.Env(values, self._compiled.lets)
        check_requirements(self._compiled.requirements, env)
        return env

    def _grade(self, env: ev.Env, exact: Fraction) -> tuple[str | None, tuple[Reason, ...]]:
        """The grade, and why: each grade tried in order, up to the one given."""
        policy = self._compiled.policy
        # Grades read the total as reported, rounded by the rubric's policy.
        total = round_to(exact, policy.places, policy.mode)
        grade_env = env.child({"total": ev.Let(ev.TOTAL, ev.Const(total, str(total)))})
        reasons = []
        for grade in self._compiled.grades:
            if grade.condition is None:
                text = f"评为{grade.name}（以上等级的条件均不满足）"
                reasons.append(Reason(text, Fraction(0), "grade", line=grade.line))
                return grade.name, tuple(reasons)
            found = grade.condition.explain(grade_env, policy.places)
            given = bool(grade.condition.evaluate(grade_env))
            text = f"{'' if given else '未'}评为{grade.name}：{found}"
            reasons.append(grade.uses.reason(grade_env, text, Fraction(0), "grade", grade.line))
            if given:
                return grade.name, tuple(reasons)
        return None, tuple(reasons)
