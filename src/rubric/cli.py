"""The command line: `rubric check FILE.rub` and `rubric score FILE.rub FACTS`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rubric import __version__
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
