"""Workbooks (xlsxwriter): 汇总.xlsx and 问题整改清单.xlsx, numbers as numbers, by grade colour.

Both stream to disk row by row (xlsxwriter's constant_memory), so that 10,000 units take flat
memory. A cell carries no format of its own: each column has one (0.00 for scores, wrapped
text for reasons), rows are coloured by grade with one conditional format per grade, and
the 整改清单, which is both a workbook of its own and a sheet of 汇总.xlsx, is worked out
once and written to both in the same pass.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rubric import __version__
from rubric._report.contents import Losses, indicator_path, losses_of
from rubric._report.template import workbook
from rubric.dsl.source import display_width

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Comparison, Evaluation

__all__ = ["write_rectification", "write_summary", "write_workbooks"]

# What a column holds, and so its format: a score (0.00), a whole number, text, or long text.
Kind = Literal["number", "whole", "text", "wrap"]

_TONES = ("#E8F5E9", "#E3F2FD", "#FFF3E0", "#FFEBEE", "#F3E5F5", "#ECEFF1")
_FLAG = "#FFE0E0"
_RECTIFY = ("序号", "编号", "单位", "指标", "满分", "得分", "失分", "失分原因", "整改措施",
            "责任单位", "整改时限")  # fmt: skip
_RECTIFY_KINDS: tuple[Kind, ...] = ("whole", "text", "text", "text", "number", "number",
                                    "number", "wrap", "text", "text", "text")  # fmt: skip


class _Book:
    """A workbook streamed to disk, with the few formats its columns and headers use."""

    def __init__(self, path: Path) -> None:
        # Rows are written in order, so the workbook streams to disk: flat memory for many units.
        self.path = path
        self.book = workbook(path, constant_memory=True)
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                           "valign": "vcenter", "align": "center"})  # fmt: skip
        self.columns: dict[Kind, Any] = {
            "number": add({"num_format": "0.00", "valign": "top"}),
            "whole": add({"valign": "top"}),
            "text": add({"valign": "top"}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
        }
        self.title = add({"bold": True, "font_size": 14})
        self.key = add({"bold": True, "valign": "top"})
        self.fills: dict[str, Any] = {}

    def fill(self, colour: str) -> Any:
        """A conditional format that fills a row with colour."""
        if colour not in self.fills:
            self.fills[colour] = self.book.add_format({"bg_color": colour})
        return self.fills[colour]

    def close(self) -> Path:
        self.book.close()
        return self.path


class _Table:
    """One sheet of a header and rows, written to one or more workbooks at once."""

    def __init__(
        self,
        books: Sequence[_Book],
        name: str,
        header: Sequence[str],
        kinds: Sequence[Kind],
        widths: Sequence[int],
        *,
        header_height: int = 30,
        freeze: tuple[int, int] = (1, 0),
    ) -> None:
        self.sheets = []
        self.count = 0
        self.columns = len(header)
        for book in books:
            sheet = book.book.add_worksheet(name)
            for column, (kind, width) in enumerate(zip(kinds, widths, strict=True)):
                sheet.set_column(column, column, width, book.columns[kind])
            sheet.set_row(0, header_height)
            sheet.write_row(0, 0, header, book.header)
            sheet.freeze_panes(*freeze)
            self.sheets.append((book, sheet, sheet.write_number, sheet.write_string))
        self.kinds = tuple(kinds)

    def row(self, values: Sequence[object]) -> None:
        """Write a row: Decimals and ints as numbers, the rest as text, '' and None not at all."""
        self.count += 1
        row = self.count
        for column, value in enumerate(values):
            if value is None or value == "":
                continue  # an empty cell to fill in needs no record; many units write faster
            if isinstance(value, Decimal | int):
                number = float(value)  # the float that prints as the same decimal: 80.05
                for _, _, write_number, _ in self.sheets:
                    write_number(row, column, number)
            else:
                text = str(value)
                for _, _, _, write_string in self.sheets:
                    write_string(row, column, text)

    def tone(self, rules: Iterable[tuple[str, str]]) -> None:
        """Fill the rows a formula (written for row 2, as Excel reads it) picks out."""
        if not self.count:
            return
        for book, sheet, _, _ in self.sheets:
            for criteria, colour in rules:
                sheet.conditional_format(
                    1, 0, self.count, self.columns - 1,
                    {"type": "formula", "criteria": criteria, "format": book.fill(colour)},
                )  # fmt: skip

    def finish(self) -> None:
        """Filters on the header, once every row is written."""
        if self.count:
            for _, sheet, _, _ in self.sheets:
                sheet.autofilter(0, 0, self.count, self.columns - 1)


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _width(texts: Iterable[str], title: str, most: int = 40) -> int:
    """A column's width: its header's or its widest text's, among the first 200, within 6..most."""
    widest = display_width(title)
    for count, text in enumerate(texts):
        if count == 200:
            break
        widest = max(widest, display_width(text))
    return min(max(widest + 2, 6), most)


