"""What the reports say: 总报告 and 分报告 as sections of paragraphs, tables and charts.

The HTML, Markdown and DOCX writers all render these same documents, so that the three say
the same; the Chinese wording of the reports lives here, the numbers come from the evaluation.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import attrs

from rubric import __version__
from rubric._numbers import fixed, plain
from rubric._report import charts
from rubric._report.charts import Svg

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Comparison, Evaluation, Shortfall, Standing
    from rubric._outline import OutlineNode
    from rubric._result import Result, ScoredNode

__all__ = [
    "Bullets",
    "Chart",
    "Document",
    "Losses",
    "Paragraph",
    "Row",
    "Section",
    "Table",
    "overall_report",
    "rectification_table",
    "unit_report",
    "why",
]

Align = Literal["left", "right", "center"]


def _if(condition: bool, *aligns: Align) -> list[Align]:
    """Columns that are there only when condition holds, as with 类别."""
    return list(aligns) if condition else []


@attrs.frozen
class Paragraph:
    """A paragraph of text; a note is set smaller."""

    text: str
    style: Literal["body", "note", "lead"] = "body"
    kind: Literal["paragraph"] = "paragraph"


@attrs.frozen
class Bullets:
    """A list of short items."""

    items: tuple[str, ...]
    kind: Literal["bullets"] = "bullets"


@attrs.frozen
class Row:
    """A table row: its cells, how it is marked (a grade, a group, a flag), and its indent."""

    cells: tuple[str, ...]
    tone: str = ""
    indent: int = 0


@attrs.frozen
class Table:
    """A table with a header row; align gives each column's alignment."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]
    align: tuple[Align, ...]
    caption: str = ""
    kind: Literal["table"] = "table"
    # Columns of titles and paths, broken only at spaces: a title split between two of its
    # characters, one or two a line, reads badly in a narrow column.
    whole: tuple[int, ...] = ()


@attrs.frozen
class Chart:
    """A chart, with the caption under it."""

    svg: Svg
    caption: str
    kind: Literal["chart"] = "chart"


Block = Paragraph | Bullets | Table | Chart


@attrs.frozen
class Section:
    """A heading and what follows it."""

    heading: str
    blocks: tuple[Block, ...]
    level: int = 2


@attrs.frozen
class Document:
    """A whole report: its title, a few lines about it, and its sections."""

    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]


# ---------------------------------------------------------------- small pieces of wording


def percent(value: Fraction | None, places: int = 1) -> str:
    """A share as a percentage: 83.3%; — when there is none."""
    return "—" if value is None else f"{fixed(value * 100, places)}%"


def points(value: Fraction | Decimal, places: int) -> str:
    """A number of points with the rubric's places."""
    return fixed(Fraction(value), places)


def indicator_path(path: Sequence[str]) -> str:
    """An indicator's titles below the rubric's, joined: 投入 / 项目立项 / 绩效目标合理性."""
    return " / ".join(path[1:])


def why(node: ScoredNode) -> str:
    """Why a node lost points: its rules that gave nothing or took points, with the values."""
    chosen = [
        reason.text
        for reason in node.explanation
        if reason.points <= 0 and reason.kind not in ("start", "rounding")
    ]
    if not chosen:
        chosen = [r.text for r in node.explanation if r.kind not in ("start", "rounding")]
    return "；".join(chosen)


# A unit's rows of the 问题整改清单, each with why the indicator lost points.
Losses = tuple[tuple["Shortfall", str], ...]


def losses_of(evaluation: Evaluation, unit_id: str, result: Result | None = None) -> Losses:
    """A unit's rows of the 问题整改清单 with their reasons, read from result.

    Without a result, the reasons are read from a copy of the unit's (a result copies as its
    numbers alone): the explanation is built, worded for the indicators that lost points, and
    dropped, so that thousands of units do not keep theirs.
    """
    items = evaluation.shortfalls(unit_id)
    if not items:
        return ()
    source = result if result is not None else copy.copy(evaluation.results[unit_id])
    return tuple((item, why(source[item.id])) for item in items)


def _today(date: datetime.date | None) -> str:
    day = date or datetime.date.today()
    return f"{day.year}年{day.month}月{day.day}日"


def _grade_index(evaluation: Evaluation) -> dict[str, int]:
    names = [share.grade for share in evaluation.grades]
    return {name: index for index, name in enumerate(names)}


