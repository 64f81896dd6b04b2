"""The message catalogs: extract the messages from the source, merge them into the .po files,
compile the .mo files the package reads.

    python scripts/i18n.py update    # src -> src/rubric/i18n/rubric.pot -> {zh,en}/…/rubric.po
    python scripts/i18n.py compile   # every rubric.po -> rubric.mo (commit both)
    python scripts/i18n.py missing   # the messages the Chinese catalog lacks, with where they are

Needs Babel (the dev extra); the package itself reads the .mo files with the standard library.
See docs/i18n.md.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "rubric"
CATALOGS = SOURCE / "i18n"
TEMPLATE = CATALOGS / "rubric.pot"
LANGUAGES = ("zh", "en")
# The functions that mark a message: `_` (translate and fill in), `ngettext` (singular, plural),
# `N_` (mark only: translated later, where it is used).
KEYWORDS = {key: DEFAULT_KEYWORDS[key] for key in ("_", "ngettext", "N_")}


def po_path(lang: str) -> Path:
    return CATALOGS / lang / "LC_MESSAGES" / "rubric.po"


def messages() -> Iterator[tuple[str | tuple[str, str], str, int]]:
    """Every message marked in the source: (msgid or (singular, plural), file, line)."""
    for path in sorted(SOURCE.rglob("*.py")):
        with path.open("rb") as file:
            for line, message, _comments, _context in extract(
                "python", file, keywords=KEYWORDS, options={"encoding": "utf-8"}
            ):
                if isinstance(message, tuple):
                    message = (message[0], message[1]) if len(message) > 1 else message[0]
                if message:
                    yield message, str(path.relative_to(ROOT)), line


def template() -> Catalog:
    catalog = Catalog(project="rubric", domain="rubric", fuzzy=False)
    for message, file, line in messages():
        catalog.add(message, locations=[(file, line)])
    return catalog


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="rubric", domain="rubric", fuzzy=False)
    with path.open("rb") as file:
        return read_po(file, locale=lang, domain="rubric")


def update() -> None:
    new = template()
    CATALOGS.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as file:
        write_po(file, new, width=0, omit_header=False, sort_output=True, include_lineno=False)
    for lang in LANGUAGES:
        catalog = read(lang)
        catalog.update(new, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalog, width=0, sort_output=True, no_location=True)
    print(f"{len(new)} messages; catalogs updated: run `compile` after translating")


def compile_all() -> None:
    for lang in LANGUAGES:
        catalog = read(lang)
        with po_path(lang).with_suffix(".mo").open("wb") as file:
            write_mo(file, catalog, use_fuzzy=False)
    print("compiled:", ", ".join(LANGUAGES))


def missing() -> int:
    catalog = read("zh")
    gaps = 0
    for message, file, line in messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = entry.string if entry is not None else ""
        done = all(strings) if isinstance(strings, tuple) else bool(strings)
        if not entry or entry.fuzzy or not done:
            print(f"{file}:{line}: no Chinese for {key!r}")
            gaps += 1
    return 1 if gaps else 0


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["update"]:
            update()
        case ["compile"]:
            compile_all()
        case ["missing"]:
            sys.exit(missing())
        case _:
            sys.exit(__doc__)
