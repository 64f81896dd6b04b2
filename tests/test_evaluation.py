"""Evaluations: ranks (1, 2, 2, 4; within 类别), statistics, comparisons, rows, JSON; the CLI's
`rubric score` for many units and `rubric template`."""

from __future__ import annotations

import json
import pickle
import threading
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

import rubric
from conftest import ANHUI, EXAMPLES, ROOT
from rubric._evaluation.evaluation import json_chunks, passing
from rubric.cli import main
from units_helpers import HEADER, TABLE_RUBRIC, table_rubric, write_csv

BASE: dict[str, Any] = {
    "care": True,
    "aided": 120,
    "rate": 95,
    "spent": 12,
    "media": "national",
    "targets": ["living"],
    "factors": ["a", "b", "c", "d", "e"],
    "check": 0,
}
NOTHING = dict(BASE, care=False, aided=0, rate=0, spent=0, media="none", targets=[], factors=[])


def unit(unit_id: str, category: str, **changes: Any) -> rubric.Unit:
    return rubric.Unit(unit_id, f"{unit_id}单位", dict(BASE, **changes), {"类别": category})


@pytest.fixture(scope="module")
def demo() -> rubric.Rubric:
    return table_rubric()


@pytest.fixture(scope="module")
def five(demo: rubric.Rubric) -> rubric.Evaluation:
    return rubric.Evaluation(
        demo,
        [
            unit("A", "市"),
            unit("B", "县", rate=80),
            unit("C", "市", rate=80),
            unit("D", "县", care=False, rate=80),
            rubric.Unit("E", "E单位", NOTHING, {"类别": "市"}),
            unit("F", "县", aided="many"),
        ],
    )


def test_scores_and_errors_by_unit(five: rubric.Evaluation) -> None:
    assert {key: str(result.total) for key, result in five.results.items()} == {
        "A": "20.00",
        "B": "18.00",
        "C": "18.00",
        "D": "16.00",
        "E": "0.00",
    }
    assert [u.id for u in five.units] == ["A", "B", "C", "D", "E", "F"]
    assert [u.id for u in five.scored] == ["A", "B", "C", "D", "E"]
    (error,) = five.errors
    assert (error.unit.id, str(error)) == (
        "F",
        'F单位, aided: expected a count (a whole number, 0 or more), found the text "many"',
    )
    assert repr(five) == "<Evaluation table_demo: 5 units scored, 1 not>"


def test_ranks_share_places_and_run_within_each_category(five: rubric.Evaluation) -> None:
    assert [(s.rank, s.unit.id, s.category_rank, str(s.total), s.grade) for s in five.ranking] == [
        (1, "A", 1, "20.00", "优秀"),
        (2, "B", 1, "18.00", "优秀"),
        (2, "C", 2, "18.00", "优秀"),
        (4, "D", 2, "16.00", "优秀"),
        (5, "E", 3, "0.00", "不合格"),
    ]
    assert five.categories == ("市", "县")
    assert five.standing("C").rank == 2
    with pytest.raises(KeyError):
        five.standing("F")


def test_ranks_without_categories(demo: rubric.Rubric) -> None:
    units = [
        rubric.Unit(str(i), facts=dict(BASE, rate=rate)) for i, rate in enumerate((80, 95, 80))
    ]
    evaluation = rubric.Evaluation(demo, units)
    assert [(s.rank, s.unit.id, s.category_rank) for s in evaluation.ranking] == [
        (1, "1", None),
        (2, "0", None),
        (2, "2", None),
    ]
    assert evaluation.categories == ()


