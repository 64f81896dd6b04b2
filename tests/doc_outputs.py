"""Re-run what the docs show being run, and give back what it prints now.

Shared by tests/test_doc_outputs.py, which compares, and docs/regenerate.py, which rewrites.

Two kinds of fenced blocks in README.md and docs/*.md are runs:

- a `console` block whose lines start with `$ ` (a command) followed by what it printed. Each
  command is run in docs/examples/ as a small shell would (see `run_command`): `rubric …` is
  `python -m rubric …`, run in this process through `rubric.cli.main` with stdout and stderr
  captured together, in order; `python FILE`, `echo`, `head`, `printf … > FILE`, `;` and `|`
  are the rest of the shell the docs use. A console block without `$ ` lines shows commands
  only (as in the README) and is not run.
- a `python` block whose first line starts with `>>> ` (a transcript). The transcripts of one
  doc run in order in one namespace, in docs/examples/, as an interactive session would.

Commands and transcripts run in docs/examples/, which holds the files they read, unless the
block's nearest non-blank line above is a marker:

- `<!-- run in: DIR -->`: run it in docs/examples/DIR instead (the tutorial's steps, each with
  its own practice.rub; api.md's files that share a name with dsl.md's);
- `<!-- not checked: REASON -->`: do not compare it nor rewrite it (a transcript so marked still
  runs, for the blocks after it).

A line `…` in a command's output stands for lines left out: the lines shown above and below it
must be the first and the last lines printed.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import runpy
import shlex
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import rubric.cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_OPENING = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MARKER = re.compile(r"^<!--\s*(?P<kind>not checked|run in):\s*(?P<text>.*?)\s*-->$")
ELISION = "…"
# argparse wraps its usage lines to the terminal; the docs show them at 80 columns.
_COLUMNS = "80"


class UnsupportedCommandError(Exception):
    """A command line this small shell cannot run; the docs should show another."""


@dataclass(frozen=True)
class Run:
    """A console block or a transcript: a fenced block of what something printed."""

    path: Path
    line: int  # 1-based line of the opening fence
    kind: str  # "console" or "transcript"
    lines: tuple[str, ...]  # the block's lines, between the fences
    skipped: str | None = None  # the reason of a `<!-- not checked: … -->` marker
    directory: str = ""  # of a `<!-- run in: … -->` marker, relative to docs/examples/

    @property
    def cwd(self) -> Path:
        return EXAMPLES / self.directory

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def where(self) -> str:
        return f"{self.name}:{self.line}"


def fences(lines: list[str]) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """Every fenced block of a Markdown file's lines: its opening line's index, info and body."""
    index = 0
    while index < len(lines):
        opening = _OPENING.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening["fence"]
        end = index + 1
        while end < len(lines):
            closing = lines[end].rstrip()
            if closing.startswith(fence) and not closing.strip(fence[0]):
                break
            end += 1
        yield index, opening["info"].strip(), tuple(lines[index + 1 : end])
        index = end + 1


def runs(path: Path) -> list[Run]:
    """Every console block with commands, and every transcript, of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found: list[Run] = []
    for index, info, body in fences(lines):
        kind = None
        if info == "console" and any(line.startswith("$ ") for line in body):
            kind = "console"
            if not body[0].startswith("$ "):
                raise ValueError(f"{path}:{index + 2}: a console block must start with '$ '")
        elif info == "python" and body and body[0].startswith(">>> "):
            kind = "transcript"
        if kind is not None:
            marker = _marker(lines, index)
            skipped = marker[1] if marker and marker[0] == "not checked" else None
            directory = marker[1] if marker and marker[0] == "run in" else ""
            found.append(Run(path, index + 1, kind, body, skipped, directory))
    return found


def _marker(lines: list[str], fence: int) -> tuple[str, str] | None:
    above = fence - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    match = _MARKER.match(lines[above].strip()) if above >= 0 else None
    return (match["kind"], match["text"]) if match else None


def all_runs() -> list[Run]:
    return [run for path in DOCS for run in runs(path)]


# ---- console blocks -----------------------------------------------------------------------


@dataclass
class _Result:
    chunks: list[tuple[str, str]] = field(default_factory=list)  # (stream, text), in order
    status: int = 0

    def stdout(self) -> str:
        return "".join(text for stream, text in self.chunks if stream == "stdout")


