"""The plan: a compiled rubric as immutable data, which the scorers walk and the wording reads.

Nothing here computes a score or writes a sentence: `_score.interpret` and `_score.codegen`
compute, `_explain` words. Every class is frozen and compared by identity (the plan is one object
graph, built once), holds no functions, and pickles as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from rubric._limits import DEFAULT, Limits
from rubric._values import Value

if TYPE_CHECKING:
    from rubric._facts import FactSpec

__all__ = [
    "ArithOp",
    "Arm",
    "CompareOp",
    "Expr",
    "Figure",
    "Grade",
    "Group",
    "Guarded",
    "Indicator",
    "Need",
    "Node",
    "Plan",
    "Policy",
    "Rule",
    "Subject",
]

ZERO = Fraction(0)

Mode: TypeAlias = Literal["half up", "half even", "down", "up"]
Scope: TypeAlias = Literal["indicators", "total"]
Role: TypeAlias = Literal["base", "bonus", "deductions"]
Way: TypeAlias = Literal["sum", "scaled", "weighted", "best of", "one of", "extra"]
Reading: TypeAlias = Literal["proportional", "whole", "any"]
Policy_: TypeAlias = Literal["full marks", "rescale the total", "redistribute to siblings"]
CompareOp: TypeAlias = Literal["<", "<=", ">", ">=", "=", "!="]
ArithOp: TypeAlias = Literal["+", "-", "*", "/", "short of", "over"]
FactKind: TypeAlias = Literal["bool", "count", "number", "level", "set", "adjustment"]
FunctionName: TypeAlias = Literal["max", "min", "abs"]
FigureKind: TypeAlias = Literal[
    "rank", "rank ascending", "highest", "lowest", "average", "median", "top"
]


@attrs.frozen(eq=False)
class Subject:
    """What a name stands for in sentences: its description, unit and the labels of its words."""

    name: str
    label: str
    unit: str | None
    labels: Mapping[str, str] = attrs.field(factory=dict)
    # Where each declared word stands, to list a set's items in the declared order.
    rank: Mapping[str, int] = attrs.field(factory=dict)


TOTAL = Subject("total", "总分", "分")  # what grade conditions call the rubric's total

# ---------------------------------------------------------------- expressions


@attrs.frozen(eq=False)
class Const:
    """A literal number or word, with the text it is shown as."""

    value: Value
    text: str


@attrs.frozen(eq=False)
class FactRef:
    """A fact, read from the facts being scored; integral for counts."""

    subject: Subject
    integral: bool


@attrs.frozen(eq=False)
class ValueRef:
    """A named value defined by `let`, computed once per scoring."""

    subject: Subject


@attrs.frozen(eq=False)
class Arithmetic:
    """`+ - * /`, and the clamped differences `short of` and `over`."""

    op: ArithOp
    left: Expr
    right: Expr
    facts: tuple[str, ...]  # a division names the facts of its divisor when they are zero
    line: int


@attrs.frozen(eq=False)
class Negation:
    """Unary minus."""

    operand: Expr


@attrs.frozen(eq=False)
class Size:
    """`number of SET`."""

    operand: Expr


@attrs.frozen(eq=False)
class Count:
    """`number of [C1, C2, …]`: how many of the conditions hold."""

    conditions: tuple[Expr, ...]


@attrs.frozen(eq=False)
class Function:
    """`max(a, b, …)`, `min(a, b, …)` or `abs(x)`."""

    name: FunctionName
    args: tuple[Expr, ...]


@attrs.frozen(eq=False)
class NodeScore:
    """`score of ID`: a node's score, once the tree is scored."""

    id: str
    title: str


@attrs.frozen
class Need:
    """A figure a cohort works out once: of which fact, which, and for `top N%` the share.

    A rank needs the fact's values in order ("values"), whichever way it ranks.
    """

    kind: Literal["values", "highest", "lowest", "average", "median", "top"]
    fact: str
    share: Fraction | None = None  # N/100 of `top N%`


