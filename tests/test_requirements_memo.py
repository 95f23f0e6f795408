"""The worker's memo of what each task's requirement lines come to (fastpath.task_requirements):
the same answer as taskenv.task_requirements, and never one from another interpreter."""

from __future__ import annotations

import json
from pathlib import Path

from workshop.backends.local import fastpath, taskenv

# What kfp 2.17.3 writes for every lightweight component (kfp/dsl/component_factory.py,
# _get_packages_to_install_command): its own pin, and typing-extensions for Python < 3.9.
KFP_LINES = ("kfp==2.17.3", 'typing-extensions>=3.7.4,<5; python_version<"3.9"')
WITH_A_PACKAGE = ("kfp==2.17.3", "tabulate==0.8.10", 'typing-extensions>=3.7.4,<5; python_version<"3.9"')


def test_the_memo_answers_as_taskenv_and_is_written_once_per_set_of_lines(tmp_path: Path) -> None:
    assert fastpath.task_requirements(KFP_LINES, tmp_path) == taskenv.task_requirements(KFP_LINES) == []
    assert fastpath.task_requirements(WITH_A_PACKAGE, tmp_path) == ["tabulate==0.8.10"]
    memo = json.loads((tmp_path / fastpath.REQUIREMENTS_MEMO).read_text())
    assert memo["kept"] == {"\n".join(KFP_LINES): [], "\n".join(WITH_A_PACKAGE): ["tabulate==0.8.10"]}
    assert [p.name for p in tmp_path.iterdir()] == [fastpath.REQUIREMENTS_MEMO]  # no staging file left
    # remembered: what the memo says is the answer (here a planted one shows it is read)
    memo["kept"]["\n".join(KFP_LINES)] = ["planted==1"]
    (tmp_path / fastpath.REQUIREMENTS_MEMO).write_text(json.dumps(memo))
    assert fastpath.task_requirements(KFP_LINES, tmp_path) == ["planted==1"]


def test_a_memo_from_another_interpreter_or_unreadable_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / fastpath.REQUIREMENTS_MEMO
    path.write_text(json.dumps({"interpreter": ["3.8.0", "cpython"], "kept": {"\n".join(KFP_LINES): ["planted==1"]}}))
    assert fastpath.task_requirements(KFP_LINES, tmp_path) == []
    assert json.loads(path.read_text())["interpreter"] == fastpath._interpreter()
    for garbage in ("{", "[]", '{"interpreter": 1}', '{"kept": {}}'):
        path.write_text(garbage)
        assert fastpath.task_requirements(WITH_A_PACKAGE, tmp_path) == ["tabulate==0.8.10"], garbage


def test_a_memo_folder_that_cannot_be_written_still_gives_the_answer(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert fastpath.task_requirements(WITH_A_PACKAGE, blocked / "pip-cache") == ["tabulate==0.8.10"]
