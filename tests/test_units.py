"""Units: tables and facts files read by type with the spreadsheet conventions, and every bad table."""

from __future__ import annotations

import datetime
import json
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

import rubric
from units_helpers import FULL, HEADER, Percent, table_rubric, write_csv, write_xlsx


@pytest.fixture(scope="module")
def demo() -> rubric.Rubric:
    return table_rubric()


def one_row(demo: rubric.Rubric, tmp_path: Path, **cells: object) -> rubric.Unit:
    """Read a table of one unit whose cells are FULL's but for the ones given."""
    row = [cells.get(name, value) for name, value in zip(HEADER, FULL, strict=True)]
    (unit,) = rubric.load_units(demo, write_xlsx(tmp_path / "t.xlsx", [HEADER, row]))
    return unit


# ---------------------------------------------------------------- the conventions


def test_a_full_row_reads_and_scores(demo: rubric.Rubric, tmp_path: Path) -> None:
    unit = one_row(demo, tmp_path)
    assert (unit.id, unit.name, unit.origin, unit.row, unit.problems) == (
        "甲市",
        "甲市",
        str(tmp_path / "t.xlsx"),
        2,
        (),
    )
    assert dict(unit.facts) == {
        "care": True,
        "aided": 120,
        "rate": Decimal("95"),
        "spent": Decimal("12"),
        "media": "national",
        "targets": ("living",),
        "factors": ("a", "b", "c", "d", "e"),
        "check": Decimal("0"),
    }
    assert demo.score(unit.facts).total == Decimal("20.00")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("是", True),
        ("否", False),
        ("true", True),
        ("FALSE", False),
        ("yes", True),
        ("No", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (True, True),
        (False, False),
        ("√", True),
        ("×", False),
        ("✓", True),
        ("✗", False),
    ],
)
def test_yes_no_words(demo: rubric.Rubric, tmp_path: Path, cell: object, value: bool) -> None:
    assert one_row(demo, tmp_path, care=cell).facts["care"] is value


@pytest.mark.parametrize(
    ("cell", "value"),
    [(25, 25), (25.0, 25), ("25", 25), ("25.0", 25), ("1,200", 1200), ("１２", 12)],
)
def test_a_count_accepts_whole_numbers_as_excel_writes_them(
    demo: rubric.Rubric, tmp_path: Path, cell: object, value: int
) -> None:
    read = one_row(demo, tmp_path, aided=cell).facts["aided"]
    assert (read, type(read)) == (value, int)


def test_a_percentage_cell_reads_as_the_percent_it_shows(
    demo: rubric.Rubric, tmp_path: Path
) -> None:
    assert one_row(demo, tmp_path, rate=Percent(0.82)).facts["rate"] == Decimal("82")
    assert one_row(demo, tmp_path, rate=Percent(0.825)).facts["rate"] == Decimal("82.5")
    assert one_row(demo, tmp_path, rate="82%").facts["rate"] == Decimal("82")
    assert one_row(demo, tmp_path, rate="82.5 %").facts["rate"] == Decimal("82.5")
    assert one_row(demo, tmp_path, rate=82).facts["rate"] == 82
    # A custom format with a % counts; 0.1 + 0.2 is stored (as Excel does) with 15 digits: 0.3.
    path = write_xlsx(tmp_path / "p.xlsx", [HEADER, [*FULL[:3], Percent(0.1 + 0.2), *FULL[4:]]],
                      percent_format="0.0%")  # fmt: skip
    (unit,) = rubric.load_units(demo, path)
    assert unit.facts["rate"] == Decimal("30")
    # A percentage format on a fact whose unit is not % changes nothing.
    assert one_row(demo, tmp_path, spent=Percent(0.5)).facts["spent"] == Decimal("0.5")


def test_numbers_are_exact(demo: rubric.Rubric, tmp_path: Path) -> None:
    assert one_row(demo, tmp_path, spent=0.1).facts["spent"] == Decimal("0.1")
    assert one_row(demo, tmp_path, spent="12.345").facts["spent"] == Decimal("12.345")
    assert one_row(demo, tmp_path, spent="−1").facts["spent"] == Decimal("-1")