def test_grades_statistics_and_losses(five: rubric.Evaluation) -> None:
    assert [(g.grade, g.count, g.share) for g in five.grades] == [
        ("优秀", 4, Fraction(4, 5)),
        ("合格", 0, Fraction(0)),
        ("不合格", 1, Fraction(1, 5)),
    ]
    work = next(s for s in five.statistics if s.id == "g.work")
    assert (work.title, work.kind, work.path, work.depth, work.max, work.units) == (
        "帮扶工作",
        "indicator",
        ("表格读入示例", "工作", "帮扶工作"),
        2,
        Decimal("10.00"),
        5,
    )
    # A 10, B 8, C 8, D 6, E 0.
    assert (work.mean, work.minimum, work.maximum, work.lost, work.points_lost) == (
        Fraction(32, 5),
        Decimal("0.00"),
        Decimal("10.00"),
        4,
        Fraction(18),
    )
    assert work.rate == Fraction(16, 25)
    assert [s.id for s in five.statistics] == ["table_demo", "g", "g.work", "g.more"]
    assert [s.id for s in five.most_lost()] == ["g.work", "g.more"]
    assert [(s.unit.id, s.node.id, s.lost) for s in five.shortfalls()] == [
        ("B", "g.work", Decimal("2.00")),
        ("C", "g.work", Decimal("2.00")),
        ("D", "g.work", Decimal("4.00")),
        ("E", "g.work", Decimal("10.00")),
        ("E", "g.more", Decimal("10.00")),
    ]


def test_next_grade(demo: rubric.Rubric) -> None:
    units = [
        rubric.Unit("low", facts=NOTHING),
        rubric.Unit("mid", facts=dict(NOTHING, spent=10, factors=["a", "b", "c", "d", "e"])),
        rubric.Unit("top", facts=BASE),
    ]
    evaluation = rubric.Evaluation(demo, units)
    assert [str(r.total) for r in evaluation.results.values()] == ["0.00", "11.00", "20.00"]
    assert evaluation.next_grade("low") == ("合格", Decimal("8.00"))
    assert evaluation.next_grade("mid") == ("优秀", Decimal("4.00"))
    assert evaluation.next_grade("top") is None


def test_rows_and_json(five: rubric.Evaluation) -> None:
    assert five.rows()[1] == {
        "rank": 2,
        "category_rank": 1,
        "id": "B",
        "name": "B单位",
        "类别": "县",
        "total": Decimal("18.00"),
        "grade": "优秀",
        "g": Decimal("18.00"),
    }
    data = json.loads(five.to_json())
    assert data["rubric"] == {
        "id": "table_demo",
        "title": "表格读入示例",
        "version": None,
        "max": "20.00",
    }
    first = data["units"][0]
    assert {k: first[k] for k in ("id", "name", "fields", "rank", "category_rank", "total")} == {
        "id": "A",
        "name": "A单位",
        "fields": {"类别": "市"},
        "rank": 1,
        "category_rank": 1,
        "total": "20.00",
    }
    assert first["result"] == five.results["A"].to_dict()
    assert data["errors"] == [
        {
            "id": "F",
            "name": "F单位",
            "origin": "",
            "row": None,
            "problems": [
                {
                    "facts": ["aided"],
                    "message": 'expected a count (a whole number, 0 or more), found the text "many"',
                    "text": "F单位, aided: expected a count (a whole number, 0 or more), found the "
                    'text "many"',
                }
            ],
        }
    ]
    work = next(s for s in data["statistics"] if s["id"] == "g.work")
    assert work == {
        "id": "g.work",
        "title": "帮扶工作",
        "kind": "indicator",
        "max": "10.00",
        "units": 5,
        "mean": "6.40",
        "min": "0.00",
        "max_score": "10.00",
        "rate": "0.6400",
        "units_losing_points": 4,
        "points_lost": "18.00",
    }
    assert data["grades"][0] == {"grade": "优秀", "count": 4, "share": "0.8000"}


def test_self_assessment_against_verification(demo: rubric.Rubric, five: rubric.Evaluation) -> None:
    claimed = rubric.Evaluation(demo, [unit("B", "县"), unit("D", "县", rate=80), unit("Z", "市")])
    comparison = five.compare(claimed)
    assert [(d.unit.id, d.id, d.claimed, d.verified, d.difference, d.higher) for d in
            comparison.totals()] == [
        ("B", "table_demo", Decimal("20.00"), Decimal("18.00"), Decimal("2.00"), True),
        ("D", "table_demo", Decimal("18.00"), Decimal("16.00"), Decimal("2.00"), True),
    ]  # fmt: skip
    assert [(d.unit.id, d.id) for d in comparison.flagged()] == [("B", "g.work"), ("D", "g.work")]
    assert [u.id for u in comparison.only_verified] == ["A", "C", "E"]
    assert [u.id for u in comparison.only_claimed] == ["Z"]
    data = five.to_dict(comparison)["comparison"]
    assert data[0] == {
        "id": "B",
        "name": "B单位",
        "node": "table_demo",
        "title": "表格读入示例",
        "claimed": "20.00",
        "verified": "18.00",
        "difference": "2.00",
        "claimed_higher": True,
    }


