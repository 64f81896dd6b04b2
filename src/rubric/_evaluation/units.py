"""Units: who is evaluated, read from spreadsheets (XLSX, CSV, …) and facts files (JSON, TOML)."""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import attrs

from rubric._facts import FactSpec, load_facts
from rubric._i18n import _
from rubric.errors import FactProblem, FactsError

if TYPE_CHECKING:
    from rubric._rubric import Rubric

__all__ = [
    "FIELDS",
    "TABLE_SUFFIXES",
    "Frozen",
    "Unit",
    "load_units",
    "missing_extra",
    "problem_tuple",
]


def missing_extra(module: str, what: str) -> FactsError:
    """The error for an optional library that is not installed, naming the extra to install."""
    message = _(
        "{what} needs the Python package {module}, which is not "
        "installed; install the report extra: pip install "
        "'rubric[report]'",
        what=what,
        module=module,
    )
    return FactsError([FactProblem("", message)], "rubric")


class Frozen(Mapping[str, Any]):
    """An immutable mapping of names to values, as units hold their fields and facts."""

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Frozen mapping cannot be changed")

    def __repr__(self) -> str:
        return f"Frozen({self._data!r})"

    def __reduce__(self) -> tuple[type[Frozen], tuple[dict[str, Any]]]:
        return Frozen, (self._data,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(tuple(self._data))


_ATOMS = frozenset({str, int, bool, float, Decimal})


def _freeze(value: object) -> object:
    """Lists become tuples and objects Frozen mappings, so that a unit's facts cannot change."""
    if value.__class__ in _ATOMS:
        return value
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, Mapping):
        return Frozen({str(key): _freeze(item) for key, item in value.items()})
    return value


