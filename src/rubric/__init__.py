"""rubric: score performance-evaluation rubrics written in a small DSL, exactly, with reasons.

>>> import rubric
>>> anhui = rubric.load("rubrics/anhui_2019.rub")       # compile once
>>> result = anhui.score(facts)                          # score many times
>>> result.total, result.grade, result["output.delivery.coverage"].explanation
"""

from typing import TYPE_CHECKING, Any

from rubric._facts import Bound, FactSpec, load_facts
from rubric._limits import Limits
from rubric._result import Advice, Reason, Result, ScoredNode
from rubric._rubric import Rubric, load, loads
from rubric._values import Adjustment, FactValue
from rubric.errors import (
    CohortError,
    Diagnostic,
    FactProblem,
    FactsError,
    RubricCheckError,
    RubricError,
    RubricSyntaxError,
)

if TYPE_CHECKING:
    from rubric._batch import Batch, Row
    from rubric._check.bounds import NodeBounds
    from rubric._cohort import Cohort
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
    from rubric._outline import GradeLine, OutlineNode
    from rubric._report.folder import write_report
    from rubric._report.template import write_template
    from rubric._whatif import FactChange, NodeChange, WhatIf

__version__ = "0.4.0"

# Evaluations, reports, batches and outlines are imported when first named, so that
# `import rubric` stays light for software that only scores.
_LATER = {
    "Batch": "rubric._batch",
    "Row": "rubric._batch",
    "GradeLine": "rubric._outline",
    "OutlineNode": "rubric._outline",
    "Cohort": "rubric._cohort",
    "NodeBounds": "rubric._check.bounds",
    "Comparison": "rubric._evaluation.evaluation",
    "Difference": "rubric._evaluation.evaluation",
    "Evaluation": "rubric._evaluation.evaluation",
    "GradeShare": "rubric._evaluation.evaluation",
    "NodeStatistics": "rubric._evaluation.evaluation",
    "Shortfall": "rubric._evaluation.evaluation",
    "Standing": "rubric._evaluation.evaluation",
    "UnitError": "rubric._evaluation.evaluation",
    "Unit": "rubric._evaluation.units",
    "load_units": "rubric._evaluation.units",
    "FactChange": "rubric._whatif",
    "NodeChange": "rubric._whatif",
    "WhatIf": "rubric._whatif",
    "write_report": "rubric._report.folder",
    "write_template": "rubric._report.template",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'rubric' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Adjustment",
    "Advice",
    "Batch",
    "Bound",
    "Cohort",
    "CohortError",
    "Comparison",
    "Diagnostic",
    "Difference",
    "Evaluation",
    "FactChange",
    "FactProblem",
    "FactSpec",
    "FactValue",
    "FactsError",
    "GradeLine",
    "GradeShare",
    "Limits",
    "NodeBounds",
    "NodeChange",
    "NodeStatistics",
    "OutlineNode",
    "Reason",
    "Result",
    "Row",
    "Rubric",
    "RubricCheckError",
    "RubricError",
    "RubricSyntaxError",
    "ScoredNode",
    "Shortfall",
    "Standing",
    "Unit",
    "UnitError",
    "WhatIf",
    "__version__",
    "load",
    "load_facts",
    "load_units",
    "loads",
    "write_report",
    "write_template",
]
