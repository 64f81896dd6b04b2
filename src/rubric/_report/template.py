"""Blank forms: a table (XLSX, CSV) or facts file (JSON, TOML) with every fact a rubric reads."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rubric._evaluation.units import FIELDS, Unit, _field_of, column_letter, missing_extra
from rubric._numbers import plain
from rubric.dsl.source import display_width
from rubric.errors import FactProblem, FactsError

if TYPE_CHECKING:
    from rubric._facts import FactSpec
    from rubric._rubric import Rubric

__all__ = [
    "FORM_SUFFIXES",
    "cell_value",
    "fact_header",
    "fact_hint",
    "workbook",
    "write_template",
]

FORM_SUFFIXES = (".xlsx", ".csv", ".json", ".toml")

# The unit columns a form starts with: Chinese header, English id, and what to write in it.
_UNIT_COLUMNS = (
    ("编号", "id", "单位编号（唯一，可为代码）"),
    ("单位", "name", "单位全称"),
    ("类别", "category", "如 市、县"),
    ("年度", "year", "如 2019"),
    ("评价方", "assessor", "自评 或 第三方"),
)
_HINT_MARK = "# 填写说明：第1行列名、第2行标识请勿修改；从第4行起每行填一个单位"


def fact_header(spec: FactSpec) -> str:
    """The header people read for a fact: its description, with its unit."""
    text = spec.description or spec.name
    return f"{text}（{spec.unit}）" if spec.unit else text


def fact_hint(spec: FactSpec, specs: Mapping[str, FactSpec] | None = None) -> str:
    """What to write in a fact's cells, in Chinese: type, bounds, unit and allowed words."""
    labels = dict(spec.labels)
    words = [labels.get(word, word) for word in spec.choices or ()]
    match spec.kind:
        case "bool":
            text = "填 是 或 否"
        case "count":
            text = "填整数（0或以上）"
        case "number":
            text = "填数字" + ("，可填 82% 或 82" if spec.unit == "%" else "")
        case "level":
            text = "选一项：" + "、".join(words)
        case "set":
            text = "多项用、分隔，没有填“无”"
            if words:
                text += "；可选：" + "、".join(words)
        case "adjustment":
            text = "填分值和理由，如 -1.5 迟报；没有填 0"
        case _:
            text = ""
    for bound in spec.bounds:
        if bound.fact is not None:
            other = (specs or {}).get(bound.fact)
            named = other.description if other and other.description else bound.fact
            text += f"，{_OPS.get(bound.op, bound.op)}“{named}”"
        elif bound.value is not None:
            text += f"，{_OPS.get(bound.op, bound.op)}{plain(bound.value, 28)}"
    if spec.step is not None:
        text += f"，以{plain(spec.step, 28)}为单位"
    if spec.unit:
        text += f"，单位：{spec.unit}"
    if spec.optional:
        text += "（可不填）"
    return text


_OPS = {">=": "不小于", ">": "大于", "<=": "不大于", "<": "小于", "==": "等于", "!=": "不等于"}


def cell_value(spec: FactSpec, value: object) -> str | int | Decimal:
    """A fact's value as a form's cell shows it: 是/否, labels joined by 、, numbers as numbers."""
    labels = dict(spec.labels)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | Fraction | float):
        return value if isinstance(value, Decimal) else Decimal(plain(Fraction(value), 28))
    if isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        items = [labels.get(str(item), str(item)) for item in value]
        return "、".join(items) if items else "无"
    if isinstance(value, Mapping):
        points = value.get("points", 0)
        reason = value.get("reason", "")
        return f"{points} {reason}".strip()
    return str(value)