def _frozen(data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> Frozen:
    if isinstance(data, Frozen):
        return data
    return Frozen({key: _freeze(value) for key, value in dict(data).items()})


def problem_tuple(problems: Iterable[FactProblem]) -> tuple[FactProblem, ...]:
    """Problems as the tuple a unit or an error keeps."""
    return tuple(problems)


# A unit's fields, by their Chinese name, with the other names a column or a `unit` table may use.
FIELDS: dict[str, tuple[str, ...]] = {
    "编号": ("编号", "单位编号", "单位代码", "代码", "id"),
    "单位": ("单位", "单位名称", "名称", "unit", "name"),
    "类别": ("类别", "category"),
    "年度": ("年度", "year"),
    "评价方": ("评价方", "assessor"),
    "备注": ("备注", "note"),
}
_FIELD_ENGLISH = {"编号": "id", "单位": "name", "类别": "category", "年度": "year",
                  "评价方": "assessor", "备注": "note"}  # fmt: skip


@attrs.frozen
class Unit:
    """One evaluated unit: its id and name, its fields (类别, 年度, 评价方, 备注) and its facts."""

    id: str
    name: str = ""
    facts: Frozen = attrs.field(factory=Frozen, converter=_frozen)
    fields: Frozen = attrs.field(factory=Frozen, converter=_frozen)
    origin: str = ""
    row: int | None = None
    # Where each fact came from, as 'J “帮扶目标任务数”'; shared by every unit of one table.
    columns: Frozen = attrs.field(factory=Frozen, converter=_frozen, eq=False, repr=False)
    problems: tuple[FactProblem, ...] = attrs.field(default=(), converter=problem_tuple)

    @property
    def label(self) -> str:
        """The unit as people name it: its name, or its id when it has none."""
        return self.name or self.id

    @property
    def category(self) -> str | None:
        """The unit's 类别 (such as 市 or 县), if it has one."""
        value = self.fields.get("类别")
        return str(value) if value else None

    @property
    def where(self) -> str:
        """Where the unit was read: 'units.xlsx row 7', 'hefei.toml', or '' when built in code."""
        if self.row is not None:
            return f"{self.origin} row {self.row}"
        return self.origin

    def locate(self, problem: FactProblem) -> str:
        """A problem of this unit as one line: where, which unit, which column and fact, what."""
        head = f"{self.where} ({self.label})" if self.where else self.label
        if not problem.facts:
            return f"{head}: {problem.message}"
        shown = [
            f"column {self.columns[fact]} ({fact})" if fact in self.columns else fact
            for fact in problem.facts
        ]
        return f"{head}, {', '.join(shown)}: {problem.message}"


TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
_FILE_SUFFIXES = (".json", ".toml")


def load_units(
    rubric: Rubric, *paths: str | os.PathLike[str], encoding: str | None = None
) -> tuple[Unit, ...]:
    """Read units from tables (one row each) and facts files (one each), cells read by type.

    A table whose header or encoding is wrong, or that holds no units, raises FactsError naming
    every problem; a bad row or file becomes a unit that carries its problems, so that the
    others are still scored. OSError when a file cannot be read.
    """
    units: list[Unit] = []
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            units.extend(_read_table(rubric, path, encoding))
        elif suffix in _FILE_SUFFIXES:
            units.append(_read_file(rubric, path))
        else:
            message = _(
                "unknown kind of file {value!r}; units are read from .xlsx, "
                ".xls, .ods or .csv tables and .json or .toml facts files",
                value=suffix or "(no suffix)",
            )
            raise FactsError([FactProblem("", message)], str(path))
    return _repeated_ids(units)


def _repeated_ids(units: list[Unit]) -> tuple[Unit, ...]:
    """Every unit whose id another unit also has carries a problem saying where the other is."""
    places: dict[str, list[Unit]] = {}
    for unit in units:
        places.setdefault(unit.id, []).append(unit)
    marked = []
    for unit in units:
        others = [other for other in places[unit.id] if other is not unit]
        if others:
            where = ", ".join(other.where or other.label for other in others)
            problem = FactProblem(
                "",
                _(
                    'the unit id "{id}" is given twice, also at {where}; each '
                    "unit needs an id of its own (a 自评 and a 第三方 version go in "
                    "two tables, compared with --compare)",
                    id=unit.id,
                    where=where,
                ),
            )
            unit = attrs.evolve(unit, problems=(*unit.problems, problem))
        marked.append(unit)
    return tuple(marked)


# ---------------------------------------------------------------- facts files


def _read_file(rubric: Rubric, path: Path) -> Unit:
    """One unit from a .json or .toml facts file; its reserved `unit` table names it."""
    stem = path.stem
    try:
        data = load_facts(path)
    except FactsError as error:
        return Unit(stem, stem, origin=str(path), problems=error.problems)
    declared = {spec.name for spec in rubric.facts}
    head = data.get("unit")
    fields: dict[str, str] = {}
    problems: list[FactProblem] = []
    if isinstance(head, Mapping) and "unit" not in declared:
        del data["unit"]
        for key, value in head.items():
            field = _field_of(str(key))
            if field is None:
                known = ", ".join(f"{name} ({_FIELD_ENGLISH[name]})" for name in FIELDS)
                problems.append(
                    FactProblem(
                        f"unit.{key}", _("unknown unit field; the fields are {known}", known=known)
                    )
                )
            elif isinstance(value, str | int | Decimal) and not isinstance(value, bool):
                fields[field] = str(value).strip()
            else:
                problems.append(
                    FactProblem(
                        f"unit.{key}", _("expected a text, found {shown}", shown=_shown(value))
                    )
                )
    unit_id = fields.pop("编号", "") or stem
    name = fields.pop("单位", "") or unit_id
    # A blank form's "" placeholders are facts not yet given, as empty cells are.
    facts = {key: value for key, value in data.items() if value != ""}
    return Unit(unit_id, name, facts, fields, origin=str(path), problems=problems)


def _field_of(text: str) -> str | None:
    key = _key(text)
    for field, names in FIELDS.items():
        if key in (_key(name) for name in names):
            return field
    return None


# ---------------------------------------------------------------- tables

Cell = str | int | float | bool | datetime.date | datetime.datetime | datetime.time | Any


@attrs.frozen
class _Column:
    """A column of a table: where it is, its header, and the field or fact it holds."""

    index: int
    header: str
    field: str | None = None
    spec: FactSpec | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def shown(self) -> str:
        return f"{self.letter} “{self.header}”"


def column_letter(index: int) -> str:
    """The spreadsheet name of a 0-based column: A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@attrs.frozen
class _Table:
    """A table's cells, row by row, and which numeric cells are formatted as percentages."""

    rows: list[list[Cell]]
    percent: frozenset[tuple[int, int]] = frozenset()
    encoding: str | None = None


def _read_table(rubric: Rubric, path: Path, encoding: str | None) -> list[Unit]:
    name = str(path)
    table = _read_csv(path, encoding) if path.suffix.lower() == ".csv" else _read_sheet(path)
    rows = table.rows
    header_at = _header_row(rows)
    if header_at is None:
        filled = any(_text(cell) for row in rows for cell in row)
        message = (
            _(
                "no header row: none of the first 10 rows names a 单位 (unit) "
                "or 编号 (id) column; the first row names the columns: 单位, "
                "then each fact by its id or description"
            )
            if filled
            else _(
                "the table is empty; expected a header row naming the "
                "columns (单位, then each fact by its id or description), then "
                "one row per unit"
            )
        )
        if filled and table.encoding == "gb18030":
            message = _gbk(message)
        raise FactsError([FactProblem("", message)], name)
    columns, problems = _columns(rubric, rows[header_at], table.encoding)
    if header_at + 1 < len(rows):
        # A row of ids under a header people read (as blank forms have) names the columns.
        ids, id_problems = _columns(rubric, rows[header_at + 1], table.encoding)
        if not id_problems and sum(1 for c in ids if c.field or c.spec) >= 2:
            header_at, columns, problems = header_at + 1, ids, id_problems
    problems.extend(_column_problems(rubric, columns))
    data = [
        (number, row)
        for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2)
        if any(_text(cell) for cell in row) and not _text(row[0]).startswith("#")
    ]
    if not data and not problems:
        message = _("no units: the table has a header but no rows of units below it")
        raise FactsError([FactProblem("", message)], name)
    if problems:
        raise FactsError(problems, name)
    located = Frozen({c.spec.name: c.shown for c in columns if c.spec is not None})
    percent_columns = {c.index for c in columns if c.spec is not None and c.spec.unit == "%"}
    percent = table.percent
    if percent_columns and path.suffix.lower() in (".xlsx", ".xlsm"):
        percent = _percent_cells(path, percent_columns)
    # Cells repeat down a column (是, 否, the same few words and counts): each distinct one
    # is read once per column.
    memos: list[dict[tuple[type, Cell, bool], tuple[object, str]]] = [{} for _ in columns]
    return [
        _unit_of_row(columns, number, row, name, located, percent, memos) for number, row in data
    ]


