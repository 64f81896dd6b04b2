"""The compiled Rubric, and load/loads: the whole pipeline from text to scorer."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import attrs

from rubric._facts import FactSpec, validate
from rubric._i18n import N_, _, ngettext, translate
from rubric._limits import DEFAULT, Limits
from rubric._numbers import fixed, scaled, scaled_text
from rubric._result import (
    Advice,
    Line,
    Own,
    Result,
    ScoredNode,
    _Book,
    line_dict,
    own_dict,
)
from rubric._values import FactValue
from rubric.errors import CohortError, FactProblem, FactsError

if TYPE_CHECKING:
    from rubric import _plan as p
    from rubric._batch import Batch, Row
    from rubric._checker import Findings, NodeBounds
    from rubric._cohort import Cohort, CohortFigures
    from rubric._outline import GradeLine, OutlineNode
    from rubric.errors import Diagnostic

__all__ = ["Rubric", "load", "loads"]


class _Unit(Protocol):
    """A unit of an evaluation, as batches take it: its id and its facts."""

    @property
    def id(self) -> str: ...

    @property
    def facts(self) -> Mapping[str, object]: ...


UnitFacts: TypeAlias = Mapping[str, object] | tuple[str, Mapping[str, object]] | _Unit


def loads(text: str, filename: str = "<string>", *, limits: Limits = DEFAULT) -> Rubric:
    """Compile a rubric from its text; filename is what errors report it as.

    `limits` bounds what a rubric may hold (its size, its lines, its numbers, …): the
    defaults suit any real rubric; embedding software may pass looser or stricter ones.
    """
    # The front end is imported here, not with the package: a rubric unpickled or already
    # compiled scores without pyparsing.
    from rubric._checker import check
    from rubric._collector import full_collections_held
    from rubric._compiler import compile_checked
    from rubric.dsl.parser import parse
    from rubric.dsl.source import Source

    text = text.removeprefix("\ufeff")
    source = Source(text, filename)
    with full_collections_held():  # see _collector: process-wide, while compiling only
        checked = check(parse(source, limits), source, limits)
        plan = compile_checked(checked, limits)
        digest = _digest(text, filename, limits)
        return _known(Rubric(plan, digest, text=text, findings=checked.findings))


def load(path: str | os.PathLike[str], *, limits: Limits = DEFAULT) -> Rubric:
    """Read and compile a `.rub` file (UTF-8)."""
    from rubric.dsl.source import read

    source = read(path, limits)  # no more than the limit on a rubric's size
    return loads(source.text, source.filename, limits=limits)


def _digest(text: str, filename: str, limits: Limits = DEFAULT) -> str:
    from rubric import __version__

    # The same text compiled with other limits scores differently: it is another rubric.
    bounds = "" if limits == DEFAULT else repr(limits)
    key = "\0".join((__version__, filename, text, bounds))
    import hashlib

    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


_TOO_DEEP = N_(
    "the rubric builds values on values more deeply than the room left to this call allows; "
    "score from less deep in the program, or build the values from the facts more directly"
)


def _interpreted(facts: object) -> Any:
    """The scorer of a plan that could not be generated: every unit to the interpreter."""
    from rubric._score.codegen import Slow

    raise Slow


def _own(node: p.Node) -> tuple[Own, ...]:
    """An indicator's own bonus and deductions, with the lines their entries carry."""
    extras: tuple[p.Pool, ...] = getattr(node, "extras", ())  # only an indicator has them
    return tuple(
        Own(
            extra.role,
            extra.label,
            extra.cap,
            frozenset([extra.line, *(rule.line for rule in extra.rules)]),
        )
        for extra in extras
    )


def _children(plan: p.Plan) -> tuple[tuple[int, ...], ...]:
    """For each node, in plan order, the positions of its children."""
    position = {id(node): i for i, node in enumerate(plan.nodes)}
    return tuple(
        tuple(position[id(c)] for c in getattr(node, "children", ())) for node in plan.nodes
    )