def write_template(
    rubric: Rubric, path: str | os.PathLike[str], units: Sequence[Unit] = ()
) -> Path:
    """Write a blank form for the rubric's facts (.xlsx, .csv, .json, .toml); units fill rows."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORM_SUFFIXES:
        message = (
            f"unknown kind of form {suffix or '(no suffix)'!r}; use .xlsx, .csv, .json or .toml"
        )
        raise FactsError([FactProblem("", message)], str(path))
    if suffix in (".json", ".toml") and len(units) > 1:
        message = "a .json or .toml form holds one unit; use .xlsx or .csv for several"
        raise FactsError([FactProblem("", message)], str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    match suffix:
        case ".xlsx":
            _write_xlsx(rubric, path, units)
        case ".csv":
            path.write_text(_csv_text(rubric, units), encoding="utf-8-sig")
        case ".json":
            path.write_text(_json_text(rubric, units[0] if units else None), encoding="utf-8")
        case _:
            path.write_text(_toml_text(rubric, units[0] if units else None), encoding="utf-8")
    return path


def _form_facts(rubric: Rubric) -> tuple[FactSpec, ...]:
    """The facts a form asks for: all but the unit fields it has a column for already (类别)."""
    return tuple(s for s in rubric.facts if not (s.field and _field_of(s.name) is not None))


def _header_rows(rubric: Rubric) -> tuple[list[str], list[str], list[str]]:
    specs = {spec.name: spec for spec in _form_facts(rubric)}
    people = [name for name, _, _ in _UNIT_COLUMNS] + [fact_header(s) for s in _form_facts(rubric)]
    ids = [english for _, english, _ in _UNIT_COLUMNS] + [s.name for s in _form_facts(rubric)]
    hints = [_HINT_MARK] + [hint for _, _, hint in _UNIT_COLUMNS[1:]]
    hints += [fact_hint(s, specs) for s in _form_facts(rubric)]
    return people, ids, hints


def _unit_cells(rubric: Rubric, unit: Unit) -> list[str | int | Decimal]:
    cells: list[str | int | Decimal] = [unit.id, unit.name]
    cells += [str(unit.fields.get(name, "")) for name, _, _ in _UNIT_COLUMNS[2:]]
    for spec in _form_facts(rubric):
        cells.append(cell_value(spec, unit.facts[spec.name]) if spec.name in unit.facts else "")
    return cells


def _csv_text(rubric: Rubric, units: Sequence[Unit]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_header_rows(rubric))
    for unit in units:
        writer.writerow(_unit_cells(rubric, unit))
    return out.getvalue()


def _json_text(rubric: Rubric, unit: Unit | None) -> str:
    head: dict[str, object] = {"id": "", "name": ""}
    head.update({english: "" for _, english, _ in _UNIT_COLUMNS[2:]})
    facts: dict[str, object] = {spec.name: "" for spec in _form_facts(rubric)}
    if unit is not None:
        head = {"id": unit.id, "name": unit.name}
        head.update({_english(k): v for k, v in unit.fields.items()})
        facts.update({k: _jsonable(v) for k, v in unit.facts.items()})
    return json.dumps({"unit": head, **facts}, ensure_ascii=False, indent=2) + "\n"


def _english(field: str) -> str:
    return next(names[-1] for name, names in FIELDS.items() if name == field)


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, tuple | list | frozenset | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _toml_text(rubric: Rubric, unit: Unit | None) -> str:
    specs = {spec.name: spec for spec in _form_facts(rubric)}
    head = {"id": "", "name": ""} | {english: "" for _, english, _ in _UNIT_COLUMNS[2:]}
    if unit is not None:
        head = {"id": unit.id, "name": unit.name}
        head.update({_english(k): str(v) for k, v in unit.fields.items()})
    lines = [
        f"# {rubric.title}（{rubric.id}）事实填报表",
        '# 每项把 "" 换成值：是/否填 true/false，数字直接填，选项填引号中的词。',
        "",
        "unit = { " + ", ".join(f"{k} = {_toml(v)}" for k, v in head.items()) + " }",
        "",
    ]
    for spec in _form_facts(rubric):
        lines.append(f"# {spec.description or spec.name}：{_toml_hint(spec, specs)}")
        value = unit.facts.get(spec.name, "") if unit is not None else ""
        lines.append(f"{spec.name} = {_toml(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_hint(spec: FactSpec, specs: Mapping[str, FactSpec]) -> str:
    hint = fact_hint(spec, specs)
    if spec.kind == "bool":
        hint = "填 true 或 false" + hint.removeprefix("填 是 或 否")
    elif spec.choices:
        words = "，".join(f"{word}＝{label}" for word, label in spec.labels) or "、".join(
            spec.choices
        )
        hint += f"；取值：{words}"
    return hint


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list | frozenset | set):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def workbook(path: Path, **options: object) -> Any:
    """A new xlsxwriter workbook, dated SOURCE_DATE_EPOCH when set, for reproducible files."""
    try:
        import xlsxwriter
    except ImportError:
        raise missing_extra("xlsxwriter", "writing .xlsx workbooks") from None
    book = xlsxwriter.Workbook(str(path), options)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).replace(tzinfo=None)
        book.set_properties({"created": moment})
    return book


def _write_xlsx(rubric: Rubric, path: Path, units: Sequence[Unit]) -> None:
    people, ids, hints = _header_rows(rubric)
    book = workbook(path)
    sheet = book.add_worksheet("填报")
    head = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    small = book.add_format({"font_color": "#808080", "font_size": 9, "border": 1})
    hint = book.add_format(
        {"font_color": "#595959", "font_size": 9, "text_wrap": True, "valign": "top",
         "bg_color": "#F2F2F2", "border": 1}
    )  # fmt: skip
    decimal = book.add_format({"num_format": "0.########"})
    sheet.write_row(0, 0, people, head)
    sheet.write_row(1, 0, ids, small)
    sheet.write_row(2, 0, hints, hint)
    sheet.set_row(0, 48)
    sheet.set_row(2, 60)
    for index, title in enumerate(people):
        width = max(display_width(title) / 2.6, display_width(ids[index]) * 0.9, 8)
        sheet.set_column(index, index, min(width + 2, 28))
    sheet.freeze_panes(3, 2)
    last = max(len(units) + 3, 500)
    specs = {spec.name: spec for spec in _form_facts(rubric)}
    for offset, spec in enumerate(_form_facts(rubric)):
        column = len(_UNIT_COLUMNS) + offset
        _validate(sheet, column, last, spec, fact_hint(spec, specs))
    for row, unit in enumerate(units, start=3):
        for column, value in enumerate(_unit_cells(rubric, unit)):
            if isinstance(value, Decimal):
                sheet.write_number(row, column, float(value), decimal)
            elif isinstance(value, int):
                sheet.write_number(row, column, value)
            elif value != "":
                sheet.write_string(row, column, value)
    notes = book.add_worksheet("说明")
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 60)
    notes.set_column(2, 3, 36)
    title = book.add_format({"bold": True, "font_size": 14})
    notes.write(0, 0, f"{rubric.title}（{rubric.id}）事实填报表", title)
    notes.write(1, 0, "说明")
    notes.write(
        1,
        1,
        "第1行是列名，第2行是每列的标识（读表时按它认列，请勿修改），第3行是填写说明；"
        "从第4行起每行填一个单位。空格表示该项未填。",
    )
    notes.write_row(3, 0, ["标识", "含义", "填写要求", "列"], head)
    for row, spec in enumerate(_form_facts(rubric), start=4):
        letter = column_letter(len(_UNIT_COLUMNS) + row - 4)
        notes.write_row(row, 0, [spec.name, spec.description or "", fact_hint(spec, specs), letter])
    book.close()


def _validate(sheet: Any, column: int, last: int, spec: FactSpec, hint: str) -> None:
    """A drop-down for yes/no and levels, whole or decimal numbers for counts, and an input hint."""
    rule: dict[str, Any] = {
        "input_title": (spec.description or spec.name)[:32],
        "input_message": hint[:255],
    }
    labels = dict(spec.labels)
    if spec.kind == "bool":
        rule |= {"validate": "list", "source": ["是", "否"]}
    elif spec.kind == "level" and spec.choices:
        rule |= {"validate": "list", "source": [labels.get(w, w) for w in spec.choices]}
    elif spec.kind == "count":
        rule |= {"validate": "integer", "criteria": ">=", "value": 0}
        rule["error_message"] = "请填0或以上的整数"
    elif spec.kind == "number" and spec.unit != "%":
        rule |= {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15}
        rule["error_message"] = "请填数字"
    else:
        rule |= {"validate": "any"}
    sheet.data_validation(3, column, last, column, rule)