def test_ranking_reads_scores_not_words(
    monkeypatch: pytest.MonkeyPatch, demo: rubric.Rubric
) -> None:
    """Ranks, statistics and rows come from numbers: no explanation is read to compute them."""
    evaluation = rubric.Evaluation(demo, [unit("A", "市"), unit("B", "县", rate=80)])

    def unread(self: object) -> object:
        raise AssertionError("an explanation was read")

    monkeypatch.setattr(rubric.ScoredNode, "explanation", property(unread), raising=False)
    assert [s.rank for s in evaluation.ranking] == [1, 2]
    assert len(evaluation.statistics) == 4
    assert evaluation.rows()[0]["total"] == Decimal("20.00")
    assert evaluation.grades[0].count == 2
    assert evaluation.most_lost()[0].id == "g.work"
    assert evaluation.shortfalls()[0].lost == Decimal("2.00")


def test_an_evaluation_is_shared_between_threads(demo: rubric.Rubric) -> None:
    fresh = rubric.Evaluation(
        demo,
        [
            unit("A", "市"),
            unit("B", "市", rate=80),
            unit("C", "市", rate=80),
            unit("D", "市", aided=0, rate=80),
        ],
    )
    seen: list[list[str]] = []

    def read() -> None:
        seen.append([f"{s.rank}{s.unit.id}" for s in fresh.ranking])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [["1A", "2B", "2C", "4D"]] * 8
    assert pickle.loads(pickle.dumps(fresh.ranking[0].unit)) == fresh.ranking[0].unit


def test_the_anhui_example_spreads_over_every_grade() -> None:
    anhui = rubric.load(ANHUI)
    units = rubric.load_units(anhui, EXAMPLES / "evaluation_2019.xlsx")
    from_csv = rubric.load_units(anhui, EXAMPLES / "evaluation_2019.csv")
    assert [u.facts for u in units] == [u.facts for u in from_csv]
    evaluation = rubric.Evaluation(anhui, units)
    assert evaluation.errors == ()
    assert len(units) == 18
    assert sorted(u.category or "" for u in units).count("县") == 2
    assert {g.grade for g in evaluation.grades if g.count} == {"优秀", "良好", "中等", "差"}
    # Each unit's total is what scoring its facts one by one gives.
    for standing in evaluation.ranking:
        assert standing.total == anhui.score(standing.unit.facts).total
    claimed = rubric.Evaluation(
        anhui, rubric.load_units(anhui, EXAMPLES / "self_assessment_2019.csv")
    )
    assert len(claimed.ranking) == 6
    assert evaluation.compare(claimed).flagged()


# ---------------------------------------------------------------- the command line


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def table(tmp_path: Path) -> Path:
    rows = [
        ["编号", "单位", "类别", *HEADER[1:]],
        ["A01", "青山市总工会", "市", "是", 120, 95, 12, "国家级媒体报道", "生活救助", "a、b、c、d、e", 0],
        ["A02", "白河县总工会", "县", "否", 120, 80, 12, "国家级媒体报道", "生活救助", "a、b、c、d、e", 0],
        ["A03", "兰溪市总工会", "市", "是", 120, 80, 12, "国家级媒体报道", "生活救助", "a、b、c、d、e", 0],
        ["A04", "芦溪县总工会", "县", "是", 120, 80, 12, "国家级媒体报道", "生活救助", "a、b、c、d、e", 0],
    ]  # fmt: skip
    return write_csv(tmp_path / "units.csv", rows)


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "table_demo.rub"
    path.write_text(TABLE_RUBRIC, encoding="utf-8")
    return path