@attrs.frozen(eq=False)
class Figure:
    """`rank of X`, `highest of X`, …, `top N% of X`: a figure of a fact across the cohort."""

    kind: FigureKind
    fact: FactRef
    need: int  # where the cohort holds it: its place in Plan.needs
    cohort: str  # what sentences call the units: 全体单位, or the rubric's `cohort` line
    share: str | None = None  # the N of `top N%`, as written


@attrs.frozen(eq=False)
class Comparison:
    """A comparison of two numbers, or of a level with a word."""

    op: CompareOp
    left: Expr
    right: Expr


@attrs.frozen(eq=False)
class Membership:
    """`WORD in SET`."""

    item: Const
    collection: Expr


@attrs.frozen(eq=False)
class Junction:
    """`and` / `or` of conditions."""

    op: Literal["and", "or"]
    operands: tuple[Expr, ...]


@attrs.frozen(eq=False)
class Inversion:
    """`not` of a condition."""

    operand: Expr


Expr: TypeAlias = (
    Const
    | FactRef
    | ValueRef
    | Arithmetic
    | Negation
    | Size
    | Count
    | Function
    | NodeScore
    | Figure
    | Comparison
    | Membership
    | Junction
    | Inversion
)


def parts_of(expr: Expr) -> tuple[Expr, ...]:
    """The expressions an expression is made of, in the order written."""
    match expr:
        case Arithmetic() | Comparison():
            return (expr.left, expr.right)
        case Negation() | Size() | Inversion():
            return (expr.operand,)
        case Membership():
            return (expr.collection,)
        case Junction():
            return expr.operands
        case Count():
            return expr.conditions
        case Function():
            return expr.args
        case Figure():
            # A rank reads the unit's own value; any other figure, the cohort's alone.
            return (expr.fact,) if expr.kind.startswith("rank") else ()
        case _:
            return ()


@attrs.frozen(eq=False)
class Let:
    """A named value: its expression, and what it is called in sentences."""

    subject: Subject
    expr: Expr


@attrs.frozen(eq=False)
class Uses:
    """The facts and values a rule reads, reported with each of its explanation entries."""

    facts: tuple[str, ...]
    values: tuple[str, ...]


NO_USES = Uses((), ())

# ---------------------------------------------------------------- rules


@attrs.frozen(eq=False)
class Start:
    """`start from …`: the points an indicator starts with."""

    amount: Fraction
    full: bool
    line: int


@attrs.frozen(eq=False)
class When:
    """`±K if CONDITION`."""

    points: Fraction
    condition: Expr
    uses: Uses
    line: int


@attrs.frozen(eq=False)
class EachItem:
    """`±K for each of SET[, at most N]`: points per item of a set."""

    points: Fraction
    collection: Expr
    cap: Fraction | None
    uses: Uses
    line: int


@attrs.frozen(eq=False)
class EachCondition:
    """`±K for each of [C1, C2, …][, at most N]`: points per condition that holds."""

    points: Fraction
    conditions: tuple[tuple[Expr, Uses], ...]
    cap: Fraction | None
    line: int


@attrs.frozen(eq=False)
class PerStep:
    """`±K per STEP of QUANTITY[, reading][, at most N]`."""

    points: Fraction
    step: Fraction
    quantity: Expr
    partial: Reading
    cap: Fraction | None
    uses: Uses
    line: int


@attrs.frozen(eq=False)
class Linear:
    """Points that run in a straight line from (low, start) to (high, end)."""

    low: Fraction
    high: Fraction
    start: Fraction
    end: Fraction
    low_text: str
    high_text: str


@attrs.frozen(eq=False)
class Arm:
    """One row of a table: a band of numbers, a level word or otherwise, and its points."""

    bounds: tuple[tuple[CompareOp, Fraction], ...]  # a band's bounds; () for a word or otherwise
    word: str | None
    otherwise: bool
    text: str
    points: Fraction
    linear: Linear | None = None


@attrs.frozen(eq=False)
class Table:
    """`points by SUBJECT: …`: the first arm that matches gives its points."""

    subject: Expr
    arms: tuple[Arm, ...]
    uses: Uses
    line: int


@attrs.frozen(eq=False)
class Formula:
    """`points = EXPR[, at most N]`: points worked out from the facts."""

    value: Expr
    cap: Fraction | None
    refs: tuple[Expr, ...]  # the facts and values shown beside it
    uses: Uses
    line: int


