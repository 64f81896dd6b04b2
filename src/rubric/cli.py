"""The command line: `rubric check`, `rubric score`, `rubric template` and `rubric report`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rubric import __version__
from rubric._evaluation.evaluation import Evaluation
from rubric._evaluation.units import TABLE_SUFFIXES, load_units
from rubric._facts import load_facts
from rubric._numbers import fixed
from rubric._result import Reason, Result, ScoredNode
from rubric._rubric import Rubric, load
from rubric.dsl.source import display_width
from rubric.errors import FactsError, RubricError

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args, sys.stdout)
    except RubricError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away, as `| head` does: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        print(f"rubric: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_INVALID
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rubric",
        description="Check rubrics written in the rubric DSL, and score facts with them.",
        epilog="Exit status: 0 done; 1 invalid rubric or facts; 2 wrong usage.",
    )
    parser.add_argument("--version", action="version", version=f"rubric {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check a .rub file and report every problem")
    check.add_argument("rubric", metavar="FILE.rub", type=Path)
    check.set_defaults(run=_check)

    score = commands.add_parser(
        "score", help="score one unit's facts, or many units, with a rubric"
    )
    score.add_argument("rubric", metavar="FILE.rub", type=Path)
    score.add_argument(
        "facts",
        metavar="FACTS",
        type=Path,
        nargs="+",
        help="a .json or .toml file of facts; or several, or tables (.xlsx, .csv), one unit a row",
    )
    score.add_argument(
        "--format",
        choices=("text", "json", "csv", "xlsx"),
        default="text",
        help="text: an indented tree with explanations (default), or for several units a ranked "
        "summary; json: the scored tree, or every unit; csv, xlsx: the ranked summary",
    )
    _many_options(score)
    score.set_defaults(run=_score)

    template = commands.add_parser("template", help="write a blank form of a rubric's facts")
    template.add_argument("rubric", metavar="FILE.rub", type=Path)
    template.add_argument(
        "units", metavar="UNITS", type=Path, nargs="*", help="units to fill the form with"
    )
    template.add_argument(
        "-o", "--output", type=Path, required=True, help="the form: .xlsx, .csv, .json or .toml"
    )
    template.add_argument("--encoding", help="the encoding of CSV units (default: detected)")
    template.set_defaults(run=_template)

    report = commands.add_parser(
        "report", help="score units and write 总报告, 分报告, 问题整改清单 and 汇总.xlsx"
    )
    report.add_argument("rubric", metavar="FILE.rub", type=Path)
    report.add_argument(
        "units", metavar="UNITS", type=Path, nargs="+", help="tables or facts files"
    )
    report.add_argument("-o", "--output", type=Path, required=True, help="the folder to write")
    report.add_argument(
        "--compare",
        metavar="UNITS",
        type=Path,
        nargs="+",
        help="the same units' self-assessment (自评), compared with UNITS as verification",
    )
    report.add_argument("--encoding", help="the encoding of CSV tables (default: detected)")
    report.add_argument(
        "--no-unit-reports",
        dest="unit_reports",
        action="store_false",
        help="leave out the 分报告 (one per unit), as for very many units",
    )
    report.set_defaults(run=_report)
    return parser


def _many_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("-o", "--output", type=Path, help="write to this file, not to the screen")
    command.add_argument("--encoding", help="the encoding of CSV tables (default: detected)")


def _check(args: argparse.Namespace, out: TextIO) -> int:
    rubric = load(args.rubric)
    nodes = rubric.outline()[1:]
    groups = sum(node.kind == "group" for node in nodes)
    indicators = len(nodes) - groups
    counts = ", ".join(
        _count(number, word)
        for number, word in (
            (groups, "group"),
            (indicators, "indicator"),
            (len(rubric.facts), "fact"),
        )
    )
    print(f"{args.rubric}: ok: {rubric.id} “{rubric.title}”, {counts}, max {rubric.max}", file=out)
    return EXIT_OK


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _score(args: argparse.Namespace, out: TextIO) -> int:
    one = len(args.facts) == 1 and args.facts[0].suffix.lower() not in TABLE_SUFFIXES
    if not one or args.format in ("csv", "xlsx"):
        return _score_many(args, out)
    args.facts = args.facts[0]
    if args.output is None:
        return _score_one(args, out)
    with args.output.open("w", encoding="utf-8") as file:
        return _score_one(args, file)


def _score_one(args: argparse.Namespace, out: TextIO) -> int:
    rubric = load(args.rubric)
    facts = load_facts(args.facts)
    try:
        result = rubric.score(facts)
    except FactsError as error:
        raise FactsError(error.problems, str(args.facts)) from None
    if args.format == "json":
        print(result.to_json(), file=out)
    else:
        print(render_text(rubric, result), file=out)
    return EXIT_OK


def _evaluate(rubric: Rubric, paths: Sequence[Path], encoding: str | None) -> Evaluation:
    evaluation = Evaluation(rubric, load_units(rubric, *paths, encoding=encoding))
    if evaluation.errors:
        count, total = len(evaluation.errors), len(evaluation.units)
        print(f"{count} of {total} unit{'s' if total != 1 else ''} not scored:", file=sys.stderr)
        for error in evaluation.errors:
            for line in error.lines():
                print(f"  {line}", file=sys.stderr)
    return evaluation


def _score_many(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._report.text import summary_csv, summary_text

    rubric = load(args.rubric)
    if args.format == "xlsx" and args.output is None:
        print("rubric score: --format xlsx needs -o FILE.xlsx", file=sys.stderr)
        return EXIT_USAGE
    evaluation = _evaluate(rubric, args.facts, args.encoding)
    if args.format == "xlsx":
        from rubric._report.xlsx import write_summary

        write_summary(evaluation, args.output)
    elif args.format == "json":
        from rubric._evaluation.evaluation import json_chunks, passing

        # Unit by unit, a line each, each explanation read from a copy and dropped: flat memory.
        chunks = json_chunks(evaluation, result_of=passing, one_per_line=True)
        if args.output is None:
            out.writelines(chunks)
            out.write("\n")
        else:
            with args.output.open("w", encoding="utf-8", newline="") as file:
                file.writelines(chunks)
                file.write("\n")
    else:
        text = {
            "text": lambda: summary_text(evaluation) + "\n",
            "csv": lambda: summary_csv(evaluation),
        }[args.format]()
        if args.output is None:
            out.write(text)
        else:
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
            args.output.write_text(text, encoding=encoding, newline="")
    return EXIT_INVALID if evaluation.errors else EXIT_OK


def _template(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._report.template import write_template

    rubric = load(args.rubric)
    evaluation = _evaluate(rubric, args.units, args.encoding) if args.units else None
    units = evaluation.scored if evaluation is not None else ()
    path = write_template(rubric, args.output, units)
    print(f"{path}: a form for {len(rubric.facts)} facts of {rubric.id}", file=out)
    return EXIT_INVALID if evaluation is not None and evaluation.errors else EXIT_OK


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._report.folder import write_report

    rubric = load(args.rubric)
    evaluation = _evaluate(rubric, args.units, args.encoding)
    compare = _evaluate(rubric, args.compare, args.encoding) if args.compare else None
    written = write_report(evaluation, args.output, compare=compare, unit_reports=args.unit_reports)
    units = sum(1 for path in written if path.parent.name == "分报告" and path.suffix == ".html")
    print(
        f"{args.output}: 总报告 (.html .md .docx), {units} 分报告, 问题整改清单 (.xlsx .md), "
        f"汇总.xlsx, evaluation.json; {len(evaluation.ranking)} units scored",
        file=out,
    )
    failed = evaluation.errors or (compare is not None and compare.errors)
    return EXIT_INVALID if failed else EXIT_OK


def render_text(rubric: Rubric, result: Result) -> str:
    """The result as an indented tree of scores, maxes and explanations."""
    root = result.root
    lines = [
        f"{root.title}  [{root.id}{', ' + result.version if result.version else ''}]",
        f"总分 {root.score} / {root.max}" + (f"    等级：{result.grade}" if result.grade else ""),
        "",
    ]
    nodes = [(node, depth) for node, depth in _depths(root) if node is not root]
    width = max(display_width("  " * (d - 1) + n.title) for n, d in nodes) + 2
    score_width = max(len(str(n.score)) for n, _ in nodes)
    max_width = max(len(str(n.max)) for n, _ in nodes)
    for node, depth in nodes:
        head = "  " * (depth - 1) + node.title
        pad = " " * (width - display_width(head))
        figures = f"{node.score!s:>{score_width}} / {node.max!s:>{max_width}}"
        lines.append(f"{head}{pad}{figures}  {node.id}")
        if not node.applicable:
            lines[-1] += "  （不适用）"
        lines.extend(_reason_line(reason, depth, rubric.places) for reason in node.explanation)
    if root.explanation:
        lines += ["", "总分"]
        lines.extend(_reason_line(reason, 1, rubric.places) for reason in root.explanation)
    if result.grade_explanation:
        lines += ["", "等级"]
        lines.extend(f"  {reason.text}" for reason in result.grade_explanation)
    return "\n".join(lines)


def _depths(node: ScoredNode, depth: int = 0) -> list[tuple[ScoredNode, int]]:
    return [(node, depth), *(d for child in node.children for d in _depths(child, depth + 1))]


def _reason_line(reason: Reason, depth: int, places: int) -> str:
    shown = fixed(reason.points, places)
    signed = ("+" if reason.points > 0 and shown.strip("0.") else "") + shown
    return f"{'  ' * depth}{signed:>7}  {reason.text}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