def test_score_many_prints_a_ranked_summary_aligned_for_chinese(
    capsys: pytest.CaptureFixture[str], demo_file: Path, table: Path
) -> None:
    code, out, err = run(capsys, "score", demo_file, table)
    assert (code, err) == (0, "")
    assert out == (
        "表格读入示例  [table_demo]  4个单位，满分20.00\n"
        "\n"
        "名次  类别内名次  编号  单位          类别   总分  等级   工作\n"
        "   1           1  A01   青山市总工会  市    20.00  优秀  20.00\n"
        "   2           2  A03   兰溪市总工会  市    18.00  优秀  18.00\n"
        "   2           1  A04   芦溪县总工会  县    18.00  优秀  18.00\n"
        "   4           2  A02   白河县总工会  县    16.00  优秀  16.00\n"
    )


def test_score_many_json_csv_xlsx(
    capsys: pytest.CaptureFixture[str], demo_file: Path, table: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "score", demo_file, table, "--format", "json")
    data = json.loads(out)
    assert code == 0
    # Everything, each unit on a line of its own: written as it comes, unit by unit.
    anhui_like = rubric.Evaluation(table_rubric(), rubric.load_units(table_rubric(), table))
    assert data == anhui_like.to_dict()
    assert sum(line.startswith('    {"id": "A0') for line in out.splitlines()) == 4
    target = tmp_path / "out.json"
    assert run(capsys, "score", demo_file, table, "--format", "json", "-o", target)[:2] == (0, "")
    assert target.read_text(encoding="utf-8") == out
    assert [(u["rank"], u["id"], u["total"]) for u in data["units"]] == [
        (1, "A01", "20.00"),
        (2, "A03", "18.00"),
        (2, "A04", "18.00"),
        (4, "A02", "16.00"),
    ]
    code, out, _ = run(capsys, "score", demo_file, table, "--format", "csv")
    assert out.splitlines()[:2] == [
        "名次,类别内名次,编号,单位,类别,总分,等级,工作",
        "1,1,A01,青山市总工会,市,20.00,优秀,20.00",
    ]
    target = tmp_path / "out.csv"
    assert run(capsys, "score", demo_file, table, "--format", "csv", "-o", target)[0] == 0
    assert target.read_bytes().startswith("\ufeff名次".encode())
    book = tmp_path / "summary.xlsx"
    assert run(capsys, "score", demo_file, table, "--format", "xlsx", "-o", book) == (0, "", "")
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("汇总").to_python()
    assert rows[:2] == [
        ["名次", "类别内名次", "编号", "单位", "类别", "总分", "等级", "工作（20.00）"],
        [1.0, 1.0, "A01", "青山市总工会", "市", 20.0, "优秀", 20.0],
    ]
    assert run(capsys, "score", demo_file, table, "--format", "xlsx") == (
        2,
        "",
        "rubric score: --format xlsx needs -o FILE.xlsx\n",
    )


