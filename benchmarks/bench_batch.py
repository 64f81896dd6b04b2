"""Benchmark the batch API: Anhui units per second in one process and in a pool of two.

Run from anywhere:  python benchmarks/bench_batch.py [--n 100000] [--workers 2] [--chunk 5000]

The units are generated (benchmarks/bench_score.py's seeded generator) and written once as JSON
lines to a temporary file, the form large batches arrive in. Each measured run reads the file
and scores every unit with `Rubric.score_batch`, into rows held as columns (a `Batch`):

  one process   reads and scores all the lines itself, into one batch;
  a pool        `ProcessPoolExecutor` workers each read and score their own byte range of
                the file (at most about --chunk lines, and an equal number of ranges for
                each worker; a range's ends found by the file's size alone)
                and send back their batch (columns, cheap to pickle); the parent gathers the
                batches, which together are the rows in the file's order.

It prints units per second for each (medians), the speed-up as the median of the ratios of runs
made one right after the other (the machine's speed drifts between runs, less within a pair),
with the middle half of those ratios and the ratio of the two medians beside,
and the peak resident memory of the parent and of the workers (the largest of them). The
pooled rows are checked against the serial ones.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from operator import eq
from pathlib import Path

import rubric

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_score import FactsGenerator  # noqa: E402 - beside this script

ANHUI = rubric.load(REPO / "rubrics" / "anhui_2019.rub")


def units(
    path: str, start: int = 0, stop: int | None = None
) -> Iterator[tuple[str, dict[str, object]]]:
    """The units of the lines that start in bytes [start, stop) of a JSON-lines file.

    A range's ends need not fall between lines: the line cut at `start` belongs to the range
    before, and the line cut at `stop` is read to its end. So the parent splits the file by
    its size alone, without reading it.
    """
    with open(path, "rb") as file:
        if start:
            file.seek(start - 1)
            file.readline()  # the end of the line the range before reads
        at = file.tell()
        if stop is None:  # the rest of the file, streamed: one process, in constant memory
            yield from map(_unit, file)
            return
        if at >= stop:
            data = b""
        else:
            data = file.read(stop - at)
            if not data.endswith(b"\n"):
                data += file.readline()
    yield from map(_unit, data.splitlines())


def _unit(line: bytes) -> tuple[str, dict[str, object]]:
    unit = json.loads(line)
    return unit["id"], unit["facts"]


def warm() -> None:
    """Each worker's start: make the generated scorer before the clock runs, as serial has."""
    ANHUI.score_batch([])


def score_range(job: tuple[str, int, int]) -> rubric.Batch:
    """What a worker runs: read its part of the file and score it."""
    path, start, stop = job
    return ANHUI.score_batch(units(path, start, stop))


def serial(path: str) -> rubric.Batch:
    return ANHUI.score_batch(units(path))


def ranges(path: str, parts: int) -> list[tuple[str, int, int]]:
    """The file cut into `parts` byte ranges of about the same size, by its size alone."""
    size = os.path.getsize(path)
    ends = [size * i // parts for i in range(parts + 1)]
    return [(path, a, b) for a, b in itertools.pairwise(ends)]


def pooled(path: str, parts: int, pool: ProcessPoolExecutor) -> list[rubric.Batch]:
    return list(pool.map(score_range, ranges(path, parts)))


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Units per second through the batch API.")
    parser.add_argument("--n", type=int, default=100_000, help="units (100000)")
    parser.add_argument("--workers", type=int, default=2, help="pool processes (2)")
    parser.add_argument(
        "--chunk", type=int, default=5000, help="most units per pool task, about (5000)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (3)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    generator = FactsGenerator(ANHUI.facts, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "units.jsonl")
        with open(path, "w", encoding="utf-8") as file:
            for i in range(args.n):
                unit = {"id": f"单位{i:06d}", "facts": generator.one()}
                file.write(json.dumps(unit, ensure_ascii=False) + "\n")
        one, many = [], []
        with ProcessPoolExecutor(max_workers=args.workers, initializer=warm) as pool:
            # As many tasks for each worker, or the last one's tail runs alone; a few each, so
            # that the parent loads the first batches while the workers score the rest.
            parts = args.workers * max(1, -(-args.n // (args.chunk * args.workers)))
            pooled(path, parts, pool)  # every worker started
            warm()  # and the parent's scorer made, for one process
            for _ in range(args.repeat):
                start = time.perf_counter()
                rows = serial(path)
                one.append(time.perf_counter() - start)
                start = time.perf_counter()
                batches = pooled(path, parts, pool)
                many.append(time.perf_counter() - start)
                # Row by row, not as lists of dicts: the check should not be the parent's peak.
                pooled_rows = itertools.chain.from_iterable(batches)
                if sum(map(len, batches)) != len(rows) or not all(map(eq, pooled_rows, rows)):
                    print("MISMATCH: pooled rows differ from serial rows")
                    return 1
    errors = sum(not row.ok for row in rows)
    t1, t2 = statistics.median(one), statistics.median(many)
    print(
        f"rubric {rubric.__version__}: {args.n:,} Anhui units from JSON lines, median of "
        f"{args.repeat} runs, {errors} invalid"
    )
    print(f"one process:        {args.n / t1:10,.0f} units/s  ({t1:.2f} s)")
    print(f"{args.workers} worker processes: {args.n / t2:10,.0f} units/s  ({t2:.2f} s)")
    ratios = sorted(a / b for a, b in zip(one, many, strict=True))
    pairs = statistics.median(ratios)
    spread = ""
    if len(ratios) >= 4:
        low, _, high = statistics.quantiles(ratios, n=4)
        spread = f"; middle half {low:.2f}–{high:.2f}×"
    print(f"speed-up:           {pairs:10.2f}×  (median of {len(ratios)} paired runs{spread})")
    # Where the machine's speed swings within a pair too, the two can differ: both are shown.
    print(f"                    {t1 / t2:10.2f}×  (ratio of the medians)")
    print(
        f"peak memory: parent {peak_mb(resource.RUSAGE_SELF):.0f} MB, "
        f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