def _header_row(rows: list[list[Cell]]) -> int | None:
    """The first row (of the first 10) that names the unit's id or name column."""
    for index, row in enumerate(rows[:10]):
        if any(_field_of(_text(cell)) in ("编号", "单位") for cell in row):
            return index
    return None


def _columns(
    rubric: Rubric, header: Sequence[Cell], encoding: str | None
) -> tuple[list[_Column], list[FactProblem]]:
    names = _fact_names(rubric.facts)
    columns: list[_Column] = []
    problems: list[FactProblem] = []
    for index, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        field = _field_of(text)
        if field is not None:
            columns.append(_Column(index, text, field=field))
            continue
        spec = names.get(_key(text))
        if spec is not None:
            columns.append(_Column(index, text, spec=spec))
            continue
        column = _Column(index, text)
        columns.append(column)
        problems.append(
            FactProblem(
                "",
                _(
                    "column {shown}: {unknown}",
                    shown=column.shown,
                    unknown=_unknown(text, names, encoding),
                ),
            )
        )
    return columns, problems


def _unknown(text: str, names: Mapping[str, FactSpec], encoding: str | None) -> str:
    choices = {_key(name): name for names in FIELDS.values() for name in names}
    for spec in names.values():
        choices.setdefault(_key(spec.name), spec.name)
        if spec.description:
            choices.setdefault(_key(spec.description), spec.description)
    close = difflib.get_close_matches(_key(text), list(choices), n=1, cutoff=0.6)
    if close:
        message = _("unknown column; did you mean “{choices}”?", choices=choices[close[0]])
    else:
        message = _(
            "unknown column; a column names a unit field (编号, 单位, 类别, "
            "年度, 评价方, 备注) or a fact by its id or description"
        )
    return _gbk(message) if encoding == "gb18030" else message


