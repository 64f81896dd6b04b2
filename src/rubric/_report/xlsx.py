"""Workbooks (xlsxwriter): 汇总.xlsx and 问题整改清单.xlsx, numbers as numbers, by grade colour.

Both stream to disk row by row (xlsxwriter's constant_memory), so that 10,000 units take flat
memory. A cell carries no format of its own: each column has one (0.00 for scores, wrapped
text for reasons), and rows are coloured by grade with one conditional format per grade. The
整改清单, a sheet of 汇总.xlsx and a workbook of its own, is written once, into 汇总.xlsx;
问题整改清单.xlsx is that sheet's XML with the styles, in a package of one sheet.
"""

from __future__ import annotations

import datetime
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rubric import __version__
from rubric._report.contents import Losses, indicator_path, losses_of, tie_words
from rubric._report.template import workbook
from rubric.dsl.source import display_width

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Comparison, Evaluation

__all__ = ["write_rectification", "write_summary", "write_workbooks"]

# What a column holds, and so its format: a score (0.00), a whole number, text, or long text.
Kind = Literal["number", "whole", "text", "wrap"]

_TONES = ("#E8F5E9", "#E3F2FD", "#FFF3E0", "#FFEBEE", "#F3E5F5", "#ECEFF1")
_FLAG = "#FFE0E0"
_RECTIFY_SHEET = "整改清单"
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
    """One sheet of a header and rows, its columns formatted, streamed row by row."""

    def __init__(
        self,
        book: _Book,
        name: str,
        header: Sequence[str],
        kinds: Sequence[Kind],
        widths: Sequence[int],
        *,
        header_height: int = 30,
        freeze: tuple[int, int] = (1, 0),
    ) -> None:
        self.book = book
        self.sheet = sheet = book.book.add_worksheet(name)
        self.count = 0
        self.columns = len(header)
        for column, (kind, width) in enumerate(zip(kinds, widths, strict=True)):
            sheet.set_column(column, column, width, book.columns[kind])
        sheet.set_row(0, header_height)
        sheet.write_row(0, 0, header, book.header)
        sheet.freeze_panes(*freeze)
        self._number, self._string = sheet.write_number, sheet.write_string

    def row(self, values: Sequence[object]) -> None:
        """Write a row: Decimals and ints as numbers, the rest as text, '' and None not at all."""
        self.count += 1
        row, number, string = self.count, self._number, self._string
        for column, value in enumerate(values):
            if value is None or value == "":
                continue  # an empty cell to fill in needs no record; many units write faster
            if isinstance(value, Decimal | int):
                number(row, column, float(value))  # the float that prints as the same decimal
            else:
                string(row, column, str(value))

    def tone(self, rules: Iterable[tuple[str, str]]) -> None:
        """Fill the rows a formula (written for row 2, as Excel reads it) picks out."""
        if not self.count:
            return
        for criteria, colour in rules:
            self.sheet.conditional_format(
                1, 0, self.count, self.columns - 1,
                {"type": "formula", "criteria": criteria, "format": self.book.fill(colour)},
            )  # fmt: skip

    def finish(self) -> None:
        """Filters on the header, once every row is written."""
        if self.count:
            self.sheet.autofilter(0, 0, self.count, self.columns - 1)


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
    table = _Table(book, "汇总", header, kinds, widths)
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
    table = _Table(book, "指标得分", header, kinds, widths, header_height=60, freeze=(1, 3))
    for s in ranking:
        scores = evaluation.scores(s.unit.id)
        table.row([s.rank, s.unit.id, s.unit.label, scores[0], *(scores[i] for i, _ in indicators)])
    table.finish()