def test_score_many_with_a_bad_unit_scores_the_others_and_exits_1(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    rows = [["单位", *HEADER[1:]], ["甲市", "是", 120, 95, 12, "无", "无", "无", 0],
            ["乙市", "是", "", 95, 12, "无", "无", "无", 0]]  # fmt: skip
    path = write_csv(tmp_path / "t.csv", rows)
    code, out, err = run(capsys, "score", demo_file, path)
    assert code == 1
    assert out.splitlines()[3].split() == ["1", "甲市", "甲市", "12.00", "合格", "12.00"]
    assert err == (
        "1 of 2 units not scored:\n"
        f"  {path} row 3 (乙市), column C “aided” (aided): empty; expected a count (a whole "
        "number, 0 or more)\n"
    )


def test_several_facts_files_are_a_summary_and_one_stays_a_tree(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [EXAMPLES / f"{name}.json" for name in ("lanxi_city", "baihe_county", "qingshan_city")]
    code, out, err = run(capsys, "score", ANHUI, *files)
    assert (code, err) == (0, "")
    assert [line.split()[:5] for line in out.splitlines()[3:]] == [
        ["1", "qingshan_city", "qingshan_city", "91.23", "优秀"],
        ["2", "lanxi_city", "lanxi_city", "80.05", "良好"],
        ["3", "baihe_county", "baihe_county", "49.35", "差"],
    ]
    code, out, _ = run(capsys, "score", ANHUI, files[0])
    assert out.splitlines()[1] == "总分 80.05 / 100.00    等级：良好"


# ---------------------------------------------------------------- blank forms


def test_templates_in_every_format(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path, demo: rubric.Rubric
) -> None:
    for suffix in (".xlsx", ".csv", ".json", ".toml"):
        path = tmp_path / f"form{suffix}"
        code, out, _ = run(capsys, "template", demo_file, "-o", path)
        assert (code, out) == (0, f"{path}: a form for 8 facts of table_demo\n")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "form.xlsx")).get_sheet_by_name("填报")
    rows = sheet.to_python()
    assert rows[0] == ["编号", "单位", "类别", "年度", "评价方", "继续关心关爱脱困职工",
                       "实际帮扶户数（户）", "满意度（%）", "资金支出（万元）", "媒体报道",
                       "目标任务已量化的项目", "资金分配依据的因素", "现场核查酌情扣分"]  # fmt: skip
    assert rows[1] == ["id", "name", "category", "year", "assessor", *HEADER[1:]]
    assert rows[2][5:] == [
        "填 是 或 否",
        "填整数（0或以上），单位：户",
        "填数字，可填 82% 或 82，不小于0，不大于100，单位：%",
        "填数字，不小于0，单位：万元",
        "选一项：无、省级媒体报道、国家级媒体报道",
        "多项用、分隔，没有填“无”；可选：生活救助、子女助学、医疗救助",
        "多项用、分隔，没有填“无”",
        "填分值和理由，如 -1.5 迟报；没有填 0，不小于-3，不大于0，以0.5为单位",
    ]
    assert rows[2][0].startswith("# 填写说明")


def test_a_form_filled_in_by_hand_reads_back(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path, demo: rubric.Rubric
) -> None:
    csv_form = tmp_path / "form.csv"
    run(capsys, "template", demo_file, "-o", csv_form)
    with csv_form.open("a", encoding="utf-8") as file:
        file.write(
            "A01,青山市总工会,市,2019,第三方,是,120,95%,12,国家级媒体报道,生活救助,a、b,0\r\n"
        )
    (read,) = rubric.load_units(demo, csv_form)
    assert (read.id, read.name, dict(read.fields)) == (
        "A01",
        "青山市总工会",
        {"类别": "市", "年度": "2019", "评价方": "第三方"},
    )
    assert demo.score(read.facts).total == Decimal("17.00")
    for suffix, filled in (
        (".json", (('"care": ""', '"care": true'), ('"id": ""', '"id": "A01"'))),
        (".toml", (('care = ""', "care = true"), ('id = ""', 'id = "A01"'))),
    ):
        form = tmp_path / f"form{suffix}"
        run(capsys, "template", demo_file, "-o", form)
        text = form.read_text(encoding="utf-8")
        for old, new in filled:
            text = text.replace(old, new)
        form.write_text(text, encoding="utf-8")
        (unit_read,) = rubric.load_units(demo, form)
        assert unit_read.id == "A01"
        (error,) = rubric.Evaluation(demo, [unit_read]).errors
        assert [p.fact for p in error.problems] == HEADER[2:]  # only the facts left blank


def test_a_filled_xlsx_form_keeps_every_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    anhui = rubric.load(ANHUI)
    units = rubric.load_units(
        anhui, *(EXAMPLES / f"{n}.toml" for n in ("lanxi_city", "baihe_county"))
    )
    path = rubric.write_template(anhui, tmp_path / "filled.xlsx", units)
    again = rubric.load_units(anhui, path)
    assert [u.id for u in again] == ["lanxi_city", "baihe_county"]
    for before, after in zip(units, again, strict=True):
        assert anhui.score(after.facts).to_dict() == anhui.score(before.facts).to_dict()
    # Drop-downs and input hints are there for the people who fill the form in.
    import zipfile

    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert '<dataValidation type="list"' in sheet
    assert '<formula1>"是,否"</formula1>' in sheet
    assert 'promptTitle="媒体报道"' in sheet
    assert '<pane xSplit="2" ySplit="3"' in sheet