def _gbk(message: str) -> str:
    return _(
        "{problem} (the file was read as GBK/GB18030; give --encoding if it is in another)",
        problem=message,
    )


def _column_problems(rubric: Rubric, columns: list[_Column]) -> list[FactProblem]:
    problems: list[FactProblem] = []
    seen: dict[str, list[_Column]] = {}
    for column in columns:
        target = column.field or (column.spec.name if column.spec else None)
        if target is not None:
            seen.setdefault(target, []).append(column)
    for target, same in seen.items():
        if len(same) > 1:
            letters = _(
                "{letters} and {last}",
                letters=", ".join(c.letter for c in same[:-1]),
                last=same[-1].letter,
            )
            spec = same[0].spec
            if spec is None:
                what = _("the unit field {name}", name=target)
            elif spec.description:
                what = _(
                    "the fact {name} ({description})", name=target, description=spec.description
                )
            else:
                what = _("the fact {name}", name=target)
            problems.append(
                FactProblem(
                    "",
                    _("columns {letters} both name {what}; keep one", letters=letters, what=what),
                )
            )
    for spec in rubric.facts:
        # A unit field the rubric reads (类别) may be in its field's column.
        if spec.field and _field_of(spec.name) in seen:
            continue
        if spec.name not in seen and not spec.optional:
            problems.append(
                FactProblem(
                    "",
                    _(
                        "no column for the fact {name} ({description}); add a column headed "
                        "{name} or {description}",
                        name=spec.name,
                        description=spec.description,
                    )
                    if spec.description
                    else _(
                        "no column for the fact {name}; add a column headed {name}",
                        name=spec.name,
                    ),
                )
            )
    return problems


def _fact_names(specs: Iterable[FactSpec]) -> dict[str, FactSpec]:
    """Every header that names a fact: its id, its description, the description with its unit."""
    names: dict[str, FactSpec] = {}
    for spec in specs:
        names[_key(spec.name)] = spec
        if spec.description:
            names.setdefault(_key(spec.description), spec)
            if spec.unit:
                for shape in ("{}（{}）", "{}({})"):
                    names.setdefault(_key(shape.format(spec.description, spec.unit)), spec)
    return names


