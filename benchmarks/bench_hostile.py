"""Replay hostile and huge inputs through the command line: each must end fast, without a traceback.

    .venv/bin/python benchmarks/bench_hostile.py                 # every row, --timeout 60
    .venv/bin/python benchmarks/bench_hostile.py --only score    # the rows whose name has "score"

Each row writes its rubric (and facts file) to a fresh temporary directory and runs
`python -m rubric check …` or `python -m rubric score …` there, in a fresh process with
`PYTHONPATH` unset and an English locale (the package is installed editable in the virtualenv).
It prints the row's name, the size of its input files, the wall seconds, the exit code, and
`traceback` if the process printed one, else the first 70 characters of the first line it
printed (standard error first, then standard output; control characters escaped).

The processes load compiled bytecode, as an installed copy does (pip writes it when it installs
a wheel): they share a temporary `-X pycache_prefix` that an untimed `check` and `score` of a
small rubric fill first, whatever PYTHONDONTWRITEBYTECODE says (some sandboxes set it, and
every start there compiles the package from its source: 0.3-0.5 s a row on a slow hour).
The hand-written scorer's speed is printed before and after the rows (yardstick.py): this
machine's speed swings 2-3x from one hour to the next, and the seconds are read against it.

A row passes when it ends in under 5 s with exit code 0 or 1 and no traceback; a row that runs
past `--timeout` seconds is killed and fails. The script exits with status 1 if any row fails.
A `score` row marked as following a `check` row is skipped when that check refuses the rubric.

The rows are an audit's table, built as `tests/test_limits.py`, `tests/test_facts.py` and
`tests/big_rubrics.py` build them: absurd rounding places; values squared twenty times;
30-digit literals cubed; `points by` tables of 400, 800, 1,000 (on one line) and 2,000 arms;
a megabyte line of terms and a megabyte number; 5,000 groups, 10,000 indicators, a level of
20,000 words; 50,000 to 100,000 bad lines of six kinds; `/dev/zero`; counts of 4,300 and of a
million digits; a linear band of no width; a one-of group whose part counts for nothing;
rounding places of 5,000 digits; duplicate keys in an adjustment; control characters in a
fact's name and in a reason; a 5-million-character text as a fact.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import yardstick  # noqa: E402 - beside this script
from big_rubrics import ONE_OF, SMALL, rubric_text  # noqa: E402  (tests/ holds no package)

FAST = 5.0  # seconds a row may take
SHOWN = 70  # characters of the first line shown

# HEAD and RULE as tests/test_limits.py writes them (importing the test module would need
# pytest and hypothesis); ONE_OF and SMALL are shared through tests/big_rubrics.py. GOOD is
# test_facts.py's, with its rate as a JSON number.
HEAD = 'rubric r "题" max 10\nfact x: count "数"\nfact ok: bool "是"\nindicator q "指标" max 10\n'
RULE = "  +10 if ok and x > 1\n"

GOOD = {
    "ok": True,
    "n": 3,
    "done": 2,
    "rate": 1.5,
    "media": "none",
    "areas": ["living"],
    "factors": ["甲"],
}

COUNT = (
    'rubric d "t" max 10\nfact n: count "户数" unit "户"\nindicator i "i" max 10\n  +10 if n > 1\n'
)
ADJUST = (
    'rubric d "t" max 1\nfact adj: adjustment >= -1 "调整"\nfact ok: bool "是"\n'
    'indicator i "i" max 1\n  +1 if ok\n  adjust by adj\n'
)
CONTROLS = (
    'rubric d "t" max 2\nfact adj: adjustment "调整"\nfact s: set "因素"\n'
    'indicator i "i" max 2\n  +1 for each of s\n  +1 if number of s >= 0\n  adjust by adj\n'
)


def valid(text: str) -> str:
    """HEAD with the lines given put before its facts, and a rule that reads both facts."""
    return HEAD.replace("fact x", f"{text}fact x") + RULE


def squares() -> str:
    """v2 = v1 * v1, … twenty times from v1 = x + 1 (test_values_squared_twenty_times…)."""
    lets = "".join(f'let v{i + 1} "值{i + 1}" = v{i} * v{i}\n' for i in range(1, 21))
    return (
        f'rubric r "题" max 10\nfact x: number "数"\nlet v1 "值1" = x + 1\n{lets}'
        'indicator q "指标" max 10\n  +10 if v21 > 1\n'
    )


def cubed() -> str:
    big = "9" * 30
    return HEAD + f'  let v "立方" = {big} * {big} * {big} * x\n  +10 if v > 1 or ok\n'


def arm_lines(count: int) -> str:
    arms = "".join(f"    <= {i} -> {i % 10}\n" for i in range(count))
    return f"{HEAD}  points by x:\n{arms}    otherwise -> 0\n"


def arms_on_one_line(count: int) -> str:
    arms = ", ".join(f"<= {i} -> {i % 10}" for i in range(count))
    return f"{HEAD}  points by x: {arms}, otherwise -> 0\n"


def level_of_words(count: int) -> str:
    words = ", ".join(f"w{i}" for i in range(count))
    return HEAD.replace('fact ok: bool "是"', f"fact ok: level {{{words}}}") + "  +10 if ok = w1\n"


def bad_facts(count: int) -> str:
    body = "".join('fact x: count "数"\n' for _ in range(count))
    return HEAD.replace('fact ok: bool "是"\n', f'fact ok: bool "是"\n{body}') + RULE


def bad_requires(count: int) -> str:
    body = "".join(f'require x > z{i} "说明"\n' for i in range(count))
    return HEAD.replace('fact ok: bool "是"\n', f'fact ok: bool "是"\n{body}') + RULE


def bad_grades(count: int) -> str:
    # Each grade reads an undeclared name (E201); the last is left with a condition (E329).
    return valid("".join(f"grade g{i} if total >= y{i}\n" for i in range(count)))


def facts_json(facts: dict[str, object]) -> str:
    return json.dumps(facts, ensure_ascii=False)


Files = dict[str, str]


@dataclass
class Row:
    """One input: the files it writes and the arguments of `python -m rubric` that read them."""

    name: str
    files: Callable[[], Files]
    args: list[str]
    after: str | None = None  # the check row that must pass (exit 0) for this one to run
    size: str | None = None  # shown instead of the files' size

    # filled in by run()
    seconds: float = 0.0
    code: int | str = ""
    shown: str = ""
    traceback: bool = False
    ran: bool = True

    @property
    def passed(self) -> bool:
        return self.code in (0, 1) and self.seconds < FAST and not self.traceback


def check(name: str, text: Callable[[], str]) -> Row:
    return Row(f"check {name}", lambda: {"r.rub": text()}, ["check", "r.rub"])


def score(
    name: str,
    text: Callable[[], str],
    facts: Callable[[], str],
    *options: str,
    after: str | None = None,
) -> Row:
    return Row(
        f"score {name}",
        lambda: {"r.rub": text(), "facts.json": facts()},
        ["score", *options, "r.rub", "facts.json"],
        after=after,
    )


def rows() -> list[Row]:
    count_4300 = '{"n": 1' + "0" * 4299 + "}"
    return [
        # 1
        check(
            "round to 999999999 places",
            lambda: valid("round indicators to 999999999 places half up\n"),
        ),
        # 2
        check("v1 = x + 1 squared 20 times", squares),
        score("v1 = x + 1 squared 20 times, x = 1", squares, lambda: '{"x": 1}'),
        # 3
        check("30-digit literals cubed", cubed),
        score("30-digit literals cubed, x = 1", cubed, lambda: '{"x": 1, "ok": false}'),
        # 4
        check("400 arm lines", lambda: arm_lines(400)),
        check("800 arm lines", lambda: arm_lines(800)),
        # 5
        check("1,000 arms on one line", lambda: arms_on_one_line(1000)),
        check("2,000 arm lines", lambda: arm_lines(2000)),
        # 6
        check(
            "1 MB line of + terms",
            lambda: HEAD + "  points = " + " + ".join(["x"] * 260_000) + "\n",
        ),
        check("1 MB number literal", lambda: HEAD + f"  +10 if x > {'9' * 1_000_000}\n"),
        # 7
        check("5,000 groups", lambda: rubric_text(5000, per_group=1)),
        check("10,000 indicators", lambda: rubric_text(10_000)),
        check("a level of 20,000 words", lambda: level_of_words(20_000)),
        # 8
        check("100,000 bogus lines", lambda: HEAD + RULE + "bogus line\n" * 100_000),
        check(
            "100,000 misplaced pools",
            lambda: (
                HEAD.replace("indicator q", "pool p at most 3\n" * 100_000 + "indicator q") + RULE
            ),
        ),
        check("50,000 duplicate facts", lambda: bad_facts(50_000)),
        check(
            "50,000 unknown names",
            lambda: HEAD + RULE + "".join(f"  +1 if x > y{i}\n" for i in range(50_000)),
        ),
        check("50,000 requires of unknown names", lambda: bad_requires(50_000)),
        check("50,000 grades of unknown names", lambda: bad_grades(50_000)),
        # 9
        Row("check /dev/zero", dict, ["check", "/dev/zero"], size="endless"),
        # 10
        score("count of 4,300 digits", lambda: COUNT, lambda: count_4300),
        score("count of 4,300 digits, json", lambda: COUNT, lambda: count_4300, "--format", "json"),
        # 11
        check(
            "linear band of no width",
            lambda: HEAD + "  points by x: >= 5 and <= 5 -> 0 to 10, otherwise -> 0\n  +0 if ok\n",
        ),
        score(
            "linear band of no width, x = 5",
            lambda: HEAD + "  points by x: >= 5 and <= 5 -> 0 to 10, otherwise -> 0\n  +0 if ok\n",
            lambda: '{"x": 5, "ok": true}',
            after="check linear band of no width",
        ),
        # 12
        check("one of: a part that counts for nothing", lambda: ONE_OF),
        score(
            "one of: a part that counts for nothing, x = 5",
            lambda: ONE_OF,
            lambda: '{"x": 5, "a": true}',
        ),
        score(
            "one of: nothing else to score, x = 5",
            lambda: ONE_OF.split("group h")[0].replace("max 20", "max 10"),
            lambda: '{"x": 5, "a": true}',
        ),
        # 13
        check(
            "round to 5,000-digit places",
            lambda: valid(f"round total to {'9' * 5000} places down\n"),
        ),
        # 14
        score("count of 10^(10^6)", lambda: COUNT, lambda: '{"n": 1' + "0" * 1_000_000 + "}"),
        # 15
        score(
            "duplicate keys in an adjustment",
            lambda: ADJUST,
            lambda: '{"adj": {"points": -1, "reason": "迟报", "points": -2}, "ok": true}',
        ),
        # 16
        score(
            "fact name with ESC and newline",
            lambda: SMALL,
            lambda: facts_json({**GOOD, "x\x1b[31m\n": 1, "media": "\x1b[2J"}),
        ),
        score(
            "reason with ESC and newline",
            lambda: CONTROLS,
            lambda: facts_json(
                {"adj": {"points": -1, "reason": "迟报\x1b[8m\n隐藏"}, "s": ["a\u202eb"]}
            ),
        ),
        score(
            "5,000,000-character text as a fact",
            lambda: SMALL,
            lambda: facts_json({**GOOD, "ok": "假" * 5_000_000}),
        ),
    ]


def human(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1e3:.1f} kB"
    return f"{size / 1e6:.1f} MB"


def first_line(stderr: str, stdout: str) -> str:
    """The first line printed, standard error first, its control characters escaped."""
    for text in (stderr, stdout):
        for line in text.splitlines():
            if line.strip():
                line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
                return line[:SHOWN]
    return ""


def warm(folder: Path, env: dict[str, str], options: list[str]) -> None:
    """Fill the bytecode cache: an untimed check and score of a small rubric."""
    folder.mkdir()
    (folder / "r.rub").write_text(SMALL, encoding="utf-8")
    (folder / "facts.json").write_text("{}", encoding="utf-8")
    writing = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for args in (["check", "r.rub"], ["score", "r.rub", "facts.json"]):
        command = [sys.executable, *options, "-m", "rubric", *args]
        subprocess.run(command, cwd=folder, env=writing, capture_output=True, check=False)


def run(row: Row, folder: Path, timeout: float, env: dict[str, str], options: list[str]) -> str:
    """Write the row's files in a folder of its own, run it, and fill in what it did."""
    folder.mkdir()
    files = row.files()
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    size = row.size or human(sum(len(c.encode()) for c in files.values()))
    command = [sys.executable, *options, "-m", "rubric", *row.args]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=folder, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        row.seconds, row.code = time.perf_counter() - start, "timeout"
        row.shown = f"killed after {timeout:g} s"
        return size
    row.seconds, row.code = time.perf_counter() - start, done.returncode
    stderr = done.stderr.decode("utf-8", errors="replace")
    stdout = done.stdout.decode("utf-8", errors="replace")
    row.traceback = "Traceback" in stderr
    row.shown = "traceback" if row.traceback else first_line(stderr, stdout)
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default="", metavar="SUBSTRING", help="rows whose name has it")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a row fails")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(variable, None)
    env["LANG"] = "C.UTF-8"
    chosen = [row for row in rows() if args.only.lower() in row.name.lower()]
    if not chosen:
        print(f"no row's name has {args.only!r}", file=sys.stderr)
        return 2
    print(
        f"Python {sys.version.split()[0]} ({sys.executable}); wall seconds, one fresh process a row"
    )
    print(yardstick.line("before"))
    print(f"{'row':<52}{'size':>10}{'seconds':>9}{'exit':>6}  first line")
    codes = {}
    with tempfile.TemporaryDirectory(prefix="bench_hostile_") as temporary:
        # The interpreter's options: the bytecode cache, filled first.
        options = ["-X", f"pycache_prefix={Path(temporary) / 'bytecode'}"]
        warm(Path(temporary) / "warm", env, options)
        env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}  # read the cache; write nothing more
        for number, row in enumerate(chosen):
            if row.after is not None and codes.get(row.after, 0) != 0:
                row.ran = False
                print(f"{row.name:<52}{'':>10}{'':>9}{'':>6}  skipped: {row.after!r} refused it")
                continue
            size = run(row, Path(temporary) / str(number), args.timeout, env, options)
            codes[row.name] = row.code
            mark = "" if row.passed else "   <- FAILS"
            print(
                f"{row.name:<52}{size:>10}{row.seconds:>9.2f}{row.code!s:>6}  {row.shown}{mark}",
                flush=True,
            )
    print(yardstick.line("after"))
    ran = [row for row in chosen if row.ran]
    good = sum(row.passed for row in ran)
    skipped = len(chosen) - len(ran)
    print(
        f"\n{good} of {len(ran)} rows took under {FAST:g} s with exit 0 or 1 and no traceback"
        + (f" ({skipped} skipped)" if skipped else "")
    )
    return 0 if good == len(ran) else 1


if __name__ == "__main__":
    sys.exit(main())
