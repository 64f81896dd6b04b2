"""The command line: `rubric check FILE.rub`, `rubric score FILE.rub FACTS`, `rubric outline`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from rubric import __version__
from rubric._evaluator import Group, Indicator
from rubric._facts import load_facts
from rubric._numbers import fixed, plain, terminates
from rubric._result import Reason, Result, ScoredNode
from rubric._rubric import Rubric, load
from rubric.dsl.source import display_width
from rubric.errors import FactsError, RubricCheckError, RubricError, RubricSyntaxError

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
    check.add_argument(
        "--strict", action="store_true", help="count warnings as errors: exit 1 if there are any"
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: problems as a terminal shows them (default); json: every problem with its "
        "place, severity, code, message and hint, for editors and CI",
    )
    check.set_defaults(run=_check)

    outline = commands.add_parser(
        "outline", help="show the tree: ids, titles, maxes, proved bounds and the facts read"
    )
    outline.add_argument("rubric", metavar="FILE.rub", type=Path)
    outline.set_defaults(run=_outline)

    score = commands.add_parser("score", help="score one unit's facts with a rubric")
    score.add_argument("rubric", metavar="FILE.rub", type=Path)
    score.add_argument("facts", metavar="FACTS", type=Path, help="a .json or .toml file of facts")
    score.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: an indented tree with explanations (default); json: the scored tree",
    )
    score.set_defaults(run=_score)
    return parser


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "json":
        return _check_json(args, out)
    rubric = load(args.rubric)
    findings = rubric._findings
    assert findings is not None
    for warning in findings.warnings:
        print(warning.render(findings.source), file=sys.stderr)
    found = len(findings.warnings) + findings.more_warnings
    if findings.more_warnings:
        print(f"{found} warnings; the first {len(findings.warnings)} are shown", file=sys.stderr)
    if found and args.strict:
        print(
            f"{args.rubric}: {_count(found, 'warning')}, which --strict counts as errors",
            file=sys.stderr,
        )
        return EXIT_INVALID
    nodes = _walk(rubric._compiled.root.group)[1:]
    groups = sum(isinstance(node, Group) for node in nodes)
    indicators = len(nodes) - groups
    counts = ", ".join(
        _count(number, word)
        for number, word in (
            (groups, "group"),
            (indicators, "indicator"),
            (len(rubric.facts), "fact"),
        )
    )
    warned = f"; {_count(found, 'warning')}" if found else ""
    print(
        f"{args.rubric}: ok: {rubric.id} “{rubric.title}”, {counts}, max {rubric.max}{warned}",
        file=out,
    )
    return EXIT_OK


def _check_json(args: argparse.Namespace, out: TextIO) -> int:
    """Every problem as JSON: errors if the rubric has any, else its warnings."""
    try:
        rubric = load(args.rubric)
    except (RubricSyntaxError, RubricCheckError) as error:
        source, problems, omitted, ok = error.source, error.diagnostics, error.omitted, False
    else:
        findings = rubric._findings
        assert findings is not None
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
    rubric = load(args.rubric)
    print(outline(rubric), file=out)
    return EXIT_OK


def outline(rubric: Rubric) -> str:
    """The tree of a rubric: each node's id, title, max, proved bounds and the facts it reads."""
    findings = rubric._findings
    assert findings is not None
    root = rubric._compiled.root.group
    places = rubric.places
    total = findings.bounds[rubric.id]
    lines = [
        f"{rubric.id}  {rubric.title}",
        f"max {rubric.max}; the total can be {_bound(total.low, total.low_tight, '≥')} to "
        f"{_bound(total.high, total.high_tight, '≤')}",
        "",
    ]
    rows = [("id", "title", "max", "lowest", "highest", "reads")]
    for node, depth in _nodes(root, 0):
        bounds = findings.bounds[node.id]
        role = "" if node.role == "base" else f" ({node.role})"
        declared = "—" if node.max is None else fixed(node.max, places)
        rows.append(
            (
                "  " * depth + node.id,
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
        "lowest and highest: proved over every facts the rubric accepts, reached by some;",
        "≥ or ≤ marks a bound that is safe but was not shown reached.",
    ]
    return "\n".join(lines)


def _nodes(group: Group, depth: int) -> list[tuple[Group | Indicator, int]]:
    found: list[tuple[Group | Indicator, int]] = []
    for child in group.children:
        found.append((child, depth))
        if isinstance(child, Group):
            found.extend(_nodes(child, depth + 1))
    return found


def _bound(value: Fraction | None, tight: bool, mark: str) -> str:
    if value is None:
        return "-∞" if mark == "≥" else "∞"
    text = plain(value, 6)
    if not terminates(value, 6):
        text = "≈" + text
    return text if tight else mark + text


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _walk(node: object) -> list[object]:
    children = node.children if isinstance(node, Group) else ()
    return [node, *(n for child in children for n in _walk(child))]


def _score(args: argparse.Namespace, out: TextIO) -> int:
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