def _key(text: str) -> str:
    """A header as compared: NFKC-normalised, without spaces or line breaks, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _unit_of_row(
    columns: list[_Column],
    number: int,
    row: Sequence[Cell],
    origin: str,
    located: Frozen,
    percent: frozenset[tuple[int, int]],
    memos: Sequence[dict[tuple[type, Cell, bool], tuple[object, str]]],
) -> Unit:
    fields: dict[str, str] = {}
    facts: dict[str, object] = {}
    problems: list[FactProblem] = []
    for column, memo in zip(columns, memos, strict=True):
        cell = row[column.index] if column.index < len(row) else ""
        if column.field is not None:
            text = _id_text(cell)
            if text:
                fields[column.field] = text
            continue
        spec = column.spec
        assert spec is not None
        if _text(cell) == "":
            if not spec.optional:
                problems.append(
                    FactProblem(spec.name, _("empty; expected {expected}", expected=expected(spec)))
                )
            continue
        as_percent = bool(percent) and (number - 1, column.index) in percent
        key = (cell.__class__, cell, as_percent)
        found = memo.get(key)
        if found is None:
            found = memo[key] = read_cell(spec, cell, as_percent=as_percent)
        value, problem = found
        if problem:
            problems.append(FactProblem(spec.name, problem))
        else:
            facts[spec.name] = value
    unit_id = fields.pop("编号", "") or fields.get("单位", "")
    name = fields.pop("单位", "") or unit_id
    if not unit_id:
        unit_id = f"row {number}"
        problems.insert(0, FactProblem("", _("no unit: the 单位 and 编号 cells are empty")))
    return Unit(unit_id, name, facts, fields, origin, number, located, problems)


def _id_text(cell: Cell) -> str:
    """A unit field's cell as text: Excel's 340100.0 is the code 340100."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return _text(cell)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    return str(cell)


# ---------------------------------------------------------------- reading cells by type

_TRUE = ("是", "true", "yes", "y", "1", "√", "✓", "✔")
_FALSE = ("否", "false", "no", "n", "0", "×", "✗", "✘")
_NONE = "无"
_SEPARATORS = re.compile(r"[、，,；;\n]+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_ADJUSTMENT = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*分?\s*[:：,，;；]?\s*(.*)", re.DOTALL)


def expected(spec: FactSpec) -> str:
    """What a cell of this fact must hold, in the words of the spreadsheet conventions."""
    match spec.kind:
        case "bool":
            return _("是 or 否 (or true/false, 1/0, √/×)")
        case "level":
            return _("one of: {words}", words=_words(spec))
        case "set":
            if spec.choices:
                return _(
                    "items separated by 、 (each one of: {words}), or {none} for none",
                    words=_words(spec),
                    none=_NONE,
                )
            return _("items separated by 、, or {none} for none", none=_NONE)
        case "adjustment":
            return _("points, then the reason, as -1.5 迟报, or 0")
        case _:
            return spec.describe()


def _words(spec: FactSpec) -> str:
    labels = dict(spec.labels)
    shown = [labels.get(word, word) for word in spec.choices or ()]
    text = ", ".join(shown)
    if labels:
        text += f" (or {', '.join(spec.choices or ())})"
    return text


def read_cell(spec: FactSpec, cell: Cell, *, as_percent: bool = False) -> tuple[object, str]:
    """A non-empty cell as the value the fact's type takes, and '', or None and what is wrong.

    Values that are of the right shape but out of range (a negative count, an unknown word in
    a fact file) are passed on for the rubric to refuse in its own words.
    """
    if isinstance(cell, datetime.date | datetime.time | datetime.timedelta):
        return None, _(
            "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
        )
    match spec.kind:
        case "bool":
            return _read_bool(spec, cell)
        case "count" | "number":
            return _read_number(spec, cell, as_percent)
        case "level":
            return _read_level(spec, cell)
        case "set":
            return _read_set(spec, cell)
        case "adjustment":
            return _read_adjustment(spec, cell)
        case _:  # a kind the rubric knows and this reader does not: let the rubric judge
            return cell, ""


def _read_bool(spec: FactSpec, cell: Cell) -> tuple[object, str]:
    if isinstance(cell, bool):
        return cell, ""
    word = _id_text(cell).casefold()
    if word in _TRUE:
        return True, ""
    if word in _FALSE:
        return False, ""
    return None, _(
        "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
    )