def _quoted(word: str) -> str:
    """A text as an Excel formula writes it: "优秀"."""
    return '"' + word.replace('"', '""') + '"'


def _grade_tones(evaluation: Evaluation, column: int) -> list[tuple[str, str]]:
    """One rule per grade: a row whose grade cell holds it is filled with its colour."""
    cell = f"${_letter(column)}2"
    return [
        (f"={cell}={_quoted(s.grade)}", _TONES[i % len(_TONES)])
        for i, s in enumerate(evaluation.grades)
    ]


def _summary_sheet(book: _Book, evaluation: Evaluation) -> None:
    groups = [(i, n) for i, n in enumerate(evaluation.nodes) if n.depth == 1]
    categories = bool(evaluation.categories)
    ranking = evaluation.ranking
    columns: list[tuple[str, Kind, Iterable[str]]] = [
        ("名次", "whole", (str(s.rank) for s in ranking))
    ]
    if categories:
        columns.append(("类别内名次", "whole", ()))
    columns += [("编号", "text", (s.unit.id for s in ranking)),
                ("单位", "text", (s.unit.label for s in ranking))]  # fmt: skip
    if categories:
        columns.append(("类别", "text", (s.unit.category or "" for s in ranking)))
    columns += [("总分", "number", ()), ("等级", "text", (s.grade or "" for s in ranking))]
    columns += [(f"{g.title}（{g.max}）", "number", ()) for _, g in groups]
    header = [title for title, _, _ in columns]
    kinds = [kind for _, kind, _ in columns]
    widths = [_width(texts, title) for title, _, texts in columns]
    table = _Table([book], "汇总", header, kinds, widths)
    for s in ranking:
        scores = evaluation.scores(s.unit.id)
        row: list[object] = [s.rank]
        if categories:
            row.append(s.category_rank)
        row += [s.unit.id, s.unit.label]
        if categories:
            row.append(s.unit.category)
        row += [scores[0], s.grade]
        row += [scores[i] for i, _ in groups]
        table.row(row)
    table.tone(_grade_tones(evaluation, header.index("等级")))
    table.finish()


def _scores_sheet(book: _Book, evaluation: Evaluation) -> None:
    indicators = [(i, n) for i, n in enumerate(evaluation.nodes) if n.kind == "indicator"]
    ranking = evaluation.ranking
    header = ["名次", "编号", "单位", "总分"] + [f"{n.title}（{n.max}）" for _, n in indicators]
    number: list[Kind] = ["number"] * len(indicators)
    kinds: list[Kind] = ["whole", "text", "text", "number", *number]
    widths = [_width((str(s.rank) for s in ranking), "名次"),
              _width((s.unit.id for s in ranking), "编号"),
              _width((s.unit.label for s in ranking), "单位"), 8]  # fmt: skip
    widths += [11] * len(indicators)
    table = _Table([book], "指标得分", header, kinds, widths, header_height=60, freeze=(1, 3))
    for s in ranking:
        scores = evaluation.scores(s.unit.id)
        table.row([s.rank, s.unit.id, s.unit.label, scores[0], *(scores[i] for i, _ in indicators)])
    table.finish()


def _rectify_sheets(
    books: Sequence[_Book], evaluation: Evaluation, losses: Callable[[str], Losses]
) -> None:
    """The 整改清单 in each book, in one pass: each unit's reasons are read once."""
    scored = evaluation.scored
    widths = [6, _width((u.id for u in scored), "编号"), _width((u.label for u in scored), "单位"),
              30, 8, 8, 8, 48, 16, 16, 16]  # fmt: skip
    table = _Table(books, "整改清单", _RECTIFY, _RECTIFY_KINDS, widths)
    number = 0
    for unit in scored:
        for item, why in losses(unit.id):
            number += 1
            table.row((number, unit.id, unit.label, indicator_path(item.path), item.max,
                       item.score, item.lost, why))  # fmt: skip
    table.finish()


