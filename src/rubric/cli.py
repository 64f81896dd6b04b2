"""The command line: check, outline, score, template, report, test and fmt: prints only."""

from __future__ import annotations

import argparse
import difflib
import gc
import json
import os
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rubric import __version__
from rubric._collector import full_collections_held
from rubric._facts import load_facts
from rubric._i18n import LANGUAGES, _, from_environment, language, ngettext
from rubric._numbers import fixed, plain, terminates
from rubric._result import Advice, Reason, Result, ScoredNode
from rubric._rubric import Rubric, load
from rubric.dsl.source import Source, display_width
from rubric.errors import (
    CaseError,
    FactsError,
    RubricCheckError,
    RubricError,
    RubricSyntaxError,
)

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Evaluation

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    arguments = sys.argv[1:] if argv is None else list(argv)
    # The language is known before the parser is built: its help and its errors use it.
    with language(_language(arguments)):
        code = _main(arguments, whole_process=argv is None)
    if argv is None:
        # The process ends here. Python's collection at exit would walk every object the
        # command made (0.4 s after `rubric check` of 10,000 indicators) to free what the end
        # of the process frees anyway.
        gc.freeze()
    return code


def _load(args: argparse.Namespace) -> Rubric:
    """The command's rubric, compiled.

    Run as the program, the command lives as long as the rubric: the collector is told to
    leave everything made so far alone (gc.freeze) instead of walking it in every full
    collection to come, which took a sixth of `rubric check` on 10,000 indicators. Called from
    other code (tests, embedding software), the process's collector is not touched.
    """
    rubric = load(args.rubric)
    if getattr(args, "whole_process", False):
        gc.freeze()
    return rubric


def _language(arguments: Sequence[str]) -> str:
    """The language of messages: `--lang zh|en` anywhere before `--`, else the locale's."""
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        value = None
        if argument == "--lang" and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--lang="):
            value = argument.partition("=")[2]
        if value in LANGUAGES:
            return value
    return from_environment()


