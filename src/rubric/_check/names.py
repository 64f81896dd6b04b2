"""Names and types: facts, values, requires and grades, what each expression is, did-you-mean."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import Literal, TypeAlias, assert_never

import attrs

from rubric._check.report import Hint, Report
from rubric._i18n import _
from rubric._limits import DEFAULT
from rubric.dsl import nodes as n

__all__ = [
    "BOOL",
    "COUNT",
    "NUMBER",
    "TEXT",
    "UNKNOWN",
    "Kind",
    "Names",
    "Scope",
    "Type",
    "did_you_mean",
    "kind_of",
    "suggest",
    "type_of",
]

# Chinese words for and, or, which a name such as 'a且b' holds: the longer first.
_LOGIC_WORDS = (("并且", "and"), ("而且", "and"), ("或者", "or"), ("且", "and"), ("或", "or"))

Kind = Literal["bool", "count", "number", "level", "set", "text", "adjustment", "unknown"]
RESERVED_NAMES = ("total",)


def kind_of(text: str) -> Kind:
    """A type's kind as the parser spells it."""
    match text:
        case "bool" | "count" | "number" | "level" | "set" | "text" | "adjustment":
            return text
        case _:
            raise AssertionError(f"the parser gave an unknown type {text!r}")


@attrs.frozen
class Type:
    """The type of a fact, a value or an expression."""

    kind: Kind
    words: tuple[str, ...] | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "number")

    def describe(self) -> str:
        if self.kind == "level" and self.words:
            return _("a level ({words})", words=", ".join(self.words))
        if self.kind == "set" and self.words:
            return _("a set of {{{words}}}", words=", ".join(self.words))
        match self.kind:
            case "bool":
                return _("a yes/no condition")
            case "count":
                return _("a count")
            case "number":
                return _("a number")
            case "set":
                return _("a set")
            case "text":
                return _("a word")
            case "adjustment":
                return _("an adjustment")
            case "level" | "unknown":
                return self.kind
            case _:
                assert_never(self.kind)


BOOL, COUNT, NUMBER, TEXT = Type("bool"), Type("count"), Type("number"), Type("text")
UNKNOWN = Type("unknown")  # the type of a value whose expression has an error


def type_of(decl: n.TypeSpec) -> Type:
    words = tuple(w.name for w in decl.words) if decl.words is not None else None
    return Type(kind_of(decl.kind), words)


@attrs.define
class Scope:
    """The names an expression may use: facts, values, and whether `total` is in reach.

    An indicator's scope holds its own values and reads the rubric's through its parent,
    so that opening one costs nothing however many facts the rubric declares.
    """

    names: dict[str, Type] = attrs.Factory(dict)
    parent: Scope | None = None
    total: bool = False
    scores: bool = False  # whether `score of ID` is in reach: grades and the total's clauses

    def child(self) -> Scope:
        return Scope({}, self, self.total, self.scores)

    def get(self, name: str) -> Type | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def snapshot(self) -> Callable[[], Iterator[str]]:
        """The names declared so far, to read later: names declared after are left out."""
        levels: list[tuple[dict[str, Type], int]] = []
        scope: Scope | None = self
        while scope is not None:
            levels.append((scope.names, len(scope.names)))
            scope = scope.parent

        def names() -> Iterator[str]:
            for declared, count in reversed(levels):
                yield from itertools.islice(declared, count)

        return names


# What a value's expression reads: names, and cohort figures. Made once, not a new union type
# for each node walked.
_READS: TypeAlias = n.Name | n.CohortOf


