"""Hypothesis strategies for rubrics that use every rule and expression form, and their facts.

The rubrics read a fixed set of facts (`FACTS`) and values; each draw picks rules, groups and
clauses at random, so that between them the draws reach every form the plan has: each kind of
rule, pool, table arm (bands, linear, levels, otherwise or none), group way, not-applicable
policy, cap, multiplier, bonus and deductions, grades on the total and on node scores, values
that can fail (a division by a count that may be 0, an optional fact) behind guards or not.
"""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import strategies as st

import rubric

FACTS = """\
fact a: bool "甲"
fact b: bool "乙"
fact n: count "件数" unit "件"
fact k: count >= 1 "基数" unit "户"
fact x: number >= 0 "比率" unit "%"
fact y: number >= -50 and <= 50 in steps of 0.5 "评分"
fact m: level {lo "低", mid "中", hi "高"} "等级"
fact s: set of {p "甲项", q "乙项", r "丙项"} "已完成项目"
fact t: set "因素"
fact adj: adjustment >= -2 and <= 1 in steps of 0.5 "酌情调整"
fact o: count "选报数" optional
fact z: count <= n "其中合格数"
"""

# Values: each is declared only where a drawn rule reads it.
LETS = {
    "rate": 'let rate "完成率" = n / k * 100 unit "%"',
    "share": 'let share "合格率" = z / n * 100 unit "%"',  # fails where n = 0
    "gap": 'let gap "差距" = x short of 50 unit "%"',
    "both": 'let both "双达标" = a and n > 2',
    "items": 'let items "项数合计" = number of s + number of t',
    "net": 'let net "净值" = y - n * 0.5 + -x / 4',
    "peak": 'let peak "峰值" = max(x, n, abs(y)) unit "%"',
}

conditions = st.sampled_from(
    [
        "a",
        "not b",
        "a and b",
        "a or n >= 3",
        "n > 2 and (b or x < 40)",
        "m = hi",
        "m != lo",
        "p in s",
        "number of t >= 2",
        "y < 0",
        "both",
        "rate >= 80",
        "n >= 1 and share >= 50",
        "share >= 50",
        "o > 2",
        "items >= 3 or net > 0",
        "1 > n",
        "k = n",
        "number of [a, b, n > 2, m = hi] >= 2",
        "number of [a, share >= 50] = 1",
        "abs(y) < 10",
        "max(x, rate) > 60",
        "min(share, 80) >= 50",
        "peak >= 40",
    ]
)

numbers = st.sampled_from(["0.5", "1", "2", "0.25", "3", "1.5", "0.1"])


