"""rubric: score performance-evaluation rubrics written in a small DSL, exactly, with reasons.

>>> import rubric
>>> anhui = rubric.load("rubrics/anhui_2019.rub")       # compile once
>>> result = anhui.score(facts)                          # score many times
>>> result.total, result.grade, result["output.delivery.coverage"].explanation
"""

from rubric._checker import NodeBounds
from rubric._facts import Bound, FactSpec, load_facts
from rubric._result import Adjustment, FactValue, Reason, Result, ScoredNode
from rubric._rubric import Rubric, load, loads
from rubric.errors import (
    Diagnostic,
    FactProblem,
    FactsError,
    RubricCheckError,
    RubricError,
    RubricSyntaxError,
)

__version__ = "0.2.0"

__all__ = [
    "Adjustment",
    "Bound",
    "Diagnostic",
    "FactProblem",
    "FactSpec",
    "FactValue",
    "FactsError",
    "NodeBounds",
    "Reason",
    "Result",
    "Rubric",
    "RubricCheckError",
    "RubricError",
    "RubricSyntaxError",
    "ScoredNode",
    "__version__",
    "load",
    "load_facts",
    "loads",
]
