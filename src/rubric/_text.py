"""Text shown to people: control characters escaped, values echoed at most a line long."""

from __future__ import annotations

__all__ = ["LINE", "printable", "shortened"]

LINE = 60  # the most characters of a value an error message echoes

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls and DEL, line and paragraph separators, and the marks and overrides that
# reorder text on screen: none may reach a terminal or a log raw.
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0), 0x200E, 0x200F, 0x2028, 0x2029]
_CONTROLS += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {
    code: _NAMED.get(chr(code), f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    for code in _CONTROLS
}


def printable(text: str) -> str:
    """The text with every control character written as its escape: ESC as '\\x1b'."""
    return text.translate(_ESCAPES)


def shortened(text: str, width: int = LINE) -> str:
    """The text cut to `width` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"