@st.composite
def rule(draw: st.DrawFn, max_: int) -> str:
    k = draw(numbers.filter(lambda v: float(v) <= max_))
    t = draw(st.integers(0, 100))
    c = draw(conditions)
    reading = draw(
        st.sampled_from(["proportionally", "whole steps only", "any part counts as a step"])
    )
    return draw(
        st.sampled_from(
            [
                f"+{k} if {c}",
                f"-{k} if {c}",
                f"+{k} for each of s, at most {draw(numbers)}",
                f"+{k} for each of t",
                f"-{k} for each of [{c}, b, n >= {t % 7}]",
                f"+{k} for each of [a, {c}], at most {k}",
                f"-{k} per {draw(numbers)} of x short of {t}, {reading}",
                f"+{k} per {draw(numbers)} of rate over {t}, {reading}, at most {max_}",
                f"-{k} per 1 of n, at most {max_}",
                f"-{k} per 0.5 of gap, {reading}",
                f"+{k} per 1 of net, {reading}, at most {k}",
                f"points by n: <= {t % 7} -> {k}, <= {t % 7 + 3} -> -{k}, otherwise -> 0",
                f"points by x: < {t} -> 0, >= {t} and < {t + 10} -> {k}, >= {t + 10} -> -{k}",
                f"points by x: <= {t} -> {k}, > {t} and <= {t + 30} -> {k} to 0",
                f"points by rate:\n    >= 90 -> {max_}\n    >= 60 and < 90 -> 0 to {max_}\n"
                "    otherwise -> 0",
                f"points by m: lo -> 0, mid -> {k}, hi -> {max_}",
                f"points by m: hi -> {k}, otherwise -> -{k}",
                f"points = x / {draw(st.integers(1, 40))}",
                f"points = {k} * n - {t % 5}, at most {max_}",
                f"points = share / 100 * {max_}",
                f"points = -y / 10, at most {k}",
                "adjust by adj",
                "start from full marks",
                f"points = max(x / 20, -y / 10, {k}), at most {max_}",
                f"points = min(n, {t % 4}) - abs(y) / 25",
                f"-{k} per 1 of abs(y - {t % 9}), {reading}",
                f"+{k} per 1 of number of [a, b, n > 2], at most {max_}",
                f"points by number of [a, b, m = hi, {c}]: >= 3 -> {k}, >= 1 and < 3 -> 0 to {k}, "
                "otherwise -> 0",
                # Rules with a condition of their own (issue 9, item 7): nothing where it fails.
                f"-{k} per {draw(numbers)} of x short of {t} if {c}, {reading}",
                f"+{k} per 1 of net if {c}, {reading}, at most {k}",
                f"-{k} per 1 of n if {c}, at most {max_}",
                f"points = share / 100 * {max_} if {c}",
                f"points = -y / 10 if {c}, at most {k}",
                f"points by x if {c}: <= {t} -> {k}, > {t} and <= {t + 30} -> {k} to 0",
                f"points by rate if {c}:\n    >= 90 -> {max_}\n    >= 60 and < 90 -> 0 to {max_}\n"
                "    otherwise -> 0",
                f"points by m if {c}: hi -> {k}, otherwise -> -{k}",
                f"+{k} for each of s if {c}, at most {draw(numbers)}",
                f"-{k} for each of [{c}, b, n >= {t % 7}] if n >= 1 and share < 50",
            ]
        )
    )


@st.composite
def node_clauses(draw: st.DrawFn, max_: int, *, na: str | None) -> list[str]:
    lines = []
    if draw(st.booleans()):
        lines.append(f"at most {draw(st.integers(0, max(0, max_ - 1)))} if {draw(conditions)}")
    if draw(st.booleans()):
        lines.append(f"× {draw(st.sampled_from(['0', '0.5', '0.8']))} if {draw(conditions)}")
    if na is not None:
        lines.append(na)
    return lines


@st.composite
def own_extras(draw: st.DrawFn, *, bonus: bool) -> list[str]:
    """An indicator's own bonus (where its group adds up its children) and deductions."""
    lines: list[str] = []
    for role in ("bonus", "deductions"):
        if (role == "bonus" and not bonus) or draw(st.integers(0, 3)) != 0:
            continue
        cap = draw(st.sampled_from(["0.5", "1", "2", "3"]))
        k = draw(numbers.filter(lambda v, cap=cap: float(v) <= float(cap)))
        c, t = draw(conditions), draw(st.integers(0, 100))
        reading = draw(st.sampled_from(["proportionally", "whole steps only"]))
        sign = "+" if role == "bonus" else "-"
        forms = [
            f"{sign}{k} if {c}",
            f"{sign}{k} per 1 of n",
            f"{sign}{k} for each of [a, {c}]",
            f"{sign}{k} per 10 of x over {t}, {reading}",
            f"points by m: lo -> 0, mid -> {sign}{k}, hi -> {sign}{cap}",
        ]
        label = draw(st.sampled_from(["", ' "本项加减分"']))
        lines.append(f"{role}{label} at most {cap}")
        rules = draw(st.lists(st.sampled_from(forms), min_size=1, max_size=2))
        lines += ["  " + line for line in rules]
    return lines


@st.composite
def indicator(
    draw: st.DrawFn, node_id: str, *, na: str | None, weight: bool, bonus: bool = True
) -> tuple[str, int]:
    max_ = draw(st.integers(1, 10))
    body = [f"+{max_} if {draw(conditions)}"]
    body += [draw(rule(max_)) for _ in range(draw(st.integers(0, 3)))]
    if draw(st.integers(0, 4)) == 0:
        body.append(f"pool pp at most {draw(numbers)}")
        inner = [draw(rule(max_)) for _ in range(draw(st.integers(1, 2)))]
        body += ["  " + line for line in inner if not line.startswith("start from")] or [
            "  +1 if b"
        ]
    # One start, first: a later one would add its points again.
    starts = [line for line in body if line.startswith("start from")]
    body = [line for line in body if not line.startswith("start from")]
    body = starts[:1] + body
    body += draw(own_extras(bonus=bonus))
    body += draw(node_clauses(max_, na=na))
    head = f'indicator {node_id} "指标{node_id}" max {max_}'
    if weight:
        head += f" weight {draw(st.integers(1, 9))}"
    return head + "\n" + "".join(f"  {line}\n" for line in body), max_