def test_levels_and_sets_by_word_or_label(demo: rubric.Rubric, tmp_path: Path) -> None:
    assert one_row(demo, tmp_path, media="provincial").facts["media"] == "provincial"
    assert one_row(demo, tmp_path, media=" 无 ").facts["media"] == "none"
    unit = one_row(demo, tmp_path, targets="生活救助，education；医疗救助")
    assert unit.facts["targets"] == ("living", "education", "medical")
    assert one_row(demo, tmp_path, targets="无").facts["targets"] == ()
    assert one_row(demo, tmp_path, factors="甲,乙;丙").facts["factors"] == ("甲", "乙", "丙")
    assert one_row(demo, tmp_path, factors="无").facts["factors"] == ()


def test_adjustments(demo: rubric.Rubric, tmp_path: Path) -> None:
    unit = one_row(demo, tmp_path, check="-1.5 资料迟报")
    assert unit.facts["check"] == {"points": Decimal("-1.5"), "reason": "资料迟报"}
    assert demo.score(unit.facts).total == Decimal("18.50")
    unit = one_row(demo, tmp_path, check="-1：迟报")
    assert unit.facts["check"] == {"points": Decimal("-1"), "reason": "迟报"}


def test_headers_by_description_with_unit_and_a_row_of_ids(
    demo: rubric.Rubric, tmp_path: Path
) -> None:
    people = ["编号", "单位名称", "类别", "继续关心关爱脱困职工", "实际帮扶户数（户）", "满意度(%)",
              "资金支出", "媒体报道", "目标任务已量化的项目", "资金分配依据的因素", "现场核查酌情扣分"]  # fmt: skip
    ids = ["id", "name", "category", *HEADER[1:]]
    hints = ["# 填写说明", "", "", "是/否"]
    path = write_xlsx(
        tmp_path / "form.xlsx",
        [
            ["2019年度表格（标题行）"],
            people,
            ids,
            hints,
            ["A01", "甲市总工会", "市", *FULL[1:]],
            [],
        ],
    )
    (unit,) = rubric.load_units(demo, path)
    assert (unit.id, unit.name, dict(unit.fields), unit.row) == (
        "A01",
        "甲市总工会",
        {"类别": "市"},
        5,
    )
    assert unit.category == "市"
    assert unit.columns["aided"] == "E “aided”"
    assert demo.score(unit.facts).total == Decimal("20.00")


def test_csv_in_utf8_with_and_without_bom_gbk_and_gb18030(
    demo: rubric.Rubric, tmp_path: Path
) -> None:
    rows = [HEADER, FULL]
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding)
        (unit,) = rubric.load_units(demo, path)
        assert (unit.name, unit.problems, unit.facts["media"]) == ("甲市", (), "national")
        (given,) = rubric.load_units(demo, path, encoding=encoding)
        assert given == unit
    tabs = tmp_path / "tabs.csv"
    tabs.write_text("\n".join("\t".join(map(str, row)) for row in rows), encoding="utf-8")
    assert rubric.load_units(demo, tabs)[0].facts["aided"] == 120


def test_facts_files_with_a_unit_table(demo: rubric.Rubric, tmp_path: Path) -> None:
    facts = dict(
        zip(HEADER[1:], [True, 120, 95, 12, "national", ["living"], ["a"], 0], strict=True)
    )
    named = tmp_path / "hefei.json"
    named.write_text(
        json.dumps({"unit": {"id": "340100", "name": "甲市", "类别": "市"}, **facts}),
        encoding="utf-8",
    )
    plain = tmp_path / "yi_county.toml"
    plain.write_text(
        'care = false\naided = 3\nrate = 80.5\nspent = 0\nmedia = "none"\ntargets = []\n'
        "factors = []\ncheck = 0\n",
        encoding="utf-8",
    )
    first, second = rubric.load_units(demo, named, plain)
    assert (first.id, first.name, dict(first.fields), first.where) == (
        "340100",
        "甲市",
        {"类别": "市"},
        str(named),
    )
    assert (second.id, second.name, second.facts["rate"]) == (
        "yi_county",
        "yi_county",
        Decimal("80.5"),
    )
    evaluation = rubric.Evaluation(demo, [first, second])
    assert [s.unit.id for s in evaluation.ranking] == ["340100", "yi_county"]