def _read_number(spec: FactSpec, cell: Cell, as_percent: bool) -> tuple[object, str]:
    if isinstance(cell, bool):
        return None, _(
            "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
        )
    value: Decimal | int
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float):
        # A spreadsheet number is the decimal it shows as: 0.1 stays 0.1.
        value = Decimal(repr(cell))
    else:
        text = unicodedata.normalize("NFKC", str(cell)).strip().replace("−", "-")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        if not _NUMBER.fullmatch(text):
            return None, _(
                "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
            )
        value = Decimal(text)
        if percent and spec.unit != "%":
            words = {"expected": expected(spec), "found": _shown(cell), "unit": spec.unit}
            return None, (
                _(
                    "expected {expected}, found {found}: a percentage, but this fact's unit is "
                    "{unit}, not %",
                    **words,
                )
                if spec.unit
                else _(
                    "expected {expected}, found {found}: a percentage, but this fact's unit is "
                    "not given, not %",
                    **words,
                )
            )
    if as_percent:
        value = Decimal(value) * 100
    if isinstance(value, Decimal):
        if spec.kind == "count" and value == value.to_integral_value():
            return int(value), ""
        if spec.kind == "count":
            return None, _(
                "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
            )
    return value, ""


def _match_word(spec: FactSpec, text: str) -> str | None:
    key = _key(text)
    for word in spec.choices or ():
        if _key(word) == key:
            return word
    for word, label in spec.labels:
        if _key(label) == key:
            return word
    return None


def _read_level(spec: FactSpec, cell: Cell) -> tuple[object, str]:
    text = _id_text(cell)
    if spec.choices is None:
        return text, ""
    word = _match_word(spec, text)
    if word is None:
        return None, _(
            "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
        )
    return word, ""


def _read_set(spec: FactSpec, cell: Cell) -> tuple[object, str]:
    text = _id_text(cell)
    items = [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    if items == [_NONE] and (spec.choices is None or _match_word(spec, _NONE) is None):
        return (), ""
    if spec.choices is None:
        return tuple(items), ""
    words, unknown = [], []
    for item in items:
        word = _match_word(spec, item)
        if word is None:
            unknown.append(item)
        else:
            words.append(word)
    if unknown:
        listed = ", ".join(f'"{item}"' for item in unknown)
        return None, _(
            "has {listed}, not among the allowed items: {words}", listed=listed, words=_words(spec)
        )
    return tuple(words), ""


def _read_adjustment(spec: FactSpec, cell: Cell) -> tuple[object, str]:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return (Decimal(repr(cell)) if isinstance(cell, float) else cell), ""
    text = unicodedata.normalize("NFKC", _text(cell)).replace("−", "-")
    found = _ADJUSTMENT.fullmatch(text)
    if found is None:
        return None, _(
            "expected {expected}, found {shown}", expected=expected(spec), shown=_shown(cell)
        )
    points, reason = found.groups()
    if not reason.strip():
        return Decimal(points), ""
    return {"points": Decimal(points), "reason": reason.strip()}, ""


def _shown(cell: object) -> str:
    """A cell's value as a message shows it."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, int):
        return _("the number {cell}", cell=cell)
    if isinstance(cell, float):
        return _("the number {normalize:f}", normalize=Decimal(repr(cell)).normalize())
    if isinstance(cell, datetime.datetime):
        return _("the date {isoformat}", isoformat=cell.isoformat(sep=" "))
    if isinstance(cell, datetime.date):
        return _("the date {isoformat}", isoformat=cell.isoformat())
    if isinstance(cell, datetime.time):
        return _("the time {isoformat}", isoformat=cell.isoformat())
    if isinstance(cell, datetime.timedelta):
        return _("the duration {cell}", cell=cell)
    if isinstance(cell, str):
        return _("the text {dumps}", dumps=json.dumps(cell.strip(), ensure_ascii=False))
    return f"a {type(cell).__name__}"


# ---------------------------------------------------------------- file formats


def _read_sheet(path: Path) -> _Table:
    """The first visible worksheet of a workbook, rows as Excel numbers them."""
    try:
        import python_calamine
    except ImportError:
        raise missing_extra("python-calamine", _("reading .xlsx, .xls and .ods tables")) from None
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            visible = [
                index
                for index, meta in enumerate(book.sheets_metadata)
                if meta.visible == python_calamine.SheetVisibleEnum.Visible
                and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            if not visible:
                raise FactsError(
                    [FactProblem("", _("the workbook has no visible worksheet"))], str(path)
                )
            sheet = book.get_sheet_by_index(visible[0])
            rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
    except python_calamine.CalamineError as error:
        message = _("cannot read the workbook: {error}; save it again as .xlsx", error=error)
        raise FactsError([FactProblem("", message)], str(path)) from None
    return _Table(rows)


def _read_csv(path: Path, encoding: str | None) -> _Table:
    data = path.read_bytes()
    text, used = _decode(data, encoding, str(path))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    rows: list[list[Cell]] = [
        list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return _Table(rows, encoding=used)


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """The text of a CSV file: in the encoding given, or UTF-8 (with or without BOM), else GBK."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            message = _(
                "unknown encoding {encoding!r}; use utf-8, gbk or gb18030", encoding=encoding
            )
            raise FactsError([FactProblem("", message)], name) from None
        except UnicodeDecodeError as exc:
            message = _(
                "not {encoding} text: byte {start} cannot be read; give the "
                "file's encoding with --encoding (utf-8, gbk, gb18030), or "
                "save it as CSV UTF-8",
                encoding=encoding,
                start=exc.start,
            )
            raise FactsError([FactProblem("", message)], name) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as first:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            message = _(
                "neither UTF-8 nor GBK/GB18030 text: byte {start} cannot be "
                "read; give the file's encoding with --encoding, or save it "
                "as CSV UTF-8",
                start=first.start,
            )
            raise FactsError([FactProblem("", message)], name) from None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PERCENT_FORMATS = frozenset({9, 10})  # Excel's built-in 0% and 0.00%