def _comparison_sheet(book: _Book, comparison: Comparison) -> None:
    header = ["编号", "单位", "指标", "自评", "核查", "差值（自评−核查）", "自评偏高"]
    kinds: list[Kind] = ["text", "text", "text", "number", "number", "number", "text"]
    shown = [d for d in comparison.differences if not (d.kind == "group" and d.path[1:])]
    paths = [indicator_path(d.path) or "总分" for d in shown]
    ids, labels = (d.unit.id for d in shown), (d.unit.label for d in shown)
    widths = [_width(ids, "编号"), _width(labels, "单位"), _width(paths, "指标"), 8, 8, 18, 10]
    table = _Table([book], "比对", header, kinds, widths)
    for d, path in zip(shown, paths, strict=True):
        table.row([d.unit.id, d.unit.label, path, d.claimed, d.verified, d.difference,
                   "是" if d.higher else ""])  # fmt: skip
    # Indicators where the self-assessment is higher stand out; the totals' rows say 是 only.
    table.tone([('=AND($G2="是",$C2<>"总分")', _FLAG)])
    table.finish()


def _errors_sheet(book: _Book, evaluation: Evaluation) -> None:
    rows = [
        [error.unit.id, error.unit.label, error.unit.where, problem.fact, problem.message]
        for error in evaluation.errors
        for problem in error.problems
    ]
    header = ["编号", "单位", "位置", "事实", "问题"]
    kinds: list[Kind] = ["text", "text", "text", "text", "wrap"]
    widths = [_width((str(row[c]) for row in rows), header[c]) for c in range(4)] + [48]
    table = _Table([book], "未评分", header, kinds, widths)
    for row in rows:
        table.row(row)
    table.finish()


def _notes_sheet(book: _Book, evaluation: Evaluation, date: datetime.date | None) -> None:
    rubric = evaluation.rubric
    day = date or datetime.date.today()
    sheet = book.book.add_worksheet("说明")
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 90, book.columns["wrap"])
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
    sheet.write(0, 0, f"{rubric.title} 评价汇总", book.title)
    for row, (key, value) in enumerate(lines, start=2):
        sheet.write_string(row, 0, key, book.key)
        sheet.write_string(row, 1, value)


def write_workbooks(
    evaluation: Evaluation,
    summary: Path | None,
    rectification: Path | None,
    comparison: Comparison | None = None,
    *,
    date: datetime.date | None = None,
    losses: Callable[[str], Losses] | None = None,
) -> tuple[Path, ...]:
    """Write 汇总.xlsx and 问题整改清单.xlsx (either may be None); return the files written.

    losses gives a unit's rows of the 整改清单 with their reasons; by default each unit's are
    read from a fresh copy of its result, so that no explanation is kept once written.
    """
    books = [] if summary is None else [_Book(summary)]
    if summary is not None:
        _summary_sheet(books[0], evaluation)
        _scores_sheet(books[0], evaluation)
    if rectification is not None:
        books.append(_Book(rectification))
    if books:
        _rectify_sheets(books, evaluation, losses or (lambda unit: losses_of(evaluation, unit)))
    if summary is not None:
        if comparison is not None:
            _comparison_sheet(books[0], comparison)
        if evaluation.errors:
            _errors_sheet(books[0], evaluation)
        _notes_sheet(books[0], evaluation, date)
    return tuple(book.close() for book in books)


def write_summary(
    evaluation: Evaluation,
    path: Path,
    comparison: Comparison | None = None,
    *,
    date: datetime.date | None = None,
) -> Path:
    """汇总.xlsx: sheets 汇总, 指标得分, 整改清单, 说明 (and 比对, 未评分 when there are any)."""
    write_workbooks(evaluation, path, None, comparison, date=date)
    return path


def write_rectification(evaluation: Evaluation, path: Path) -> Path:
    """问题整改清单.xlsx: one row per unit and indicator that lost points, columns to fill."""
    write_workbooks(evaluation, None, path)
    return path
