"""Where kfp.local (kfp 2.17) runs a pipeline otherwise than a cluster does, and the fix.

Each fix is found by the differential suite (tests/differential) and is installed in the
run's worker process only, before the run starts.

1. CEL conversion functions in dsl.If conditions, which kfp.local's condition evaluator lacks.
The compiler writes `dsl.If(x > 0)` on a float as `... > double(0)` (and `string(...)` for
strings). kfp.local (kfp 2.17, kfp/local/orchestrator/enhanced_dag_orchestrator.py,
ConditionEvaluator.evaluate_condition) evaluates conditions with Python's eval over a fixed
set of names without `double`, so the NameError is logged and the condition reads as False:
both branches of an If/Else are skipped and a dsl.OneOf after them fails. On a cluster the
driver evaluates CEL and one branch runs. Rewriting the CEL casts to their Python names,
outside quoted strings, before kfp.local evaluates the condition, gives the cluster's result.

2. An Optional[int] input left to None. kfp/local/executor_input_utils.py, executor_input_to_dict,
casts every NUMBER_INTEGER input with int(), and int(None) raises TypeError, which fails the
whole run with a traceback. A cluster's launcher passes the null through and the component
gets None: cast only the values that are there.
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
    _install_cel_casts()
    _install_optional_ints()


def _install_optional_ints() -> None:
    from google.protobuf import json_format
    from kfp.local import executor_input_utils
    from kfp.pipeline_spec import pipeline_spec_pb2

    if getattr(executor_input_utils.executor_input_to_dict, "_workshop", False):
        return
    integer = pipeline_spec_pb2.ParameterType.ParameterTypeEnum.NUMBER_INTEGER

    def executor_input_to_dict(executor_input: Any, component_spec: Any) -> dict[str, Any]:
        data: dict[str, Any] = json_format.MessageToDict(executor_input)
        values = data.get("inputs", {}).get("parameterValues", {})
        for name, spec in component_spec.input_definitions.parameters.items():
            if spec.parameter_type == integer and values.get(name) is not None:
                values[name] = int(values[name])
        return data

    executor_input_to_dict._workshop = True  # type: ignore[attr-defined]
    executor_input_utils.executor_input_to_dict = executor_input_to_dict


def _install_cel_casts() -> None:
    from kfp.local.orchestrator import enhanced_dag_orchestrator as dag

    evaluator = dag.ConditionEvaluator
    original = evaluator.__dict__["evaluate_condition"]
    if getattr(original, "_workshop", False):
        return
    plain = original.__func__ if isinstance(original, staticmethod) else original

    def evaluate_condition(condition: str, io_store: Any) -> bool:
        return bool(plain(to_python_casts(condition) if condition else condition, io_store))

    evaluate_condition._workshop = True  # type: ignore[attr-defined]
    evaluator.evaluate_condition = staticmethod(evaluate_condition)
