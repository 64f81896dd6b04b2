"""The pyparsing grammar of each kind of line of a `.rub` file, built on first use."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal, TypeAlias, assert_never, get_args

import attrs
import pyparsing as pp

from rubric._i18n import N_
from rubric.dsl import nodes as n
from rubric.dsl import tokens as tok
from rubric.dsl.forms import Form
from rubric.dsl.forms import forms as statement_forms
from rubric.dsl.source import Span

__all__ = ["KEYWORDS", "USAGE", "Grammar", "Kind", "grammar", "kind_of"]

# Every kind of line: those a keyword opens, named by it; rules, which open with their points
# (or × and a factor); and arms of a table, which open with a band, a word and '->', or 'otherwise'.
Kind: TypeAlias = Literal[
    "rubric",
    "version",
    "round",
    "grade",
    "fact",
    "field",
    "rank",
    "cohort",
    "require",
    "let",
    "group",
    "indicator",
    "pool",
    "bonus",
    "deductions",
    "start",
    "points",
    "at",
    "not",
    "adjust",
    "allow",
    "rule",
    "arm",
]

# The keyword table: how each kind of line is written, shown when a line of it does not parse.
# The keywords, the dispatch of a line to its statement and the grammar (`_statement`, which
# mypy checks covers every kind) all follow from it.
USAGE: Final[Mapping[Kind, str]] = {
    "rubric": N_('write the header as: rubric anhui_2019 "安徽省…绩效评价指标" max 100'),
    "version": N_('write: version "2019.1"'),
    "round": N_(
        "write: round indicators to 2 places half up  (or: round "
        "total to …; modes: half up, half even, down, up)"
    ),
    "grade": N_("write: grade 优秀 if total >= 85   or, for the last grade: grade 差 otherwise"),
    "fact": N_(
        "write: fact NAME: TYPE [bounds] [in steps of K] "
        '["description"] [unit "unit"] [optional]\nfor example: fact '
        'households_targeted: count >= 1 "帮扶目标任务数"\nTYPE is one of: '
        "bool, count, number, level {a, b, …}, set, set of {a, b, "
        "…}, adjustment\na scale of marks: fact mark: number >= 0 and "
        '<= 5 in steps of 0.5 "专家评分"'
    ),
    "field": N_(
        'write: field NAME: level {a, b, …} ["description"], for '
        'example field 类别: level {市, 县} "单位类别"'
    ),
    "rank": N_(
        "write: rank units by total, then ID, then ID, for example "
        "rank units by total, then output, then effect"
    ),
    "cohort": N_('write: cohort "全省"'),
    "require": N_(
        'write: require CONDITION "message", for example require a + b >= 1 "至少调查1人"'
    ),
    "let": N_(
        'write: let NAME ["description"] = EXPRESSION or CONDITION '
        '[unit "unit"], for example let rate "完成率" = done / target * '
        '100 unit "%"'
    ),
    "group": N_(
        'write: group ID "title" max N, for example group input "投入" '
        "max 20\nafter the max may come how the group combines its "
        "children: , scaled   , weighted   , best of   or , one of\na "
        'group of extra items is written: group ID "title" bonus [at '
        'most N]   or: group ID "title" deductions [at most N]'
    ),
    "indicator": N_(
        'write: indicator ID "title" max N [weight W], for example '
        'indicator input.setup.goal "绩效目标合理性" max 4'
    ),
    "pool": N_('write: pool NAME ["label"] at most N, then its rules on the lines below, indented'),
    "bonus": N_(
        'under an indicator, write: bonus ["label"] at most N, then its rules on the lines '
        "below, indented, for example: bonus at most 2"
    ),
    "deductions": N_(
        'under an indicator, write: deductions ["label"] at most N, then its rules on '
        "the lines below, indented, for example: deductions at most 5"
    ),
    "start": N_("write: start from full marks   or: start from 5"),
    "points": N_(
        "write: points by EXPRESSION: <= 20 -> 4, <= 30 -> 2, "
        "otherwise -> 0   or: points = EXPRESSION[, at most N]"
    ),
    "at": N_(
        "write: at most N if CONDITION, for example at most 6 if serious_problem   or, "
        "always: at most N"
    ),
    "not": N_(
        "write: not applicable if CONDITION, POLICY, where POLICY is "
        "full marks, rescale the total or redistribute to siblings"
    ),
    "adjust": N_("write: adjust by NAME, where NAME is an adjustment fact"),
    "allow": N_("write: allow negative total"),
    "rule": N_(
        "write a rule as: +2 if CONDITION   or: +1 for each of SET, "
        "at most 3   or: -0.5 per 1 of QUANTITY, proportionally   "
        "or: × 0.8 if CONDITION"
    ),
    "arm": N_(
        "write an arm of the table above as: <= 20 -> 4   or: "
        "national -> 2   or: otherwise -> 0   or: >= 60 and <= 90 -> "
        "0 to 10"
    ),
}
# Words that open a statement, in the order messages list them.
KEYWORDS: Final = tuple(kind for kind in USAGE if kind not in ("rule", "arm"))
_BY_KEYWORD: Final[Mapping[str, Kind]] = {kind: kind for kind in KEYWORDS}
assert set(USAGE) == set(get_args(Kind)), "every kind of line has its usage"

_FIRST_WORD = re.compile(tok.IDENT)
_ARM_START = re.compile(r"(?:<=|>=|!=|≤|≥|≦|≧|≠|<|>|＜|＞|=|otherwise(?!\w)|[^\W\d]\w*\s*(?:->|→))")


def kind_of(code: str) -> Kind | None:
    """Name the kind of line a line of code means to be, from how it starts (None: no kind)."""
    body = code.lstrip()
    word = _FIRST_WORD.match(body)
    kind = _BY_KEYWORD.get(word.group()) if word else None
    if kind is not None:
        return kind
    if body[:1] in ("+", "-", "*", "×"):
        return "rule"
    if _ARM_START.match(body):
        return "arm"
    return None


@attrs.frozen
class Grammar:
    """The grammar of each kind of line, and of a line of arms, which any level word may open."""

    statements: Mapping[Kind, pp.ParserElement]
    arm_line: pp.ParserElement
    # For a rule, the grammar of what its first character opens: points, or a factor.
    points_rule: pp.ParserElement
    multiply: pp.ParserElement
    # The forms each element above tries first, by the name of its shape ('rule', 'multiply',
    # 'arm', 'group' for group and indicator lines, else the kind): a reader may try them
    # itself, without pyparsing's steps around them, and read the same node.
    forms: Mapping[str, tuple[Form, ...]] = attrs.field(factory=dict)


def shape_of(kind: Kind) -> str:
    """The name a statement's forms go by: group and indicator lines share their grammar, and so
    their forms; any other kind its own."""
    return "group" if kind == "indicator" else kind


_BUILD = threading.Lock()


def grammar(forms: bool = True) -> Grammar:
    """The grammar, built on the first call (importing this module builds nothing).

    With forms, the most common shapes of a few statements are each read by one regex before
    the full grammar is tried (see `rubric.dsl.forms`); without, by the full grammar alone,
    which tests compare them with.
    """
    with _BUILD:
        return _grammar(forms)


@functools.cache
def _grammar(forms: bool) -> Grammar:
    return _Builder().grammar(forms)


def kw(words: str) -> pp.ParserElement:
    """A keyword phrase such as `at most`: whole words, any spacing between them."""
    pattern = tok.SPACE.join(re.escape(w) for w in words.split())
    return pp.Regex(pattern + r"(?!\w)").set_name(f"'{words}'").suppress()


def phrases(words: dict[str, str], name: str) -> pp.ParserElement:
    """One of several keyword phrases, each read as the value it stands for."""
    choices = [kw(phrase).add_parse_action(_constant(value)) for phrase, value in words.items()]
    return pp.MatchFirst(choices).set_name(name)


def _constant(value: Any) -> Callable[[], Any]:
    # No parameters: pyparsing would pass the tokens to any the action takes.
    return lambda: value


def _located(expr: pp.ParserElement, build: Callable[..., Any]) -> pp.ParserElement:
    """Wrap expr so that build receives the span it matched followed by its tokens."""

    def action(t: pp.ParseResults) -> Any:
        start, tokens, end = t[0], t[1], t[2]
        return build(Span(start, end), *tokens)

    return pp.Located(expr).add_parse_action(action)


def _terminal(pattern: str, name: str, build: Callable[[Span, str], Any]) -> pp.ParserElement:
    """A regex token whose parse action builds a node from its span and text."""

    def action(s: str, loc: int, t: pp.ParseResults) -> Any:
        text: str = t[0]
        return build(Span(loc, loc + len(text)), text)

    return pp.Regex(pattern).set_name(name).add_parse_action(action)


def _compare(tokens: pp.ParseResults) -> Any:
    if len(tokens) == 1:
        return tokens[0]
    left, op, right = tokens
    return n.Compare(left.span + right.span, op, left, right)


def _elements(roots: list[pp.ParserElement]) -> Iterator[pp.ParserElement]:
    """Every element reachable from roots, each once."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        element = stack.pop()
        if id(element) not in seen:
            seen.add(id(element))
            yield element
            stack.extend(element.recurse())