def _grade_rule(evaluation: Evaluation) -> dict[str, str]:
    """Each grade's band in words, where the rubric's grades are plain thresholds."""
    steps = evaluation.grade_steps
    rules: dict[str, str] = {}
    above: Fraction | None = None
    for step in steps:
        if step.threshold is not None:
            low = f"{'>' if step.strict else '≥'} {plain(step.threshold, 28)}"
            rules[step.name] = f"总分 {low}" + (
                f" 且 < {plain(above, 28)}" if above is not None else ""
            )
            above = step.threshold
        elif step is steps[-1] and above is not None:
            rules[step.name] = f"总分 < {plain(above, 28)}"
        else:
            rules[step.name] = "见评分办法"
    return rules


def _thresholds(evaluation: Evaluation) -> list[tuple[str, Fraction]]:
    return [(s.name, s.threshold) for s in evaluation.grade_steps if s.threshold is not None]


# ---------------------------------------------------------------- 总报告


def overall_report(
    evaluation: Evaluation,
    comparison: Comparison | None = None,
    *,
    date: datetime.date | None = None,
) -> Document:
    """The 总报告: units, grades, ranking, indicators, losses, comparison, method."""
    rubric = evaluation.rubric
    places = rubric.places
    ranking = evaluation.ranking
    index = _grade_index(evaluation)
    totals = [Fraction(s.total) for s in ranking]
    version = f"，{rubric.version}" if rubric.version else ""
    facts = (
        ("评价依据", f"《{rubric.title}》{version}"),
        ("评价单位", f"{len(evaluation.units)}个，其中{len(ranking)}个已评分"),
        ("满分", f"{rubric.max}分"),
        ("报告日期", _today(date)),
    )
    sections = [_overview(evaluation, totals)]
    if ranking:
        sections.append(_grades_section(evaluation))
        sections.append(_ranking_section(evaluation, index))
        sections.append(_indicators_section(evaluation))
        sections.append(_losses_section(evaluation))
    if comparison is not None:
        sections.append(_comparison_section(evaluation, comparison, places))
    if evaluation.errors:
        sections.append(_errors_section(evaluation))
    sections.append(_method_section(evaluation, date))
    return Document(
        f"{_short_title(rubric.title)}总报告",
        rubric.title,
        facts,
        tuple(sections),
    )


def _short_title(title: str) -> str:
    """'…绩效评价指标（试行）' → '…绩效评价': the evaluation's name for a report title."""
    for end in ("指标（试行）", "指标(试行)", "指标体系", "指标"):
        if title.endswith(end):
            return title[: -len(end)]
    return title + " "


def _overview(evaluation: Evaluation, totals: list[Fraction]) -> Section:
    rubric = evaluation.rubric
    places = rubric.places
    blocks: list[Block] = []
    scored = len(totals)
    text = (
        f"本次评价按《{rubric.title}》对{len(evaluation.units)}个单位进行评分，"
        f"{scored}个单位得到评分"
    )
    if evaluation.errors:
        text += f"，{len(evaluation.errors)}个单位因数据问题未评分（见“未评分单位”）"
    text += "。"
    if totals:
        mean = sum(totals, Fraction(0)) / scored
        text += (
            f"平均分{points(mean, places)}分，最高{points(max(totals), places)}分，"
            f"最低{points(min(totals), places)}分。"
        )
        counts = "，".join(
            f"{share.grade}{share.count}个" for share in evaluation.grades if share.count
        )
        if counts:  # a rubric without grades has no distribution to tell
            text += f"等级分布：{counts}。"
    blocks.append(Paragraph(text, "lead"))
    categories = bool(evaluation.categories)
    header = ["序号", "编号", "单位", *(["类别"] if categories else []), "评价方", "数据来源"]
    rows = []
    for number, unit in enumerate(evaluation.units, 1):
        cells = [str(number), unit.id, unit.label]
        if categories:
            cells.append(unit.category or "")
        cells += [str(unit.fields.get("评价方", "")), unit.where]
        rows.append(Row(tuple(cells)))
    align: list[Align] = ["right", "left", "left", *_if(categories, "center")]
    blocks.append(Table(tuple(header), tuple(rows), (*align, "center", "left"), "参评单位"))
    return Section("一、评价概况", tuple(blocks))