@attrs.define
class Names:
    """What every name is, and which names are used."""

    report: Report
    # How deep values may build on values (Limits.value_chain): scoring recurses through them.
    chain_limit: int = DEFAULT.value_chain
    used: set[str] = attrs.Factory(set)
    # A misspelt name leaves what it meant unused; say so once, not twice.
    unknown_names: bool = False
    facts: dict[str, Type] = attrs.Factory(dict)
    chains: dict[str, int] = attrs.Factory(dict)
    # Local values not used in their indicator: reported at the end, once misspellings are known.
    unused_locals: list[n.Let] = attrs.Factory(list)
    # `score of ID` names a node: checked once the tree is known.
    score_refs: list[n.ScoreOf] = attrs.Factory(list)
    upper_bounds: dict[str, Fraction] = attrs.Factory(dict)
    # Values not yet declared, by name, while values are checked in order: a value may use only
    # the values above it.
    pending: dict[str, n.Let] = attrs.Factory(dict)
    # Values that read cohort figures, directly or through other values: no require line may.
    cohort_values: set[str] = attrs.Factory(set)

    # ------------------------------------------------------------ declarations

    def check_facts(self, facts: Iterable[n.FactDecl], scope: Scope) -> tuple[n.FactDecl, ...]:
        seen: dict[str, n.FactDecl] = {}
        for fact in facts:
            if fact.name in seen:
                first = seen[fact.name]
                self.report(
                    "E202",
                    fact.name_span,
                    _(
                        "the fact '{name}' is declared twice; first on line {line}",
                        name=fact.name,
                        line=self.report.line_of(first.span),
                    ),
                    _("rename one of them, or delete the second declaration"),
                )
                continue
            if fact.name in RESERVED_NAMES:
                self.report(
                    "E204",
                    fact.name_span,
                    _("'{name}' is reserved for the rubric's total", name=fact.name),
                    _("choose another name for this fact"),
                )
            seen[fact.name] = fact
            self.check_words(fact.type)
            if fact.step is not None:
                if fact.step.value <= 0:
                    self.report(
                        "E406",
                        fact.step.span,
                        _("a step must be more than 0, found {text}", text=fact.step.text),
                    )
                if fact.type.kind not in ("number", "adjustment"):
                    self.report(
                        "E224",
                        fact.step.span,
                        _("steps on a {kind} fact", kind=fact.type.kind),
                        _(
                            "only number and adjustment facts take 'in steps of'; a "
                            "count always steps by 1"
                        ),
                    )
            if fact.unit is not None and fact.type.kind not in ("count", "number"):
                self.report(
                    "E216",
                    fact.span,
                    _("a unit on a {kind} fact", kind=fact.type.kind),
                    _("only count and number facts have units; delete the unit"),
                )
            if fact.field and fact.type.kind != "level":
                self.report(
                    "E243",
                    fact.type.span,
                    _("the unit field '{name}' is a {kind}", name=fact.name, kind=fact.type.kind),
                    _(
                        "a unit field is a level, its words the values the field "
                        "takes: field {name}: level {{市, 县}}",
                        name=fact.name,
                    ),
                )
            scope.names[fact.name] = type_of(fact.type)
        self.facts = dict(scope.names)
        checked = []
        for fact in seen.values():
            constraints = tuple(self.check_constraint(fact, c, scope) for c in fact.constraints)
            checked.append(n.replace(fact, constraints=constraints))
        return tuple(checked)

    def check_words(self, spec: n.TypeSpec) -> None:
        if spec.words is None:
            return
        seen: set[str] = set()
        for word in spec.words:
            if word.name in seen:
                self.report(
                    "E217",
                    word.span,
                    _("'{name}' is listed twice", name=word.name),
                    _("list each word once"),
                )
            seen.add(word.name)

    def check_constraint(self, fact: n.FactDecl, c: n.Constraint, scope: Scope) -> n.Constraint:
        if fact.type.kind not in ("count", "number", "adjustment"):
            self.report(
                "E218",
                c.span,
                _("a bound on the {kind} fact '{name}'", kind=fact.type.kind, name=fact.name),
                _("only count, number and adjustment facts take bounds such as >= 1; delete it"),
            )
            return c
        if c.op not in ("<", "<=", ">", ">="):
            self.report(
                "E219",
                c.span,
                _("'{op}' cannot bound a fact", op=c.op),
                _("bound a fact with <, <=, > or >="),
            )
        if isinstance(c.operand, n.Name) and c.operand.name == fact.name:
            self.report(
                "E220",
                c.operand.span,
                _("the fact '{name}' is bounded by itself", name=fact.name),
                _("bound it by a number or by another fact"),
            )
            return c
        simple = isinstance(c.operand, n.Number) or (
            isinstance(c.operand, n.Negate) and isinstance(c.operand.operand, n.Number)
        )
        if isinstance(c.operand, n.Name) and c.operand.name in self.facts:
            self.used.add(c.operand.name)
            type_ = self.facts[c.operand.name]
            if fact.type.kind == "adjustment":
                self.report(
                    "E223",
                    c.operand.span,
                    _("an adjustment is bounded by numbers only"),
                    _("write its bounds as numbers, such as >= -3 and <= 0"),
                )
        elif isinstance(c.operand, n.Name) and c.operand.name not in scope:
            self.infer(c.operand, scope)  # reports the unknown name, with a suggestion
            return c
        elif not simple:
            written = self.report.source.text[c.operand.span.start : c.operand.span.end]
            self.used.update(x.name for x in n.walk(c.operand) if isinstance(x, n.Name))
            self.report(
                "E222",
                c.operand.span,
                _("a bound is a number or another fact"),
                _(
                    "write a bound that needs arithmetic as a 'require' line, "
                    'such as: require {name} {op} {written} "…"',
                    name=fact.name,
                    op=c.op,
                    written=written,
                ),
            )
            return c
        else:
            type_ = NUMBER
            if c.op in ("<", "<=") and isinstance(c.operand, n.Number):
                self.upper_bounds[fact.name] = c.operand.value
        if not type_.numeric:
            self.report(
                "E221",
                c.operand.span,
                _("a bound must be a number, found {type_kind}", type_kind=type_.describe()),
                _("bound the fact by a number such as 1 or by a count or number fact"),
            )
        return c

    def check_lets(self, lets: tuple[n.Let, ...], scope: Scope) -> tuple[n.Let, ...]:
        """Values in the order declared: each may use those above it, not those below."""
        self.pending = {}
        for let in lets:
            self.pending.setdefault(let.name, let)
        checked = []
        for let in lets:
            checked.append(self.check_let(let, scope))
            if self.pending.get(let.name) is let:
                del self.pending[let.name]
        self.pending = {}
        return tuple(checked)

    def check_let(self, let: n.Let, scope: Scope) -> n.Let:
        expr, type_ = self.infer(let.expr, scope)
        # One walk finds both what the value reads and whether it reads a cohort figure.
        reads = [x for x in n.walk(let.expr) if isinstance(x, _READS)]
        if any(isinstance(x, n.CohortOf) or x.name in self.cohort_values for x in reads):
            self.cohort_values.add(let.name)
        if type_ == TEXT:
            self.report(
                "E225",
                let.expr.span,
                _("a value cannot be a bare word"),
                _(
                    "a value is a number, a condition, or another name for a "
                    "fact; compare words where they are used, as in: +1 if media "
                    "= national"
                ),
            )
            type_ = None
        # Values are computed by recursion through the values they use: bound the chain.
        used = [x.name for x in reads if isinstance(x, n.Name)]
        chain = n.depth(let.expr) + max((self.chains.get(u, 0) for u in used), default=0)
        self.chains[let.name] = chain
        if chain > self.chain_limit:
            self.report(
                "E513",
                let.name_span,
                _(
                    "the value '{name}' is built on a chain of values {chain} "
                    "levels deep, more than {chain_limit}",
                    name=let.name,
                    chain=chain,
                    chain_limit=self.chain_limit,
                ),
                _("compute it in fewer steps, from the facts more directly"),
            )
        if let.name in scope or let.name in RESERVED_NAMES:
            self.report(
                "E203",
                let.name_span,
                _("the name '{name}' is already taken", name=let.name),
                _("give this value a name that no fact or other value has"),
            )
        else:
            # A value whose expression is wrong is still declared, so that its uses raise no
            # second error: UNKNOWN types as None wherever it is used.
            scope.names[let.name] = type_ or UNKNOWN
        if type_ is not None and let.unit is not None and not type_.numeric:
            self.report(
                "E216",
                let.span,
                _("a unit on {type_kind}", type_kind=type_.describe()),
                _("only numeric values have units; delete the unit"),
            )
        return n.replace(let, expr=expr)

    def check_require(self, req: n.Require, scope: Scope) -> n.Require:
        condition = self.condition(req.condition, scope, _("a 'require'"))
        for item in n.walk(req.condition):
            figure = isinstance(item, n.CohortOf)
            if figure or (isinstance(item, n.Name) and item.name in self.cohort_values):
                self.report(
                    "E242",
                    item.span,
                    _("a 'require' line reads a cohort figure")
                    if figure
                    else _(
                        "a 'require' line reads the value '{name}', which reads a cohort figure",
                        name=item.name,
                    ),
                    _(
                        "require lines decide which units the cohort holds, so they "
                        "cannot read its figures; compare with the cohort in a rule "
                        "or a grade instead"
                    ),
                )
                break
        return n.replace(req, condition=condition)

    def check_grades(self, grades: tuple[n.Grade, ...], scope: Scope) -> tuple[n.Grade, ...]:
        grade_scope = scope.child()
        grade_scope.total = True
        grade_scope.scores = True
        checked = []
        for index, grade in enumerate(grades):
            # A grade may have several lines: a veto first, and its band of totals below.
            last = index == len(grades) - 1
            if grade.condition is None:
                if not last:
                    self.report(
                        "E328",
                        grade.span,
                        _("'otherwise' must be the last grade"),
                        _("move this grade line below the others"),
                    )
                checked.append(grade)
            else:
                cond = self.condition(grade.condition, grade_scope, _("a grade"))
                checked.append(n.replace(grade, condition=cond))
        if grades and grades[-1].condition is not None:
            self.report(
                "E329",
                grades[-1].span,
                _("the last grade has a condition, so some totals would get no grade"),
                _(
                    "make the last grade catch every other total: grade {name} otherwise",
                    name=grades[-1].name,
                ),
            )
        return tuple(checked)

    # ------------------------------------------------------------ expressions

    def condition(self, expr: n.Expr, scope: Scope, where: str, hint: str = "") -> n.Expr:
        """Check a yes/no condition; E206 for any other type, with `hint` or the usual one."""
        checked, type_ = self.infer(expr, scope)
        if type_ is not None and type_ != BOOL:
            hint = hint or _("compare it, as in: x >= 2, or use a bool fact")
            self.report(
                "E206",
                expr.span,
                _(
                    "{where} needs a yes/no condition, found {type_kind}",
                    where=where,
                    type_kind=type_.describe(),
                ),
                hint,
            )
        return checked

    def infer(self, expr: n.Expr, scope: Scope) -> tuple[n.Expr, Type | None]:
        """Return the expression with words resolved, and its type (None after an error)."""
        match expr:
            case n.Number():
                return expr, COUNT if expr.value.denominator == 1 else NUMBER
            case n.Text():
                return expr, TEXT
            case n.Name():
                return expr, self.name(expr, scope)
            case n.Negate():
                operand, type_ = self.numeric(expr.operand, scope, "'-'")
                return n.replace(expr, operand=operand), NUMBER if type_ else None
            case n.Binary():
                return self.binary(expr, scope)
            case n.Compare():
                if expr.op == "in":
                    return self.membership(expr, scope)
                return self.compare(expr, scope)
            case n.Logic():
                operands = tuple(self.condition(o, scope, f"'{expr.op}'") for o in expr.operands)
                return n.replace(expr, operands=operands), BOOL
            case n.Not():
                return n.replace(
                    expr, operand=self.condition(expr.operand, scope, _("'not'"))
                ), BOOL
            case n.SizeOf():
                operand, type_ = self.infer(expr.operand, scope)
                if type_ is not None and type_.kind != "set":
                    self.report(
                        "E208",
                        expr.operand.span,
                        _("'number of' needs a set, found {type_kind}", type_kind=type_.describe()),
                        _(
                            "'number of' counts the items of a set fact, as in: number "
                            "of targets; or how many conditions hold, listed in [ ], as "
                            "in: number of [a, b, rate >= 90]"
                        ),
                    )
                    return n.replace(expr, operand=operand), None
                return n.replace(expr, operand=operand), COUNT
            case n.CohortOf():
                return expr, self.cohort_of(expr, scope)
            case n.CountOf():
                counts = _(
                    "number of [ … ] counts the conditions that hold: write each as a "
                    "condition, as in: number of [a >= 90, b >= 90] >= 1; to count the items "
                    "of a set, write: number of SET"
                )
                where = _("a 'number of' list")
                items = tuple(self.condition(c, scope, where, counts) for c in expr.items)
                return n.replace(expr, items=items), COUNT
            case n.Call():
                return self.call(expr, scope)
            case n.ScoreOf():
                if not scope.scores:
                    self.report(
                        "E226",
                        expr.span,
                        _("'score of' is known only in grade lines and in lines on the total"),
                        _(
                            "a rule or a node's own condition cannot read scores: they "
                            "are not known yet"
                        ),
                    )
                    return expr, None
                self.score_refs.append(expr)
                return expr, NUMBER
            case _:
                assert_never(expr)

    def cohort_of(self, expr: n.CohortOf, scope: Scope) -> Type | None:
        """A cohort figure's type: a rank is a count; a figure, a number in the fact's unit."""
        words = "top N% of" if expr.figure == "top" else f"{expr.figure.split()[0]} of"
        operand = expr.operand
        type_ = self.name(operand, scope)
        if type_ is None:
            return None
        if operand.name not in self.facts:
            self.report(
                "E240",
                operand.span,
                _(
                    "'{words}' takes a fact, found the value '{name}'",
                    words=words,
                    name=operand.name,
                ),
                _(
                    "cohort figures are taken over facts each unit gives; "
                    "declare the quantity as a fact (or compare each unit's "
                    "value with figures of the facts it is made of)"
                ),
            )
            return None
        if not type_.numeric:
            self.report(
                "E240",
                operand.span,
                _(
                    "'{words}' needs a count or number fact, found {type_kind}",
                    words=words,
                    type_kind=type_.describe(),
                ),
                _("rank and compare units by a count or number fact"),
            )
            return None
        share = expr.share
        if share is not None and not 0 < share.value <= 100:
            self.report(
                "E241",
                share.span,
                _("the top {text}% of the units is no share of them", text=share.text),
                _("write a share more than 0% and at most 100%, such as top 20% of x"),
            )
        if expr.figure.startswith("rank"):
            return COUNT
        if expr.figure in ("average", "median"):
            return NUMBER
        return type_

    def check_ranking(self, ranking: n.RankBy | None, node_ids: Iterable[str]) -> None:
        """The ids a `rank units by` line breaks ties with must name groups or indicators."""
        if ranking is None:
            return
        ids = set(node_ids)
        for node_id, span in zip(ranking.ids, ranking.spans, strict=True):
            if node_id not in ids:
                self.report(
                    "E244",
                    span,
                    _("no group or indicator has the id '{node_id}'", node_id=node_id),
                    suggest(node_id, sorted(ids), _("the ids are")),
                )

    def name(self, expr: n.Name, scope: Scope) -> Type | None:
        if expr.name == "total":
            if scope.total:
                return NUMBER
            self.report(
                "E205",
                expr.span,
                _("'total' is known only in grade conditions"),
                _("use 'total' in a grade line, such as: grade 优秀 if total >= 85"),
            )
            return None
        type_ = scope.get(expr.name)
        later = self.pending.get(expr.name) if type_ is None else None
        if later is not None:
            line = self.report.line_of(later.span)
            if self.report.line_of(expr.span) == line:
                self.report(
                    "E230",
                    expr.span,
                    _("the value '{name}' is used in its own definition", name=expr.name),
                    _("compute it from facts and from values declared above it"),
                )
            else:
                self.report(
                    "E230",
                    expr.span,
                    _(
                        "the value '{name}' is declared on line {line}, below; move it above",
                        name=expr.name,
                        line=line,
                    ),
                    _(
                        "a value may use only the values declared above it (grades, "
                        "require lines and rules may use values declared anywhere)"
                    ),
                )
            self.used.add(expr.name)
            return None
        if type_ is None:
            self.unknown_names = True
            known = scope.snapshot()
            in_grade = scope.total

            def hint(word: str = expr.name) -> str:
                for chinese, english in _LOGIC_WORDS:  # 'a且b': one name, to this language
                    parts = [part for part in word.split(chinese) if part]
                    if len(parts) > 1:
                        written = f" {english} ".join(parts)
                        return _(
                            "write '{english}' for '{chinese}', with spaces: {written}",
                            english=english,
                            chinese=chinese,
                            written=written,
                        )
                names = itertools.chain(known(), ["total"] if in_grade else [])
                suggestion = did_you_mean(word, names)
                if in_grade and not suggestion:
                    suggestion = _("a grade reads the rubric's total score as 'total';")
                if suggestion:
                    return _(
                        "{suggestion} every name must be declared first, with a 'fact' or a "
                        "'let' line",
                        suggestion=suggestion,
                    )
                return _("every name must be declared first, with a 'fact' or a 'let' line")

            self.report("E201", expr.span, _("unknown name '{name}'", name=expr.name), hint)
            return None
        self.used.add(expr.name)
        return None if type_ is UNKNOWN else type_

    def binary(self, expr: n.Binary, scope: Scope) -> tuple[n.Expr, Type | None]:
        left, lt = self.numeric(expr.left, scope, f"'{expr.op}'")
        right, rt = self.numeric(expr.right, scope, f"'{expr.op}'")
        checked = n.replace(expr, left=left, right=right)
        if lt is None or rt is None:
            return checked, None
        if expr.op == "/" and isinstance(right, n.Number) and right.value == 0:
            self.report(
                "E427", right.span, _("a division by zero"), _("divide by a number other than 0")
            )
        stays_count = expr.op in ("+", "*", "short of", "over") and lt == rt == COUNT
        return checked, COUNT if stays_count else NUMBER

    def call(self, expr: n.Call, scope: Scope) -> tuple[n.Expr, Type | None]:
        """max(a, b, …), min(a, b, …), abs(x): numbers in, a number out (a count of counts)."""
        checked = [self.numeric(arg, scope, f"'{expr.function}'") for arg in expr.args]
        call = n.replace(expr, args=tuple(arg for arg, _ in checked))
        wanted = _("one value") if expr.function == "abs" else _("two or more values")
        if (expr.function == "abs") != (len(expr.args) == 1):
            example = "abs(a - b)" if expr.function == "abs" else f"{expr.function}(a, b)"
            self.report(
                "E231",
                expr.span,
                _(
                    "'{function}' takes {wanted}, found {number}",
                    function=expr.function,
                    wanted=wanted,
                    number=len(expr.args),
                ),
                _("write it as: {example}", example=example),
            )
            return call, None
        types = [type_ for _, type_ in checked]
        if any(type_ is None for type_ in types):
            return call, None
        return call, COUNT if all(type_ == COUNT for type_ in types) else NUMBER

    def numeric(self, expr: n.Expr, scope: Scope, op: str) -> tuple[n.Expr, Type | None]:
        checked, type_ = self.infer(expr, scope)
        if type_ is not None and not type_.numeric:
            self.report(
                "E207",
                expr.span,
                _("{op} needs numbers, found {type_kind}", op=op, type_kind=type_.describe()),
                _("use count or number facts and values here; 'number of SET' counts a set's items")
                if type_.kind == "set"
                else _("use count or number facts and values here"),
            )
            return checked, None
        return checked, type_

    def compare(self, expr: n.Compare, scope: Scope) -> tuple[n.Expr, Type | None]:
        left, lt = self.word_or_infer(expr.left, expr.right, scope)
        right, rt = self.word_or_infer(expr.right, expr.left, scope)
        checked = n.replace(expr, left=left, right=right)
        if lt is None or rt is None:
            return checked, BOOL
        if lt.numeric and rt.numeric:
            return checked, BOOL
        if expr.op not in ("=", "!="):
            self.report(
                "E209",
                expr.span,
                _(
                    "'{op}' compares numbers, found {lt_kind} and {rt_kind}",
                    op=expr.op,
                    lt_kind=lt.describe(),
                    rt_kind=rt.describe(),
                ),
                _("compare levels, words and conditions with = or !="),
            )
        elif lt.kind == "level" or rt.kind == "level":
            level, word, word_expr = (lt, rt, right) if lt.kind == "level" else (rt, lt, left)
            if word.kind != "text" or not isinstance(word_expr, n.Text):
                self.report(
                    "E210",
                    expr.span,
                    _("a level is compared with {word_kind}", word_kind=word.describe()),
                    _("compare a level with one of its words, as in media = national"),
                )
            elif word_expr.value not in (level.words or ()):
                self.report(
                    "E211",
                    word_expr.span,
                    _("'{value}' is not one of the levels", value=word_expr.value),
                    suggest(word_expr.value, level.words or (), _("the levels are")),
                )
        elif lt != rt or lt.kind not in ("bool", "text"):
            self.report(
                "E212",
                expr.span,
                _(
                    "cannot compare {lt_kind} with {rt_kind}",
                    lt_kind=lt.describe(),
                    rt_kind=rt.describe(),
                ),
            )
        return checked, BOOL

    def membership(self, expr: n.Compare, scope: Scope) -> tuple[n.Expr, Type | None]:
        right, rt = self.infer(expr.right, scope)
        left, lt = self.word_or_infer(expr.left, expr.right, scope, rt)
        checked = n.replace(expr, left=left, right=right)
        if rt is not None and rt.kind != "set":
            self.report(
                "E213",
                expr.right.span,
                _("'in' needs a set on its right, found {rt_kind}", rt_kind=rt.describe()),
            )
        elif lt is not None and lt.kind != "text":
            self.report(
                "E214",
                expr.left.span,
                _("'in' needs a word on its left, found {lt_kind}", lt_kind=lt.describe()),
                _('write the item as a word or in quotes, as in "living" in targets'),
            )
        elif (
            rt is not None and rt.words and isinstance(left, n.Text) and left.value not in rt.words
        ):
            self.report(
                "E215",
                left.span,
                _("'{value}' is not an item this set allows", value=left.value),
                suggest(left.value, rt.words, _("its items are")),
            )
        return checked, BOOL

    def word_or_infer(
        self, expr: n.Expr, other: n.Expr, scope: Scope, other_type: Type | None = None
    ) -> tuple[n.Expr, Type | None]:
        """Read a bare name as a word when it names nothing and faces a level or a set."""
        if isinstance(expr, n.Name) and expr.name not in scope and expr.name != "total":
            if other_type is None and not (isinstance(other, n.Name) and other.name == expr.name):
                other_type = scope.get(other.name) if isinstance(other, n.Name) else None
            if other_type is not None and other_type.kind in ("level", "set"):
                return n.Text(expr.span, expr.name), TEXT
        return self.infer(expr, scope)

    # ------------------------------------------------------------ once the whole rubric is read

    def check_score_refs(self, node_ids: Iterable[str]) -> None:
        ids = set(node_ids)
        for ref in self.score_refs:
            if ref.id not in ids:
                self.report(
                    "E227",
                    ref.span,
                    _("no group or indicator has the id '{id}'", id=ref.id),
                    suggest(ref.id, sorted(ids), _("the ids are")),
                )

    def check_unused(self, facts: tuple[n.FactDecl, ...], lets: tuple[n.Let, ...]) -> None:
        if self.unknown_names:
            return
        for let in self.unused_locals:
            self.report(
                "E229",
                let.name_span,
                _("the value '{name}' is never used", name=let.name),
                _("use it in a rule of this indicator, or delete it"),
            )
        decls: tuple[n.FactDecl | n.Let, ...] = (*facts, *lets)
        for decl in decls:
            if decl.name not in self.used and decl.name not in RESERVED_NAMES:
                fact = isinstance(decl, n.FactDecl)
                self.report(
                    "E228" if fact else "E229",
                    decl.name_span,
                    _("the fact '{name}' is never used", name=decl.name)
                    if fact
                    else _("the value '{name}' is never used", name=decl.name),
                    _("use it in a rule, a value, a bound or a grade, or delete it"),
                )


