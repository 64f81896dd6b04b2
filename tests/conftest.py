"""Shared fixtures: the repository's paths and the compiled Anhui rubric."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import rubric

ROOT = Path(__file__).resolve().parent.parent
ANHUI = ROOT / "rubrics" / "anhui_2019.rub"
EXAMPLES = ROOT / "examples"

# The oracle and strategies live beside the tests; make them importable by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
# Mutation testing (scripts/mutation.sh) runs the tests once per mutant: fewer examples, the same
# ones each time.
settings.register_profile(
    "mutation",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile("ci" if __import__("os").environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def anhui() -> rubric.Rubric:
    return rubric.load(ANHUI)