def _grades_section(evaluation: Evaluation) -> Section:
    if not evaluation.rubric.grades:
        return Section("二、等级分布", (Paragraph("本评分办法未设等级。"),))
    rules = _grade_rule(evaluation)
    rows = tuple(
        Row(
            (share.grade, rules.get(share.grade, ""), str(share.count), percent(share.share)),
            f"g{index}",
        )
        for index, share in enumerate(evaluation.grades)
    )
    table = Table(("等级", "分数段", "单位数", "占比"), rows, ("center", "left", "right", "right"))
    chart = charts.grade_bars(
        [(s.grade, s.count, percent(s.share)) for s in evaluation.grades], "等级分布"
    )
    return Section("二、等级分布", (table, Chart(chart, "图1 等级分布（单位数及占比）")))


def _group_nodes(evaluation: Evaluation) -> list[tuple[int, OutlineNode]]:
    """The top-level groups, with their positions among the evaluation's nodes."""
    return [(i, node) for i, node in enumerate(evaluation.nodes) if node.depth == 1]


def _ranking_section(evaluation: Evaluation, index: dict[str, int]) -> Section:
    groups = _group_nodes(evaluation)
    categories = bool(evaluation.categories)
    header = ["名次", *(["类别内名次"] if categories else []), "单位"]
    header += [*(["类别"] if categories else []), "总分", "等级"]
    header += [f"{g.title}（{g.max}）" for _, g in groups]
    rows = []
    for standing in evaluation.ranking:
        scores = evaluation.scores(standing.unit.id)
        cells = [str(standing.rank)]
        if categories:
            cells.append("" if standing.category_rank is None else str(standing.category_rank))
        cells.append(standing.unit.label)
        if categories:
            cells.append(standing.unit.category or "")
        cells += [str(scores[0]), standing.grade or ""]
        cells += [str(scores[i]) for i, _ in groups]
        tone = f"g{index.get(standing.grade or '', 0)}"
        rows.append(Row(tuple(cells), tone))
    align: list[Align] = ["right", *_if(categories, "right"), "left"]
    align += [*_if(categories, "center"), "right", "center"]
    align += ["right"] * len(groups)
    table = Table(tuple(header), tuple(rows), tuple(align))
    shown, part = _charted(evaluation)
    bars = charts.ranking_bars(
        [
            (f"{s.rank}. {s.unit.label}", str(s.total), s.total, index.get(s.grade or "", 0))
            for s in shown
        ],
        evaluation.rubric.max,
        _thresholds(evaluation),
        "总分排名",
    )
    note = Paragraph(
        "名次按总分从高到低排列，"
        + (tie_words(evaluation) or "总分相同的单位名次相同")
        + "，其后的名次顺延（如1、2、2、4）"
        + ("；类别内名次只在同一类别的单位之间排列。" if categories else "。"),
        "note",
    )
    caption = f"图2 各单位总分（虚线为等级分数线{part}）"
    return Section("三、总分排名", (table, note, Chart(bars, caption)))


CHARTED = 30  # with more than twice as many units, charts show the first and last this many


def _charted(evaluation: Evaluation) -> tuple[tuple[Standing, ...], str]:
    """The standings a chart shows: all, or for many units the first and the last few."""
    ranking = evaluation.ranking
    if len(ranking) <= 2 * CHARTED:
        return ranking, ""
    return (
        ranking[:CHARTED] + ranking[-CHARTED:],
        f"；共{len(ranking)}个单位，图中为前{CHARTED}名和后{CHARTED}名",
    )


def _indicators_section(evaluation: Evaluation) -> Section:
    places = evaluation.rubric.places
    rows = []
    for stats in evaluation.statistics[1:]:
        tone = "group" if stats.kind == "group" else ""
        rows.append(
            Row(
                (
                    stats.title,
                    str(stats.max),
                    points(stats.mean, places),
                    str(stats.minimum),
                    str(stats.maximum),
                    percent(stats.rate),
                    f"{stats.lost}/{stats.units}",
                ),
                tone,
                stats.depth - 1,
            )
        )
    table = Table(
        ("指标", "满分", "平均分", "最低分", "最高分", "得分率", "失分单位数"),
        tuple(rows),
        ("left", "right", "right", "right", "right", "right", "right"),
    )
    note = Paragraph(
        "得分率 = 平均分 ÷ 满分；失分单位数 = 得分低于满分的单位数 / 参与计算的单位数。", "note"
    )
    positions = {node.id: i for i, node in enumerate(evaluation.nodes)}
    indicators = [s for s in evaluation.statistics if s.kind == "indicator"]
    shown, part = _charted(evaluation)
    units = [s.unit for s in shown]
    rates = [
        [_unit_rate(evaluation, unit.id, positions[stats.id], stats.max) for unit in units]
        for stats in indicators
    ]
    heat = charts.heat_map(
        [s.title for s in indicators], [u.label for u in units], rates, "各单位各指标得分率"
    )
    return Section(
        "四、各指标得分情况",
        (table, note, Chart(heat, f"图3 各单位各指标得分率（单位按名次排列{part}）")),
    )