@attrs.frozen(eq=False)
class AdjustBy:
    """`adjust by NAME`: a manual adjustment, with its reason."""

    subject: Subject
    line: int


@attrs.frozen(eq=False)
class Guarded:
    """`RULE if CONDITION`: a rule that gives nothing where its condition does not hold."""

    condition: Expr
    rule: EachItem | EachCondition | PerStep | Table | Formula
    uses: Uses  # what the condition reads
    line: int


Rule: TypeAlias = (
    Start | When | EachItem | EachCondition | PerStep | Table | Formula | AdjustBy | Guarded
)


@attrs.frozen(eq=False)
class Pool:
    """Rules whose points together are capped at `at most N`.

    An indicator's own bonus or deductions (role "bonus", "deductions") is one too: its rules
    only give (or only take), and what they give is added once the indicator's rules are held
    to [0, max].
    """

    label: str
    cap: Fraction
    rules: tuple[Rule, ...]
    line: int
    role: Literal["pool", "bonus", "deductions"] = "pool"


# ---------------------------------------------------------------- clauses on a node


@attrs.frozen(eq=False)
class Multiplier:
    """`× K if CONDITION` on a node's score."""

    factor: Fraction
    text: str
    condition: Expr
    uses: Uses
    line: int


@attrs.frozen(eq=False)
class CapWhen:
    """`at most N if CONDITION` on a node's score; `at most N` (condition None): always."""

    cap: Fraction
    condition: Expr | None
    uses: Uses
    line: int


Clause: TypeAlias = Multiplier | CapWhen


@attrs.frozen(eq=False)
class NotApplicable:
    """`not applicable if CONDITION[, policy]`."""

    condition: Expr
    policy: Policy_ | None
    uses: Uses
    line: int


# ---------------------------------------------------------------- nodes


def _least(role: Role, max_: Fraction | None) -> Fraction | None:
    """The least a node scores: 0, or minus what a deduction may take (None: no limit)."""
    if role != "deductions":
        return ZERO
    return None if max_ is None else -max_


@attrs.frozen(eq=False)
class Indicator:
    """An indicator: its values, rules and pools, scored into a node within its bounds."""

    id: str
    title: str
    max: Fraction | None
    lets: Mapping[str, Let]
    parts: tuple[Rule | Pool, ...]
    line: int
    role: Role = "base"
    clauses: tuple[Clause, ...] = ()
    not_applicable: NotApplicable | None = None
    # Its own bonus and deductions, added after its rules are held to [0, max].
    extras: tuple[Pool, ...] = ()
    # The most it scores: its max, or 0 for a deduction item.
    max_points: Fraction = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda i: ZERO if i.role == "deductions" or i.max is None else i.max, True
        ),
    )
    # The least it scores: 0, or minus what a deduction item may deduct (None: no limit).
    min_points: Fraction | None = attrs.field(
        init=False, default=attrs.Factory(lambda i: _least(i.role, i.max), True)
    )

    @property
    def kind(self) -> Literal["indicator"]:
        return "indicator"


def _group_max(group: Group) -> Fraction:
    if group.role == "deductions":
        return ZERO
    if group.max is not None:
        return group.max
    return sum((c.max_points for c in group.children), ZERO)


@attrs.frozen(eq=False)
class Group:
    """A group: its children's scores combined by sum, scaling, weights, best of or one of."""

    id: str
    title: str
    max: Fraction | None
    children: tuple[Group | Indicator, ...]
    line: int = 0
    way: Way = "sum"
    role: Role = "base"
    weights: tuple[Fraction, ...] | None = None
    clauses: tuple[Clause, ...] = ()
    not_applicable: NotApplicable | None = None
    # The most it scores: its max; a bonus group without a cap, what its items give.
    max_points: Fraction = attrs.field(init=False, default=attrs.Factory(_group_max, True))
    min_points: Fraction | None = attrs.field(
        init=False, default=attrs.Factory(lambda g: _least(g.role, g.max), True)
    )
    # What the base children are worth together, worked out once.
    base_max: Fraction = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda g: sum((c.max_points for c in g.children if c.role == "base"), ZERO), True
        ),
    )

    @property
    def kind(self) -> Literal["group"]:
        return "group"


