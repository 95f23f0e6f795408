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


def test_a_backend_that_cannot_say_the_host_gets_the_default_domain_marked_assumed() -> None:
    """The local backend has no ingress: the host is KServe's default domain's, and said to be assumed."""
    from typing import Any, cast

    from workshop.core.predict import curl_request

    class Local:  # no service_host: not a ServiceHosts backend
        name = "local"

    request = curl_request(cast(Any, Local()), "iris-svc", "ns1", [1.0, 2.0, 3.0, 4.0])
    assert not request.from_status
    assert request.host == "iris-svc.ns1.example.com"
    assert "Host: iris-svc.ns1.example.com" in request.command


def test_a_backend_whose_cluster_does_not_answer_falls_back_to_the_assumed_host() -> None:
    from typing import Any, cast

    from workshop.core.predict import curl_request

    class Down:
        name = "cluster"

        def service_host(self, name: str, namespace: str) -> str | None:
            raise OSError("connection refused")

    request = curl_request(cast(Any, Down()), "iris-svc", "ns1", [1.0, 2.0, 3.0, 4.0])
    assert not request.from_status and request.host == "iris-svc.ns1.example.com"
