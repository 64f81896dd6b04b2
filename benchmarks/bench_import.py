"""Benchmark `import rubric` in fresh interpreters, as `python -X importtime` reports it.

Run from anywhere:  python benchmarks/bench_import.py [--repeat 15]

Each run is a new interpreter that imports the package and nothing else; the figure is the
cumulative microseconds `-X importtime` gives the `rubric` line, which counts attrs, typing
and everything else the package pulls in, but not the interpreter's own start.

Compiled bytecode is cached, as in any installed copy (pip writes it when it installs a
wheel): the interpreters use a temporary `-X pycache_prefix`, which one untimed run fills
first, whatever PYTHONDONTWRITEBYTECODE says. Some sandboxes set that variable and have no
cache beside the sources: every import there compiles the package from its source again, as
the second line does (the rest of the cache kept).

Each run also checks what importing must not do: import pyparsing, or build the grammar,
before any rubric text is compiled. The hand-written scorer's speed is printed beside the
figures (yardstick.py): this machine's speed swings 2-3x from one hour to the next.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rubric
import yardstick

PACKAGE = Path(rubric.__file__).resolve().parent

_PROBE = (
    "import sys, rubric; "
    "assert 'pyparsing' not in sys.modules, 'import rubric imported pyparsing'; "
    "assert 'rubric.dsl.grammar' not in sys.modules, 'import rubric built the grammar'"
)


def import_us(prefix: str | None, write: bool) -> int:
    """The `rubric` line's cumulative microseconds in one fresh interpreter."""
    env = dict(os.environ)
    if write:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    options = ["-X", "importtime"] + (["-X", f"pycache_prefix={prefix}"] if prefix else [])
    done = subprocess.run(
        [sys.executable, *options, "-c", _PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr.strip().splitlines()[-1])
    for line in reversed(done.stderr.splitlines()):
        _, cumulative, name = line.split("|")
        if name.strip() == "rubric":
            return int(cumulative)
    raise SystemExit("no 'rubric' line in the -X importtime report")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `import rubric` in fresh interpreters.")
    parser.add_argument("--repeat", type=int, default=15, help="interpreters of each kind (15)")
    args = parser.parse_args(argv)
    print(yardstick.line("before"))
    rows = []
    with tempfile.TemporaryDirectory() as cached, tempfile.TemporaryDirectory() as bare:
        import_us(cached, write=True)  # fills the cache, untimed
        # The same cache without the package's own bytecode: the standard library and attrs
        # load from bytecode, the package is compiled from its source on every import.
        shutil.copytree(cached, bare, dirs_exist_ok=True)
        shutil.rmtree(Path(bare + str(PACKAGE)), ignore_errors=True)
        kinds = (
            ("bytecode cached (as installed)", cached, False),
            ("the package compiled from source", bare, False),
        )
        for label, prefix, write in kinds:
            runs = sorted(import_us(prefix, write) / 1000 for _ in range(args.repeat))
            rows.append((label, runs))
    print(f"import rubric, {args.repeat} fresh interpreters each ({sys.executable})")
    for label, runs in rows:
        print(f"  {label:<34} median {statistics.median(runs):6.1f} ms, best {runs[0]:6.1f} ms")
    print("pyparsing and the grammar: not imported by `import rubric`")
    print(yardstick.line("after"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