def _unit_rate(
    evaluation: Evaluation, unit_id: str, position: int, top: Decimal
) -> Fraction | None:
    """A unit's 得分率 on the node at position: its score over the max, None where none."""
    if not evaluation.applies(unit_id, position) or top <= 0:
        return None
    return Fraction(evaluation.scores(unit_id)[position]) / Fraction(top)


def _losses_section(evaluation: Evaluation) -> Section:
    places = evaluation.rubric.places
    worst = evaluation.most_lost(5)
    if not worst:
        return Section("五、失分较多的指标", (Paragraph("所有单位各项指标均得满分。"),))
    rows = tuple(
        Row(
            (
                str(number),
                indicator_path(stats.path),
                points(stats.points_lost, places),
                points(stats.points_lost / stats.units, places),
                f"{stats.lost}/{stats.units}",
                percent(stats.rate),
            )
        )
        for number, stats in enumerate(worst, 1)
    )
    first = worst[0]
    text = (
        f"失分最多的指标是“{first.title}”，{first.lost}个单位在此失分，合计失"
        f"{points(first.points_lost, places)}分，得分率{percent(first.rate)}。"
        "各单位的具体失分原因见各分报告和问题整改清单。"
    )
    table = Table(
        ("序号", "指标", "失分合计", "平均失分", "失分单位数", "得分率"),
        rows,
        ("right", "left", "right", "right", "right", "right"),
    )
    return Section("五、失分较多的指标", (Paragraph(text), table))


def _comparison_section(evaluation: Evaluation, comparison: Comparison, places: int) -> Section:
    blocks: list[Block] = []
    totals = comparison.totals()
    flagged = comparison.flagged()
    higher = [d for d in totals if d.higher]
    blocks.append(
        Paragraph(
            f"{len(totals)}个单位既有自评数据又有核查数据。按同一评分办法计算，"
            f"{len(higher)}个单位的自评总分高于核查总分；"
            f"共有{len(flagged)}处指标自评得分高于核查得分（下表标出）。"
        )
    )
    rows = tuple(
        Row(
            (d.unit.label, str(d.claimed), str(d.verified), _signed(d.difference)),
            "flag" if d.higher else "",
        )
        for d in totals
    )
    blocks.append(
        Table(
            ("单位", "自评总分", "核查总分", "差值（自评−核查）"),
            rows,
            ("left", "right", "right", "right"),
            "自评与核查总分",
        )
    )
    if flagged:
        rows = tuple(
            Row(
                (
                    d.unit.label,
                    indicator_path(d.path),
                    str(d.claimed),
                    str(d.verified),
                    _signed(d.difference),
                ),
                "flag",
            )
            for d in flagged
        )
        blocks.append(
            Table(
                ("单位", "指标", "自评", "核查", "差值"),
                rows,
                ("left", "left", "right", "right", "right"),
                "自评高于核查的指标",
            )
        )
    unmatched = [u.label for u in comparison.only_verified]
    if unmatched:
        blocks.append(Paragraph(f"没有自评数据的单位：{'、'.join(unmatched)}。", "note"))
    extra = [u.label for u in comparison.only_claimed]
    if extra:
        blocks.append(Paragraph(f"只有自评、没有核查数据的单位：{'、'.join(extra)}。", "note"))
    return Section("六、自评与核查比对", tuple(blocks))


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)


def _errors_section(evaluation: Evaluation) -> Section:
    items = tuple(line for error in evaluation.errors for line in error.lines())
    text = (
        f"以下{len(evaluation.errors)}个单位的数据有问题，未评分，也未参加排名；"
        "数据更正后重新评分即可。"
    )
    return Section("未评分单位", (Paragraph(text), Bullets(items)))