def _percent_cells(path: Path, columns: set[int]) -> frozenset[tuple[int, int]]:
    """The (row, column) cells, 0-based, of the first sheet shown in a percentage format.

    calamine gives values without formats, and a cell shown as 82% holds 0.82; the styles and
    the sheet are read from the workbook's XML for the few columns that need them.
    """
    try:
        with zipfile.ZipFile(path) as book:
            percent_styles = _percent_styles(book)
            if not percent_styles:
                return frozenset()
            sheet = _first_sheet(book)
            found = set()
            with book.open(sheet) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{_MAIN}c":
                        style = element.get("s")
                        if style is not None and int(style) in percent_styles:
                            row, column = _cell_position(element.get("r", ""))
                            if column in columns:
                                found.add((row, column))
                    elif element.tag == f"{_MAIN}row":
                        element.clear()
            return frozenset(found)
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return frozenset()  # not an XLSX calamine could read either way; no cell is a percentage


def _percent_styles(book: zipfile.ZipFile) -> set[int]:
    root = ElementTree.fromstring(book.read("xl/styles.xml"))
    custom = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{_MAIN}numFmt")
    }
    percent_formats = set(_PERCENT_FORMATS)
    for number, code in custom.items():
        # A % outside quotes and escapes: "0.0%" is a percentage, '0"%"' is not.
        bare = re.sub(r'"[^"]*"|\\.', "", code)
        if "%" in bare:
            percent_formats.add(number)
    xfs = root.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        index
        for index, xf in enumerate(xfs.iter(f"{_MAIN}xf"))
        if int(xf.get("numFmtId", "0")) in percent_formats
    }


def _first_sheet(book: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS}Relationship")}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        if sheet.get("state", "visible") == "visible":
            target = targets[sheet.get(f"{_DOC_RELS}id")]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError("no visible sheet")


def _cell_position(reference: str) -> tuple[int, int]:
    found = re.fullmatch(r"([A-Z]+)(\d+)", reference)
    if found is None:
        raise ValueError(reference)
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(found.group(2)) - 1, column - 1
