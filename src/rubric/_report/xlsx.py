"""Workbooks (xlsxwriter): 汇总.xlsx and 问题整改清单.xlsx, numbers as numbers, by grade colour."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rubric import __version__
from rubric._report.contents import indicator_path, why
from rubric._report.template import workbook
from rubric.dsl.source import display_width

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Comparison, Evaluation

__all__ = ["write_rectification", "write_summary"]

_TONES = ("#E8F5E9", "#E3F2FD", "#FFF3E0", "#FFEBEE", "#F3E5F5", "#ECEFF1")
_RECTIFY = ("序号", "编号", "单位", "指标", "满分", "得分", "失分", "失分原因", "整改措施",
            "责任单位", "整改时限")  # fmt: skip


class _Formats:
    """The workbook's cell formats, made once each: header, text, number, by tone."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[tuple[str, str], Any] = {}
        self.header = book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
             "valign": "vcenter", "align": "center"}
        )  # fmt: skip
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.key = book.add_format({"bold": True, "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def cell(self, kind: str, tone: str = "") -> Any:
        """A format for 'text', 'number' (0.00), 'whole' or 'wrap' cells, filled by tone."""
        key = (kind, tone)
        if key not in self._made:
            spec: dict[str, Any] = {"border": 1, "valign": "top"}
            if kind == "number":
                spec["num_format"] = "0.00"
            elif kind == "wrap":
                spec["text_wrap"] = True
            if tone:
                spec["bg_color"] = tone
            self._made[key] = self._book.add_format(spec)
        return self._made[key]


def _workbook(path: Path) -> Any:
    # Rows are written in order, so the workbook streams to disk: flat memory for 10,000 units.
    return workbook(path, constant_memory=True)


def _number(value: Decimal) -> float:
    """A score for a numeric cell: the float that prints as the same decimal, 80.05 as 80.05."""
    return float(value)


def _widths(
    sheet: Any, header: Sequence[str], rows: Sequence[Sequence[object]], most: int = 40
) -> None:
    for column, title in enumerate(header):
        sample = [display_width(str(row[column])) for row in rows[:200] if column < len(row)]
        width = max([display_width(title), *sample]) + 2
        sheet.set_column(column, column, min(max(width, 6), most))


def _table(
    sheet: Any,
    formats: _Formats,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    tones: Sequence[str] = (),
    wrap: Sequence[int] = (),
) -> None:
    """Write a header and rows; Decimals as 0.00 numbers, ints as whole numbers."""
    _widths(sheet, header, rows)
    for column in wrap:
        sheet.set_column(column, column, 48)
    sheet.set_row(0, 30)
    sheet.write_row(0, 0, header, formats.header)
    for index, row in enumerate(rows, start=1):
        tone = tones[index - 1] if tones else ""
        for column, value in enumerate(row):
            if value == "" and not tone:
                continue  # an empty cell to fill in needs no record; 10,000 units write faster
            if isinstance(value, Decimal):
                sheet.write_number(index, column, _number(value), formats.cell("number", tone))
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(index, column, value, formats.cell("whole", tone))
            else:
                kind = "wrap" if column in wrap else "text"
                sheet.write_string(index, column, "" if value is None else str(value),
                                   formats.cell(kind, tone))  # fmt: skip
    sheet.freeze_panes(1, 0)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(header) - 1)


def _tone(evaluation: Evaluation, grade: str | None) -> str:
    names = [share.grade for share in evaluation.grades]
    return _TONES[names.index(grade) % len(_TONES)] if grade in names else ""


def _summary_sheet(book: Any, formats: _Formats, evaluation: Evaluation) -> None:
    groups = [n for n in evaluation.nodes if len(evaluation.paths[n.id]) == 2]
    categories = bool(evaluation.categories)
    header = ["名次", *(["类别内名次"] if categories else []), "编号", "单位"]
    header += [*(["类别"] if categories else []), "总分", "等级"]
    header += [f"{g.title}（{g.max}）" for g in groups]
    rows, tones = [], []
    for s in evaluation.ranking:
        row: list[object] = [s.rank]
        if categories:
            row.append(s.category_rank if s.category_rank is not None else "")
        row += [s.unit.id, s.unit.label]
        if categories:
            row.append(s.unit.category or "")
        row += [s.total, s.grade or ""]
        row += [s.result[g.id].score for g in groups]
        rows.append(row)
        tones.append(_tone(evaluation, s.grade))
    _table(book.add_worksheet("汇总"), formats, header, rows, tones)


def _scores_sheet(book: Any, formats: _Formats, evaluation: Evaluation) -> None:
    indicators = [n for n in evaluation.nodes if n.kind == "indicator"]
    header = ["名次", "编号", "单位", "总分"]
    header += [f"{n.title}（{n.max}）" for n in indicators]
    rows = []
    for s in evaluation.ranking:
        row: list[object] = [s.rank, s.unit.id, s.unit.label, s.total]
        row += [s.result[n.id].score for n in indicators]
        rows.append(row)
    sheet = book.add_worksheet("指标得分")
    _table(sheet, formats, header, rows)
    sheet.set_row(0, 60)
    sheet.set_column(4, len(header), 11)
    sheet.freeze_panes(1, 3)


def _rectify_sheet(book: Any, formats: _Formats, evaluation: Evaluation) -> None:
    rows = []
    for number, item in enumerate(evaluation.shortfalls(), 1):
        rows.append(
            [number, item.unit.id, item.unit.label, indicator_path(item.path), item.node.max,
             item.node.score, item.lost, why(item.node), "", "", ""]
        )  # fmt: skip
    sheet = book.add_worksheet("整改清单")
    _table(sheet, formats, _RECTIFY, rows, wrap=(7,))
    sheet.set_column(3, 3, 30)
    sheet.set_column(8, 10, 16)


def _comparison_sheet(book: Any, formats: _Formats, comparison: Comparison) -> None:
    header = ["编号", "单位", "指标", "自评", "核查", "差值（自评−核查）", "自评偏高"]
    rows, tones = [], []
    for d in comparison.differences:
        if d.kind == "group" and d.path[1:]:
            continue
        shown = indicator_path(d.path) or "总分"
        rows.append([d.unit.id, d.unit.label, shown, d.claimed, d.verified, d.difference,
                     "是" if d.higher else ""])  # fmt: skip
        tones.append("#FFE0E0" if d.higher and d.kind == "indicator" else "")
    _table(book.add_worksheet("比对"), formats, header, rows, tones)


def _errors_sheet(book: Any, formats: _Formats, evaluation: Evaluation) -> None:
    rows = [
        [error.unit.id, error.unit.label, error.unit.where, problem.fact, problem.message]
        for error in evaluation.errors
        for problem in error.problems
    ]
    _table(book.add_worksheet("未评分"), formats, ["编号", "单位", "位置", "事实", "问题"], rows,
           wrap=(4,))  # fmt: skip


def _notes_sheet(
    book: Any, formats: _Formats, evaluation: Evaluation, date: datetime.date | None
) -> None:
    rubric = evaluation.rubric
    day = date or datetime.date.today()
    sheet = book.add_worksheet("说明")
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 90)
    grades = "；".join(
        f"{s.name}：总分{'>' if s.strict else '≥'}{s.threshold}" if s.threshold is not None
        else f"{s.name}：其余"
        for s in evaluation.grade_steps
    )  # fmt: skip
    lines = [
        ("评分办法", rubric.title),
        ("标识", rubric.id),
        ("版本", rubric.version or ""),
        ("满分", f"{rubric.max}"),
        ("等级", grades),
        ("单位", f"{len(evaluation.units)}个，已评分{len(evaluation.ranking)}个，"
                 f"未评分{len(evaluation.errors)}个"),
        ("名次", "按总分从高到低；总分相同名次相同，其后名次顺延（1、2、2、4）；"
                 "有类别时另列类别内名次"),
        ("数字", f"得分按评分办法精确计算后保留{rubric.places}位小数；表中分数为数值，格式0.00"),
        ("工作表", "汇总：名次、总分、等级和一级指标得分；指标得分：各单位各三级指标得分；"
                   "整改清单：各单位失分的指标及原因，整改措施、责任单位、整改时限待填"),
        ("日期", f"{day.year}年{day.month}月{day.day}日"),
        ("生成", f"rubric {__version__}"),
    ]  # fmt: skip
    sheet.write(0, 0, f"{rubric.title} 评价汇总", formats.title)
    for row, (key, value) in enumerate(lines, start=2):
        sheet.write_string(row, 0, key, formats.key)
        sheet.write_string(row, 1, value, formats.wrap)


def write_summary(
    evaluation: Evaluation,
    path: Path,
    comparison: Comparison | None = None,
    *,
    date: datetime.date | None = None,
) -> Path:
    """汇总.xlsx: sheets 汇总, 指标得分, 整改清单, 说明 (and 比对, 未评分 when there are any)."""
    book = _workbook(path)
    formats = _Formats(book)
    _summary_sheet(book, formats, evaluation)
    _scores_sheet(book, formats, evaluation)
    _rectify_sheet(book, formats, evaluation)
    if comparison is not None:
        _comparison_sheet(book, formats, comparison)
    if evaluation.errors:
        _errors_sheet(book, formats, evaluation)
    _notes_sheet(book, formats, evaluation, date)
    book.close()
    return path


def write_rectification(evaluation: Evaluation, path: Path) -> Path:
    """问题整改清单.xlsx: one row per unit and indicator that lost points, columns to fill."""
    book = _workbook(path)
    _rectify_sheet(book, _Formats(book), evaluation)
    book.close()
    return path
