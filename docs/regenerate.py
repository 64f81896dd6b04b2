"""Rewrite the outputs the docs show, in place, from what the current engine prints.

Run from anywhere:  python docs/regenerate.py [--check]

then read `git diff README.md docs/`: every change is a change in what readers of the docs see,
and must be meant (as after an intended change of wording in the engine).

- What it rewrites: in README.md and docs/*.md, what each `$ rubric …` command of a `console`
  block prints, and what each `>>>` line of a `python` transcript prints. The commands and the
  `>>>` lines themselves, and all other text, are left as they are.
- Where it runs them: in docs/examples/, which holds every file the docs' commands and
  transcripts read (a block marked `<!-- run in: DIR -->` runs in docs/examples/DIR: the
  tutorial's steps, each with its own practice.rub). It rewrites no example file, except what
  a shown `printf … > FILE` writes.
- What it leaves alone: blocks marked `<!-- not checked: REASON -->`; it lists them, to be
  reviewed by hand. A line `…` in a shown output stays, with as many lines above and below it.
- `--check` writes nothing and exits with status 1 if anything would change.
- tests/test_doc_outputs.py fails whenever this script would change something; both run the
  blocks through tests/doc_outputs.py. It takes a second or two.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import doc_outputs  # noqa: E402  (it lives beside the tests that share it)


def regenerate(path: Path, *, write: bool) -> list[str]:
    """Rewrite one Markdown file's outputs; return the places of the blocks that changed."""
    lines = path.read_text(encoding="utf-8").split("\n")
    runs = doc_outputs.runs(path)
    changed: list[str] = []
    now = {run.line: doc_outputs.now(run, write=write) for run in runs if run.skipped is None}
    for run in runs:
        if run.skipped is not None:
            print(f"{run.where}: not checked ({run.skipped}); review it by hand")
    for run in reversed(runs):  # from the bottom up, so that the line numbers above stay right
        if run.skipped is None and now[run.line] != list(run.lines):
            changed.append(run.where)
            lines[run.line : run.line + len(run.lines)] = now[run.line]
    if changed and write:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed[::-1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything would change"
    )
    args = parser.parse_args(argv)
    changed = [
        where for path in doc_outputs.DOCS for where in regenerate(path, write=not args.check)
    ]
    verb = "would change" if args.check else "rewritten"
    for where in changed:
        print(f"{where}: {verb}")
    print(f"{len(changed)} block(s) {verb}" if changed else "every output is up to date")
    return 1 if changed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
