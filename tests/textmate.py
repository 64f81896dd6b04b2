"""A small TextMate tokenizer, enough to test editors/vscode's grammar on the repository's rubrics.

It reads a grammar's `patterns`, `repository`, `include`, `match`, `begin`/`end` (with inner
`patterns`) and `name`, and tokenizes line by line as VS Code does: at each position the rule
whose match starts first wins, the earlier rule on a tie, an open rule's `end` before its inner
rules. Regexes run with Python's `re`, which reads the subset of Oniguruma the grammar uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Rule:
    """A grammar rule: a match, or a begin/end pair holding inner rules."""

    name: str | None
    match: re.Pattern[str] | None = None
    begin: re.Pattern[str] | None = None
    end: re.Pattern[str] | None = None
    patterns: list[Rule] = field(default_factory=list)


def load(path: Path) -> tuple[str, list[Rule]]:
    """A grammar's scope name and its top-level rules, includes resolved."""
    grammar = json.loads(path.read_text(encoding="utf-8"))
    repository: dict[str, Any] = grammar.get("repository", {})
    built: dict[str, list[Rule]] = {}

    def rules(items: list[dict[str, Any]]) -> list[Rule]:
        found: list[Rule] = []
        for item in items:
            if "include" in item:
                key = item["include"].removeprefix("#")
                if key not in built:
                    built[key] = []  # a cycle of includes resolves to what is built so far
                    built[key].extend(rules([repository[key]]))
                found.extend(built[key])
            elif "patterns" in item and "begin" not in item:
                found.extend(rules(item["patterns"]))
            else:
                found.append(
                    Rule(
                        item.get("name"),
                        _compile(item.get("match")),
                        _compile(item.get("begin")),
                        _compile(item.get("end")),
                        rules(item.get("patterns", [])),
                    )
                )
        return found

    return grammar["scopeName"], rules(grammar["patterns"])


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return None if pattern is None else re.compile(pattern)


def regexes(path: Path) -> list[str]:
    """Every regex of a grammar file, to check that each compiles."""
    found: list[str] = []
    stack: list[Any] = [json.loads(path.read_text(encoding="utf-8"))]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.extend(item[key] for key in ("match", "begin", "end") if key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def tokenize(text: str, scope: str, top: list[Rule]) -> list[tuple[str, tuple[str, ...]]]:
    """The text as (piece, scopes) tokens, line by line; an open begin/end rule carries over."""
    tokens: list[tuple[str, tuple[str, ...]]] = []
    stack: list[Rule] = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        position = 0
        while True:
            scopes = (scope, *(r.name for r in stack if r.name))
            best = _first(body, position, stack, top)
            if best is None:
                tokens.append((body[position:], scopes))
                break
            found, rule = best
            tokens.append((body[position : found.start()], scopes))
            if rule is None:  # the open rule ends, its closing text in its scope
                tokens.append((found.group(), scopes))
                stack.pop()
            else:
                if rule.begin is not None:
                    stack.append(rule)
                tokens.append((found.group(), (*scopes, *([rule.name] if rule.name else []))))
            if found.end() == position and rule is not None and rule.begin is None:
                raise ValueError(f"an empty match of {rule.name} at {position} of {body!r}")
            position = found.end()
            if position >= len(body) and not (stack and stack[-1].end is not None):
                break
            if position >= len(body) and found.end() == found.start():
                break
        tokens.append((line[len(body) :], (scope,)))
    return [(piece, scopes) for piece, scopes in tokens if piece]


def _first(
    body: str, position: int, stack: list[Rule], top: list[Rule]
) -> tuple[re.Match[str], Rule | None] | None:
    """The rule that matches first from position: an open rule's end (None) wins a tie."""
    best: tuple[int, int, re.Match[str], Rule | None] | None = None
    if stack and stack[-1].end is not None:
        found = stack[-1].end.search(body, position)
        if found:
            best = (found.start(), -1, found, None)
    for order, rule in enumerate(stack[-1].patterns if stack else top):
        regex = rule.match or rule.begin
        assert regex is not None
        found = regex.search(body, position)
        if found and (best is None or (found.start(), order) < best[:2]):
            best = (found.start(), order, found, rule)
    return None if best is None else (best[2], best[3])
