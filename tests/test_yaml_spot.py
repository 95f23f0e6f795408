"""The compiled YAML at the spot each check read (core/spec_place.py, screens/yaml_spot.py).

The places come from the checks that read the spec (pvc_mounts, task_resources, compiled_tasks,
compiled_wiring); the lines from the YAML parser's marks over the file kfp's compiler wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_app import new_app, settle
from workshop.core.compile import compile_pipeline
from workshop.core.lessons import load_lessons
from workshop.core.spec_place import locate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """Each lesson's reference pipeline as kfp compiles it."""
    out = tmp_path_factory.mktemp("yaml")
    texts = {}
    for lesson in load_lessons(ROOT / "lessons", ROOT / "pipelines"):
        if lesson.id in (2, 3, 4):
            package = compile_pipeline(lesson.pipeline_file, lesson.pipeline_function, out / f"{lesson.id}.yaml")
            texts[lesson.id] = package.read_text(encoding="utf-8")
    return texts


def _lines(text: str, start: int, end: int) -> list[str]:
    return text.splitlines()[start - 1:end]


def test_a_pvc_mount_is_found_in_the_platform_document(compiled: dict[int, str]) -> None:
    text = compiled[2]
    spot = locate(text, "platforms.kubernetes.deploymentSpec.executors.exec-sort-csv-component.pvcMount")
    assert spot is not None and spot.exact
    lines = _lines(text, spot.start, spot.end)
    assert lines[0].strip() == "pvcMount:"
    assert any("mountPath: /mnt/shared" in line for line in lines)
    # exactly the mount: the next executor's key is not part of it
    assert not any(line.strip().startswith("exec-") for line in lines)
    # the first document is the pipeline spec: the platform document's line numbers are past its end
    assert spot.start > text.splitlines().index("---")


def test_resources_node_selector_and_secrets_are_found(compiled: dict[int, str]) -> None:
    text = compiled[3]
    spot = locate(text, "deploymentSpec.executors.exec-load-data.container.resources")
    assert spot is not None and spot.exact
    assert [line.strip() for line in _lines(text, spot.start, spot.end)][0] == "resources:"
    assert any("resourceCpuLimit" in line for line in _lines(text, spot.start, spot.end))
    selector = locate(text, "platforms.kubernetes.deploymentSpec.executors.exec-train-model.nodeSelector")
    assert selector is not None
    assert any("nvidia.com/gpu.product" in line for line in _lines(text, selector.start, selector.end))
    secrets = locate(compiled[4], "platforms.kubernetes.deploymentSpec.executors.exec-train-and-upload.secretAsEnv")
    assert secrets is not None
    assert any("AWS_ACCESS_KEY_ID" in line for line in _lines(compiled[4], secrets.start, secrets.end))


def test_a_place_the_file_lacks_points_at_the_nearest_part_it_has(compiled: dict[int, str]) -> None:
    text = compiled[3]
    spot = locate(text, "platforms.kubernetes.deploymentSpec.executors.exec-load-data.nodeSelector")
    assert spot is not None and not spot.exact
    assert spot.found == "platforms.kubernetes.deploymentSpec.executors"
    assert locate(text, "nowhere.at.all") is None
    assert locate("not: [yaml", "root") is None  # bad YAML: no spot, no traceback


def test_the_checks_that_read_the_spec_say_where(course, backend) -> None:
    """pvc_mounts and task_resources attach their places; the places survive the run record."""
    from workshop.core.check_base import CheckResult

    lesson = course.lesson(3)
    result = course.run_lesson(lesson, backend, lesson.defaults())
    by_id = {r.id: r for r in result.checks}
    assert by_id["load-data-resources"].places[0] == "deploymentSpec.executors.exec-load-data.container.resources"
    assert "platforms.kubernetes.deploymentSpec.executors.exec-train-model.nodeSelector" in \
        by_id["train-model-resources"].places
    assert by_id["compiled"].places[0] == "root.dag.tasks"
    again = CheckResult.from_dict(by_id["load-data-resources"].to_dict())
    assert again.places == by_id["load-data-resources"].places


