#!/usr/bin/env bash
# Mutation testing of the scorers with mutmut (configured in pyproject.toml, [tool.mutmut]).
#
#   scripts/mutation.sh [SAMPLE] [SEED] [PREFIX]
#
# Runs SAMPLE mutants drawn at random (seeded by SEED, default 0) from those whose names start
# with PREFIX (default rubric._score.: interpret.py and codegen.py; rubric._facts. for facts
# validation); SAMPLE 0 runs them all. It prints how many of the sample the tests killed and
# lists the rest. mutmut works in mutants/ (git-ignored) and keeps its results there: a second
# run skips mutants it has already decided whose code has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
sample="${1:-400}"
seed="${2:-0}"
prefix="${3:-rubric._score.}"
bin="${VENV:-.venv}/bin"

# mutmut makes the mutants and learns which tests reach which function before it looks for the
# mutants it is asked for; a name that matches none stops it there.
"$bin/mutmut" run "nothing.matches.this" >/dev/null 2>&1 || true

pick='
import random, sys
sample, seed, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
names = sorted(
    line.split(": ")[0].strip() for line in sys.stdin if line.strip().startswith(prefix)
)
if sample:
    names = sorted(random.Random(seed).sample(names, min(sample, len(names))))
print("\n".join(names))
'
"$bin/mutmut" results --all true | "$bin/python" -c "$pick" "$sample" "$seed" "$prefix" \
    > mutants/sample.txt
echo "$(wc -l < mutants/sample.txt) mutants of ${prefix}* (sample ${sample}, seed ${seed})"

# shellcheck disable=SC2046 # one name per word
"$bin/mutmut" run $(cat mutants/sample.txt) > mutants/run.log 2>&1 || true

tally='
import collections, sys
sample = set(open("mutants/sample.txt").read().split())
status = {}
for line in sys.stdin:
    name, _, state = line.strip().partition(": ")
    if name in sample:
        status[name] = state
counts = collections.Counter(status.values())
killed = counts["killed"] + counts["timeout"]
print(", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
print(f"killed {killed} of {len(status)}: {100 * killed / max(1, len(status)):.1f}%")
for name, state in sorted(status.items()):
    if state not in ("killed", "timeout"):
        print(f"  {state}: {name}")
'
"$bin/mutmut" results --all true | "$bin/python" -c "$tally"
