"""The CLI as a learner reads it at 80 columns, in English and in Chinese."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len


def workshop(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_LEARNER": "tester", "WORKSHOP_BACKEND": "local",
            "COLUMNS": "80", **env}
    for var in ("WORKSHOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        if var not in env:
            full.pop(var, None)
    return subprocess.run([sys.executable, "-m", "workshop", *args], capture_output=True, text=True, env=full,
                          timeout=120, cwd="/")


def test_help_gives_each_command_its_whole_first_sentence(home: Path) -> None:
    out = workshop(home, "--help")
    commands = out.stdout.split("Commands:")[1]
    assert out.returncode == 0 and "..." not in commands
    assert "Check everything the course needs, with a fix for each problem" in " ".join(out.stdout.split())


def test_progress_fits_80_columns_without_cutting_titles(home: Path) -> None:
    out = workshop(home, "progress", "--lang", "en")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert all(cell_len(line.rstrip()) <= 80 for line in lines)
    assert any("A Pythagorean pipeline" in line for line in lines)  # a title is not folded mid-word
    assert not any(line.strip().endswith(("Pythagorea", "Pythagore")) for line in lines)


def test_lang_zh_cn_picks_chinese_in_the_cli_and_doctor_takes_lang(home: Path) -> None:
    out = workshop(home, "progress", LANG="zh_CN.UTF-8")
    assert "的进度" in out.stdout and "已完成" in out.stdout or "进行中" in out.stdout
    doctor = workshop(home, "doctor", "--lang", "zh")
    assert "本地后端" in doctor.stdout and "对象存储（SeaweedFS）" in doctor.stdout, doctor.stdout + doctor.stderr


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


ENGLISH = re.compile(r"\b[A-Za-z]{2,}\b(?:[ ,;:]+\b[A-Za-z]{2,}\b){2,}")  # three English words in a row


def english_left(out: subprocess.CompletedProcess[str]) -> list[str]:
    """Lines of the CLI's own output with English in them (kfp's executor lines, `[task] …`, are kfp's words)."""
    lines = (out.stdout + out.stderr).splitlines()
    return [line for line in lines if not line.lstrip().startswith("[") and
            (ENGLISH.search(re.sub(r"(python -m )?workshop( [a-z-]+)*", "", line))
             or line.startswith(("Usage:", "Error:", "Try '", "Aborted")) or "[required]" in line)]


def zh(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return workshop(home, *args, LANG="zh_CN.UTF-8")


@pytest.mark.parametrize("args", [
    ("run",), ("run", "3"), ("run", "99"), ("run", "1", "--arg", "x"), ("run", "--all", "--arg", "zz=1"),
    ("check", "1"), ("skip", "2"), ("verify",), ("reset",), ("reset", "1", "--dry-run"), ("list",),
    ("exercise",), ("exercise", "1", "--fresh", "--off"), ("exercise", "1"), ("solution", "1"),
    ("instructor", "prepare"), ("exercise", "1", "--off"),
])
def test_lang_zh_cn_every_message_of_a_command_is_chinese(home: Path, args: tuple[str, ...]) -> None:
    out = zh(home, *args)
    if args[0] == "solution":  # stdout is the pipeline's code, as the tutorial writes it; the heading is on stderr
        assert "from kfp import dsl" in out.stdout
        out.stdout = ""
    said = out.stdout + out.stderr
    assert _han(said), said
    assert not english_left(out), said
    assert "Traceback" not in said


def test_a_lesson_run_and_its_reset_speak_chinese(home: Path) -> None:
    run = zh(home, "run", "1", "--arg", "a=3", "--arg", "b=4", "--quiet")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "== 第 1 课：" in run.stdout and "第 1 课通过。" in run.stdout and "运行成功" in run.stdout
    assert not english_left(run), english_left(run)
    assert "kfp 执行器自己的输出" not in run.stdout  # --quiet shows no kfp line, so no note about them
    reset = zh(home, "reset", "1", "--yes")
    assert reset.returncode == 0, reset.stderr
    for line in ("已删除运行", "第 1 课重新变为「进行中」", "已重置第 1 课。"):
        assert line in reset.stdout, reset.stdout
    assert not english_left(reset), reset.stdout


@pytest.mark.parametrize("how", [{"LANG": "zh_CN.UTF-8"}, {"ARGS": "--lang zh"}])
def test_help_is_chinese_and_whole(home: Path, how: dict[str, str]) -> None:
    env = {k: v for k, v in how.items() if k != "ARGS"}
    pre = how.get("ARGS", "").split()
    top = workshop(home, *pre, "--help", **env)
    assert top.returncode == 0 and "命令" in top.stdout
    rows = top.stdout.split("\n命令")[1].strip().splitlines()
    assert "..." not in "\n".join(rows)
    assert len(rows) >= 12 and all(_han(row) for row in rows if row.startswith("  ") and not row.startswith("   "))
    assert "检查课程需要的一切，每个问题都给出解决办法" in "".join(top.stdout.split())
    for command in (["run"], ["reset"], ["instructor", "class", "reset"]):
        sub = workshop(home, *pre, *command, "--help", **env)
        assert sub.returncode == 0 and "用法" in sub.stdout and not english_left(sub), sub.stdout


@pytest.mark.parametrize("args", [
    ("--bogus", "--lang", "zh"), ("--lang", "zh", "--bogus"), ("run", "--bogus", "--lang=zh"),
    ("run", "1", "--arg", "bad", "--lang", "zh"), ("run", "1", "--lang", "zh", "--arg"),
    ("graph", "1", "--width", "abc", "--lang", "zh"), ("graph", "1", "--width", "5", "--lang", "zh"),
    ("run", "1", "2", "--lang", "zh"), ("run", "1", "--backend", "foo", "--lang", "zh"), ("bogus", "--lang", "zh"),
    ("run", "--pipeline", "/nope", "1", "--lang", "zh"), ("instructor", "token", "--bogus", "--lang", "zh"),
    ("instructor", "class", "reset", "--lang", "zh"),
])
def test_an_option_error_before_lang_speaks_the_lang_given_later(home: Path, args: tuple[str, ...]) -> None:
    """No locale: the --lang that comes after the bad option still decides, and click's own words are Chinese."""
    out = workshop(home, *args)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "错误：" in out.stderr and ("用法：" in out.stderr or args[-1] == "--arg"), out.stderr
    assert not english_left(out), out.stderr


def test_an_option_error_under_a_chinese_locale_is_chinese(home: Path) -> None:
    for env in ({"LANG": "zh_CN.UTF-8"}, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}):
        out = workshop(home, "run", "1", "--bogus", **env)
        assert out.returncode == 2 and "错误：没有这个选项：--bogus" in out.stderr and not english_left(out), out.stderr
    english = workshop(home, "run", "1", "--bogus")  # no locale, no --lang: click's words as click has them
    assert "Error: No such option" in english.stderr


