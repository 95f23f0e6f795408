"""CEL conversion functions in dsl.If conditions, which kfp.local's condition evaluator lacks.

The compiler writes `dsl.If(x > 0)` on a float as `... > double(0)` (and `string(...)` for
strings). kfp.local (kfp 2.17, kfp/local/orchestrator/enhanced_dag_orchestrator.py,
ConditionEvaluator.evaluate_condition) evaluates conditions with Python's eval over a fixed
set of names without `double`, so the NameError is logged and the condition reads as False:
both branches of an If/Else are skipped and a dsl.OneOf after them fails. On a cluster the
driver evaluates CEL and one branch runs. Rewriting the CEL casts to their Python names,
outside quoted strings, before kfp.local evaluates the condition, gives the cluster's result.
"""

from __future__ import annotations

import re
from typing import Any

_QUOTED = re.compile(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
_CASTS = {"double": "float", "string": "str", "uint": "int"}
_CAST = re.compile(r"\b(" + "|".join(_CASTS) + r")\s*\(")


def to_python_casts(condition: str) -> str:
    parts = _QUOTED.split(condition)
    for i in range(0, len(parts), 2):  # the even parts lie outside quotes
        parts[i] = _CAST.sub(lambda m: _CASTS[m.group(1)] + "(", parts[i])
    return "".join(parts)


def install() -> None:
    from kfp.local.orchestrator import enhanced_dag_orchestrator as dag

    evaluator = dag.ConditionEvaluator
    original = evaluator.__dict__["evaluate_condition"]
    if getattr(original, "_workshop", False):
        return
    plain = original.__func__ if isinstance(original, staticmethod) else original

    def evaluate_condition(condition: str, io_store: Any) -> bool:
        return bool(plain(to_python_casts(condition) if condition else condition, io_store))

    evaluate_condition._workshop = True  # type: ignore[attr-defined]
    evaluator.evaluate_condition = staticmethod(evaluate_condition)  # type: ignore[method-assign]
