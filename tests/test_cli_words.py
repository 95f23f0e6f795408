"""The CLI as a learner reads it at 80 columns, in English and in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