class _Stream(io.TextIOBase):
    """A text stream that records what is written to it, and to which stream, in order."""

    def __init__(self, name: str, chunks: list[tuple[str, str]]) -> None:
        super().__init__()
        self.stream = name
        self.chunks = chunks

    def write(self, text: str) -> int:
        self.chunks.append((self.stream, text))
        return len(text)


@contextlib.contextmanager
def _captured(result: _Result) -> Iterator[None]:
    out, err = _Stream("stdout", result.chunks), _Stream("stderr", result.chunks)
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = _COLUMNS
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns


def _exit_status(exit_: SystemExit) -> int:
    """The status a process ends with on this SystemExit, printing its message as Python does."""
    if exit_.code is None or isinstance(exit_.code, int):
        return exit_.code or 0
    print(exit_.code, file=sys.stderr)
    return 1


def _rubric(args: list[str]) -> _Result:
    result = _Result()
    with _captured(result):
        try:
            result.status = rubric.cli.main(args)
        except SystemExit as exit_:  # argparse: usage errors, --help, --version
            result.status = _exit_status(exit_)
    return result


def _python(args: list[str]) -> _Result:
    if len(args) != 1:
        raise UnsupportedCommandError("python takes one script here")
    result = _Result()
    with _captured(result):
        try:
            runpy.run_path(args[0], run_name="__main__")
        except SystemExit as exit_:
            result.status = _exit_status(exit_)
        except Exception:
            traceback.print_exc()
            result.status = 1
    return result


def _head(args: list[str], stdin: str) -> _Result:
    if args and re.fullmatch(r"-\d+", args[0]) and len(args) == 1:
        count = int(args[0][1:])
    elif len(args) == 2 and args[0] == "-n" and args[1].isdigit():
        count = int(args[1])
    elif not args:
        count = 10
    else:
        raise UnsupportedCommandError(f"head {' '.join(args)}")
    return _Result([("stdout", "".join(stdin.splitlines(keepends=True)[:count]))])


def _printf(args: list[str]) -> bytes:
    if len(args) != 1 or "%" in args[0]:
        raise UnsupportedCommandError("printf takes one format without '%' here")
    escapes = {"n": b"\n", "t": b"\t", "\\": b"\\", '"': b'"', "'": b"'"}

    def one(match: re.Match[str]) -> str:
        text = match[0]
        if text[1] == "x":
            return chr(int(text[2:], 16))
        return escapes[text[1]].decode("latin-1")

    text = re.sub(r"\\(x[0-9a-fA-F]{1,2}|[nt\\\"'])", one, args[0])
    return text.encode("latin-1") if all(ord(c) < 256 for c in text) else text.encode()


def _words(tokens: list[str], status: int, pipe: list[int]) -> list[str]:
    def expand(token: str) -> str:
        token = token.replace("$?", str(status))
        return re.sub(r"\$\{PIPESTATUS\[(\d+)\]\}", lambda m: str(pipe[int(m[1])]), token)

    return [expand(token) for token in tokens]


def run_command(command: str, cwd: Path = EXAMPLES, *, write: bool = False) -> str:
    """What the command line prints in `cwd`, stdout and stderr in order, as a terminal shows it.

    `printf … > FILE` writes FILE when `write` is true; otherwise FILE must already hold exactly
    those bytes, as committed.
    """
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    tokens = list(lexer)
    for token in tokens:
        if token and not token.strip("();<>|&") and token not in (";", "|", ">"):
            raise UnsupportedCommandError(f"{token!r} in {command!r}")
    shown: list[str] = []
    status, pipe = 0, [0]
    with contextlib.chdir(cwd):
        for pipeline in _split(tokens, ";"):
            stdin = ""
            statuses: list[int] = []
            stages = _split(pipeline, "|")
            for number, stage in enumerate(stages):
                last = number == len(stages) - 1
                argv, target = _redirect(stage)
                argv = _words(argv, status, pipe)
                if not argv:
                    raise UnsupportedCommandError(f"an empty command in {command!r}")
                name, args = argv[0], argv[1:]
                if name == "rubric":
                    result = _rubric(args)
                elif name == "python":
                    result = _python(args)
                elif name == "echo":
                    result = _Result([("stdout", " ".join(args) + "\n")])
                elif name == "head":
                    result = _head(args, stdin)
                elif name == "printf":
                    data = _printf(args)
                    if target is None:
                        raise UnsupportedCommandError("printf is only run into a file here")
                    _write_file(cwd / target, data, write)
                    result, target = _Result(), None
                else:
                    raise UnsupportedCommandError(f"the command {name!r}")
                if target is not None:
                    raise UnsupportedCommandError(f"'> {target}' after {name}")
                if not last and any(stream == "stderr" for stream, _ in result.chunks):
                    raise UnsupportedCommandError(
                        f"{name} writes to stderr inside a pipe, in no set order"
                    )
                statuses.append(result.status)
                if last:
                    shown.extend(text for _, text in result.chunks)
                else:
                    stdin = result.stdout()
            status, pipe = statuses[-1], statuses
    return "".join(shown)