def _rectify_sheet(book: _Book, evaluation: Evaluation, losses: Callable[[str], Losses]) -> None:
    """The 整改清单: each unit's reasons are read here, and only for the units that lost points."""
    scored = evaluation.scored
    widths = [6, _width((u.id for u in scored), "编号"), _width((u.label for u in scored), "单位"),
              30, 8, 8, 8, 48, 16, 16, 16]  # fmt: skip
    table = _Table(book, _RECTIFY_SHEET, _RECTIFY, _RECTIFY_KINDS, widths)
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
    table = _Table(book, "比对", header, kinds, widths)
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
    table = _Table(book, "未评分", header, kinds, widths)
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
        ("名次", "按总分从高到低；"
                 + (tie_words(evaluation) or "总分相同名次相同")
                 + "，其后名次顺延（1、2、2、4）；有类别时另列类别内名次"),
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
    read from a fresh copy of its result, so that no explanation is kept once written. The
    整改清单 is written once: with both workbooks, 问题整改清单.xlsx is made from its sheet in
    汇总.xlsx (for 10,000 units, a million cells that xlsxwriter need not write twice).
    """
    reasons = losses or (lambda unit: losses_of(evaluation, unit))
    if summary is None:
        if rectification is None:
            return ()
        book = _Book(rectification)
        _rectify_sheet(book, evaluation, reasons)
        return (book.close(),)
    book = _Book(summary)
    _summary_sheet(book, evaluation)
    _scores_sheet(book, evaluation)
    _rectify_sheet(book, evaluation, reasons)
    if comparison is not None:
        _comparison_sheet(book, comparison)
    if evaluation.errors:
        _errors_sheet(book, evaluation)
    _notes_sheet(book, evaluation, date)
    written = [book.close()]
    if rectification is not None:
        written.append(_sheet_alone(summary, _RECTIFY_SHEET, rectification))
    return tuple(written)


# The parts of a workbook of one sheet around a sheet and styles taken from another workbook.
_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rels": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_PART_TYPES = (
    ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ("/xl/styles.xml", _SHEET_TYPE + "styles+xml"),
    ("/xl/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
    ("/xl/workbook.xml", _SHEET_TYPE + "sheet.main+xml"),
    ("/xl/worksheets/sheet1.xml", _SHEET_TYPE + "worksheet+xml"),
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in _PART_TYPES)
    + "</Types>"
)
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_NS["rels"]}">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_NS["rels"]}">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_OFFICE}/theme" Target="theme/theme1.xml"/>'
    f'<Relationship Id="rId3" Type="{_OFFICE}/styles" Target="styles.xml"/>'
    "</Relationships>"
)


def _sheet_alone(source: Path, name: str, target: Path) -> Path:
    """Write a workbook of one sheet: the sheet called name in source, with source's styles.

    The sheet's cells hold their text inline and refer to nothing but the styles, so the
    sheet's XML and the styles are taken over unchanged; the workbook, its relationships and
    content types around them are those of any workbook of one sheet.
    """
    from xml.etree import ElementTree

    with zipfile.ZipFile(source) as book, zipfile.ZipFile(target, "w") as alone:
        workbook_xml = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        sheets = workbook_xml.findall("main:sheets/main:sheet", _NS)
        position, found = next((i, s) for i, s in enumerate(sheets) if s.get("name") == name)
        key = found.get(f"{{{_NS['r']}}}id")
        part = next(r.get("Target") for r in rels if r.get("Id") == key)
        filtered = [
            d.text or ""
            for d in workbook_xml.findall("main:definedNames/main:definedName", _NS)
            if d.get("name") == "_xlnm._FilterDatabase" and d.get("localSheetId") == str(position)
        ]
        names = "".join(
            '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(text)}</definedName>"
            for text in filtered
        )
        workbook_text = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_NS["main"]}" xmlns:r="{_NS["r"]}"><bookViews><workbookView/>'
            f'</bookViews><sheets><sheet name="{escape(name)}" sheetId="1" r:id="rId1"/>'
            f"</sheets>{f'<definedNames>{names}</definedNames>' if names else ''}"
            '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )
        sheet = book.getinfo(f"xl/{part}")

        def entry(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, sheet.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            return info

        for part_name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES.encode()),
            ("_rels/.rels", _PACKAGE_RELS.encode()),
            ("docProps/core.xml", book.read("docProps/core.xml")),
            ("xl/workbook.xml", workbook_text.encode()),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
            ("xl/styles.xml", book.read("xl/styles.xml")),
            ("xl/theme/theme1.xml", book.read("xl/theme/theme1.xml")),
        ):
            alone.writestr(entry(part_name), data)
        # The sheet, streamed: a million cells need not be in memory at once. The sheet alone
        # is the one shown when the workbook opens.
        with book.open(sheet) as cells, alone.open(entry("xl/worksheets/sheet1.xml"), "w") as out:
            head = cells.read(4096)
            out.write(head.replace(b"<sheetView ", b'<sheetView tabSelected="1" ', 1))
            shutil.copyfileobj(cells, out, 1 << 20)
    return target


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
