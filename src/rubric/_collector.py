"""The collector: Python's older garbage collections held off while a rubric is compiled."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["full_collections_held"]

# A count of collections that compiling never reaches: the collector's middle and oldest
# generations are collected only once their counts pass their thresholds.
_NEVER = 1 << 30

_lock = threading.Lock()
_holders = 0  # compilations running, in any thread
_saved: tuple[int, int, int] | None = None  # the thresholds before the first of them


@contextmanager
def full_collections_held() -> Iterator[None]:
    """Hold off the cyclic garbage collector's middle and full collections for the duration.

    Compiling a rubric makes objects that live on (its syntax tree and plan: about a million
    for 10,000 indicators). The collector starts a full collection, which walks every object
    of the process, each time the old objects have grown by a quarter: while one large rubric
    is compiled that came to half the time of `loads`. Young collections go on as ever, so the
    short-lived garbage of parsing is freed as it was; what compiling keeps is looked at by the
    first older collection after it. The middle generation is held as well as the oldest:
    what compiling keeps would only pass through it, each object looked at a second time on
    its way (half of what the collector spent on `rubric check` of 10,000 indicators).

    The analysis behind warnings and proved bounds (worked out on first read) is held the same
    way: it keeps bounds and their facts for every node.

    This is process-wide (the collector has one set of thresholds) and lasts only while some
    thread is compiling or analysing: when the last one ends, the thresholds are put back as
    they were, unless something else changed them in the meantime.
    """
    global _holders, _saved
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _NEVER, _NEVER)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                if gc.get_threshold() == (_saved[0], _NEVER, _NEVER):
                    gc.set_threshold(*_saved)
                _saved = None
