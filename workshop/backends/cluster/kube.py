"""The Kubernetes REST calls the backend makes (core/v1, authorization, KServe), as plain JSON."""

from __future__ import annotations

from typing import Any

from workshop.backends.cluster.rest import HttpError, Rest
from workshop.core.errors import BackendError

KSERVE = "/apis/serving.kserve.io/v1beta1"
RBAC = "/apis/rbac.authorization.k8s.io/v1"


class NoKubeApi(BackendError):
    pass


class KubeApi:
    def __init__(self, rest: Rest | None, namespace: str) -> None:
        self._rest = rest
        self.namespace = namespace

    @property
    def available(self) -> bool:
        return self._rest is not None

    @property
    def rest(self) -> Rest:
        if self._rest is None:
            from workshop.core.settings import docs_path

            raise NoKubeApi.of("backend:no_kube_api", docs=docs_path("cluster.md"))
        return self._rest

    def _ns(self, namespace: str | None) -> str:
        return f"/api/v1/namespaces/{namespace or self.namespace}"

    # --- namespace, pods, logs, events -------------------------------------------------
    def namespace_exists(self) -> bool | None:
        """True/False, or None when this account may not read namespaces."""
        try:
            return self.rest.get_or_none(f"/api/v1/namespaces/{self.namespace}", timeout=5.0) is not None
        except HttpError as exc:
            if exc.status == 403:
                return None
            raise

    def list_pods(self, selector: str, namespace: str | None = None) -> list[dict[str, Any]]:
        data = self.rest.json("GET", f"{self._ns(namespace)}/pods", params={"labelSelector": selector})
        return list(data.get("items") or [])

    def get_pod(self, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return self.rest.get_or_none(f"{self._ns(namespace)}/pods/{name}")

    def create_pod(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.rest.json("POST", f"{self._ns(None)}/pods", json_body=body))

    def delete_pod(self, name: str) -> None:
        try:
            self.rest.json("DELETE", f"{self._ns(None)}/pods/{name}", params={"gracePeriodSeconds": 0})
        except HttpError as exc:
            if exc.status != 404:
                raise

    def pod_log(self, name: str, container: str = "main") -> str:
        response = self.rest.request("GET", f"{self._ns(None)}/pods/{name}/log", params={"container": container},
                                     headers={"Accept": "*/*"})
        return response.text

    def log_path(self, name: str) -> str:
        return f"{self._ns(None)}/pods/{name}/log"

    def pod_events(self, name: str) -> list[dict[str, Any]]:
        data = self.rest.json("GET", f"{self._ns(None)}/events",
                              params={"fieldSelector": f"involvedObject.kind=Pod,involvedObject.name={name}"})
        return list(data.get("items") or [])

    # --- nodes ------------------------------------------------------------------------
    def list_nodes(self) -> list[dict[str, Any]] | None:
        """The nodes, or None when this account may not list them (usual for profile users)."""
        try:
            data = self.rest.json("GET", "/api/v1/nodes")
        except HttpError as exc:
            if exc.status == 403:
                return None
            raise
        return list(data.get("items") or [])

    def get_node(self, name: str) -> dict[str, Any] | None:
        try:
            return self.rest.get_or_none(f"/api/v1/nodes/{name}")
        except HttpError as exc:
            if exc.status == 403:
                return None
            raise

    # --- volumes, secrets, services, service accounts -------------------------------------
    def get_pvc(self, name: str) -> dict[str, Any] | None:
        return self.rest.get_or_none(f"{self._ns(None)}/persistentvolumeclaims/{name}")

    def get_secret(self, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return self.rest.get_or_none(f"{self._ns(namespace)}/secrets/{name}")

    def get_service(self, name: str, namespace: str) -> dict[str, Any] | None:
        return self.rest.get_or_none(f"{self._ns(namespace)}/services/{name}")

    def apply(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create the object, or merge-patch it when it exists (secrets, serviceaccounts)."""
        path = f"{self._ns(None)}/{kind}"
        try:
            return dict(self.rest.json("POST", path, json_body=body))
        except HttpError as exc:
            if exc.status != 409:
                raise
        name = body["metadata"]["name"]
        return dict(self.rest.json("PATCH", f"{path}/{name}", json_body=body,
                                   headers={"Content-Type": "application/merge-patch+json"}))

    # --- permissions --------------------------------------------------------------------
    def can_i(self, verb: str, resource: str, subresource: str = "", group: str = "") -> tuple[bool, str]:
        attributes = {"namespace": self.namespace, "verb": verb, "resource": resource, "group": group}
        if subresource:
            attributes["subresource"] = subresource
        body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": attributes}}
        data = self.rest.json("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", json_body=body)
        status = data.get("status") or {}
        return bool(status.get("allowed")), str(status.get("reason") or status.get("evaluationError") or "")

    # --- KServe ---------------------------------------------------------------------------
    def kserve_installed(self) -> bool:
        data = self.rest.get_or_none(KSERVE)
        return bool(data) and any(r.get("name") == "inferenceservices" for r in data.get("resources") or [])

    def get_isvc(self, name: str, namespace: str) -> dict[str, Any] | None:
        return self.rest.get_or_none(f"{KSERVE}/namespaces/{namespace}/inferenceservices/{name}")

    def delete_isvc(self, name: str, namespace: str) -> None:
        try:
            self.rest.json("DELETE", f"{KSERVE}/namespaces/{namespace}/inferenceservices/{name}")
        except HttpError as exc:
            if exc.status != 404:
                raise

    # --- instructor: objects in any namespace, RBAC, tokens, configmaps --------------------
    def create_if_missing(self, kind: str, body: dict[str, Any], namespace: str | None = None) -> bool:
        """POST a namespaced object; True when created, False when it was already there (409)."""
        try:
            self.rest.json("POST", f"{self._ns(namespace)}/{kind}", json_body=body)
        except HttpError as exc:
            if exc.status == 409:
                return False
            raise
        return True

    def get_custom(self, api: str, plural: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """A namespaced custom resource (api = group/version, e.g. kubeflow.org/v1alpha1), None when absent."""
        return self.rest.get_or_none(f"/apis/{api}/namespaces/{namespace or self.namespace}/{plural}/{name}")

    def list_custom(self, api: str, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        data = self.rest.json("GET", f"/apis/{api}/namespaces/{namespace or self.namespace}/{plural}")
        return list(data.get("items") or [])

    def create_custom_if_missing(self, api: str, plural: str, body: dict[str, Any],
                                 namespace: str | None = None) -> bool:
        """POST a namespaced custom resource; True when created, False when it was already there (409)."""
        try:
            self.rest.json("POST", f"/apis/{api}/namespaces/{namespace or self.namespace}/{plural}", json_body=body)
        except HttpError as exc:
            if exc.status == 409:
                return False
            raise
        return True

    def create_cluster_role_binding(self, body: dict[str, Any]) -> bool:
        """True when created, False when it was already there (409)."""
        try:
            self.rest.json("POST", f"{RBAC}/clusterrolebindings", json_body=body)
        except HttpError as exc:
            if exc.status == 409:
                return False
            raise
        return True

    def request_token(self, account: str, namespace: str, audience: str, seconds: int) -> dict[str, Any]:
        """A TokenRequest (authentication.k8s.io/v1) for a service account; the answer's status holds the token."""
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                "spec": {"audiences": [audience], "expirationSeconds": seconds}}
        return dict(self.rest.json("POST", f"{self._ns(namespace)}/serviceaccounts/{account}/token", json_body=body))

    def get_object(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return self.rest.get_or_none(f"{self._ns(namespace)}/{kind}/{name}")

    def merge_patch(self, kind: str, name: str, body: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
        return dict(self.rest.json("PATCH", f"{self._ns(namespace)}/{kind}/{name}", json_body=body,
                                   headers={"Content-Type": "application/merge-patch+json"}))

    def list_configmaps(self, selector: str) -> list[dict[str, Any]]:
        """ConfigMaps in every namespace with these labels."""
        data = self.rest.json("GET", "/api/v1/configmaps", params={"labelSelector": selector})
        return list(data.get("items") or [])

    def list_namespaces(self, selector: str) -> list[dict[str, Any]]:
        data = self.rest.json("GET", "/api/v1/namespaces", params={"labelSelector": selector})
        return list(data.get("items") or [])
