"""Rewrite the expected error texts of tests/golden/errors from the current messages.

Run `python tests/golden/regenerate.py`, then read the diff: every change is a change in
what rubric authors see.
"""

from __future__ import annotations

from pathlib import Path

import rubric

HERE = Path(__file__).resolve().parent / "errors"


def main() -> None:
    for path in sorted(HERE.glob("*.rub")):
        try:
            rubric.loads(path.read_text(encoding="utf-8"), filename=path.name)
        except rubric.RubricError as error:
            path.with_suffix(".txt").write_text(f"{error}\n", encoding="utf-8")
        else:
            raise SystemExit(f"{path.name} compiled without error")


if __name__ == "__main__":
    main()
