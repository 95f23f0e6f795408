"""The course as a learner sees it: lessons, their states, and running one end to end."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workshop.core.errors import BackendError, CompileError, said
from workshop.core.exercise import SolutionGate, code_version, own_code, pipeline_file_for, solution_gate
from workshop.core.lessons import Lesson, find_lesson, load_lessons
from workshop.core.progress import PASSED, ProgressStore, RunRecord
from workshop.core.settings import Settings
from workshop.core.text import text

# Imported where a lesson runs, not to show one: the checks bring the spec reader and yaml; the run events
# and the backend's ports (some twenty dataclasses and protocols, 10-20 ms) are not on the way to the first
# screen of `workshop start` (bench/bench_startup.py).
if TYPE_CHECKING:
    from workshop.core.checks import CheckResult
    from workshop.core.events import RunEvent, RunFinished
    from workshop.core.ports import Backend


class LessonState(StrEnum):
    LOCKED = "locked"
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"
    COMING_SOON = "coming soon"


@dataclass(frozen=True)
class Attempt:
    run: RunRecord
    checks: list[CheckResult]
    passed_before: bool = False  # the lesson was passed before this attempt (a failed rerun leaves it passed)

    @property
    def passed(self) -> bool:
        from workshop.core.events import RunState

        return self.run.state == RunState.SUCCEEDED.value and all(c.passed for c in self.checks)


def _warm_checks(*lessons: Lesson) -> Callable[[], None]:
    """Start what these lessons' checks will need and is slow to start; returns how to stop it unused.

    Lesson 4's model is scored in a process of its own that imports scikit-learn and makes the held-out
    digits (and TensorFlow, only for a model keras_numpy does not run): started with the run, that start
    overlaps the training instead of following it; started before the lessons ahead of it (`run --all`),
    it is done by then. A lesson's run takes the one started for the course.
    """
    if any(spec.kind == "keras_model_accuracy" for lesson in lessons for spec in lesson.checks):
        from workshop.core import keras_eval

        keras_eval.prestart()
        return keras_eval.discard
    return lambda: None


class Course:
    def __init__(self, settings: Settings) -> None:
        settings.ensure()
        self._settings = settings
        self.lessons = load_lessons(settings.lessons_dir, settings.pipelines_dir,
                                    kept=settings.home / "cache" / "lessons.json")
        self.progress = ProgressStore(settings.progress_db, settings.learner, settings.language)
        # runs that failed with no task failing (a worker that died, a platform error): their
        # checks must not send the learner to their code
        self.not_the_code: set[str] = set()
        self.sync_notice = ""  # set once when the cluster copy of the progress could not be written

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings  # the app's language toggle replaces them: the progress store follows
        self.progress.language = settings.language

    def sync_progress(self, backend: Backend) -> None:
        """Mirror the progress to the backend (the cluster's ConfigMap); the local record always stays."""
        from workshop.core.ports import ProgressMirror
        from workshop.core.progress_mirror import push

        if not isinstance(backend, ProgressMirror):
            return
        try:
            push(backend, self.progress)
        except BackendError as exc:
            if not self.sync_notice:
                self.sync_notice = text(self.settings.language, "course:sync_failed",
                                        error=said(exc, self.settings.language))

    def restore_progress(self, backend: Backend) -> bool:
        """On the cluster with an empty local store: take the progress from the learner's ConfigMap."""
        from workshop.core.ports import ProgressMirror
        from workshop.core.progress_mirror import pull

        if not isinstance(backend, ProgressMirror):
            return False
        try:
            return pull(backend, self.progress)
        except BackendError as exc:
            self.sync_notice = text(self.settings.language, "course:restore_failed",
                                    error=said(exc, self.settings.language))
            return False

    def prepare(self, lessons: list[Lesson], backend: Backend) -> Callable[[], None]:
        """Before taking these lessons in a row (`workshop run --all`): start now, in the background,
        what their runs and checks will need and is slow to start (servers, the model scorer), so it
        overlaps the lighter lessons before them. Returns how to stop what is left unused; closing the
        backend stops the servers."""
        from workshop.core.ports import PrepareServices

        names = {str(name) for lesson in lessons for name in lesson.extra.get("services", ())}
        if names and isinstance(backend, PrepareServices):
            backend.prepare_services(names)
        return _warm_checks(*lessons)

    def release(self, ahead: list[Lesson], backend: Backend) -> None:
        """Between lessons taken in a row: stop, in the background, the servers none of those ahead needs."""
        from workshop.core.ports import PrepareServices

        if isinstance(backend, PrepareServices):
            backend.release_services({str(name) for lesson in ahead for name in lesson.extra.get("services", ())})

    def lesson(self, ref: str | int) -> Lesson:
        return find_lesson(self.lessons, ref, self.settings.language)

    def states(self) -> dict[int, LessonState]:
        records = self.progress.all_lessons()
        states: dict[int, LessonState] = {}
        for lesson in self.lessons:
            record = records.get(lesson.id)
            if record is not None and record.state == "passed":
                states[lesson.id] = LessonState.DONE
            elif record is not None and record.state == "skipped":
                states[lesson.id] = LessonState.SKIPPED
            elif not all(states.get(r) in (LessonState.DONE, LessonState.SKIPPED) for r in lesson.requires):
                states[lesson.id] = LessonState.LOCKED
            elif not lesson.available:
                states[lesson.id] = LessonState.COMING_SOON
            else:
                states[lesson.id] = LessonState.OPEN
        return states

    def pipeline_file(self, lesson: Lesson) -> Path:
        """The file a run compiles: the learner's own in exercise mode, else the reference."""
        return pipeline_file_for(self.settings, self.progress, lesson)

    def solution_gate(self, lesson: Lesson) -> SolutionGate:
        return solution_gate(self.progress, lesson)

    def package_path(self, lesson: Lesson) -> Path:
        """The latest compiled YAML of a lesson, for the learner to read; a run keeps its own copy."""
        return self.settings.workspace / f"{lesson.key}.yaml"

    def _run_package_path(self, lesson: Lesson) -> Path:
        """A file no other run compiles to: two runs of one lesson at once must not share one."""
        import secrets

        stamp = time.strftime("%Y%m%d-%H%M%S")
        return self.settings.workspace / "runs" / lesson.key / f"{stamp}-{secrets.token_hex(4)}.yaml"

    def run_lesson(
        self,
        lesson: Lesson,
        backend: Backend,
        arguments: dict[str, Any],
        on_event: Callable[[RunEvent], object] = lambda event: None,
        on_run_id: Callable[[str], object] = lambda run_id: None,
        pipeline_file: Path | None = None,
        on_step: Callable[[str, dict[str, Any]], object] = lambda step, details: None,
    ) -> Attempt:
        """Compile, upload, run, wait for the end, check, record. Blocking: call from a worker.

        `on_step` hears the Kubeflow steps as they happen, as the tutorial's steps 2-4 name them:
        "compiled" (file), "uploaded" (name, version, id), "run_created" (run name, arguments,
        run id; caching is off on every backend)."""
        started = time.time()  # before anything runs: outputs older than this are not this run's
        source = pipeline_file or self.pipeline_file(lesson)
        try:
            code = source.read_bytes()  # read once: what is hashed is what compiles
        except OSError as exc:
            raise CompileError(text(self.settings.language, "learner:cannot_read", path=source,
                                    reason=exc.strerror or exc)) from exc
        digest = code_version(code)  # comments and layout make no new version
        from workshop.core.compile import compile_pipeline

        try:
            package = compile_pipeline(source, lesson.pipeline_function, self._run_package_path(lesson), code,
                                       self.settings.language)
        except CompileError as exc:
            # A pipeline that does not compile is a failed attempt too: it counts towards the
            # hints and the reveal of the solution, so a learner stuck there is not stuck for good.
            self.progress.record_attempt(lesson.id, False, {}, f"compile: {exc}",
                                         tried=digest if own_code(lesson, digest) else "")
            self.sync_progress(backend)
            raise
        _publish(package, self.package_path(lesson))
        on_step("compiled", {"file": str(self.package_path(lesson))})  # the copy the learner opens
        stop_warm = _warm_checks(lesson)  # slow check set-up overlaps the run
        try:
            return self._run_and_check(lesson, backend, arguments, on_event, on_run_id, on_step, package, source,
                                       digest, started)
        finally:
            stop_warm()

    def _run_and_check(self, lesson: Lesson, backend: Backend, arguments: dict[str, Any],
                       on_event: Callable[[RunEvent], object], on_run_id: Callable[[str], object],
                       on_step: Callable[[str, dict[str, Any]], object],
                       package: Path, source: Path, digest: str, started: float) -> Attempt:
        from workshop.core.events import RunFinished, RunState, TaskFinished, TaskState

        ref = backend.upload_pipeline(package, lesson.pipeline_name, lesson.description_in("en"))
        on_step("uploaded", {"name": ref.name, "version": ref.version_name, "id": ref.pipeline_id,
                             "version_id": ref.version_id})
        services = tuple(lesson.extra.get("services", ()))
        run_name = f"{lesson.key}-{time.strftime('%Y%m%d-%H%M%S')}"
        run_id = backend.submit(package, ref, arguments, run_name, services)
        on_step("run_created", {"run_name": run_name, "arguments": dict(arguments), "run_id": run_id})
        on_run_id(run_id)
        record = RunRecord(run_id, lesson.id, backend.name, ref.name, str(package), arguments,
                           RunState.RUNNING.value, {}, "", [], started, None, str(source), digest)
        self.progress.add_run(record)
        finished: RunFinished | None = None
        task_failed = False
        for event in backend.events(run_id):
            on_event(event)
            if isinstance(event, RunFinished):
                finished = event
            elif isinstance(event, TaskFinished) and event.state is TaskState.FAILED:
                task_failed = True
        assert finished is not None
        if finished.state is RunState.FAILED and not task_failed:
            self.not_the_code.add(run_id)  # the run stopped around the tasks, not in one
        self.progress.finish_run(run_id, finished.state.value, finished.outputs, finished.error)
        own = self.progress.run(run_id)  # this run, not the newest: another process may have started one since
        assert own is not None
        return self.check(lesson, backend, own, on_event)

    def check(self, lesson: Lesson, backend: Backend, run: RunRecord | None = None,
              on_event: Callable[[RunEvent], object] = lambda event: None) -> Attempt:
        """Run the lesson's checks on its last run and record the attempt; a check that waits on the cluster
        says what it waits for through on_event (Waiting), each time that changes."""
        run = run or self.progress.last_run(lesson.id)
        if run is None:
            raise LookupError(text(self.settings.language, "course:not_run", id=lesson.id))
        rechecked = bool(run.checks)  # `workshop check` on a run that was checked before
        passed_before = self.progress.lesson(lesson.id).state == PASSED
        attempt_no = self.progress.lesson(lesson.id).attempts + (0 if rechecked else 1)
        run_id = run.run_id
        from workshop.core.checks import CheckContext, run_checks
        from workshop.core.events import RunState, waiting

        ctx = CheckContext(lesson, run, backend, self.settings.language, max(attempt_no, 1),
                           not_the_code=run.run_id in self.not_the_code,
                           on_wait=lambda what, detail: on_event(waiting(run_id, what, detail)))
        results = run_checks(ctx)
        self.progress.save_checks(run.run_id, [r.to_dict() for r in results])
        attempt = Attempt(run, results, passed_before)
        if run.state == RunState.CANCELED.value:
            return attempt  # a canceled run is not an attempt
        if rechecked and not attempt.passed:
            return attempt  # checking the same run again is not another attempt
        failure = next((f"{r.title}: {r.summary}" for r in results if not r.passed), "")
        mine = own_code(lesson, run.source_sha)
        evidence = {"run_id": run.run_id, "backend": run.backend, "pipeline": run.pipeline_name,
                    "arguments": run.arguments, "outputs": run.outputs,
                    # which code passed: the reference (following along, skip) or the learner's own
                    "source": {"file": run.source_file, "version": run.source_sha,
                               "own_code": mine},
                    "checks": {r.id: r.evidence for r in results},
                    "statuses": {r.id: r.status.value for r in results}}  # a skipped GPU check is not a pass
        self.progress.record_attempt(lesson.id, attempt.passed, evidence, failure,
                                     tried=run.source_sha if mine else "")
        self.sync_progress(backend)
        return attempt


def _publish(package: Path, latest: Path) -> None:
    """Put a copy of the run's YAML where the learner looks; replaced whole, so never half-written."""
    import os
    import shutil

    tmp = latest.with_name(f".{latest.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        shutil.copyfile(package, tmp)
        os.replace(tmp, latest)
    except OSError:
        tmp.unlink(missing_ok=True)  # only a convenience copy: the run has its own