def test_units_are_immutable_and_pickle(demo: rubric.Rubric, tmp_path: Path) -> None:
    unit = one_row(demo, tmp_path)
    with pytest.raises(TypeError):
        unit.facts["care"] = False  # type: ignore[index]
    with pytest.raises(AttributeError):
        unit.name = "乙市"  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(unit))
    assert copy == unit
    assert copy.columns == unit.columns
    made = rubric.Unit("u1", "单位一", {"targets": ["living"]}, {"类别": "县"})
    assert made.facts["targets"] == ("living",)
    assert made.category == "县"


# ---------------------------------------------------------------- bad cells, one message each

BAD_CELLS = [
    ("care", "也许", 'column B “care” (care): expected 是 or 否 (or true/false, 1/0, √/×), '
     'found the text "也许"'),
    ("aided", 25.5, "column C “aided” (aided): expected a count (a whole number, 0 or more), "
     "found the number 25.5"),
    ("aided", "二十", 'column C “aided” (aided): expected a count (a whole number, 0 or more), '
     'found the text "二十"'),
    ("aided", -3, "column C “aided” (aided): expected a count (a whole number, 0 or more), "
     "found the number -3"),
    ("aided", datetime.date(2019, 12, 20), "column C “aided” (aided): expected a count (a whole "
     "number, 0 or more), found the date 2019-12-20"),
    ("aided", "", "column C “aided” (aided): empty; expected a count (a whole number, 0 or more)"),
    ("rate", "很高", 'column D “rate” (rate): expected a number, found the text "很高"'),
    ("rate", 120, "column D “rate” (rate): must be ≤ 100, found 120"),
    ("spent", "82%", 'column E “spent” (spent): expected a number, found the text "82%": a '
     "percentage, but this fact's unit is 万元, not %"),
    ("spent", True, "column E “spent” (spent): expected a number, found TRUE"),
    ("media", "市级媒体", 'column F “media” (media): expected one of: 无, 省级媒体报道, '
     '国家级媒体报道 (or none, provincial, national), found the text "市级媒体"'),
    ("targets", "生活救助、住房", 'column G “targets” (targets): has "住房", not among the '
     "allowed items: 生活救助, 子女助学, 医疗救助 (or living, education, medical)"),
    ("targets", "生活救助、living", 'column G “targets” (targets): lists an item twice: the '
     'list ["living", "living"]'),
    ("check", "扣一分", 'column I “check” (check): expected points, then the reason, as -1.5 '
     '迟报, or 0, found the text "扣一分"'),
    ("check", "-1.2 迟报", "column I “check” (check): must be in steps of 0.5, found -1.2"),
    ("check", -1, "column I “check” (check): gives -1 points without a reason; write it as "
     '{"points": -1, "reason": "…"}'),
]  # fmt: skip


@pytest.mark.parametrize(("column", "cell", "message"), BAD_CELLS)
def test_a_bad_cell_names_row_unit_column_fact_and_what_was_found(
    demo: rubric.Rubric, tmp_path: Path, column: str, cell: object, message: str
) -> None:
    unit = one_row(demo, tmp_path, **{column: cell})
    evaluation = rubric.Evaluation(demo, [unit])
    (error,) = evaluation.errors
    assert error.lines() == (f"{tmp_path / 't.xlsx'} row 2 (甲市), {message}",)