class _Builder:
    """Builds the grammar: tokens, then expressions, then each statement."""

    expr: pp.Forward
    condition: pp.Forward
    forms: dict[str, list[Form]]

    def grammar(self, forms: bool) -> Grammar:
        self.forms = statement_forms() if forms else {}
        self.tokens()
        self.expressions()
        self.rules()
        statements = {kind: self.statement(kind) for kind in USAGE}
        extra = [self.arm_line, self.points_rule, self.multiply]
        for element in [*statements.values(), *extra]:
            element.streamline()
        # Lines are read in place in the whole text: no element may skip over a line break.
        for element in _elements([*statements.values(), *extra]):
            element.set_whitespace_chars(" \t\r", copy_defaults=False)
        shapes = {kind: tuple(found) for kind, found in self.forms.items()}
        return Grammar(statements, self.arm_line, self.points_rule, self.multiply, shapes)

    def tokens(self) -> None:
        name, dotted, string = tok.NAME, tok.DOTTED, tok.STRING
        self.name = pp.Regex(name).set_name(N_("a name"))
        self.name_node = _terminal(name, N_("a name"), lambda s, t: n.Name(s, t))
        # A declared name or id with where it stands, for the checker to point at.
        self.declared_name = _terminal(name, N_("a name"), lambda s, t: (t, s))
        self.dotted_id = pp.Regex(dotted).set_name(N_("an id such as input.setup"))
        self.declared_id = _terminal(dotted, N_("an id such as input.setup"), lambda s, t: (t, s))
        self.number = _terminal(tok.NUMBER, N_("a number"), tok.number)
        self.points = _terminal(tok.POINTS, N_("points such as +2 or -0.5"), tok.points)
        self.signed = _terminal(tok.SIGNED, N_("a number"), tok.points)
        self.string = pp.Regex(string).set_name(N_('a quoted text such as "标题"'))
        self.string.add_parse_action(lambda t: tok.unquote(t[0]))
        self.text_node = _terminal(
            string, N_("a quoted text"), lambda s, t: n.Text(s, tok.unquote(t))
        )
        self.value = _terminal(tok.VALUE, N_("a number, a name or '('"), tok.value)
        self.integer = pp.Regex(r"\d+").set_name(N_("a whole number"))
        self.integer.add_parse_action(lambda t: int(t[0]))
        self.cmp_op = pp.Regex(tok.CMP).set_name(N_("a comparison such as <= or >="))
        self.cmp_op.add_parse_action(lambda t: tok.op(t[0]))
        self.arrow = pp.Regex(r"->|→").set_name("'->'").suppress()
        self.colon = pp.Literal(":").set_name("':'").suppress()
        self.comma = pp.Literal(",").set_name("','").suppress()
        self.equals = pp.Regex("=|＝").set_name("'='").suppress()
        self.description = pp.Opt(self.string, default=None)
        self.unit = pp.Opt(kw("unit") - self.string, default=None)
        self.cap = pp.Opt(self.comma + kw("at most") - self.number, default=None)

    def expressions(self) -> None:
        """Conditions over expressions, each level a cheap regex for its operators.

        Most conditions and expressions are a lone name or number: each level first tries one
        token that reads a value with none of the level's operators after it, which is what the
        level's full grammar would read there, in one step instead of a dozen.
        """
        self.condition = condition = pp.Forward()
        condition.set_name(N_("a condition"))
        self.expr = pp.Forward()
        self.expr.set_name(N_("an expression"))
        atom = pp.Forward()
        unary = pp.Forward()
        listed = pp.Group(
            pp.Literal("[").suppress()
            - pp.DelimitedList(condition)
            - pp.Literal("]").set_name("']'").suppress()
        )
        size_of = _located(
            kw("number of") - (listed | atom).set_name(N_("a set, or conditions in [ ]")),
            _number_of,
        )
        score_of = _located(kw("score of") - self.dotted_id, lambda s, id_: n.ScoreOf(s, id_))
        cohort = self.cohort_figure()
        group = pp.Literal("(").suppress() - condition - pp.Literal(")").set_name("')'").suppress()
        function = pp.Regex(rf"(?:{'|'.join(tok.FUNCTIONS)})(?=[ \t]*\()").set_name(
            N_("max, min or abs")
        )
        call = _located(
            function
            + pp.Literal("(").suppress()
            - pp.Group(pp.DelimitedList(self.expr))
            - pp.Literal(")").set_name(N_("')' or ','")).suppress(),
            lambda s, name, args: n.Call(s, name, tuple(args)),
        )
        atom <<= (self.value | call | size_of | score_of | cohort | group).set_name(
            N_("a number, a name or '('")
        )
        negate = _located(pp.Literal("-").suppress() + unary, lambda s, x: n.Negate(s, x))
        unary <<= (self.value | call | size_of | score_of | cohort | group | negate).set_name(
            N_("a number, a name or '('")
        )
        arithmetic = pp.Regex(r"[*/×÷+-]").set_name(N_("'+', '-', '*' or '/'"))
        terms = (unary + pp.ZeroOrMore(arithmetic + unary)).add_parse_action(
            lambda t: tok.fold_arithmetic(list(t))
        )
        over = pp.Regex(rf"short(?!\w){tok.SPACE}of(?!\w)|over(?!\w)").set_name(
            N_("'short of' or 'over'")
        )
        over.add_parse_action(lambda t: "over" if t[0] == "over" else "short of")
        difference = (terms + pp.Opt(over - terms)).add_parse_action(
            lambda t: tok.fold_binary(list(t))
        )
        operators = r"[-+*/×÷]|(?:short|over)(?!\w)"
        self.expr <<= (self.lone(operators) | difference).set_name(N_("a number, a name or '('"))
        compare = pp.Regex(rf"{tok.CMP}|in(?!\w)").set_name(N_("a comparison such as <= or >="))
        compare.add_parse_action(lambda t: tok.op(t[0]))
        comparison = (self.expr + pp.Opt(compare - self.expr)).add_parse_action(_compare)
        operators = r"[-+*/×÷<>=!≤≥≦≧≠＜＞＝]|(?:short|over|in)(?!\w)"
        negation = pp.Forward()
        negation <<= (
            self.lone(operators)
            | comparison.set_name(N_("a condition"))
            | _located(kw("not") - negation, lambda s, x: n.Not(s, x))
        ).set_name(N_("a condition"))
        logic = pp.Regex(r"(?:and|or)(?!\w)").set_name(N_("'and' or 'or'"))
        conditions = (negation + pp.ZeroOrMore(logic - negation)).add_parse_action(
            lambda t: tok.fold_logic(list(t))
        )
        operators = r"[-+*/×÷<>=!≤≥≦≧≠＜＞＝]|(?:short|over|in|and|or)(?!\w)"
        condition <<= (self.lone(operators) | conditions).set_name(N_("a condition"))

    def cohort_figure(self) -> pp.ParserElement:
        """`rank of X [ascending]`, `highest of X`, …, `top N% of X`: a figure of a fact."""
        fact = self.name_node.copy().set_name(N_("the name of a count or number fact"))
        opens = pp.Regex(rf"(?:{'|'.join(tok.FIGURES)}){tok.SPACE}of(?!\w)").set_name(
            N_("a cohort figure")
        )
        opens.add_parse_action(lambda t: t[0].split()[0])
        ascending = pp.Opt(kw("ascending").add_parse_action(lambda: True), default=False)
        figure = _located(
            opens - fact + ascending,
            lambda s, word, name, up: n.CohortOf(
                # Without 'ascending', the figure ends with its fact, not the spaces after it.
                s if up else Span(s.start, name.span.end),
                f"{word} ascending" if up else word,
                name,
            ),
        )
        share = (self.number + pp.Literal("%").suppress()).set_name(N_("a share such as 20%"))
        top = _located(
            kw("top") + share - kw("of") - fact,
            lambda s, number, name: n.CohortOf(Span(s.start, name.span.end), "top", name, number),
        )
        return (figure | top).set_name(N_("a cohort figure"))

    def lone(self, operators: str) -> pp.ParserElement:
        """A value with none of these operators after it: what a level reads as the value alone.

        It reads the spaces after the value too, as the level's optional operators would have
        skipped them looking for one, so that what it ends reads and spans as it did.
        """
        # Atomic: a value that an operator follows is not read as a shorter value instead.
        pattern = rf"(?>{tok.VALUE})(?![^\S\n]*(?:{operators}))[ \t\r]*"

        def action(s: str, loc: int, t: pp.ParseResults) -> Any:
            text: str = t[0].rstrip(" \t\r")
            return tok.value(Span(loc, loc + len(text)), text)

        return pp.Regex(pattern).set_name(N_("a number, a name or '('")).add_parse_action(action)

    def statement(self, kind: Kind) -> pp.ParserElement:
        """The grammar of the statement a line of this kind holds."""
        if kind in ("rule", "arm"):
            return self.points_rule | self.multiply if kind == "rule" else self.arm_line
        return self.shaped(shape_of(kind), self.full(kind))

    def full(self, kind: Kind) -> pp.ParserElement:
        """The full grammar of the statement a keyword opens."""
        match kind:
            case "rubric":
                return _located(
                    kw("rubric")
                    - pp.Regex(tok.IDENT).set_name(N_("an id such as anhui_2019"))
                    - self.string
                    - pp.Opt(kw("max") - self.number, default=None),
                    lambda s, id_, title, max_: n.Header(s, id_, title, max_),
                )
            case "version":
                return _located(kw("version") - self.string, lambda s, text: n.Version(s, text))
            case "round":
                return self.rounding()
            case "grade":
                return self.grade()
            case "fact":
                return self.fact()
            case "field":
                return self.fact("field")
            case "rank":
                then = self.comma + kw("then") - self.declared_id
                return _located(
                    kw("rank units by total") - pp.ZeroOrMore(then),
                    lambda s, *ids: n.RankBy(s, tuple(i[0] for i in ids), tuple(i[1] for i in ids)),
                )
            case "cohort":
                return _located(kw("cohort") - self.string, lambda s, name: n.CohortName(s, name))
            case "require":
                return _located(
                    kw("require") - self.condition - self.string,
                    lambda s, c, m: n.Require(s, c, m),
                )
            case "let":
                return _located(
                    kw("let")
                    - self.declared_name
                    - self.description
                    - self.equals
                    - self.condition
                    - self.unit,
                    lambda s, name, desc, value, unit: n.Let(
                        s, name[0], name[1], desc, value, unit
                    ),
                )
            case "group" | "indicator":
                return self.node_decl
            case "pool":
                return _located(
                    kw("pool") - self.name - self.description - kw("at most") - self.number,
                    lambda s, name, label, cap: n.PoolDecl(s, name, label, cap),
                )
            case "bonus" | "deductions":
                return _located(
                    kw(kind) - self.description - kw("at most") - self.number,
                    lambda s, label, cap: n.ExtraDecl(s, kind, label, cap),
                )
            case "start":
                return _located(
                    kw("start from")
                    - (kw("full marks").add_parse_action(lambda: [None]) | self.number),
                    lambda s, amount: n.Start(s, amount),
                )
            case "points":
                return self.formula() | self.table()
            case "at":
                return _located(
                    kw("at most") - self.number - pp.Opt(kw("if") - self.condition, default=None),
                    lambda s, cap, cond: n.CapIf(s, cap, cond),
                )
            case "not":
                return self.not_applicable()
            case "adjust":
                return _located(kw("adjust by") - self.name_node, lambda s, name: n.Adjust(s, name))
            case "allow":
                return _located(kw("allow negative total"), lambda s: n.AllowNegative(s))
            case "rule" | "arm":
                raise AssertionError("rules and arms are no keyword's")
            case _:
                assert_never(kind)

    def rules(self) -> None:
        """What rules and tables are made of: points and what they are for, factors, arms."""
        # A rule's condition, right after what it counts: `-1 per 1 of x if not met, …`.
        self.guard = pp.Opt(kw("if") - self.condition, default=None)
        self.arm = self.arm_grammar()
        self.node_decl = self.node()
        self.points_rule = self.shaped("rule", self.rule())
        multiply = _located(
            pp.Regex(r"[*×]").suppress() - self.number - kw("if") - self.condition,
            lambda s, factor, cond: n.Multiply(s, factor, cond),
        )
        self.multiply = self.shaped("multiply", multiply)
        arm_line = _located(
            pp.DelimitedList(self.arm, allow_trailing_delim=True),
            lambda s, *arms: n.ArmLine(s, arms),
        )
        self.arm_line = self.shaped("arm", arm_line)

    def shaped(self, kind: str, element: pp.ParserElement) -> pp.ParserElement:
        """A statement's full grammar, after the forms of its commonest shapes if it has some."""
        shapes = self.forms.get(kind)
        if not shapes:
            return element
        # Named as what the statement starts with, which is what the full grammar says a line
        # that fails at its very start was expected to hold.
        first = {"at": "at most", "not": "not applicable if", "start": "start from"}.get(kind, kind)
        return pp.MatchFirst([*shapes, element]).set_name(f"'{first}'")

    def rounding(self) -> pp.ParserElement:
        mode = pp.Regex(rf"half{tok.SPACE}up|half{tok.SPACE}even|down|up").set_name(
            N_("half up, half even, down or up")
        )
        mode.add_parse_action(lambda t: " ".join(t[0].split()))
        return _located(
            kw("round")
            - pp.Regex(r"indicators|total").set_name(N_("'indicators' or 'total'"))
            - kw("to")
            - self.integer
            - pp.Regex(r"places?(?!\w)").set_name(N_("'places'")).suppress()
            - mode,
            lambda s, scope, places, mode: n.Rounding(s, scope, places, mode),
        )

    def grade(self) -> pp.ParserElement:
        otherwise = kw("otherwise").add_parse_action(lambda: [None])
        return _located(
            kw("grade")
            - pp.Regex(tok.IDENT).set_name(N_("a grade name such as 优秀"))
            - ((kw("if") - self.condition) | otherwise).set_name(N_("'if' or 'otherwise'")),
            lambda s, name, cond: n.Grade(s, name, cond),
        )

    def fact(self, keyword: str = "fact") -> pp.ParserElement:
        word = _located(
            pp.Regex(tok.IDENT).set_name(N_("a word")) + self.description,
            lambda s, name, label: n.Word(s, name, label),
        )
        words = pp.Group(
            pp.Literal("{").suppress()
            - pp.DelimitedList(word)
            - pp.Literal("}").set_name("'}'").suppress()
        )
        level = _located(kw("level") - words, lambda s, ws: n.TypeSpec(s, "level", tuple(ws)))
        set_ = _located(
            kw("set") + pp.Opt(kw("of") - words, default=None),
            lambda s, ws: n.TypeSpec(s, "set", None if ws is None else tuple(ws)),
        )
        simple = _terminal(
            r"(?:bool|count|number|adjustment)(?!\w)",
            N_("bool, count, number or adjustment"),
            lambda s, kind: n.TypeSpec(s, kind, None),
        )
        type_ = (simple | level | set_).set_name(
            N_("a type: bool, count, number, level, set or adjustment")
        )
        bound = _located(
            self.cmp_op - self.expr, lambda s, op, operand: n.Constraint(s, op, operand)
        )
        constraints = pp.Group(pp.Opt(bound + pp.ZeroOrMore(kw("and") - bound)))
        steps = pp.Opt(kw("in steps of") - self.number, default=None)
        optional = pp.Opt(kw("optional").add_parse_action(lambda: True), default=False)
        return _located(
            kw(keyword)
            - self.declared_name
            - self.colon
            - type_
            - constraints
            - steps
            - self.description
            - self.unit
            - optional,
            lambda s, name, type_, constraints, step, desc, unit, optional: n.FactDecl(
                s,
                name[0],
                name[1],
                type_,
                tuple(constraints),
                desc,
                unit,
                step,
                optional,
                keyword == "field",
            ),
        )

    def node(self) -> pp.ParserElement:
        at_most = pp.Opt(kw("at most") - self.number, default=None)
        measure = pp.Opt(
            _located(kw("max") - self.number, lambda s, max_: ("base", max_))
            | _located(kw("bonus") - at_most, lambda s, cap: ("bonus", cap))
            | _located(kw("deductions") - at_most, lambda s, cap: ("deductions", cap)),
            default=("base", None),
        ).set_name(N_("'max N', 'bonus' or 'deductions'"))
        # Weights are relative, so "weight 30%" and "weight 30" mean the same.
        weight = pp.Opt(
            kw("weight") - self.number + pp.Opt(pp.Literal("%").suppress()), default=None
        )
        # A whole word: the check after it is in the regex, not a token of its own, which
        # would skip the spaces before it and fail on the next word ('weighted max 10').
        modes = pp.Regex(rf"(?:scaled|weighted|best{tok.SPACE}of|one{tok.SPACE}of)(?!\w)").set_name(
            N_("scaled, weighted, best of or one of")
        )
        modes.add_parse_action(lambda t: " ".join(t[0].split()))
        mode = pp.Opt(
            self.comma - _located(modes, lambda s, mode: (mode, s)),
            default=None,
        )
        return _located(
            pp.Regex(r"(?:group|indicator)(?!\w)")
            - self.declared_id
            - self.string
            - measure
            - weight
            - mode,
            lambda s, kind, id_, title, measure, weight, mode: n.NodeDecl(
                s,
                kind,
                id_[0],
                id_[1],
                title,
                measure[1],
                measure[0],
                weight,
                None if mode is None else mode[0],
                None if mode is None else mode[1],
            ),
        )

    def formula(self) -> pp.ParserElement:
        return _located(
            kw("points") + pp.Regex("=|＝").suppress() - self.expr - self.guard - self.cap,
            lambda s, value, guard, cap: n.Formula(s, value, cap, guard),
        )

    def table(self) -> pp.ParserElement:
        arms = pp.Group(pp.Opt(pp.DelimitedList(self.arm, allow_trailing_delim=True)))
        return _located(
            kw("points by") - self.expr - self.guard - self.colon - arms,
            lambda s, subject, guard, arms: n.Table(s, subject, tuple(arms), guard),
        )

    def rule(self) -> pp.ParserElement:
        """`+K if …`, `+K for each of …`, `±K per STEP of …`: points, then what they are for."""
        when = (kw("if") - self.condition).add_parse_action(lambda t: _build_when(t[0]))
        items = pp.Group(
            pp.Literal("[").suppress()
            - pp.DelimitedList(self.condition)
            - pp.Literal("]").set_name("']'").suppress()
        )
        each = (kw("for each of") - (items | self.expr) - self.guard - self.cap).add_parse_action(
            lambda t: _build_each(t[0], t[1], t[2])
        )
        partial = phrases(
            {
                "proportionally": "proportional",
                "whole steps only": "whole",
                "any part counts as a step": "any",
            },
            N_("'proportionally', 'whole steps only' or 'any part counts as a step'"),
        )
        per = (
            kw("per")
            - self.number
            - kw("of")
            - self.expr
            - self.guard
            - pp.Opt(self.comma + partial, default=None)
            - self.cap
        ).add_parse_action(lambda t: _build_per(t[0], t[1], t[2], t[3], t[4]))
        what = (when | each | per).set_name(N_("'if', 'for each of' or 'per' after the points"))
        return _located(self.points + what, lambda s, points, build: build(s, points))

    def not_applicable(self) -> pp.ParserElement:
        policy = phrases(
            {p: p for p in ("full marks", "rescale the total", "redistribute to siblings")},
            N_("'full marks', 'rescale the total' or 'redistribute to siblings'"),
        )
        return _located(
            kw("not applicable if") - self.condition - pp.Opt(self.comma - policy, default=None),
            lambda s, cond, policy: n.NotApplicable(s, cond, policy),
        )

    def arm_grammar(self) -> pp.ParserElement:
        bound = pp.Group(self.cmp_op - self.signed)
        band = _located(
            bound + pp.ZeroOrMore(kw("and") - bound),
            lambda s, *bounds: n.Band(s, tuple((op, num) for op, num in bounds)),
        )
        amount = self.points | self.number
        linear = pp.Opt(kw("to") - self.signed, default=None)
        return (
            _located(
                band - self.arrow - amount - linear,
                lambda s, b, p, end: n.Arm(s, b, None, p, end),
            )
            | _located(kw("otherwise") - self.arrow - amount, lambda s, p: n.Arm(s, None, None, p))
            | _located(
                (self.name_node | self.text_node) + self.arrow - amount,
                lambda s, w, p: n.Arm(
                    s, None, w if isinstance(w, n.Name) else n.Name(w.span, w.value), p
                ),
            )
        ).set_name(N_("an arm such as '<= 20 -> 4', 'national -> 2' or 'otherwise -> 0'"))


def _number_of(span: Span, found: Any) -> n.SizeOf | n.CountOf:
    """`number of SET`, or `number of [C1, C2, …]`: the conditions come as a list."""
    if isinstance(found, pp.ParseResults):
        return n.CountOf(span, tuple(found))
    return n.SizeOf(span, found)


def _build_when(condition: Any) -> Callable[[Span, n.Number], n.When]:
    return lambda span, points: n.When(span, points, condition)


def _build_each(subject: Any, guard: Any, cap: Any) -> Callable[[Span, n.Number], n.Each]:
    listed = isinstance(subject, pp.ParseResults)
    return lambda span, points: n.Each(
        span,
        points,
        None if listed else subject,
        tuple(subject) if listed else None,
        cap,
        guard,
    )


def _build_per(
    step: Any, quantity: Any, guard: Any, partial: Any, cap: Any
) -> Callable[[Span, n.Number], n.Per]:
    return lambda span, points: n.Per(span, points, step, quantity, partial, cap, guard)