def _split(tokens: list[str], separator: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token == separator:
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part] if separator == ";" else parts


def _redirect(stage: list[str]) -> tuple[list[str], str | None]:
    if ">" not in stage:
        return stage, None
    at = stage.index(">")
    if at != len(stage) - 2:
        raise UnsupportedCommandError("'>' must be followed by one file name, at the end")
    return stage[:at], stage[at + 1]


def _write_file(path: Path, data: bytes, write: bool) -> None:
    if write:
        path.write_bytes(data)
    elif not path.exists() or path.read_bytes() != data:
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path
        raise AssertionError(f"{name} is not what the command writes ({data!r})")


def commands(run: Run) -> list[tuple[str, list[str]]]:
    """The commands of a console block, each with the output shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in run.lines:
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
    return found


def _elide(printed: list[str], shown: list[str]) -> list[str]:
    """`printed`, with the lines left out where `shown` has a line `…`, if it has one."""
    if shown.count(ELISION) != 1:
        return printed
    head = shown.index(ELISION)
    tail = len(shown) - head - 1
    if len(printed) <= head + tail:
        return printed
    return [*printed[:head], ELISION, *printed[len(printed) - tail :]]


def console_now(run: Run, *, write: bool = False) -> list[str]:
    """The console block as the tool prints it now: each `$` line, then what it printed."""
    lines: list[str] = []
    for command, shown in commands(run):
        lines.append(f"$ {command}")
        printed = run_command(command, run.cwd, write=write).rstrip("\n")
        lines.extend(_elide(printed.split("\n") if printed else [], shown))
    return lines


# ---- transcripts --------------------------------------------------------------------------


def _statements(run: Run) -> list[list[str]]:
    """The `>>> ` lines of a transcript, each with its `... ` continuation lines."""
    statements: list[list[str]] = []
    continued = False  # whether the line before was a statement's own line
    for line in run.lines:
        if line.startswith(">>> "):
            statements.append([line])
            continued = True
        elif continued and line.startswith("...") and line[3:4] in ("", " "):
            statements[-1].append(line)
        else:
            continued = False
    return statements


def _execute(source: str, namespace: dict[str, object]) -> str:
    """What one statement prints, as an interactive session shows it (a traceback abridged)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            exec(compile(source, "<stdin>", "single"), namespace)
        except Exception as error:
            last = "".join(traceback.format_exception_only(error))
            print(f"Traceback (most recent call last):\n  ...\n{last}", end="")
    return buffer.getvalue().rstrip("\n")


@cache
def transcripts_now(path: Path) -> dict[int, list[str]]:
    """Every transcript of a doc, run in order in one namespace: fence line -> its lines now."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    now: dict[int, list[str]] = {}
    for run in runs(path):
        if run.kind != "transcript":
            continue
        lines: list[str] = []
        with contextlib.chdir(run.cwd):
            for statement in _statements(run):
                lines.extend(statement)
                source = "\n".join(line[4:] for line in statement) + "\n"
                printed = _execute(source, namespace)
                if printed:
                    lines.extend(printed.split("\n"))
            now[run.line] = lines
    return now


# ---- both ---------------------------------------------------------------------------------


def now(run: Run, *, write: bool = False) -> list[str]:
    """The block's lines as the tool prints them now."""
    if run.kind == "console":
        return console_now(run, write=write)
    return transcripts_now(run.path)[run.line]


def diff(run: Run, lines: list[str]) -> str:
    """A unified diff from the block as shown to `lines`, numbered as lines of the doc."""
    text = difflib.unified_diff(
        list(run.lines), lines, f"{run.name} (shown)", f"{run.name} (printed now)", lineterm=""
    )

    def renumber(match: re.Match[str]) -> str:
        def shift(start: str) -> str:
            return str(int(start) + run.line) if int(start) else start

        return f"@@ -{shift(match[1])}{match[2] or ''} +{shift(match[3])}{match[4] or ''} @@"

    return "\n".join(
        re.sub(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", renumber, line) for line in text
    )