def _main(arguments: list[str], *, whole_process: bool = False) -> int:
    args = _parser().parse_args(arguments)
    args.whole_process = whole_process
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
        print(
            _(
                "rubric: cannot read {filename}: {strerror}",
                filename=error.filename,
                strerror=error.strerror,
            ),
            file=sys.stderr,
        )
        return EXIT_INVALID
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rubric",
        description=_("Check rubrics written in the rubric DSL, and score facts with them."),
        epilog=_("Exit status: 0 done; 1 invalid rubric or facts; 2 wrong usage."),
    )
    parser.add_argument("--version", action="version", version=f"rubric {__version__}")
    # --lang is taken before or after the command; the value before it wins if both are given.
    lang_help = _(
        "the language of messages: zh (Chinese) or en (English); default: the locale's "
        "(LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English"
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=lang_help)
    commands = parser.add_subparsers(
        title="commands",
        metavar="COMMAND",
        required=True,
    )

    check = commands.add_parser(
        "check", parents=[common], help=_("check a .rub file and report every problem")
    )
    check.add_argument("rubric", metavar="FILE.rub", type=Path)
    check.add_argument(
        "--strict",
        action="store_true",
        help=_("count warnings as errors: exit 1 if there are any"),
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=_(
            "text: problems as a terminal shows them (default); json: "
            "every problem with its place, severity, code, message and "
            "hint, for editors and CI"
        ),
    )
    check.set_defaults(run=_check)

    outline = commands.add_parser(
        "outline",
        parents=[common],
        help=_("show the tree: ids, titles, maxes, proved bounds and the facts read"),
    )
    outline.add_argument("rubric", metavar="FILE.rub", type=Path)
    outline.set_defaults(run=_outline)

    score = commands.add_parser(
        "score", parents=[common], help=_("score one unit's facts, or many units, with a rubric")
    )
    score.add_argument("rubric", metavar="FILE.rub", type=Path)
    score.add_argument(
        "facts",
        metavar="FACTS",
        type=Path,
        nargs="+",
        help=_(
            "a .json or .toml file of facts; or several, or tables (.xlsx, .csv), one unit a row"
        ),
    )
    score.add_argument(
        "--format",
        choices=("text", "json", "csv", "xlsx"),
        default="text",
        help=_(
            "text: an indented tree with explanations (default), or for "
            "several units a ranked summary; json: the scored tree, or "
            "every unit; csv, xlsx: the ranked summary"
        ),
    )
    score.add_argument(
        "--what-if",
        metavar="FACT=VALUE",
        dest="what_if",
        action="append",
        type=_change,
        default=[],
        help=_(
            "score the unit again with this fact changed (VALUE as JSON "
            "where it parses, else as text), and print what moved; may "
            "be repeated"
        ),
    )
    _many_options(score)
    score.set_defaults(run=_score)

    template = commands.add_parser(
        "template", parents=[common], help=_("write a blank form of a rubric's facts")
    )
    template.add_argument("rubric", metavar="FILE.rub", type=Path)
    template.add_argument(
        "units", metavar="UNITS", type=Path, nargs="*", help=_("units to fill the form with")
    )
    template.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help=_("the form: .xlsx, .csv, .json or .toml"),
    )
    template.add_argument("--encoding", help=_("the encoding of CSV units (default: detected)"))
    template.set_defaults(run=_template)

    report = commands.add_parser(
        "report",
        parents=[common],
        help=_("score units and write 总报告, 分报告, 问题整改清单 and 汇总.xlsx"),
    )
    report.add_argument("rubric", metavar="FILE.rub", type=Path)
    report.add_argument(
        "units", metavar="UNITS", type=Path, nargs="+", help=_("tables or facts files")
    )
    report.add_argument("-o", "--output", type=Path, required=True, help=_("the folder to write"))
    report.add_argument(
        "--compare",
        metavar="UNITS",
        type=Path,
        nargs="+",
        help=_("the same units' self-assessment (自评), compared with UNITS as verification"),
    )
    report.add_argument("--encoding", help=_("the encoding of CSV tables (default: detected)"))
    report.add_argument(
        "--no-unit-reports",
        dest="unit_reports",
        action="store_false",
        help=_("leave out the 分报告 (one per unit), as for very many units"),
    )
    report.set_defaults(run=_report)
    fmt = commands.add_parser(
        "fmt", parents=[common], help=_("rewrite .rub files in the one canonical layout")
    )
    fmt.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        type=Path,
        help=_("a .rub file, a directory (every .rub file below it), or - (stdin to stdout)"),
    )
    fmt.add_argument(
        "--check",
        action="store_true",
        help=_("change nothing; exit 1 if a file is not formatted"),
    )
    fmt.add_argument(
        "--diff",
        action="store_true",
        help=_("change nothing; print what would change as a diff"),
    )
    fmt.set_defaults(run=_fmt)

    test = commands.add_parser(
        "test",
        parents=[common],
        help=_("score test cases of a rubric and compare; report what no case exercised"),
    )
    test.add_argument("rubric", metavar="FILE.rub", type=Path)
    test.add_argument(
        "cases",
        metavar="CASE",
        nargs="+",
        type=Path,
        help=_("a case file (TOML: [facts] and [expect]), or a directory of *.case.toml files"),
    )
    test.set_defaults(run=_test)
    return parser


def _many_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-o", "--output", type=Path, help=_("write to this file, not to the screen")
    )
    command.add_argument("--encoding", help=_("the encoding of CSV tables (default: detected)"))


