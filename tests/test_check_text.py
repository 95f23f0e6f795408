"""The check summaries in English and Simplified Chinese: the catalog and one real check."""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path
from typing import Any

import pytest

from workshop.core import check_text
from workshop.core.check_text import CATALOG, say
from workshop.core.checks import REGISTRY, CheckContext, Status, run_one
from workshop.core.lessons import CheckSpec
from workshop.core.progress import RunRecord


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_key_has_both_languages() -> None:
    assert CATALOG
    for key, texts in CATALOG.items():
        assert set(texts) == {"en", "zh"}, key
        assert texts["en"].strip() and texts["zh"].strip(), key


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_placeholders_match(key: str) -> None:
    en, zh = CATALOG[key]["en"], CATALOG[key]["zh"]
    assert _fields(en) == _fields(zh), key


def test_every_message_is_translated() -> None:
    for key, texts in CATALOG.items():
        assert texts["zh"] != texts["en"], key
        # Every sentence reads as Chinese; the separators and "{task}：{problems}" only change punctuation.
        if not key.startswith("sep.") and key != "task_resources.failed":
            assert _has_han(texts["zh"]), key


def test_say_fills_in_and_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    assert say("en", "run_output.ok", name="Output", value=13.0) == "Output = 13, as expected"
    assert say("zh", "run_output.ok", name="Output", value=13.0) == "Output = 13，与预期一致"
    assert say("fr", "run_output.ok", name="Output", value=13.0) == "Output = 13, as expected"
    assert say("en", "s3_object.stale", bucket="b", key="k") == "s3://b/k was stored by an earlier run, not by this one"
    monkeypatch.setitem(CATALOG, "only.english", {"en": "only {thing}"})
    assert say("zh", "only.english", thing="here") == "only here"
    monkeypatch.setitem(CATALOG, "broken.zh", {"en": "fine {x}", "zh": "坏了 {y}"})
    assert say("zh", "broken.zh", x=1) == "fine 1"


def test_order_word() -> None:
    assert check_text.order_word("en", "desc") == "desc"
    assert check_text.order_word("zh", "asc") == "升序"
    assert check_text.order_word("zh", "sideways") == "sideways"


def _run(outputs: dict[str, Any], arguments: dict[str, Any]) -> RunRecord:
    return RunRecord(run_id="run-1", lesson_id=1, backend="local", pipeline_name="p", package_path="",
                     arguments=arguments, state="SUCCEEDED", outputs=outputs, error="", checks=[],
                     started_at=0.0, finished_at=1.0)


def _ctx(lang: str, outputs: dict[str, Any], arguments: dict[str, Any] | None = None) -> CheckContext:
    # the output checks under test read only the run: no lesson and no backend stand behind them
    return CheckContext(lesson=None, run=_run(outputs, arguments or {"a": 3, "b": 4}),  # type: ignore[arg-type]
                        backend=None, lang=lang)  # type: ignore[arg-type]


def test_run_output_speaks_the_learners_language() -> None:
    run_output = REGISTRY["run_output"]
    params = {"expected": "sqrt(a**2 + b**2)"}

    ok_en = run_output(_ctx("en", {"Output": 5.0}), params)
    ok_zh = run_output(_ctx("zh", {"Output": 5.0}), params)
    assert ok_en.status is ok_zh.status is Status.PASSED
    assert ok_en.summary == "Output = 5, as expected"
    assert ok_zh.summary == "Output = 5，与预期一致"
    assert ok_en.evidence == ok_zh.evidence  # only the summary is localized

    bad_en = run_output(_ctx("en", {"Output": 6.0}), params)
    bad_zh = run_output(_ctx("zh", {"Output": 6.0}), params)
    assert bad_en.status is bad_zh.status is Status.FAILED
    assert bad_en.summary == "Output = 6, expected 5"
    assert bad_zh.summary == "Output = 6，预期应为 5"

    missing_zh = run_output(_ctx("zh", {}), params)
    assert missing_zh.summary == "这次运行没有名为 'Output' 的输出"


def test_run_one_messages_are_localized() -> None:
    unknown = CheckSpec(id="x", kind="no-such-kind", title={"en": "X", "zh": "X"}, hints={}, params={})
    assert run_one(_ctx("en", {}), unknown).summary == "this workshop does not know the check kind 'no-such-kind'"
    assert run_one(_ctx("zh", {}), unknown).summary == "本工作坊不认识检查类型 'no-such-kind'"

    # run_output needs "expected"; without it the check breaks and the runner reports it.
    broken = CheckSpec(id="y", kind="run_output", title={"en": "Y"}, hints={}, params={})
    assert run_one(_ctx("en", {}), broken).summary == "the check could not finish: KeyError: 'expected'"
    assert run_one(_ctx("zh", {}), broken).summary == "检查未能完成：KeyError: 'expected'"


def test_compiled_tasks_missing_yaml_in_both_languages(tmp_path: Path) -> None:
    compiled_tasks = REGISTRY["compiled_tasks"]
    for lang, text in (("en", "the compiled YAML is missing"), ("zh", "找不到编译后的 YAML 文件")):
        ctx = _ctx(lang, {})
        ctx.run = dataclasses.replace(ctx.run, package_path=str(tmp_path / "nope.yaml"))
        outcome = compiled_tasks(ctx, {"tasks": ["a"]})
        assert outcome.status is Status.FAILED and outcome.summary == text