def test_every_problem_of_every_row_at_once_and_the_others_still_scored(
    demo: rubric.Rubric, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["甲市", *FULL[1:]],
        ["乙市", "也许", 25.5, *FULL[3:]],
        ["丙县", *FULL[1:3], "", *FULL[4:]],
        ["丁县", *FULL[1:]],
    ]
    path = write_csv(tmp_path / "units.csv", rows)
    evaluation = rubric.Evaluation(demo, rubric.load_units(demo, path))
    assert [s.unit.id for s in evaluation.ranking] == ["甲市", "丁县"]
    assert [s.rank for s in evaluation.ranking] == [1, 1]
    assert [line for e in evaluation.errors for line in e.lines()] == [
        f"{path} row 3 (乙市), column B “care” (care): expected 是 or 否 (or true/false, 1/0, "
        '√/×), found the text "也许"',
        f"{path} row 3 (乙市), column C “aided” (aided): expected a count (a whole number, 0 or "
        'more), found the text "25.5"',
        f"{path} row 4 (丙县), column D “rate” (rate): empty; expected a number",
    ]


def test_a_bad_cell_and_a_broken_bound_are_reported_together(
    demo: rubric.Rubric, tmp_path: Path
) -> None:
    unit = one_row(demo, tmp_path, care="也许", rate=120)
    (error,) = rubric.Evaluation(demo, [unit]).errors
    assert [p.render() for p in error.problems] == [
        'care: expected 是 or 否 (or true/false, 1/0, √/×), found the text "也许"',
        "rate: must be ≤ 100, found 120",
    ]


def test_duplicate_unit_ids(demo: rubric.Rubric, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [HEADER, FULL, ["乙市", *FULL[1:]], FULL])
    evaluation = rubric.Evaluation(demo, rubric.load_units(demo, path))
    assert [s.unit.id for s in evaluation.ranking] == ["乙市"]
    assert [str(e) for e in evaluation.errors] == [
        f'{path} row {row} (甲市): the unit id "甲市" is given twice, also at {path} row {other}; '
        "each unit needs an id of its own (a 自评 and a 第三方 version go in two tables, "
        "compared with --compare)"
        for row, other in ((2, 4), (4, 2))
    ]


def test_a_row_without_a_unit(demo: rubric.Rubric, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, ["", *FULL[1:]]])
    (error,) = rubric.Evaluation(demo, rubric.load_units(demo, path)).errors
    assert str(error) == f"{path} row 2 (row 2): no unit: the 单位 and 编号 cells are empty"


# ---------------------------------------------------------------- bad tables, nothing scored


def table_error(demo: rubric.Rubric, path: Path, encoding: str | None = None) -> str:
    with pytest.raises(rubric.FactsError) as caught:
        rubric.load_units(demo, path, encoding=encoding)
    return str(caught.value)


def test_unknown_columns_with_did_you_mean(demo: rubric.Rubric, tmp_path: Path) -> None:
    header = ["单位", "care", "aidd", "rate", "spent", "媒体报导", "targets", "factors", "check",
              "合计"]  # fmt: skip
    path = write_xlsx(tmp_path / "t.xlsx", [header, [*FULL, 1]])
    assert table_error(demo, path) == (
        f"{path}: 4 problems, nothing was scored\n"
        "  column C “aidd”: unknown column; did you mean “aided”?\n"
        "  column F “媒体报导”: unknown column; did you mean “媒体报道”?\n"
        "  column J “合计”: unknown column; a column names a unit field (编号, 单位, 类别, 年度, "
        "评价方, 备注) or a fact by its id or description\n"
        "  no column for the fact aided (实际帮扶户数); add a column headed aided or 实际帮扶户数\n"
        "  no column for the fact media (媒体报道); add a column headed media or 媒体报道"
    ).replace("4 problems", "5 problems")


def test_duplicate_columns(demo: rubric.Rubric, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [[*HEADER, "实际帮扶户数", "名称"], [*FULL, 1, "x"]])
    assert table_error(demo, path) == (
        f"{path}: 2 problems, nothing was scored\n"
        "  columns A and K both name the unit field 单位; keep one\n"
        "  columns C and J both name the fact aided (实际帮扶户数); keep one"
    )


