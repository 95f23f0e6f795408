"""Copy as curl on Try the model (core/predict.curl_command)."""

from __future__ import annotations


def test_copy_as_curl_is_kserves_v1_request_through_the_gateway() -> None:
    """KServe's docs: curl -H "Host: ${SERVICE_HOSTNAME}" http://${INGRESS_HOST}:${INGRESS_PORT}/v1/models/NAME:predict
    with SERVICE_HOSTNAME the host of the InferenceService's status.url ({name}.{namespace}.example.com)."""
    import json
    import shlex

    from workshop.core.predict import curl_command

    words = shlex.split(curl_command("iris-svc", "kubeflow-user-example-com", [6.8, 2.8, 4.8, 1.4]))
    assert words[:3] == ["curl", "-H", "Host: iris-svc.kubeflow-user-example-com.example.com"]
    assert "http://${INGRESS_HOST}:${INGRESS_PORT}/v1/models/iris-svc:predict" in words
    assert json.loads(words[words.index("-d") + 1]) == {"instances": [[6.8, 2.8, 4.8, 1.4]]}
