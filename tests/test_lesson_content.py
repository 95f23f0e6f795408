"""What the tutorial teaches that the lessons must say too (issue 11's content list)."""

from __future__ import annotations

from pathlib import Path

import yaml

from workshop.core.course import Course


def _code_blocks(text: str, lang: str) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append("\n".join(current))
                inside, current = False, []
            elif line.strip() == f"```{lang}":
                inside = True
        elif inside:
            current.append(line)
    return blocks


def test_lesson_1_shows_the_client_the_rbac_yaml_and_the_namespace_rule(course: Course) -> None:
    lesson = course.lesson(1)
    for lang in ("en", "zh"):
        text = lesson.text(lang)
        code = "\n".join(_code_blocks(text, "python"))
        assert "Client(" in code and "namespace=" in code and "existing_token=" in code
        docs = [d for block in _code_blocks(text, "yaml") for d in yaml.safe_load_all(block) if d]
        kinds = {d.get("kind"): d for d in docs if isinstance(d, dict)}
        assert {"ServiceAccount", "ClusterRoleBinding"} <= set(kinds)
        binding = kinds["ClusterRoleBinding"]
        assert binding["subjects"][0]["name"] == kinds["ServiceAccount"]["metadata"]["name"]
        assert binding["roleRef"]["name"] == "kubeflow-pipelines-edit"
    assert "public" in lesson.text("en") and "private" in lesson.text("en")
    assert "公有" in lesson.text("zh") and "私有" in lesson.text("zh")


def test_lesson_2_says_where_the_input_file_is_and_the_access_modes(course: Course) -> None:
    lesson = course.lesson(2)
    # the folder the lesson names is the one the local backend really uses
    from workshop.backends.local.backend import LocalBackend

    backend = LocalBackend(course.settings.local_dir, course.settings.assets_dir)
    try:
        folder = backend.volumes.ensure("aidatasource")
    finally:
        backend.close()
    named = "local/volumes/aidatasource/input_numbers.csv"
    assert (folder / "input_numbers.csv").is_file()
    assert str(folder / "input_numbers.csv").endswith(named)
    assert folder.is_relative_to(Path(course.settings.home))
    for lang in ("en", "zh"):
        text = lesson.text(lang)
        assert named in text and "ReadWriteOnce" in text and "ReadWriteMany" in text and "kubectl" in text


def test_lesson_5_says_where_kubeflow_shows_the_service_and_gives_the_curl(course: Course) -> None:
    import json
    import re
    import shlex

    lesson = course.lesson(5)
    for lang in ("en", "zh"):
        text = lesson.text(lang)
        assert "KServe Endpoints" in text
        shell = "\n".join(_code_blocks(text, "shell")).replace("\\\n", " ")
        curl = next(line for line in shell.splitlines() if line.strip().startswith("curl"))
        words = shlex.split(curl)
        assert '"$URL/v1/models/iris-svc:predict"'.strip('"') in words
        body = json.loads(words[words.index("-d") + 1])
        assert len(body["instances"][0]) == 4
        assert "jsonpath='{.status.address.url}'" in shell
    zh = lesson.text("zh")
    first = zh.index("InferenceService")
    assert zh[first - len("推理服务（"):first] == "推理服务（" and re.match(r"InferenceService）", zh[first:])
