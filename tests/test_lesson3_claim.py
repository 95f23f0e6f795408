"""What lesson 3 says about set_accelerator_type, tested by compiling with the installed kfp (2.17).

kfp/dsl/pipeline_task.py (2.17) set_accelerator_type: "if self.container_spec.resources.accelerator_count
is None: ... = '1'" - a count of 1 only when none is set, so the tutorial's order (the limit first,
then add_node_selector_constraint, its deprecated alias) keeps 2, as does the lesson's order.
"""

from pathlib import Path

import yaml
from kfp import compiler, dsl

from workshop.core.course import Course


@dsl.component(base_image="python:3.11")
def train():  # no annotations: kfp reads them as the component's interface
    print("train")


def _compiled_accelerator(tmp_path: Path, configure) -> dict:
    @dsl.pipeline(name="claim")
    def claim():
        configure(train())

    target = tmp_path / "claim.yaml"
    compiler.Compiler().compile(claim, str(target))
    pipeline = next(yaml.safe_load_all(target.read_text()))
    return pipeline["deploymentSpec"]["executors"]["exec-train"]["container"]["resources"]["accelerator"]


def test_either_order_keeps_a_count_of_two_and_the_type_alone_gives_one(tmp_path: Path) -> None:
    lesson_order = _compiled_accelerator(
        tmp_path, lambda t: t.set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(2))
    tutorial_order = _compiled_accelerator(
        tmp_path, lambda t: t.set_accelerator_limit(2).add_node_selector_constraint("nvidia.com/gpu"))
    alone = _compiled_accelerator(tmp_path, lambda t: t.set_accelerator_type("nvidia.com/gpu"))
    assert lesson_order["resourceCount"] == tutorial_order["resourceCount"] == "2"
    assert lesson_order["resourceType"] == tutorial_order["resourceType"] == "nvidia.com/gpu"
    assert alone["resourceCount"] == "1"


def test_the_lesson_says_what_kfp_does(course: Course) -> None:
    """The text no longer claims the order matters (the claim the compile above disproves)."""
    lesson = course.lesson(3)
    for lang in ("en", "zh"):
        text = " ".join(lesson.text(lang).split())
        assert "so call the limit after it" not in text and "所以要在它之后再设置数量" not in text
    en = " ".join(lesson.text("en").split())
    assert "only when no count is set yet" in en and "either order" in en
    zh = "".join(lesson.text("zh").split())
    assert "两种顺序" in zh