def _change(text: str) -> tuple[str, object]:
    """A --what-if argument: a fact's name and its value, JSON where it parses, else text."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(_("expected FACT=VALUE, found {text!r}", text=text))
    import json
    from decimal import Decimal

    try:
        parsed: object = json.loads(value, parse_float=Decimal)
    except ValueError:
        parsed = value
    return name.strip(), parsed


def _check(args: argparse.Namespace, out: TextIO) -> int:
    # Compiling and the analysis each hold off full collections; held across the whole
    # command, none comes between them either (one walked the analysis's objects for a twentieth
    # of `rubric check` on 10,000 indicators).
    with full_collections_held():
        if args.format == "json":
            return _check_json(args, out)
        return _check_text(args, out)


def _check_text(args: argparse.Namespace, out: TextIO) -> int:
    rubric = _load(args)
    findings = rubric.findings
    for warning in findings.warnings:
        print(warning.render(findings.source), file=sys.stderr)
    found = len(findings.warnings) + findings.more_warnings
    warnings = ngettext("{count} warning", "{count} warnings", found)
    if findings.more_warnings:
        print(
            _(
                "{warnings}; the first {shown} are shown",
                warnings=warnings,
                shown=len(findings.warnings),
            ),
            file=sys.stderr,
        )
    if found and args.strict:
        print(
            _(
                "{file}: {warnings}, which --strict counts as errors",
                file=args.rubric,
                warnings=warnings,
            ),
            file=sys.stderr,
        )
        return EXIT_INVALID
    nodes = rubric.outline()[1:]
    groups = sum(node.kind == "group" for node in nodes)
    indicators = len(nodes) - groups
    counts = _(", ").join(
        [
            ngettext("{count} group", "{count} groups", groups),
            ngettext("{count} indicator", "{count} indicators", indicators),
            ngettext("{count} fact", "{count} facts", len(rubric.facts)),
        ]
    )
    ok = _(
        "{file}: ok: {id} “{title}”, {counts}, max {max}",
        file=args.rubric,
        id=rubric.id,
        title=rubric.title,
        counts=counts,
        max=rubric.max,
    )
    print(_("{ok}; {warnings}", ok=ok, warnings=warnings) if found else ok, file=out)
    return EXIT_OK


def _check_json(args: argparse.Namespace, out: TextIO) -> int:
    """Every problem as JSON: errors if the rubric has any, else its warnings."""
    try:
        rubric = _load(args)
    except (RubricSyntaxError, RubricCheckError) as error:
        source, problems, omitted, ok = error.source, error.diagnostics, error.omitted, False
    else:
        findings = rubric.findings
        source, problems, omitted = findings.source, findings.warnings, findings.more_warnings
        ok = not (args.strict and (problems or omitted))
    report = {
        "file": str(args.rubric),
        "ok": ok,
        "diagnostics": [problem.to_dict(source) for problem in problems],
        "omitted": omitted,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2), file=out)
    return EXIT_OK if ok else EXIT_INVALID


def _outline(args: argparse.Namespace, out: TextIO) -> int:
    rubric = _load(args)
    print(outline(rubric), file=out)
    return EXIT_OK


def outline(rubric: Rubric) -> str:
    """The tree of a rubric: each node's id, title, max, proved bounds and the facts it reads."""
    findings = rubric.findings
    total = findings.bounds[rubric.id]
    lines = [
        f"{rubric.id}  {rubric.title}",
        _(
            "max {max}; the total can be {low} to {high}",
            max=rubric.max,
            low=_bound(total.low, total.low_tight, "≥"),
            high=_bound(total.high, total.high_tight, "≤"),
        ),
        "",
    ]
    rows = [(_("id"), _("title"), _("max"), _("lowest"), _("highest"), _("reads"))]
    for node in rubric.outline()[1:]:
        bounds = findings.bounds[node.id]
        words = _("bonus") if node.role == "bonus" else _("deductions")
        role = "" if node.role == "base" else f" ({words})"
        declared = "—" if node.declared is None else str(node.declared)
        rows.append(
            (
                "  " * (node.depth - 1) + node.id,
                node.title + role,
                declared,
                _bound(bounds.low, bounds.low_tight, "≥"),
                _bound(bounds.high, bounds.high_tight, "≤"),
                ", ".join(findings.reads.get(node.id, ())),
            )
        )
    widths = [max(display_width(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = []
        for i, cell in enumerate(row[:5]):
            pad = " " * (widths[i] - display_width(cell))
            cells.append(pad + cell if i in (2, 3, 4) else cell + pad)
        lines.append(("  ".join(cells) + "  " + row[5]).rstrip())
    lines += [
        "",
        _("lowest and highest: proved over every facts the rubric accepts, reached by some;"),
        _("≥ or ≤ marks a bound that is safe but was not shown reached."),
    ]
    return "\n".join(lines)


def _bound(value: Fraction | None, tight: bool, mark: str) -> str:
    if value is None:
        return "-∞" if mark == "≥" else "∞"
    text = plain(value, 6)
    if not terminates(value, 6):
        text = "≈" + text
    return text if tight else mark + text


def _score(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._evaluation.units import TABLE_SUFFIXES

    one = len(args.facts) == 1 and args.facts[0].suffix.lower() not in TABLE_SUFFIXES
    if not one or args.format in ("csv", "xlsx"):
        if args.what_if:
            print(_("rubric score: --what-if takes one unit's facts file"), file=sys.stderr)
            return EXIT_USAGE
        return _score_many(args, out)
    args.facts = args.facts[0]
    if args.output is None:
        return _score_one(args, out)
    with args.output.open("w", encoding="utf-8") as file:
        return _score_one(args, file)


def _score_one(args: argparse.Namespace, out: TextIO) -> int:
    rubric = _load(args)
    if rubric.compares_units:
        from rubric.errors import CohortError

        raise CohortError(
            _(
                "{rubric}: this rubric compares each unit with the others, "
                "so one unit's facts cannot be scored alone; give every "
                "unit: rubric score {rubric} units.csv (a table, one row per "
                "unit), or several facts files",
                rubric=args.rubric,
            )
        )
    facts = load_facts(args.facts)
    try:
        result = rubric.score(facts)
    except FactsError as error:
        raise FactsError(error.problems, str(args.facts)) from None
    what = None
    if args.what_if:
        try:
            what = result.what_if(dict(args.what_if))
        except FactsError as error:
            raise FactsError(error.problems, "--what-if") from None
    if args.format == "json":
        if what is None:
            print(result.to_json(), file=out)
        else:
            import json

            data = result.to_dict()
            data["what_if"] = what.to_dict()
            print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    else:
        print(render_text(rubric, result), file=out)
        if what is not None:
            print(f"\n{what.text()}", file=out)
    return EXIT_OK


def _evaluate(rubric: Rubric, paths: Sequence[Path], encoding: str | None) -> Evaluation:
    from rubric._evaluation.evaluation import Evaluation
    from rubric._evaluation.units import load_units

    evaluation = Evaluation(rubric, load_units(rubric, *paths, encoding=encoding))
    if evaluation.errors:
        count, total = len(evaluation.errors), len(evaluation.units)
        print(
            ngettext(
                "{errors} of {count} unit not scored:",
                "{errors} of {count} units not scored:",
                total,
                errors=count,
            ),
            file=sys.stderr,
        )
        for error in evaluation.errors:
            for line in error.lines():
                print(f"  {line}", file=sys.stderr)
    return evaluation


def _score_many(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._report.text import summary_csv, summary_text

    rubric = _load(args)
    if args.format == "xlsx" and args.output is None:
        print(_("rubric score: --format xlsx needs -o FILE.xlsx"), file=sys.stderr)
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

    rubric = _load(args)
    evaluation = _evaluate(rubric, args.units, args.encoding) if args.units else None
    units = evaluation.scored if evaluation is not None else ()
    path = write_template(rubric, args.output, units)
    print(
        _(
            "{path}: a form for {number} facts of {id}",
            path=path,
            number=len(rubric.facts),
            id=rubric.id,
        ),
        file=out,
    )
    return EXIT_INVALID if evaluation is not None and evaluation.errors else EXIT_OK


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._report.folder import write_report

    rubric = _load(args)
    evaluation = _evaluate(rubric, args.units, args.encoding)
    compare = _evaluate(rubric, args.compare, args.encoding) if args.compare else None
    written = write_report(evaluation, args.output, compare=compare, unit_reports=args.unit_reports)
    units = sum(1 for path in written if path.parent.name == "分报告" and path.suffix == ".html")
    print(
        _(
            "{output}: 总报告 (.html .md .docx), {units} 分报告, 问题整改清单 (.xlsx "
            ".md), 汇总.xlsx, evaluation.json; {number} units scored",
            output=args.output,
            units=units,
            number=len(evaluation.ranking),
        ),
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
        lines.extend(_advice_line(advice, depth) for advice in node.advice)
    if root.explanation:
        lines += ["", "总分"]
        lines.extend(_reason_line(reason, 1, rubric.places) for reason in root.explanation)
        lines.extend(_advice_line(advice, 1) for advice in root.advice)
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


def _advice_line(advice: Advice, depth: int) -> str:
    # Under the sentences of the explanation, with no figure in the column of points: the
    # points are what a change would add, not part of the score.
    return f"{'  ' * depth}{'':>7}  可改进：{advice.text}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def _fmt(args: argparse.Namespace, out: TextIO) -> int:
    from rubric.dsl.format import format_file, format_text

    if Path("-") in args.files:
        if len(args.files) > 1:
            print(_("rubric fmt: - (stdin) cannot be given with files"), file=sys.stderr)
            return EXIT_USAGE
        text = sys.stdin.read()
        try:
            new = format_text(text, "<stdin>")
        except RuntimeError as error:  # a bug in the formatter: the text is left as it is
            print(_("rubric fmt: {error}", error=error), file=sys.stderr)
            return EXIT_INVALID
        if args.diff:
            out.writelines(_diff(text, new, "<stdin>"))
        elif not args.check:
            out.write(new)
        return EXIT_INVALID if args.check and new != text else EXIT_OK
    paths = _rubric_files(args.files)
    write = not (args.check or args.diff)
    changed = unchanged = failed = 0
    for path in paths:
        try:
            text, new = format_file(path)
        except RubricError as error:
            failed += 1
            print(error, file=sys.stderr)
            continue
        except OSError as error:
            failed += 1
            print(
                _("rubric: cannot read {path}: {strerror}", path=path, strerror=error.strerror),
                file=sys.stderr,
            )
            continue
        except RuntimeError as error:  # a bug in the formatter: the file is left as it is
            failed += 1
            print(_("rubric fmt: {error}", error=error), file=sys.stderr)
            continue
        if new == text:
            unchanged += 1
            continue
        changed += 1
        if args.diff:
            out.writelines(_diff(text, new, str(path)))
        if write:
            path.write_bytes(new.encode("utf-8"))
            print(_("reformatted {path}", path=path), file=out)
        elif not args.diff:
            print(_("would reformat {path}", path=path), file=out)
    print(_fmt_summary(changed, unchanged, failed, write=write), file=out)
    return EXIT_INVALID if failed or (changed and args.check) else EXIT_OK


def _rubric_files(given: list[Path]) -> list[Path]:
    """The files given, and every .rub file below each directory given, in order."""
    found: list[Path] = []
    for path in given:
        found.extend(sorted(path.rglob("*.rub")) if path.is_dir() else [path])
    return list(dict.fromkeys(found))


def _diff(old: str, new: str, name: str) -> list[str]:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), name, f"{name} (formatted)"
    )
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def _fmt_summary(changed: int, unchanged: int, failed: int, *, write: bool) -> str:
    if write:
        parts = [
            ngettext("{count} file reformatted", "{count} files reformatted", changed),
            ngettext("{count} file left unchanged", "{count} files left unchanged", unchanged),
        ]
    else:
        parts = [
            ngettext(
                "{count} file would be reformatted", "{count} files would be reformatted", changed
            ),
            ngettext(
                "{count} file already formatted", "{count} files already formatted", unchanged
            ),
        ]
    if failed:
        parts.append(
            ngettext(
                "{count} file could not be formatted",
                "{count} files could not be formatted",
                failed,
            )
        )
    return _(", ").join(parts)


def _test(args: argparse.Namespace, out: TextIO) -> int:
    from rubric._cases import case_files, coverage, load_case, run_case

    rubric = _load(args)
    paths = case_files(args.cases)
    if not paths:
        print(
            _(
                "rubric test: no *.case.toml files in {items}",
                items=", ".join(map(str, args.cases)),
            ),
            file=sys.stderr,
        )
        return EXIT_INVALID
    outcomes, broken = [], 0
    for path in paths:
        try:
            case = load_case(path)
        except (CaseError, OSError) as error:
            broken += 1
            print(
                error
                if isinstance(error, CaseError)
                else _(
                    "rubric: cannot read {path}: {strerror}", path=path, strerror=error.strerror
                ),
                file=sys.stderr,
            )
            continue
        if case.rubric is not None and case.rubric != args.rubric.resolve():
            broken += 1
            print(
                _(
                    "{path}: this case is for {rubric}, not {rubric2}",
                    path=path,
                    rubric=case.rubric,
                    rubric2=args.rubric,
                ),
                file=sys.stderr,
            )
            continue
        outcome = run_case(rubric, case)
        outcomes.append(outcome)
        mark = _("ok  ") if outcome.passed else _("FAIL")
        print(f"{mark}  {path}  {case.name}", file=out)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        print(f"\n{outcome.render()}", file=out)
    counts = _(
        "{passed} passed, {failed} failed", passed=len(outcomes) - len(failed), failed=len(failed)
    )
    if broken:
        counts = _("{counts}, {broken} could not be run", counts=counts, broken=broken)
    cases = ngettext("{count} case", "{count} cases", len(paths))
    print("\n" + _("{cases}: {counts}", cases=cases, counts=counts), file=out)
    text = args.rubric.read_text(encoding="utf-8").removeprefix("\ufeff")
    results = [o.result for o in outcomes if o.result is not None]
    print(coverage(Source(text, str(args.rubric)), results).render(str(args.rubric)), file=out)
    return EXIT_INVALID if failed or broken else EXIT_OK