# Rubrics by digest: unpickling one this process has already gives the same object, so that
# many results or batches shipped to a worker compile their rubric's scorer once.
_KNOWN: weakref.WeakValueDictionary[str, Rubric] = weakref.WeakValueDictionary()
_RECENT: dict[str, Rubric] = {}  # the last few unpickled, kept alive between batches
_RECENT_SIZE = 16
_LOCK = threading.Lock()


def _known(rubric: Rubric) -> Rubric:
    with _LOCK:
        return _KNOWN.setdefault(rubric.digest, rubric)


def _unpickle(digest: str, payload: bytes) -> Rubric:
    """A pickled rubric again: the one this process knows by its digest, or its plan loaded."""
    found = _KNOWN.get(digest)
    if found is None:
        import pickle
        import zlib

        # Plain pickle of the plan this class wrote: trusted as the pickle around it is.
        plan, text = pickle.loads(zlib.decompress(payload))
        found = _known(Rubric(plan, digest, text=text))
    with _LOCK:
        _RECENT.pop(digest, None)
        _RECENT[digest] = found
        while len(_RECENT) > _RECENT_SIZE:
            del _RECENT[next(iter(_RECENT))]
    return found


@attrs.frozen
class Rubric:
    """A compiled rubric: immutable, safe to share between threads, scores many facts."""

    _plan: p.Plan = attrs.field(alias="plan", repr=False)
    digest: str = attrs.field(repr=False)
    # The text it was compiled from: what its warnings and bounds are worked out from again
    # when it was unpickled without them.
    _text: str = attrs.field(default="", alias="text", repr=False, eq=False)
    _findings: Findings | None = attrs.field(default=None, alias="findings", repr=False, eq=False)
    # Derived once from the plan, for results to read without walking it.
    ids: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)
    index: dict[str, int] = attrs.field(init=False, repr=False, eq=False)
    unit: int = attrs.field(init=False, repr=False, eq=False)
    # The tree as results show it, without rules: results compare equal by it and their numbers.
    shape: tuple[object, ...] = attrs.field(init=False, repr=False, eq=False)
    _kids: tuple[tuple[int, ...], ...] = attrs.field(init=False, repr=False, eq=False)
    # What every result's tree repeats of each node, worked out once: id, title, kind, max,
    # role, least score, and where its children are counted back from the last node.
    _static: tuple[tuple[Any, ...], ...] = attrs.field(init=False, repr=False, eq=False)
    _texts: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)  # each max, as text
    # Each node's own bonus and deductions: an indicator's, else ().
    _own: tuple[tuple[Own, ...], ...] = attrs.field(init=False, repr=False, eq=False)
    # The grade's name by the generated scorer's answer: -1 is none.
    _grades: dict[int, str | None] = attrs.field(init=False, repr=False, eq=False)
    _scorer: Any = attrs.field(init=False, default=None, repr=False, eq=False)
    _payload: bytes | None = attrs.field(init=False, default=None, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        plan = self._plan
        ids = tuple(node.id for node in plan.nodes)
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "index", {node_id: i for i, node_id in enumerate(ids)})
        object.__setattr__(self, "unit", 10**plan.policy.places)
        kids = _children(plan)
        object.__setattr__(self, "_kids", kids)
        last = len(plan.nodes) - 1
        static = []
        for i, node in enumerate(plan.nodes):
            low = None if i == 0 and plan.root.negative else node.min_points
            back = tuple(last - j for j in kids[i])
            static.append((node.id, node.title, node.kind, node.max_points, node.role, low, back))
        object.__setattr__(self, "_static", tuple(static))
        object.__setattr__(self, "_own", tuple(_own(node) for node in plan.nodes))
        texts = tuple(fixed(node.max_points, plan.policy.places) for node in plan.nodes)
        object.__setattr__(self, "_texts", texts)
        grades: dict[int, str | None] = {i: g.name for i, g in enumerate(plan.grades)}
        grades[-1] = None
        object.__setattr__(self, "_grades", grades)
        nodes = tuple(
            (n.id, n.title, n.kind, n.max_points, n.min_points, n.role) for n in plan.nodes
        )
        rules = plan.policy
        shape = (plan.id, plan.title, plan.version, rules.places, rules.mode, nodes)
        object.__setattr__(self, "shape", shape)

    @property
    def id(self) -> str:
        """The rubric's id, from its header."""
        return self._plan.id

    @property
    def title(self) -> str:
        """The rubric's title."""
        return self._plan.title

    @property
    def version(self) -> str | None:
        """The rubric's version text, if it declares one."""
        return self._plan.version

    @property
    def max(self) -> Decimal:
        """The most the rubric gives."""
        return Decimal(fixed(self._plan.root.group.max_points, self._plan.policy.places))

    @property
    def places(self) -> int:
        """How many decimals scores are rounded and shown with."""
        return self._plan.policy.places

    @property
    def mode(self) -> str:
        """How scores are rounded: 'half up', 'half even', 'down' or 'up'."""
        return self._plan.policy.mode

    @property
    def facts(self) -> tuple[FactSpec, ...]:
        """The facts the rubric reads, as declared, in order."""
        return self._plan.facts

    @property
    def filename(self) -> str:
        """The file the rubric was read from."""
        return self._plan.filename

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """What the checker warns about: problems (W codes) that do not stop scoring."""
        return self.findings.warnings

    def bounds(self, node_id: str | None = None) -> NodeBounds:
        """The lowest and highest score a node (by default the total) can get from valid facts.

        Raise KeyError for an id no node has.
        """
        return self.findings.bounds[self.id if node_id is None else node_id]

    @property
    def findings(self) -> Findings:
        """What the checker finds beside errors: the warnings (the first ones, and how many
        more), each node's proved bounds and the facts it reads, and the source they point
        into. Worked out when first asked for (from the text again, for a rubric unpickled
        without them)."""
        findings = self._findings
        if findings is None:
            from rubric._checker import check
            from rubric.dsl.parser import parse
            from rubric.dsl.source import Source

            source = Source(self._text, self.filename)
            findings = check(parse(source, self._plan.limits), source, self._plan.limits).findings
            object.__setattr__(self, "_findings", findings)
        return findings

    def __repr__(self) -> str:
        return f"<Rubric {self.id} {self.title!r} from {self.filename}, max {self.max}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # The plan, pickled and compressed once: a few KB, and a result or a batch that
        # carries the rubric costs a copy of those bytes, not a walk of the plan.
        payload = self._payload
        if payload is None:
            import pickle
            import zlib

            state = (self._plan, self._text)
            payload = zlib.compress(pickle.dumps(state, pickle.HIGHEST_PROTOCOL), 6)
            object.__setattr__(self, "_payload", payload)
        return _unpickle, (self.digest, payload)

    @property
    def grades(self) -> tuple[GradeLine, ...]:
        """The grade lines, in the order they are tried."""
        from rubric import _plan as p
        from rubric._outline import GradeLine

        found = []
        for grade in self._plan.grades:
            threshold, strict = None, False
            condition = grade.condition
            if (
                isinstance(condition, p.Comparison)
                and condition.op in (">=", ">")
                and isinstance(condition.left, p.ValueRef)
                and condition.left.subject is p.TOTAL
                and isinstance(condition.right, p.Const)
                and isinstance(condition.right.value, int | Fraction)
                and not isinstance(condition.right.value, bool)
            ):
                threshold, strict = Fraction(condition.right.value), condition.op == ">"
            found.append(GradeLine(grade.name, grade.line, threshold, strict))
        return tuple(found)

    def outline(self) -> tuple[OutlineNode, ...]:
        """Every node of the tree as declared, the root first, parents before children."""
        from rubric._outline import OutlineNode
        from rubric._plan import every_reads

        plan = self._plan
        reads = every_reads(plan.nodes)
        places = plan.policy.places
        parents: dict[int, int] = {j: i for i, kids in enumerate(self._kids) for j in kids}
        depth = [0] * len(plan.nodes)
        found: list[OutlineNode] = []
        for i, node in enumerate(plan.nodes):
            parent = parents.get(i)
            weight = None
            if parent is not None:
                depth[i] = depth[parent] + 1
                weights = getattr(plan.nodes[parent], "weights", None)
                if weights is not None:
                    weight = weights[self._kids[parent].index(i)]
            low = None if i == 0 and plan.root.negative else node.min_points
            found.append(
                OutlineNode(
                    id=node.id,
                    title=node.title,
                    kind=node.kind,
                    depth=depth[i],
                    parent=None if parent is None else plan.nodes[parent].id,
                    max=Decimal(fixed(node.max_points, places)),
                    min=None if low is None else Decimal(fixed(low, places)),
                    role=node.role,
                    way=getattr(node, "way", None),
                    weight=weight,
                    facts=reads[i],
                    declared=None if node.max is None else Decimal(fixed(node.max, places)),
                )
            )
        return tuple(found)

    # ------------------------------------------------------------ scoring

    def validate(self, facts: Mapping[str, object]) -> None:
        """Raise FactsError naming every fact its declaration or a `require` line refuses.

        Facts that pass may still fail to score, as when a value falls in no band of a table;
        `score` reports that with a FactsError too, and scores nothing.
        """
        from rubric._explain import problem
        from rubric._score import interpret

        plan = self._plan
        values = validate(plan.facts, facts, plan.limits)
        env = interpret.Env(values, plan.lets, digits=plan.limits.exact_digits)
        problems = interpret.requirements(self._plan, env)
        if problems:
            rules = self._plan.policy
            raise FactsError([FactProblem(x.facts, problem(x, rules)) for x in problems])

    def score(self, facts: Mapping[str, object], *, cohort: Cohort | None = None) -> Result:
        """Score one unit's facts; raise FactsError, naming every bad fact, if they are invalid.

        A rubric whose rules compare units (`rank of x`, `highest of x`, …) needs the cohort
        they compare with, made once by `cohort`; without it, it raises CohortError.
        """
        scorer = self._scorer
        if scorer is None:
            scorer = self._generate()
        if not self._plan.needs:
            try:
                values, scores, skipped, grade = scorer(facts)
            except Exception:
                # Facts not in the form validation gives them, or facts with a problem:
                # validate and normalise them, then score again; what still fails is reported
                # by name.
                return self._score_slowly(facts)
            return Result(self, values, scores, skipped, self._grades[grade], self.shape)
        figures = self._figures(cohort)
        try:
            values, scores, skipped, grade = scorer(facts, figures)
        except Exception:
            return self._score_slowly(facts, cohort)
        return Result(self, values, scores, skipped, self._grades[grade], self.shape, cohort)

    def score_many(
        self, units: Iterable[UnitFacts], *, cohort: Cohort | None = None
    ) -> Iterator[Row]:
        """Score units one by one, as they come: a compact row each, in constant memory.

        A unit is a mapping of facts (its id is then its position, from 0), a pair of its id
        and its facts, or a `Unit` of an evaluation. A unit whose facts are invalid gives a row
        with its error, and the units after it are scored all the same. A rubric that compares
        units needs their cohort, as `score` does.
        """
        from rubric._batch import Row

        ids, places, mode = self.ids, self.places, self.mode
        for name, grade, error, scores in self._rows(units, cohort):
            yield Row(name, grade, error, scores, ids, places, mode)

    def score_batch(self, units: Iterable[UnitFacts], *, cohort: Cohort | None = None) -> Batch:
        """Score a batch of units into rows held as columns: what a process pool's worker runs."""
        from rubric._batch import Batch

        names: list[str] = []
        grades: list[str | None] = []
        errors: list[str | None] = []
        scores: list[tuple[int | Fraction, ...]] = []
        for name, grade, error, numbers in self._rows(units, cohort):
            names.append(name)
            grades.append(grade)
            errors.append(error)
            scores.append(numbers)
        return Batch(
            tuple(names),
            tuple(grades),
            tuple(errors),
            tuple(scores),
            self.ids,
            self.places,
            self.mode,
        )

    def _rows(
        self, units: Iterable[UnitFacts], cohort: Cohort | None
    ) -> Iterator[tuple[str, str | None, str | None, tuple[int | Fraction, ...]]]:
        """Each unit's id, grade, error and scores, as score_many and score_batch hold them."""
        scorer = self._scorer
        if scorer is None:
            scorer = self._generate()
        if self._plan.needs:
            figures = self._figures(cohort)
            given = scorer
            scorer = lambda facts: given(facts, figures)  # noqa: E731
        grades = self._grades
        for position, unit in enumerate(units):
            if isinstance(unit, tuple):
                name, facts = unit
            elif isinstance(unit, Mapping):
                name, facts = str(position), unit
            else:
                name, facts = unit.id, unit.facts
            try:
                _, scores, _, grade = scorer(facts)
            except Exception:
                try:
                    result = self._score_slowly(facts, cohort)
                except FactsError as error:
                    yield str(name), None, str(error), ()
                    continue
                yield str(name), result.grade, None, result._scores
                continue
            yield str(name), grades[grade], None, scores

    # ------------------------------------------------------------ cohorts

    @property
    def compares_units(self) -> bool:
        """Whether the rubric's rules compare each unit with the others: scoring then needs
        the cohort (`cohort`)."""
        return bool(self._plan.needs)

    @property
    def tie_break(self) -> tuple[str, ...]:
        """The ids of the nodes that order units with equal totals, in turn (from the
        rubric's `rank units by total, then …` line); () when equal totals share a rank."""
        return self._plan.tie_break

    def cohort(self, units: Iterable[UnitFacts]) -> Cohort:
        """The cohort of these units: every figure the rubric's rules compare with, exact.

        Units as `score_many` takes them. A unit whose facts are invalid (by their
        declarations or a `require` line) is left out; so is a unit that does not give an
        optional fact, from that fact's figures.
        """
        from rubric._cohort import Cohort, figures_of
        from rubric._score import interpret

        plan = self._plan
        facts_read = {need.fact for need in plan.needs}
        columns: dict[str, list[int | Fraction]] = {name: [] for name in facts_read}
        size = 0
        for unit in units:
            if isinstance(unit, tuple):
                facts = unit[1]
            elif isinstance(unit, Mapping):
                facts = unit
            else:
                facts = unit.facts
            try:
                values = validate(plan.facts, facts, plan.limits)
            except FactsError:
                continue
            env = interpret.Env(values, plan.lets, digits=plan.limits.exact_digits)
            if interpret.requirements(plan, env):
                continue
            size += 1
            for name in facts_read:
                value = values.get(name)
                if value is not None:
                    assert isinstance(value, int | Fraction)
                    columns[name].append(value)
        figures = figures_of(plan.needs, columns)
        top = 10**plan.limits.exact_digits
        for need, held in zip(plan.needs, figures, strict=True):
            if isinstance(held, Fraction) and not (
                -top < held.numerator < top and held.denominator < top
            ):
                raise CohortError(
                    _(
                        "{filename}: the {kind} of '{fact}' across the {size} units "
                        "comes to a number of more than {exact_digits} digits, more "
                        "than an exact value may hold; check the units' facts, or "
                        "raise Limits.exact_digits",
                        filename=self.filename,
                        kind=need.kind,
                        fact=need.fact,
                        size=size,
                        exact_digits=plan.limits.exact_digits,
                    )
                )
        return Cohort(self.digest, plan.cohort_name, size, plan.needs, figures)

    def _figures(self, cohort: Cohort | None) -> CohortFigures:
        """The figures of a cohort made for this rubric, or CohortError saying what to give."""
        plan = self._plan
        if cohort is None:
            lines = ", ".join(str(line) for line in plan.cohort_lines)
            raise CohortError(
                ngettext(
                    "{file}: this rubric compares each unit with the others (rubric line "
                    "{lines}), so a unit is scored with its cohort: make it once from every "
                    "unit's facts, cohort = rubric.cohort([facts, …]), and score each unit with "
                    "rubric.score(facts, cohort=cohort); an Evaluation does both itself",
                    "{file}: this rubric compares each unit with the others (rubric lines "
                    "{lines}), so a unit is scored with its cohort: make it once from every "
                    "unit's facts, cohort = rubric.cohort([facts, …]), and score each unit with "
                    "rubric.score(facts, cohort=cohort); an Evaluation does both itself",
                    len(plan.cohort_lines),
                    file=self.filename,
                    lines=lines,
                )
            )
        if cohort.digest != self.digest:
            raise CohortError(
                _(
                    "{filename}: this cohort was made by another rubric; make it "
                    "with this one: rubric.cohort([facts, …])",
                    filename=self.filename,
                )
            )
        return cohort.figures

    def _generate(self) -> Any:
        """The generated scorer, made on first use: compiling a rubric need not pay for it."""
        from rubric._score.codegen import generate

        try:
            scorer = generate(self._plan)
        except RecursionError:  # a plan too deep to generate here: the interpreter scores it
            scorer = _interpreted
        object.__setattr__(self, "_scorer", scorer)
        return scorer

    def _score_slowly(self, facts: Mapping[str, object], cohort: Cohort | None = None) -> Result:
        plan = self._plan
        values = validate(plan.facts, facts, plan.limits)
        scorer = self._scorer
        assert scorer is not None
        try:
            if plan.needs:
                ordered, scores, skipped, grade = scorer(values, self._figures(cohort))
            else:
                ordered, scores, skipped, grade = scorer(values)
        except Exception:
            return self._interpret(values, cohort)
        grade_name = self._grades[grade]
        return Result(self, ordered, scores, skipped, grade_name, self.shape, cohort)

    def _interpret(self, values: Mapping[str, FactValue], cohort: Cohort | None = None) -> Result:
        """Score validated facts with the interpreter: the reference, and what reports problems."""
        from rubric._explain import problem
        from rubric._score import interpret

        plan = self._plan
        figures = self._figures(cohort) if plan.needs else ()
        try:
            outcome = interpret.run(plan, values, figures)
        except interpret.RequirementsUnmetError as unmet:
            rules = plan.policy
            raise FactsError(
                [FactProblem(x.facts, problem(x, rules)) for x in unmet.problems]
            ) from None
        except interpret.EvaluationError as error:
            found = error.problem
            raise FactsError([FactProblem(found.facts, problem(found, plan.policy))]) from None
        except RecursionError:
            # Values built on values deeper than the stack left to this call allows (the
            # checker bounds the chain by Limits.value_chain; a caller may sit deep already).
            raise FactsError([FactProblem("", translate(_TOO_DEEP))]) from None
        unit = self.unit
        scores: list[int | Fraction] = []
        skipped: list[tuple[int, str | None]] = []
        for i, scored in enumerate(outcome.root.walk()):
            exact = scored.exact
            scaled = exact * unit
            scores.append(scaled.numerator if scaled.denominator == 1 else exact)
            if not scored.applicable:
                skipped.append((i, scored.policy))
        grade = outcome.grade.name if outcome.grade is not None else None
        ordered = tuple(values.get(spec.name) for spec in plan.facts)
        return Result(self, ordered, tuple(scores), tuple(skipped), grade, self.shape, cohort)

    # ------------------------------------------------------------ what results read

    def _tree(
        self,
        scores: tuple[int | Fraction, ...],
        skipped: tuple[tuple[int, str | None], ...],
        book: _Book,
    ) -> list[ScoredNode]:
        """The scored tree of a result, in plan order, its explanations read from book."""
        places, mode, unit = self.places, self.mode, self.unit
        left_out = dict(skipped)
        built: list[ScoredNode] = []
        # Children come after their parent in plan order: build from the last node back.
        for i in range(len(scores) - 1, -1, -1):
            node_id, title, kind, top, role, low, kids = self._static[i]
            value = scores[i]
            built.append(
                ScoredNode(
                    node_id,
                    title,
                    kind,
                    scaled(value, unit) if value.__class__ is int else value,  # type: ignore[arg-type]
                    top,
                    places,
                    mode,
                    tuple([built[k] for k in kids]) if kids else (),
                    i not in left_out,
                    left_out.get(i),
                    role,
                    low,
                    self._own[i],
                    book,
                )
            )
        built.reverse()
        return built

    def _tree_dict(
        self,
        scores: tuple[int | Fraction, ...],
        skipped: tuple[tuple[int, str | None], ...],
        lines: dict[str, tuple[Line, ...]],
        index: int = 0,
    ) -> dict[str, Any]:
        """The tree below a node as JSON-ready data, as `ScoredNode.to_dict` writes it."""
        node_id, title, _, _, role, low, _ = self._static[index]
        value = scores[index]
        places = self.places
        data: dict[str, Any] = {
            "id": node_id,
            "title": title,
            "score": (
                scaled_text(value, places)
                if value.__class__ is int
                else fixed(value, places, self.mode)  # type: ignore[arg-type]
            ),
            "max": self._texts[index],
        }
        if role != "base":
            data["role"] = role
        if low != 0:
            data["min"] = None if low is None else fixed(low, places)
        for at, policy in skipped:
            if at == index:
                data["applicable"] = False
                data["policy"] = policy
        if self._own[index]:
            data.update(own_dict(self._own[index], lines[node_id], places))
        data["children"] = [
            self._tree_dict(scores, skipped, lines, child) for child in self._kids[index]
        ]
        data["explanation"] = [line_dict(line, places) for line in lines[node_id]]
        return data

    def _explanations(
        self, facts: tuple[FactValue | None, ...], cohort: Cohort | None = None
    ) -> tuple[dict[str, tuple[Line, ...]], tuple[Line, ...]]:
        """Every node's explanation and the grade's, for validated facts: scored again."""
        from rubric._explain import entry
        from rubric._score import interpret

        plan = self._plan
        rules = plan.policy
        values = {
            spec.name: value
            for spec, value in zip(plan.facts, facts, strict=True)
            if value is not None
        }
        outcome = interpret.run(plan, values, self._figures(cohort) if plan.needs else ())

        def reasons(entries: tuple[Any, ...]) -> tuple[Line, ...]:
            return tuple(
                (entry(e, rules), e.points, e.kind, e.facts, e.values, e.line) for e in entries
            )

        by_node = {s.node.id: reasons(s.entries) for s in outcome.root.walk()}
        return by_node, reasons(outcome.grade_entries)

    def _advice(
        self, facts: tuple[FactValue | None, ...], cohort: Cohort | None = None
    ) -> dict[str, tuple[Advice, ...]]:
        """Every node's advice, for validated facts: scored again, its figures read."""
        from rubric._advice import hints
        from rubric._explain import advice
        from rubric._score import interpret

        plan = self._plan
        rules = plan.policy
        values = {
            spec.name: value
            for spec, value in zip(plan.facts, facts, strict=True)
            if value is not None
        }
        outcome = interpret.run(plan, values, self._figures(cohort) if plan.needs else ())
        specs = {spec.name: spec for spec in plan.facts}
        found: dict[str, tuple[Advice, ...]] = {}
        for position, scored in enumerate(outcome.root.walk()):
            if not scored.applicable:
                found[scored.node.id] = ()
                continue
            made = hints(
                scored.node,
                scored.entries,
                scored.exact,
                root=position == 0,
                lets=plan.lets,
                facts=values,
                specs=specs,
                rules=rules,
            )
            found[scored.node.id] = tuple(
                Advice(advice(hint, rules), hint.points, hint.line, hint.facts) for hint in made
            )
        return found