def _method_section(evaluation: Evaluation, date: datetime.date | None) -> Section:
    rubric = evaluation.rubric
    rules = _grade_rule(evaluation)
    grades = "；".join(f"{name}：{rule}" for name, rule in rules.items())
    items = [
        f"评分办法：《{rubric.title}》，标识 {rubric.id}"
        + (f"，版本 {rubric.version}" if rubric.version else "")
        + f"，满分{rubric.max}分。",
        "计算：各项得分按评分办法逐项精确计算（分数运算，不用二进制浮点），"
        f"按办法规定保留{rubric.places}位小数。",
        "排名：按总分从高到低，"
        + (tie_words(evaluation) or "总分相同名次相同")
        + "，其后名次顺延（1、2、2、4）"
        + ("；有类别的单位另在类别内排名。" if evaluation.categories else "。"),
    ]
    if grades:
        items.append(f"等级：{grades}。")
    items.append(f"本报告由 rubric {__version__} 于{_today(date)}生成。")
    return Section("评价方法", (Bullets(tuple(items)),))


# ---------------------------------------------------------------- 分报告


def unit_report(
    evaluation: Evaluation,
    unit_id: str,
    comparison: Comparison | None = None,
    *,
    date: datetime.date | None = None,
) -> Document:
    """The 分报告 of one scored unit: result, rank, every indicator, losses and what to fix."""
    rubric = evaluation.rubric
    places = rubric.places
    standing = evaluation.standing(unit_id)
    unit, result = standing.unit, standing.result
    count = len(evaluation.ranking)
    rank = f"第{standing.rank}名（共{count}个单位）"
    if standing.category_rank is not None:
        members = sum(1 for s in evaluation.ranking if s.unit.category == unit.category)
        rank += f"，{unit.category}类第{standing.category_rank}名（共{members}个）"
    facts = (
        ("评价依据", f"《{rubric.title}》"),
        ("总分", f"{result.total} / {result.max}"),
        ("等级", result.grade or "—"),
        ("名次", rank),
        ("报告日期", _today(date)),
    )
    sections = [
        _result_section(evaluation, standing),
        _scores_section(evaluation, standing),
        _unit_losses_section(evaluation, standing, places),
    ]
    if comparison is not None and any(d.unit.id == unit_id for d in comparison.differences):
        sections.append(_unit_comparison(comparison, unit_id))
    return Document(
        f"{unit.label} 绩效评价分报告",
        rubric.title,
        facts,
        tuple(sections),
    )


def _result_section(evaluation: Evaluation, standing: Standing) -> Section:
    result = standing.result
    places = evaluation.rubric.places
    blocks: list[Block] = []
    text = f"{standing.unit.label}总分{result.total}分（满分{result.max}分）"
    if result.grade:
        text += f"，等级为“{result.grade}”"
    text += f"，在{len(evaluation.ranking)}个单位中排第{standing.rank}名。"
    blocks.append(Paragraph(text, "lead"))
    if result.grade_explanation:
        blocks.append(Bullets(tuple(reason.text for reason in result.grade_explanation)))
    unit_id = standing.unit.id
    scores = evaluation.scores(unit_id)
    rows = tuple(
        Row(
            (
                g.title,
                str(scores[i]),
                str(g.max),
                percent(_unit_rate(evaluation, unit_id, i, g.max)),
                points(_mean(evaluation, g.id), places),
            )
        )
        for i, g in _group_nodes(evaluation)
    )
    blocks.append(
        Table(
            ("一级指标", "得分", "满分", "得分率", "全部单位平均分"),
            rows,
            ("left", "right", "right", "right", "right"),
        )
    )
    nxt = evaluation.next_grade(unit_id)
    shortfalls = evaluation.shortfalls(unit_id)
    if nxt is not None:
        grade, short = nxt
        text = f"距“{grade}”还差{short}分。"
        if shortfalls:
            biggest = "、".join(f"“{s.title}”（失{s.lost}分）" for s in shortfalls[:3])
            text += f"失分最多的是{biggest}，从这些指标入手最快。"
        blocks.append(Paragraph(text))
    elif result.grade and evaluation.grade_steps and result.grade == evaluation.grade_steps[0].name:
        blocks.append(Paragraph(f"已达最高等级“{result.grade}”。"))
    return Section("一、评价结果", tuple(blocks))


