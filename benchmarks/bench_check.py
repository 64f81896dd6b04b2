"""Check and compile generated rubrics far bigger than real ones: the checker must stay near-linear.

    .venv/bin/python benchmarks/bench_check.py                 # --indicators 10000 --repeat 3
    .venv/bin/python benchmarks/bench_check.py --arms 400 800 5000 --indicators 0
    .venv/bin/python benchmarks/bench_check.py --src /tmp/old/src   # another copy of the code

For each generated rubric: the CPU time (seconds of this process) to parse, to check (the
checker's errors), to compile, and the whole of `rubric.loads`; then the warnings (worked out
when first asked for, by `rubric check` and `Rubric.warnings`, not by `rubric.loads` itself),
`command`, which is what `rubric check` does (`loads`, then the warnings), and the bounds
(`Rubric.bounds`, `rubric outline`: they also search for the facts that reach each bound,
after the warnings), best of `--repeat` runs. The rubrics:

- `indicators N`: N indicators in groups of 100, over N/5 facts of every kind; each indicator
  has three or four rules (a condition, a table of five bands, a per-step rule, a formula),
  some with a not-applicable line, and every tenth group is scaled.
- `arms N`: one indicator whose table has N arms, each on its own line (`>= i and < i + 1`),
  and a second table of N arms on one line.
- `misspelt N`: N indicators each reading a misspelt fact among N facts: every problem is
  found, the first 100 reported, the rest counted; did-you-mean must not compare all with all.

`--src` runs another copy of the package (such as an older commit's `src/`, unpacked with
`git archive`), to compare before and after a change.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def indicators_rubric(count: int) -> str:
    facts = max(8, count // 5 // 4 * 4)
    groups = max(1, count // 100)
    per_group = count // groups
    lines = [f'rubric big "大规模生成" max {groups * per_group}']
    lines += ["grade 优秀 if total >= 90", "grade 合格 if total >= 60", "grade 差 otherwise"]
    for i in range(0, facts, 4):
        lines.append(f'fact b{i}: bool "条件{i}"')
        lines.append(f'fact c{i + 1}: count <= 1000 "件数{i}" unit "件"')
        lines.append(f'fact x{i + 2}: number >= 0 and <= 100 "比率{i}" unit "%"')
        lines.append(f'fact m{i + 3}: level {{lo "低", mid "中", hi "高"}} "等级{i}"')
    index = 0
    for g in range(groups):
        mode = ", scaled" if g % 10 == 9 else ""
        lines.append(f'group g{g} "组{g}" max {per_group}{mode}')
        for k in range(per_group):
            b = index * 4 % facts
            c, x, m = b + 1, b + 2, b + 3
            lines.append(f'indicator g{g}.i{k} "指标{index}" max 1')
            lines.append(f"  +0.5 if b{b} or c{c} >= 3")
            lines.append(
                f"  points by x{x}: >= 90 -> 0.5, >= 60 and < 90 -> 0.3, >= 30 and < 60 -> 0.1, "
                "otherwise -> 0"
            )
            lines.append(f"  -0.1 per 1 of c{c}, at most 0.5")
            lines.append(f"  -0.2 if m{m} = lo")
            if k % 7 == 3 and mode:
                lines.append(f"  not applicable if b{b} and c{c} = 0, full marks")
            index += 1
    return "\n".join(lines) + "\n"


def arms_rubric(count: int) -> str:
    arms = "".join(f"    >= {i} and < {i + 1} -> {i % 11}\n" for i in range(count))
    inline = ", ".join(f">= {i} and < {i + 1} -> {i % 11}" for i in range(count))
    return (
        'rubric t "分档" max 20\nfact x: number >= 0 "比率"\nfact y: number >= 0 "比率"\n'
        f'indicator a "甲" max 10\n  points by x:\n{arms}    otherwise -> 0\n'
        f'indicator b "乙" max 10\n  points by y: {inline}, otherwise -> 0\n'
    )


def misspelt_rubric(count: int) -> str:
    facts = "".join(f'fact households_item_{i}: bool "事项{i}"\n' for i in range(count))
    items = "".join(
        f'indicator i{i} "指标" max 1\n  +1 if househlds_item_{i}\n' for i in range(count)
    )
    return f'rubric m "拼写" max {count}\n{facts}{items}'


def best_of(repeat: int, call: Callable[[], Any]) -> tuple[float, Any]:
    # CPU time of this process: on a machine shared with other jobs, wall time says more about
    # them than about the checker.
    runs, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = call()
        runs.append(time.process_time() - start)
    return min(runs), result


def measure(name: str, text: str, repeat: int) -> None:
    import rubric
    from rubric._checker import check
    from rubric._compiler import compile_checked
    from rubric.dsl.parser import parse
    from rubric.dsl.source import Source

    source = Source(text, f"{name}.rub")
    parse_time, document = best_of(repeat, lambda: parse(source))
    try:
        check_time, checked = best_of(repeat, lambda: check(document, source))
    except rubric.RubricCheckError as error:
        check_time, _ = best_of(repeat, lambda: _refused(check, document, source))
        shown = len(error.diagnostics)
        print(
            f"{name:<22}{len(text) / 1e6:>7.2f} MB{parse_time:>9.2f}{check_time:>9.2f}"
            f"{'':>9}{'':>9}{'':>9}   refused: {shown} shown, {getattr(error, 'omitted', 0)} more, "
            f"message {len(str(error)) / 1e3:.0f} kB"
        )
        return
    compile_time, _ = best_of(repeat, lambda: compile_checked(checked))
    total, _ = best_of(repeat, lambda: rubric.loads(text))
    # What `rubric check` does: compile, then read the warnings (worked out when first asked).
    command, warnings = best_of(repeat, lambda: len(rubric.loads(text).warnings))
    warnings_time = command - total
    # The bounds (`Rubric.bounds`, `rubric outline`) search for facts that reach each one too.
    bounds_time = 0.0
    if getattr(checked, "findings", None) is not None:
        fresh = [check(document, source).findings for _ in range(repeat)]
        for findings in fresh:  # the warnings first, as `rubric outline` reads them too
            assert findings.warnings is not None
        queue = iter(fresh)
        bounds_time, _ = best_of(repeat, lambda: next(queue).bounds)
    print(
        f"{name:<22}{len(text) / 1e6:>7.2f} MB{parse_time:>9.2f}{check_time:>9.2f}"
        f"{compile_time:>9.2f}{total:>9.2f}{warnings_time:>9.2f}{command:>9.2f}{bounds_time:>9.2f}"
        + (f"   {warnings} warnings" if warnings else "")
    )


def _refused(check: Callable[..., Any], *args: Any) -> None:
    import rubric

    with contextlib.suppress(rubric.RubricCheckError):
        check(*args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--indicators", type=int, nargs="*", default=[10000])
    parser.add_argument("--arms", type=int, nargs="*", default=[400, 800, 5000])
    parser.add_argument("--misspelt", type=int, nargs="*", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    import rubric

    print(f"rubric {rubric.__version__} from {Path(rubric.__file__).parent}")
    print(f"Python {sys.version.split()[0]}; CPU seconds, best of {args.repeat}")
    print(
        f"{'rubric':<22}{'size':>10}{'parse':>9}{'check':>9}{'compile':>9}{'loads':>9}"
        f"{'warnings':>9}{'command':>9}{'bounds':>9}"
    )
    for count in args.indicators:
        if count:
            measure(f"indicators {count}", indicators_rubric(count), args.repeat)
    for count in args.arms:
        measure(f"arms {count}", arms_rubric(count), args.repeat)
    for count in args.misspelt:
        if count:
            measure(f"misspelt {count}", misspelt_rubric(count), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
