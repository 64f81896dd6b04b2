"""The machine's speed in the minutes a benchmark runs: the plain hand-written Anhui scorer.

This machine's speed swings 2-3x from one hour to the next. A benchmark that must report
seconds (start-up, a hostile input's time) prints this beside them, measured in the same
minutes, so that a figure can be read against how fast the machine was when it was taken.
"""

from __future__ import annotations

import time

import anhui_handwritten
import rubric
from bench_score import RUBRIC_PATH, FactsGenerator


def handwritten_us(units: int = 2000, repeat: int = 5, seed: int = 0) -> float:
    """Microseconds per unit of the hand-written scorer (no validation), best of `repeat`."""
    facts = FactsGenerator(rubric.load(RUBRIC_PATH).facts, seed).many(units)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for one in facts:
            anhui_handwritten.score(one)
        best = min(best, time.perf_counter() - start)
    return best / units * 1e6


def line(when: str) -> str:
    """What a benchmark prints: the yardstick's figure now."""
    return f"yardstick ({when}): the hand-written Anhui scorer, {handwritten_us():.1f} µs/unit"