def suggest(word: str, choices: Iterable[str], intro: str) -> Hint:
    """A did-you-mean hint, worked out only if it is shown."""
    return lambda: did_you_mean(word, choices, intro)


# A did-you-mean compares a word closely with at most this many names: a rubric with 10,000
# names and as many misspellings must not compare each with each.
_MAX_CANDIDATES = 60


def did_you_mean(word: str, choices: Iterable[str], intro: str = "") -> str:
    """Suggest the closest choice; with intro, also list the choices after it."""
    options = list(dict.fromkeys(choices))
    # difflib's ratio is at most 2·min(a, b)/(a + b): below its cutoff of 0.6 when one name is
    # more than 7/3 times as long as the other.
    size = len(word)
    candidates = [o for o in options if 3 * len(o) <= 7 * size and 3 * size <= 7 * len(o)]
    if len(candidates) > _MAX_CANDIDATES:
        # Many names of about the same length: first those that begin and end most like the
        # word (a slip of the keyboard leaves most of both), then the rubric's order.
        candidates.sort(key=lambda o: -_affixes(word, o))
        candidates = candidates[:_MAX_CANDIDATES]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    head = _("did you mean '{name}'?", name=close[0]) if close else ""
    if not intro:
        return head
    shown = ", ".join(options[:12]) + (", …" if len(options) > 12 else "")
    if head:
        return _("{suggestion} {intro}: {names}", suggestion=head, intro=intro, names=shown)
    return _("{intro}: {names}", intro=intro, names=shown)


def _affixes(word: str, other: str) -> int:
    """How many characters two words share at their start and at their end."""
    limit = min(len(word), len(other))
    start = 0
    while start < limit and word[start] == other[start]:
        start += 1
    end = 0
    while end < limit - start and word[-1 - end] == other[-1 - end]:
        end += 1
    return start + end
