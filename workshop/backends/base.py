"""The Backend protocol and its values, re-exported from the core, which owns them (workshop/core/ports.py).

Kept so that `from workshop.backends.base import BackendError` goes on working while the
imports move to `workshop.core.ports` and `workshop.core.errors`.
"""

from __future__ import annotations

from workshop.core.errors import BackendError
from workshop.core.ports import (
    Artifact,
    Backend,
    ClockSkew,
    DoctorItem,
    ObjectInfo,
    PipelineRef,
    PredictionHints,
    Prewarm,
    ProgressMirror,
    ServiceStatus,
    StreamingDoctor,
    TaskPods,
    run_doctor,
)

__all__ = [
    "Artifact", "Backend", "BackendError", "ClockSkew", "DoctorItem", "ObjectInfo", "PipelineRef",
    "PredictionHints", "Prewarm", "ProgressMirror", "ServiceStatus", "TaskPods",
    "StreamingDoctor",
    "run_doctor",
]
