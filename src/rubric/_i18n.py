"""Messages in Chinese and English: gettext catalogs under rubric/i18n, one language at a time.

Every message a user reads (errors, warnings, hints, the command line's own words) is written in
English in the source, wrapped in `_()` with named placeholders:

    _("the fact '{name}' is declared twice", name=fact.name)

`_` looks the English text up in the catalog of the current language and fills in the
placeholders (`str.format`: a literal brace is written `{{`). The English text is the key, so
English needs no translation and reads exactly as written.

The language is a context variable, English unless set: the API's exceptions read in English,
whatever the locale. The command line sets it from `--lang` or the locale (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG) before it loads or scores anything. A message is translated when it is made
(a problem found while a rubric is checked is worded in the language set then), so set the
language before loading: `with rubric._i18n.language("zh"): rubric.load(...)`.

The catalogs are .po files compiled to .mo (both committed: the package needs no Babel to run).
See docs/i18n.md for extracting new messages and adding translations.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "current",
    "from_environment",
    "language",
    "ngettext",
    "set_language",
    "translate",
]

DOMAIN = "rubric"
# A plain path, and gettext imported when a catalog is first read: `import rubric` stays light.
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n")
# The languages messages exist in; English is the source text.
LANGUAGES = ("en", "zh")

_current: ContextVar[str] = ContextVar("rubric_language", default="en")


def current() -> str:
    """The language messages are worded in now: 'en' or 'zh'."""
    return _current.get()


def set_language(lang: str) -> None:
    """Word the messages made from now on (in this context) in `lang`: 'en' or 'zh'."""
    _current.set(_normal(lang))


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Word the messages made inside the block in `lang`, and the previous language after it."""
    token = _current.set(_normal(lang))
    try:
        yield
    finally:
        _current.reset(token)


def _normal(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return lang


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that
    is set (as gettext reads them); 'zh' for any Chinese locale (zh, zh_CN.UTF-8, zh_TW…),
    else 'en'. LANGUAGE may list several languages ("zh_CN:en"): the first known one wins."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if not value:
            continue
        for item in value.split(":") if variable == "LANGUAGE" else [value]:
            code = item.split(".")[0].split("@")[0].lower()
            if code.startswith("zh"):
                return "zh"
            if code.startswith("en") or code in ("c", "posix"):
                return "en"
        if variable != "LANGUAGE":
            return "en"
    return "en"


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    import gettext

    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _(message: str, /, **values: object) -> str:
    """The message in the current language, its `{placeholders}` filled in from `values`."""
    lang = _current.get()
    text = message if lang == "en" else _translations(lang).gettext(message)
    return text.format(**values)


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural message for `count`, in the current language, filled in from
    `values` and `count` (as `{count}`)."""
    text = _translations(_current.get()).ngettext(singular, plural, count)
    return text.format(count=count, **values)


def translate(message: str, /) -> str:
    """The message in the current language, as it is: no placeholders filled in. For messages
    marked with `N_` where they are written and translated where they are shown."""
    lang = _current.get()
    return _translations(lang).gettext(message) if message and lang != "en" else message


def N_(message: str, /) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark a message for extraction without translating it: it is translated where it is shown,
    with `translate`, in the language of that moment."""
    return message
