"""Helpers for the table tests: a small rubric with a fact of every type, and table writers."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

import rubric

TABLE_RUBRIC = """\
rubric table_demo "表格读入示例" max 20
grade 优秀 if total >= 15
grade 合格 if total >= 8
grade 不合格 otherwise
fact care: bool "继续关心关爱脱困职工"
fact aided: count "实际帮扶户数" unit "户"
fact rate: number >= 0 and <= 100 "满意度" unit "%"
fact spent: number >= 0 "资金支出" unit "万元"
fact media: level {none "无", provincial "省级媒体报道", national "国家级媒体报道"} "媒体报道"
fact targets: set of {living "生活救助", education "子女助学", medical "医疗救助"} "目标任务已量化的项目"
fact factors: set "资金分配依据的因素"
fact check: adjustment >= -3 and <= 0 in steps of 0.5 "现场核查酌情扣分"

group g "工作" max 20
indicator g.work "帮扶工作" max 10
  +2 if care
  +2 if aided >= 100
  +2 if rate >= 90
  +1 if spent > 0
  points by media: provincial -> 1, national -> 2, otherwise -> 0
  +1 for each of targets, at most 1
indicator g.more "资金与档案" max 10
  +1 for each of factors, at most 5
  +5 if spent >= 10
  adjust by check
"""

HEADER = ["单位", "care", "aided", "rate", "spent", "media", "targets", "factors", "check"]
# A unit that scores 20: every rule met.
FULL = ["甲市", "是", 120, 95, 12, "国家级媒体报道", "生活救助", "a、b、c、d、e", 0]


def table_rubric() -> rubric.Rubric:
    return rubric.loads(TABLE_RUBRIC, "table_demo.rub")


class Percent(float):
    """A number written into a cell formatted as a percentage (0.82 shows as 82%)."""


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], percent_format: str = "0%") -> Path:
    """A workbook with one sheet of rows; Percent cells get a percentage format, dates a date one."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("数据")
    percent = book.add_format({"num_format": percent_format})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, Percent):
                sheet.write_number(r, c, float(value), percent)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    text = "\r\n".join(",".join(str(cell) for cell in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path