POLICIES = ["full marks", "rescale the total", "redistribute to siblings"]


@st.composite
def group(draw: st.DrawFn, g: int) -> tuple[str, int]:
    way = draw(st.sampled_from([None, None, "scaled", "weighted", "best of", "one of"]))
    count = draw(st.integers(2, 3))
    parts = []
    for i in range(count):
        na = None
        if way == "one of":
            # Exactly one applies for most facts; for some, none or two: a problem both report.
            tests = ["m = lo", "m != lo", "a"] if draw(st.booleans()) else ["m = lo", "m != lo"]
            na = f"not applicable if {tests[i % len(tests)]}"
        elif i > 0 and draw(st.booleans()):
            # A group that renormalises takes no policy of its parts but full marks (E330).
            policies = ["", ", full marks"] if way else [f", {p}" for p in POLICIES]
            na = f"not applicable if {draw(conditions)}{draw(st.sampled_from(policies))}"
        # An item's own bonus counts only in a group that adds up its children (E332).
        made = indicator(f"g{g}.i{i}", na=na, weight=way == "weighted", bonus=way is None)
        parts.append(draw(made))
    max_ = sum(m for _, m in parts) if way is None else draw(st.integers(1, 20))
    head = f'group g{g} "组{g}" max {max_}' + (f", {way}" if way else "")
    lines = draw(node_clauses(max_, na=None))
    text = head + "\n" + "".join(f"  {line}\n" for line in lines) + "".join(p for p, _ in parts)
    return text, max_


# Rules that compare units (issue 9, item 9): each reads figures of the cohort.
COHORT_RULES = [
    "+{k} if rank of n <= 2",
    "+{k} if rank of y ascending = 1 or rank of x > 3",
    "points = x / highest of x * {max}, at most {max}",
    "-{k} per 1 of x short of average of x, proportionally",
    "+{k} if x >= top {share}% of x",
    "+{k} if y > median of y",
    "+{k} if n <= lowest of n",
    "points by rank of y ascending: <= 2 -> {max}, <= 4 -> {k}, otherwise -> 0",
    "+{k} if a and rank of o <= 2",
    "points = ({max} - rank of z) / 2, at most {max}",
    "-{k} per 10 of highest of x - x, whole steps only, at most {max}",
]


@st.composite
def cohort_indicator(draw: st.DrawFn) -> str:
    """An indicator of one to three rules that compare units."""
    max_ = draw(st.integers(1, 10))
    k = draw(numbers.filter(lambda v: float(v) <= max_))
    share = draw(st.sampled_from(["1", "20", "33.3", "50", "100"]))
    chosen = draw(st.lists(st.sampled_from(COHORT_RULES), min_size=1, max_size=3, unique=True))
    # Full marks within reach whatever is drawn, as in every drawn indicator.
    body = [f"+{max_} if b", *(line.format(k=k, max=max_, share=share) for line in chosen)]
    head = f'group peers "横向比较" max {max_}\nindicator peers.a "横向比较" max {max_}\n'
    return head + "".join(f"  {line}\n" for line in body)


