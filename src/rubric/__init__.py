"""rubric: score performance-evaluation rubrics written in a small DSL, exactly, with reasons.

>>> import rubric
>>> anhui = rubric.load("rubrics/anhui_2019.rub")       # compile once
>>> result = anhui.score(facts)                          # score many times
>>> result.total, result.grade, result["output.delivery.coverage"].explanation
"""

from rubric._evaluation.evaluation import (
    Comparison,
    Difference,
    Evaluation,
    GradeShare,
    NodeStatistics,
    Shortfall,
    Standing,
    UnitError,
)
from rubric._evaluation.units import Unit, load_units
from rubric._facts import Bound, FactSpec, load_facts
from rubric._report.folder import write_report
from rubric._report.template import write_template
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
    "Comparison",
    "Diagnostic",
    "Difference",
    "Evaluation",
    "FactProblem",
    "FactSpec",
    "FactValue",
    "FactsError",
    "GradeShare",
    "NodeStatistics",
    "Reason",
    "Result",
    "Rubric",
    "RubricCheckError",
    "RubricError",
    "RubricSyntaxError",
    "ScoredNode",
    "Shortfall",
    "Standing",
    "Unit",
    "UnitError",
    "__version__",
    "load",
    "load_facts",
    "load_units",
    "loads",
    "write_report",
    "write_template",
]