def test_empty_tables(demo: rubric.Rubric, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert table_error(demo, empty) == (
        f"{empty}: 1 problem, nothing was scored\n"
        "  the table is empty; expected a header row naming the columns (单位, then each fact by "
        "its id or description), then one row per unit"
    )
    header_only = write_xlsx(tmp_path / "header.xlsx", [HEADER, [], ["# 说明"]])
    assert table_error(demo, header_only) == (
        f"{header_only}: 1 problem, nothing was scored\n"
        "  no units: the table has a header but no rows of units below it"
    )
    headless = write_csv(tmp_path / "headless.csv", [FULL, FULL])
    assert table_error(demo, headless) == (
        f"{headless}: 1 problem, nothing was scored\n"
        "  no header row: none of the first 10 rows names a 单位 (unit) or 编号 (id) column; the "
        "first row names the columns: 单位, then each fact by its id or description"
    )


def test_wrong_encodings(demo: rubric.Rubric, tmp_path: Path) -> None:
    gbk = write_csv(tmp_path / "gbk.csv", [HEADER, FULL], "gbk")
    assert table_error(demo, gbk, "utf-8") == (
        f"{gbk}: 1 problem, nothing was scored\n"
        "  not utf-8 text: byte 0 cannot be read; give the file's encoding with --encoding "
        "(utf-8, gbk, gb18030), or save it as CSV UTF-8"
    )
    broken = tmp_path / "broken.csv"
    broken.write_bytes(",".join(HEADER).encode() + b"\r\n\xff\xfe\xfd,1\r\n")
    assert table_error(demo, broken) == (
        f"{broken}: 1 problem, nothing was scored\n"
        "  neither UTF-8 nor GBK/GB18030 text: byte 58 cannot be read; give the file's encoding "
        "with --encoding, or save it as CSV UTF-8"
    )
    assert table_error(demo, gbk, "klingon") == (
        f"{gbk}: 1 problem, nothing was scored\n"
        "  unknown encoding 'klingon'; use utf-8, gbk or gb18030"
    )
    # Big5 read as GBK: the header comes out garbled, and the message says how it was read.
    big5 = write_csv(tmp_path / "big5.csv", [["單位", "care"], ["甲", "是"]], "big5")
    assert table_error(demo, big5) == (
        f"{big5}: 1 problem, nothing was scored\n"
        "  no header row: none of the first 10 rows names a 单位 (unit) or 编号 (id) column; the "
        "first row names the columns: 单位, then each fact by its id or description (the file "
        "was read as GBK/GB18030; give --encoding if it is in another)"
    )


def test_unknown_kinds_of_file(demo: rubric.Rubric, tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("x", encoding="utf-8")
    assert table_error(demo, path) == (
        f"{path}: 1 problem, nothing was scored\n"
        "  unknown kind of file '.txt'; units are read from .xlsx, .xls, .ods or .csv tables and "
        ".json or .toml facts files"
    )
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not really a workbook")
    assert table_error(demo, broken).startswith(
        f"{broken}: 1 problem, nothing was scored\n  cannot read the workbook: "
    )


def test_bad_facts_files_are_bad_units(demo: rubric.Rubric, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    odd = tmp_path / "odd.toml"
    odd.write_text('unit = { name = "丙县", leader = "某某" }\ncare = true\n', encoding="utf-8")
    evaluation = rubric.Evaluation(demo, rubric.load_units(demo, broken, odd))
    assert [line for e in evaluation.errors for line in e.lines()][:4] == [
        f"{broken} (broken): line 1 column 2: invalid JSON: Expecting property name enclosed in "
        "double quotes",
        f"{odd} (丙县), unit.leader: unknown unit field; the fields are 编号 (id), 单位 (name), "
        "类别 (category), 年度 (year), 评价方 (assessor), 备注 (note)",
        f"{odd} (丙县), aided: missing; expected a count (a whole number, 0 or more) (实际帮扶户数)",
        f"{odd} (丙县), rate: missing; expected a number (满意度)",
    ]