@st.composite
def rubrics(draw: st.DrawFn, *, cohort: bool = False) -> str:
    """The text of a rubric using a random choice of every form; with cohort, an indicator
    whose rules compare units too."""
    places = draw(st.integers(0, 3))
    mode = draw(st.sampled_from(["half up", "half even", "down", "up"]))
    scope = draw(st.sampled_from(["indicators", "total"]))
    groups, total = [], 0
    for g in range(draw(st.integers(1, 3))):
        text, max_ = draw(group(g))
        groups.append(text)
        total += max_
    if cohort:
        text = draw(cohort_indicator())
        groups.append(text)
        total += int(text.split(" max ", 1)[1].split("\n", 1)[0])
    if draw(st.booleans()):
        groups.append(
            f'group plus "加分" bonus at most {draw(st.integers(1, 3))}\n'
            'indicator plus.a "加分" max 2\n  +1 per 1 of n, at most 2\n  +1 if b\n'
        )
    if draw(st.booleans()):
        cap = draw(st.sampled_from(["", " at most 4"]))
        groups.append(
            f'group minus "扣分" deductions{cap}\n'
            'indicator minus.a "扣分"\n  -1 per 1 of n\n  -0.5 if not a\n'
        )
    grades = draw(
        st.sampled_from(
            [
                f"grade 甲 if total >= {total * 3 // 4}\ngrade 乙 otherwise\n",
                f"grade 甲 if total >= {total // 2} and score of g0 >= 1\n"
                "grade 乙 if a or number of s >= 2\ngrade 丙 otherwise\n",
                "",
                f"grade 差 if not a\ngrade 甲 if total > {total // 3}\ngrade 乙 otherwise\n",
            ]
        )
    )
    root = draw(node_clauses(total, na=None))
    if draw(st.integers(0, 3)) == 0:
        # A cap without a condition: 加分后总分不超过N分 (E331 refuses it where it never acts).
        root.append(f"at most {total}")
    if draw(st.booleans()):
        root.append("× 0.9 if score of g0 < 2")
    body = "".join(groups)
    lets = [line for name, line in LETS.items() if _reads(body + grades + "\n".join(root), name)]
    head = (
        f'rubric r "随机" max {total}\nround {scope} to {places} places {mode}\n'
        + ("allow negative total\n" if draw(st.booleans()) else "")
        + grades
        + FACTS
        # Every fact is read somewhere, whatever rules are drawn.
        + "require n >= 0 and k >= 1 and x >= 0 and (a or not a) and (b or not b) and "
        "number of s >= 0 and number of t >= 0 and (m = lo or m != lo) and y <= 50 and z >= 0 "
        '"总是成立"\n'
        + "".join(f"{line}\n" for line in lets)
        + "".join(f"{line}\n" for line in root)
    )
    return head + body + _uses(body + grades + "\n".join(root))


def _reads(text: str, name: str) -> bool:
    return re.search(rf"\b{name}\b", text) is not None


def _uses(text: str) -> str:
    """An indicator reading the facts no drawn rule read: the adjustment and the optional one."""
    lines = []
    if "adjust by adj" not in text:
        lines.append("  adjust by adj")
    if "o > 2" not in text:
        # Behind a guard, so that leaving it out is no problem unless a is true.
        lines.append("  +1 if a and o > 2")
    if not lines:
        return ""
    head = f'group tail "其他" bonus at most 3\nindicator tail.a "其他" max {len(lines)}\n'
    return head + "\n".join(lines) + "\n"


def compile_or_none(text: str) -> rubric.Rubric | None:
    """The rubric, or None where the checker refuses the draw (the caller assumes it away)."""
    try:
        return rubric.loads(text, filename="every_form.rub")
    except rubric.RubricCheckError:
        return None


@st.composite
def facts(draw: st.DrawFn) -> dict[str, object]:
    """Facts for every-form rubrics, valid by their declarations, leaning to boundaries."""
    n = draw(st.integers(0, 12) | st.integers(0, 10**15))
    given: dict[str, object] = {
        "a": draw(st.booleans()),
        "b": draw(st.booleans()),
        "n": n,
        "k": draw(st.integers(1, 12) | st.just(n if n else 1)),
        "x": draw(st.decimals(0, 200, places=2) | st.sampled_from([0, 50, 90, 100])),
        "y": draw(st.integers(-100, 100).map(lambda v: Decimal(v) / 2)),
        "m": draw(st.sampled_from(["lo", "mid", "hi"])),
        "s": draw(st.lists(st.sampled_from(["p", "q", "r"]), unique=True)),
        "t": draw(st.lists(st.text("abc", min_size=1, max_size=2), unique=True, max_size=4)),
        "adj": draw(
            st.sampled_from([0, -2, -1.5, 0.5, 1]).map(
                lambda v: {"points": v, "reason": "酌情"} if v else 0
            )
        ),
        "z": draw(st.integers(0, n) if n < 10**6 else st.just(n // 2)),
    }
    if draw(st.booleans()):
        given["o"] = draw(st.integers(0, 5))
    return given