Node: TypeAlias = Indicator | Group


@attrs.frozen(eq=False)
class Root:
    """The rubric's total: its base groups, bonus and deductions, and the clauses on it."""

    group: Group
    negative: bool


@attrs.frozen(eq=False)
class Grade:
    """A grade and the condition on the total (and facts) that earns it; None means otherwise."""

    name: str
    condition: Expr | None
    line: int
    uses: Uses


@attrs.frozen(eq=False)
class Requirement:
    """A `require` line: a condition over the facts, and the message when it fails."""

    condition: Expr
    message: str
    facts: tuple[str, ...]
    line: int


@attrs.frozen(eq=False)
class Policy:
    """How scores are rounded and shown."""

    places: int
    mode: Mode
    scope: Scope


@attrs.frozen(eq=False)
class Plan:
    """Everything a Rubric needs to validate facts, score them and explain the scores."""

    id: str
    title: str
    version: str | None
    facts: tuple[FactSpec, ...]
    requirements: tuple[Requirement, ...]
    lets: Mapping[str, Let]
    root: Root
    grades: tuple[Grade, ...]
    policy: Policy
    filename: str
    # The limits the rubric was compiled with: scoring bounds its exact values by them.
    limits: Limits = DEFAULT
    # The figures cohort expressions read, each once: what a Cohort of this rubric holds.
    needs: tuple[Need, ...] = ()
    # How units with equal totals are ordered: node ids, after the total.
    tie_break: tuple[str, ...] = ()
    # What explanations call the units a cohort is taken over.
    cohort_name: str = "全体单位"
    # The lines that read cohort figures, for the message when no cohort is given.
    cohort_lines: tuple[int, ...] = ()
    # Every node, the root first, parents before children, in rubric order.
    nodes: tuple[Node, ...] = attrs.field(
        init=False, default=attrs.Factory(lambda p: tuple(walk(p.root.group)), True)
    )


def walk(node: Node) -> list[Node]:
    """A node and every node below it, parents before children, in rubric order."""
    found: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        found.append(item)
        if isinstance(item, Group):
            stack.extend(reversed(item.children))
    return found


def reads(node: Node) -> tuple[str, ...]:
    """The facts a node's rules and lines read, below it too, in the order they are read."""
    found: dict[str, None] = {}
    for item in walk(node):
        found.update(_own_reads(item))
    return tuple(found)


def every_reads(nodes: tuple[Node, ...]) -> list[tuple[str, ...]]:
    """`reads` of each of a plan's nodes (parents before children), in the same order: worked
    out once from the leaves up, not by walking each node's subtree again."""
    below: dict[int, dict[str, None]] = {}
    for node in reversed(nodes):
        found = _own_reads(node)
        if isinstance(node, Group):
            for child in node.children:
                found.update(below[id(child)])
        below[id(node)] = found
    return [tuple(below[id(node)]) for node in nodes]


def _own_reads(item: Node) -> dict[str, None]:
    """The facts a node's own lines and rules read, in the order they are read."""
    found: dict[str, None] = {}
    lines: list[Clause | NotApplicable] = list(item.clauses)
    if item.not_applicable is not None:
        lines.insert(0, item.not_applicable)
    for line in lines:
        found.update(dict.fromkeys(line.uses.facts))
    if isinstance(item, Indicator):
        for part in (*item.parts, *item.extras):
            for rule in part.rules if isinstance(part, Pool) else (part,):
                found.update(dict.fromkeys(_rule_facts(rule)))
    return found


def _rule_facts(rule: Rule) -> tuple[str, ...]:
    match rule:
        case When() | EachItem() | PerStep() | Table() | Formula():
            return rule.uses.facts
        case EachCondition():
            return tuple(name for _, uses in rule.conditions for name in uses.facts)
        case AdjustBy():
            return (rule.subject.name,)
        case Start():
            return ()
        case Guarded():
            return tuple(dict.fromkeys((*rule.uses.facts, *_rule_facts(rule.rule))))
