"""Shared fixtures: the repository's paths and the compiled Anhui rubric."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import rubric

ROOT = Path(__file__).resolve().parent.parent
ANHUI = ROOT / "rubrics" / "anhui_2019.rub"
EXAMPLES = ROOT / "examples"

# The command line speaks the locale's language (docs/i18n.md); the tests assert its English
# texts, so they run in an English locale whatever the developer's is. Tests of the Chinese
# messages ask for them (--lang zh, or a locale set with monkeypatch).
for _variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"

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