def test_the_language_is_read_from_argv_before_click_parses() -> None:
    from workshop.cli.common import prescan_language

    assert prescan_language(["--bogus", "--lang", "zh"]) == "zh"
    assert prescan_language(["run", "--lang=zh", "1"]) == "zh"
    assert prescan_language(["run", "--lang", "zh", "--lang", "en"]) == "en"  # the last wins, as in click
    assert prescan_language(["run", "--lang", "fr"]) is None and prescan_language(["run", "--lang"]) is None
    assert prescan_language(["run", "--", "--lang", "zh"]) is None


def test_kfps_own_lines_get_one_chinese_note_and_stay_as_kfp_wrote_them(home: Path) -> None:
    """kfp's executor lines are kfp's words (not translated); in Chinese the CLI says so once, before the first."""
    run = zh(home, "run", "1", "--arg", "a=3", "--arg", "b=4")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lines = run.stdout.splitlines()
    notes = [i for i, line in enumerate(lines) if "kfp 执行器自己的输出" in line]
    first_kfp = next(i for i, line in enumerate(lines) if "[KFP Executor" in line and line.startswith("["))
    assert len(notes) == 1 and notes[0] < first_kfp, run.stdout
    assert "--quiet" in lines[notes[0]]


def test_a_learners_file_that_does_not_import_and_an_unknown_argument_are_said_in_chinese(home: Path,
                                                                                          tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("from kfp import dsl\n\nraise ValueError('boom')\n", encoding="utf-8")
    graph = zh(home, "graph", "1", "--pipeline", str(broken))
    assert graph.returncode == 1 and "broken.py（第 3 行）无法导入：ValueError: boom" in graph.stderr, graph.stderr
    missing = tmp_path / "empty.py"
    missing.write_text("x = 1\n", encoding="utf-8")
    none = zh(home, "graph", "1", "--pipeline", str(missing))
    assert "empty.py 中没有流水线函数" in none.stderr, none.stderr
    unknown = zh(home, "run", "1", "--arg", "zz=1")
    assert unknown.returncode == 1 and "第 1 课没有参数 'zz'" in unknown.stderr, unknown.stderr
    for out in (graph, none, unknown):
        assert not english_left(out), out.stderr


def test_every_command_takes_lang() -> None:
    """`--lang` on every command and subcommand, not only on the group: `workshop doctor --lang zh` works as
    `workshop --lang zh doctor` does."""
    import click

    from workshop.cli import main

    def commands(cmd: click.Command, path: str) -> list[tuple[str, click.Command]]:
        found = [(path, cmd)]
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                found += commands(sub, f"{path} {name}")
        return found

    every = commands(main, "workshop")
    assert len(every) >= 18  # list, run, check, progress, doctor, graph, reset, … and the instructor's
    assert [path for path, cmd in every if not any(p.name == "lang" for p in cmd.params)] == []