def test_template_errors(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "form.txt"
    code, _, err = run(capsys, "template", demo_file, "-o", path)
    assert (code, err) == (
        1,
        f"{path}: 1 problem, nothing was scored\n"
        "  unknown kind of form '.txt'; use .xlsx, .csv, .json or .toml\n",
    )


NA_FACTS: dict[str, Any] = {
    "progress_score": 16, "no_construction": True, "accidents": 0,
    "no_land_acquisition": False, "complaints": 2, "maintenance_score": 24,
    "free_supply": False, "fee_rate": 80,
}  # fmt: skip


def test_nodes_that_do_not_apply_are_left_out_of_statistics_and_shortfalls() -> None:
    na = rubric.load(ROOT / "docs" / "examples" / "na.rub")
    building = rubric.Unit("建", "在建", dict(NA_FACTS, no_construction=False, accidents=1))
    idle = rubric.Unit("闲", "无在建", NA_FACTS)
    evaluation = rubric.Evaluation(na, [building, idle])
    assert evaluation.results["闲"].not_applicable() == {"build.safety": "redistribute to siblings"}
    assert evaluation.results["建"].not_applicable() == {}
    ids = [node.id for node in evaluation.nodes]
    safety = ids.index("build.safety")
    assert (evaluation.applies("建", safety), evaluation.applies("闲", safety)) == (True, False)
    assert evaluation.applies("闲", ids.index("build.land"))
    # The scores as reported, in the order of the nodes, as the scored tree has them.
    for unit_id, result in evaluation.results.items():
        assert evaluation.scores(unit_id) == tuple(node.score for node in result)
    stats = {s.id: s for s in evaluation.statistics}
    assert (stats["build.safety"].units, stats["build.safety"].mean) == (1, Fraction(5))
    assert stats["build.land"].units == 2
    lost = [(s.unit.id, s.id, s.score, s.lost) for s in evaluation.shortfalls()]
    # By unit, then most lost; 施工安全 does not apply to 闲, which loses nothing there.
    assert lost == [
        ("建", "operation.maintenance", Decimal("24"), Decimal("6")),
        ("建", "operation.fees", Decimal("24"), Decimal("6")),
        ("建", "build.safety", Decimal("5"), Decimal("5")),
        ("建", "build.progress", Decimal("16"), Decimal("4")),
        ("建", "build.land", Decimal("6"), Decimal("4")),
        ("闲", "operation.maintenance", Decimal("24"), Decimal("6")),
        ("闲", "operation.fees", Decimal("24"), Decimal("6")),
        ("闲", "build.progress", Decimal("16"), Decimal("4")),
        ("闲", "build.land", Decimal("6"), Decimal("4")),
    ]
    first = evaluation.shortfalls("建")[0]
    assert (first.title, first.max, first.path) == (
        "设施维护",
        Decimal("30"),
        ("不适用示例", "运行管理", "设施维护"),
    )
    assert first.node is evaluation.results["建"]["operation.maintenance"]


def test_json_comes_in_pieces_as_to_json_writes_it(five: rubric.Evaluation) -> None:
    other = rubric.Evaluation(five.rubric, [unit("A", "市", rate=80), unit("C", "市")])
    comparison = five.compare(other)
    for indent in (2, None, 4):
        text = five.to_json(comparison, indent=indent)
        assert text == json.dumps(five.to_dict(comparison), ensure_ascii=False, indent=indent)
        assert "".join(json_chunks(five, comparison, indent=indent)) == text
        lines = "".join(json_chunks(five, comparison, indent=indent, one_per_line=True))
        assert json.loads(lines) == json.loads(text)
    lines = "".join(json_chunks(five, comparison, one_per_line=True, result_of=passing))
    units = [line for line in lines.splitlines() if '"result": ' in line]
    assert [json.loads(line.rstrip(","))["id"] for line in units] == ["A", "B", "C", "D", "E"]
    assert len(lines.splitlines()) == len(text.splitlines()) - sum(
        len(json.dumps(item, indent=2).splitlines()) - 1
        for item in [*five.to_dict()["units"], *five.to_dict(comparison)["comparison"]]
    )
    empty = rubric.Evaluation(five.rubric, [])
    assert "".join(json_chunks(empty, one_per_line=True)) == empty.to_json()
