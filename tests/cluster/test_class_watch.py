"""`workshop instructor class --watch`: the live class screen (screens/class_watch.py) against the recording fake.

The fake lists ConfigMaps across namespaces by label as the API server does for the kubernetes
client's CoreV1Api.list_config_map_for_all_namespaces (kubernetes 30.1.0,
kubernetes/client/api/core_v1_api.py line 14289: GET /api/v1/configmaps with labelSelector): one
request answers for every namespace (tests/cluster/sim.py Objects._list_configmaps).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from textual.widgets import DataTable, Static

from tests.cluster.fake import FakeServer
from tests.cluster.sim import Objects
from tests.test_app import settle
from workshop.backends.cluster import ClusterBackend
from workshop.instructor import classroom
from workshop.screens.class_watch import ClassWatch

OURS = {"app.kubernetes.io/part-of": "kubeflow-workshop"}
LIST = "/api/v1/configmaps"
NOW = 1_767_225_600.0  # the screen's clock, fixed: "no progress for N minutes" is measured against it
LEARNERS = 40
INTERVAL = 2.0


def _progress(objects: Objects, ns: str, learner: str, lessons: dict[str, dict[str, Any]], updated: float) -> None:
    data = {"learner": learner, "lessons": lessons, "updated_at": updated}
    objects.put("configmaps", ns, {"metadata": {"name": "workshop-progress", "labels": dict(OURS)},
                                   "data": {"progress.json": json.dumps(data)}})


def _record(state: str, attempts: int, failure: str = "") -> dict[str, Any]:
    return {"state": state, "attempts": attempts, "passed_at": NOW - 600 if state == "passed" else None,
            "time_spent": 10.0, "last_failure": failure}


def _class(objects: Objects) -> None:
    for i in range(LEARNERS):
        lessons = {"1": _record("passed", 1), "2": _record("open", 1, f"sorted: learner {i}'s order")}
        _progress(objects, f"learner-{i:02d}", f"l{i:02d}", lessons, NOW - 60)
    # learner-03: three failed attempts on lesson 2; learner-07: nothing new for 30 minutes
    _progress(objects, "learner-03", "l03", {"1": _record("passed", 1),
                                             "2": _record("open", 3, "sorted: not descending")}, NOW - 60)
    _progress(objects, "learner-07", "l07", {"1": _record("passed", 1), "2": _record("open", 1)}, NOW - 30 * 60)


def _screen(make_backend: Callable[..., ClusterBackend]) -> ClassWatch:
    be = make_backend("instructor", namespace="kubeflow")
    return ClassWatch(lambda: classroom.read_class(be.kube), (1, 2, 3, 4, 5), interval=INTERVAL, idle_minutes=20,
                      clock=lambda: NOW)


def _cell(app: ClassWatch, ns: str, column: str) -> str:
    return str(app.query_one(DataTable).get_cell(ns, column))


async def test_the_class_screen_reads_40_learners_in_one_request_a_refresh(make_backend, fake: FakeServer) -> None:
    objects = Objects(fake)
    _class(objects)
    app = _screen(make_backend)
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(100, 30)) as pilot:
        started = loop.time()
        await settle(pilot, lambda: app.refreshes >= 1, timeout=INTERVAL)
        assert loop.time() - started < INTERVAL  # the first reading shows before the first refresh is due
        table = app.query_one(DataTable)
        assert table.row_count == LEARNERS
        assert len(fake.calls("GET", LIST)) == 1
        assert fake.calls("GET", LIST)[0].q("labelSelector") == "app.kubernetes.io/part-of=kubeflow-workshop"
        assert _cell(app, "learner-00", "lesson-1").startswith("passed")
        assert _cell(app, "learner-03", "lesson-2").startswith("⚠") and "3 fails" in _cell(
            app, "learner-03", "stuck")
        assert "idle 30 min" in _cell(app, "learner-07", "stuck")
        assert _cell(app, "learner-05", "stuck") == ""

        # a learner passes lesson 2: the next refresh shows it, by updating that row's cells in place
        row_keys = list(table.rows)
        updates, seen = app.updates, app.refreshes
        _progress(objects, "learner-05", "l05", {"1": _record("passed", 1), "2": _record("passed", 2)}, NOW)
        await settle(pilot, lambda: _cell(app, "learner-05", "lesson-2").startswith("passed"),
                     timeout=INTERVAL * 3)
        assert app.refreshes == seen + 1  # within one refresh
        assert app.updates == updates + 1  # that one cell, nothing redrawn around it
        assert list(table.rows) == row_keys  # the rows were never cleared nor re-added

        # more refreshes with nothing new change no cell
        await settle(pilot, lambda: app.refreshes >= seen + 2, timeout=INTERVAL * 3)
        assert app.updates == updates + 1
        app.timer.pause()
        await settle(pilot, lambda: not app._busy)
        assert len(fake.calls("GET", LIST)) == app.refreshes  # exactly one list request a refresh
        assert {(r.method, r.path) for r in fake.calls()} == {("GET", LIST)}  # and nothing else


async def test_selecting_a_learner_shows_their_last_failure(make_backend, fake: FakeServer) -> None:
    objects = Objects(fake)
    _class(objects)
    app = _screen(make_backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.refreshes >= 1, timeout=INTERVAL * 2)
        for _ in range(3):
            await pilot.press("down")
        await pilot.pause()
        detail = str(app.query_one("#class-detail", Static).render())
        assert "l03 (learner-03)" in detail
        assert "Last failure: lesson 2: sorted: not descending" in detail
        assert "lesson 2: 3 failed attempts" in detail
        # a learner whose ConfigMap goes away loses their row; the cursor's learner stays selected
        del objects.items[("configmaps", "learner-39", "workshop-progress")]
        seen = app.refreshes
        await settle(pilot, lambda: app.refreshes > seen, timeout=INTERVAL * 3)
        assert app.query_one(DataTable).row_count == LEARNERS - 1
        assert "l03 (learner-03)" in str(app.query_one("#class-detail", Static).render())


async def test_the_class_screen_draws_its_title(make_backend, fake: FakeServer) -> None:
    """The title (class_title) was set but nothing drew it: the screen had no header."""
    from workshop.ui_text import t

    _class(Objects(fake))
    app = _screen(make_backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.refreshes >= 1, timeout=INTERVAL * 2)
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert t("en", "class_title") in drawn


async def test_a_class_that_cannot_be_read_keeps_the_last_table_and_says_so(make_backend, fake: FakeServer) -> None:
    from tests.cluster.fake import Reply, k8s_status

    objects = Objects(fake)
    _class(objects)
    app = _screen(make_backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.refreshes >= 1, timeout=INTERVAL * 2)
        fake.on("GET", LIST, Reply(503, k8s_status(503, "ServiceUnavailable", "etcdserver: request timed out")))
        status = app.query_one("#class-status", Static)
        await settle(pilot, lambda: "could not be read" in str(status.render()), timeout=INTERVAL * 3)
        assert app.query_one(DataTable).row_count == LEARNERS


def test_the_cli_opens_the_screen_with_the_courses_lessons(make_backend, fake: FakeServer, tmp_path,
                                                            monkeypatch) -> None:
    from click.testing import CliRunner

    from workshop.cli import instructor as cli_instructor
    from workshop.cli.instructor import instructor

    monkeypatch.setenv("WORKSHOP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(cli_instructor, "_make_backend", lambda: make_backend("instructor", namespace="kubeflow"))
    opened: list[ClassWatch] = []
    monkeypatch.setattr(ClassWatch, "run", lambda self, **kw: opened.append(self))
    result = CliRunner().invoke(instructor, ["class", "--watch", "--interval", "3", "--idle-minutes", "10"])
    assert result.exit_code == 0, result.output
    assert [(a.lesson_ids, a.interval, a.idle_minutes) for a in opened] == [((1, 2, 3, 4, 5), 3.0, 10.0)]
    refused = CliRunner().invoke(instructor, ["class", "--watch", "--json"])
    assert refused.exit_code == 2 and "--watch" in refused.output
    assert fake.calls() == []  # opening the screen (run() stubbed) sent nothing; the refusal neither