async def _open_at(pilot, app, check_id: str, *, click: bool) -> object:
    from workshop.screens.yaml_spot import YamlSpot
    from workshop.widgets.checks_view import ChecksView
    from workshop.widgets.lesson_view import LessonView

    await pilot.press("r")
    await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks"
                 and bool(app.query_one(ChecksView).results), timeout=180)
    view = app.query_one(ChecksView)
    await settle(pilot, lambda: view.has_focus)
    target = [r.id for r in view.results].index(check_id)
    if click:
        await pilot.pause()
        top, _ = view._row_spans()[target]
        view.parent.scroll_to_region(
            view.region.__class__(0, view.virtual_region.y + top, 1, 1), animate=False)
        await pilot.pause()
        assert await pilot.click(ChecksView, offset=(20, top))  # the click lands on the view, on that row
    else:
        while view.selected != target:
            await pilot.press("down" if view.selected < target else "up")
        await pilot.press("y")
    await settle(pilot, lambda: isinstance(app.screen, YamlSpot))
    screen = app.screen
    await pilot.pause()
    return screen


async def test_lesson_2_opens_the_yaml_at_the_pvc_mount(home: Path) -> None:
    from workshop.screens.yaml_spot import YamlSpot

    app = new_app(home)
    app.course.progress.mark(1, "skipped")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 2, timeout=60)
        screen = await _open_at(pilot, app, "mounts", click=False)
        assert isinstance(screen, YamlSpot)
        lines = screen.text.splitlines()
        marked = [lines[n - 1] for n in screen.highlighted]
        assert marked and sum("pvcMount" in line for line in marked) == 2  # both tasks mount the volume
        assert all(spot.exact for spot in screen.spots)
        scroll = screen.query_one("#spot-scroll")
        first = screen.spots[0].start - 1  # 0-based line
        assert scroll.scroll_y <= first < scroll.scroll_y + scroll.size.height  # scrolled to it
        await pilot.press("n")
        assert screen.current == 1
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, YamlSpot))


async def test_lesson_3_opens_the_yaml_at_the_resources_on_a_click(home: Path) -> None:
    from workshop.screens.yaml_spot import YamlSpot

    app = new_app(home)
    for lesson_id in (1, 2):
        app.course.progress.mark(lesson_id, "skipped")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 3, timeout=60)
        screen = await _open_at(pilot, app, "train-model-resources", click=True)
        assert isinstance(screen, YamlSpot)
        lines = screen.text.splitlines()
        first = screen.spots[0]
        assert any("resourceCpuLimit" in line for line in lines[first.start - 1:first.end])
        marked = [lines[n - 1] for n in screen.highlighted]
        assert any("nodeSelector" in line for line in marked)


async def test_back_on_the_checks_tab_by_its_key_y_opens_the_yaml_at_once(home: Path) -> None:
    """A learner who leaves the Checks tab and comes back with 4 sees the selected row and y works:
    the view takes the focus again (it stayed on the tabs, the row unmarked, y did nothing)."""
    from workshop.screens.yaml_spot import YamlSpot
    from workshop.widgets.checks_view import ChecksView
    from workshop.widgets.lesson_view import LessonView

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 1, timeout=60)
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks"
                     and bool(app.query_one(ChecksView).results), timeout=180)
        await pilot.press("1")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-lesson")
        await pilot.press("4")
        view = app.query_one(ChecksView)
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks")
        await settle(pilot, lambda: view.has_focus)
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, YamlSpot))


def test_the_selected_check_is_marked_without_the_focus_too() -> None:
    from workshop.core.check_base import CheckResult, Status
    from workshop.widgets.checks_view import ChecksView

    view = ChecksView()
    view.results = [CheckResult(id=f"c{i}", title=f"check {i}", status=Status.PASSED, summary="ok")
                    for i in range(2)]
    view.selected = 1
    assert not view.has_focus
    rows = view._table().rows
    assert rows[1].style and not rows[0].style


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_long_path_wraps_the_title_and_keeps_how_to_close_it(lang: str) -> None:
    """At 100 columns the title of lesson 2's YAML ran past the edge: "（Esc" and then nothing."""
    from textual.app import App

    from workshop.screens.yaml_spot import YamlSpot
    from workshop.ui_text import t

    path = "/tmp/walk-home/workspace/runs/02-pvc-sort/20261202-022228-9c15a5e1.yaml"
    app: App[None] = App()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(YamlSpot("a: 1\n", [], path, lang))
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        drawn = "".join(strip.text for strip in strips).replace(" ", "").replace("│", "")
        tail = t(lang, "spot_title", path="")[-8:].replace(" ", "")  # where the line breaks, its space goes
        assert tail in drawn, drawn[:300]