def _mean(evaluation: Evaluation, node_id: str) -> Fraction:
    for stats in evaluation.statistics:
        if stats.id == node_id:
            return stats.mean
    return Fraction(0)


def _scores_section(evaluation: Evaluation, standing: Standing) -> Section:
    result = standing.result
    rows = []
    for node in list(result)[1:]:
        depth = len(evaluation.paths[node.id]) - 2
        if node.kind == "group":
            rows.append(Row((node.title, str(node.score), str(node.max), ""), "group", depth))
            continue
        text = "；".join(r.text for r in node.explanation)
        if not node.applicable:
            text = "（不适用）" + text
        tone = "lost" if node.score < node.max else ""
        rows.append(Row((node.title, str(node.score), str(node.max), text), tone, depth))
    bars = charts.score_bars(
        [(n.title, n.score, n.max) for n in result if n.kind == "indicator"],
        "各指标得分",
    )
    table = Table(
        ("指标", "得分", "满分", "评分说明"),
        tuple(rows),
        ("left", "right", "right", "left"),
        whole=(0,),
    )
    return Section("二、各指标得分", (Chart(bars, "图 各指标得分与满分"), table))


def rectification_table(losses: Sequence[tuple[Shortfall, str]], *, with_unit: bool) -> Table:
    """The 问题整改清单 as a table, with empty columns for the office to fill."""
    rows = []
    for number, (item, reason) in enumerate(losses, 1):
        cells = [str(number)]
        if with_unit:
            cells.append(item.unit.label)
        cells += [indicator_path(item.path), str(item.lost), reason, "", "", ""]
        rows.append(Row(tuple(cells)))
    header = ["序号", *(["单位"] if with_unit else []), "指标", "失分", "失分原因"]
    header += ["整改措施", "责任单位", "整改时限"]
    align: list[Align] = ["right", *_if(with_unit, "left"), "left", "right", "left"]
    path = header.index("指标")
    return Table(tuple(header), tuple(rows), (*align, "left", "left", "left"), whole=(path,))


def _unit_losses_section(evaluation: Evaluation, standing: Standing, places: int) -> Section:
    losses = losses_of(evaluation, standing.unit.id, standing.result)
    shortfalls = [item for item, _ in losses]
    if not shortfalls:
        return Section("三、问题整改清单", (Paragraph("各项指标均得满分，无须整改。"),))
    total = sum((Fraction(s.lost) for s in shortfalls), Fraction(0))
    text = (
        f"共{len(shortfalls)}项指标失分，合计失{points(total, places)}分。"
        "下表按失分从多到少排列；整改措施、责任单位和整改时限由单位填写。"
    )
    return Section(
        "三、问题整改清单",
        (Paragraph(text), rectification_table(losses, with_unit=False)),
    )


def _unit_comparison(comparison: Comparison, unit_id: str) -> Section:
    rows = []
    total = next(d for d in comparison.totals() if d.unit.id == unit_id)
    for item in comparison.differences:
        if item.unit.id != unit_id or item.kind != "indicator" or not item.difference:
            continue
        rows.append(
            Row(
                (
                    indicator_path(item.path),
                    str(item.claimed),
                    str(item.verified),
                    _signed(item.difference),
                ),
                "flag" if item.higher else "",
            )
        )
    higher = sum(1 for row in rows if row.tone == "flag")
    text = (
        f"自评总分{total.claimed}分，核查总分{total.verified}分，"
        f"差值{_signed(total.difference)}分。"
    )
    if not rows:
        return Section("四、自评与核查比对", (Paragraph(text + "各项指标自评与核查得分一致。"),))
    text += f"{len(rows)}项指标得分不一致，其中{higher}项自评高于核查（标出）。"
    return Section(
        "四、自评与核查比对",
        (
            Paragraph(text),
            Table(
                ("指标", "自评", "核查", "差值（自评−核查）"),
                tuple(rows),
                ("left", "right", "right", "right"),
            ),
        ),
    )


def tie_words(evaluation: Evaluation) -> str | None:
    """How the rubric orders equal totals, in words; None where they simply share a rank."""
    ids = evaluation.rubric.tie_break
    if not ids:
        return None
    titles = {node.id: node.title for node in evaluation.nodes}
    order = "、再按".join(f"“{titles[node_id]}”得分" for node_id in ids)
    return f"总分相同的按{order}从高到低排列，仍相同的名次相同"
