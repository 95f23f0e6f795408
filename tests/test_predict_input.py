"""Try the model refuses what it could never send, naming the field as the learner sees it."""

from __future__ import annotations

import pytest

from workshop.core.predict import PredictionError, parse_features


@pytest.mark.parametrize("bad", ["1e400", "inf", "nan", "-Infinity"])
def test_non_finite_features_are_refused_by_label(bad: str) -> None:
    with pytest.raises(PredictionError, match=r"Petal width \(cm\) must be a finite number"):
        parse_features(["5.1", bad], ["Sepal length (cm)", "Petal width (cm)"])


def test_the_refusal_speaks_chinese() -> None:
    with pytest.raises(PredictionError, match="花瓣宽度（厘米） 必须是数字"):
        parse_features(["wide"], ["花瓣宽度（厘米）"], "zh")
