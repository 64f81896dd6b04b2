"""Rewrite the golden files from the current behaviour: error texts (in English, `.txt`, and in
Chinese, `.zh.txt`) and example trees.

Run `python tests/golden/regenerate.py`, then read the diff: every change is a change in
what rubric authors and users see, and must be meant.
"""

from __future__ import annotations

from pathlib import Path

import rubric
from rubric._i18n import language

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parent.parent


def main() -> None:
    for path in sorted((GOLDEN / "errors").glob("*.rub")):
        for lang, suffix in (("en", ".txt"), ("zh", ".zh.txt")):
            try:
                with language(lang):
                    rubric.loads(path.read_text(encoding="utf-8"), filename=path.name)
            except rubric.RubricError as error:
                path.with_suffix(suffix).write_text(f"{error}\n", encoding="utf-8")
            else:
                raise SystemExit(f"{path.name} compiled without error")
    anhui = rubric.load(ROOT / "rubrics" / "anhui_2019.rub")
    for path in sorted((GOLDEN / "anhui").glob("*.json")):
        result = anhui.score(rubric.load_facts(ROOT / "examples" / path.name))
        path.write_text(result.to_json() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
