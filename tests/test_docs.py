"""The examples in the README and docs/ are real: every rubric shown compiles, or is marked to fail.

A fenced block with the info string `rub` whose first line that is not a comment starts with
`rubric ` is a whole rubric, and must compile. A whole rubric shown to explain an error is
fenced `rub-error` instead, and must fail to compile. Other `rub` blocks are fragments (a few
rule lines) and are not checked here. Python blocks in docs/api.md that are not `>>>`
transcripts must at least compile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import rubric
from doc_outputs import DOCS, ROOT, fences


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: str  # relative to the repository root, as failures name it
    line: int  # 1-based line of the opening fence
    info: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def last_line(self) -> int:
        """The line of the block's last line of text in its file."""
        return self.line + len(self.text.splitlines())

    def source(self) -> str:
        """The block's text, after blank lines that put each of its lines on its line in the doc.

        Errors then point at the doc itself: docs/dsl.md:180:5 is line 180 of docs/dsl.md.
        """
        return "\n" * self.line + self.text

    def first_line(self) -> str:
        """The first line that is neither blank nor a comment."""
        for line in self.text.splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return stripped
        return ""


def blocks(path: Path) -> list[Block]:
    """Every fenced block in a Markdown file, in order."""
    name = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        Block(name, index + 1, info, "\n".join(body) + "\n") for index, info, body in fences(lines)
    ]


ALL_BLOCKS = [block for path in DOCS for block in blocks(path)]
RUBRICS = [b for b in ALL_BLOCKS if b.info == "rub" and b.first_line().startswith("rubric ")]
ERRORS = [b for b in ALL_BLOCKS if b.info == "rub-error"]
PYTHON = [
    b
    for b in ALL_BLOCKS
    if b.path == "docs/api.md" and b.info == "python" and not b.first_line().startswith(">>>")
]


def _ids(found: list[Block]) -> list[str]:
    return [block.where for block in found]


def test_the_docs_are_found() -> None:
    assert {path.name for path in DOCS} >= {"README.md", "dsl.md", "tutorial.md", "api.md"}


def test_there_are_examples_to_check() -> None:
    # Guard against a change to the fences (or to this parser) that would leave nothing to test.
    assert len(RUBRICS) >= 10, _ids(RUBRICS)
    assert len(ERRORS) >= 1
    assert len(PYTHON) >= 1
    assert {b.path for b in RUBRICS} >= {"README.md", "docs/dsl.md", "docs/tutorial.md"}


@pytest.mark.parametrize("block", RUBRICS, ids=_ids(RUBRICS))
def test_rubric_block_compiles(block: Block) -> None:
    compiled = rubric.loads(block.source(), filename=block.path)
    assert compiled.filename == block.path


@pytest.mark.parametrize("block", ERRORS, ids=_ids(ERRORS))
def test_error_block_fails(block: Block) -> None:
    with pytest.raises((rubric.RubricSyntaxError, rubric.RubricCheckError)) as caught:
        rubric.loads(block.source(), filename=block.path)
    # The first problem is inside the block, where the reader of the doc sees it.
    assert block.line < caught.value.line <= block.last_line, str(caught.value)


@pytest.mark.parametrize("block", PYTHON, ids=_ids(PYTHON))
def test_python_block_compiles(block: Block) -> None:
    compile(block.text, block.where, "exec")


def test_no_rub_block_is_mislabelled() -> None:
    # Fences are 'rub' or 'rub-error'; a typo such as 'rubric' or 'rub_error' would hide a block.
    infos = {b.info for b in ALL_BLOCKS if b.info.startswith("rub")}
    assert infos <= {"rub", "rub-error"}, infos
