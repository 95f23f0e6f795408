"""The KFP v2beta1 REST API calls the backend makes, each one request (see docs/cluster.md).

Answers are read as the JSON the API server sends (snake_case field names, the shapes of
kfp_server_api's V2beta1* models).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workshop.backends.cluster.rest import HttpError, Rest
from workshop.core.errors import BackendError

API = "/apis/v2beta1"


def _equals(key: str, value: str) -> str:
    return json.dumps({"predicates": [{"operation": "EQUALS", "key": key, "stringValue": value}]})  # as kfp.Client


class KfpApi:
    def __init__(self, rest: Rest, namespace: str) -> None:
        self.rest = rest
        self.namespace = namespace

    # --- health ----------------------------------------------------------------------
    def healthz(self, timeout: float | None = None) -> dict[str, Any]:
        return dict(self.rest.json("GET", f"{API}/healthz", timeout=timeout))

    def version(self) -> str:
        """The server's release tag, from the v1beta1 healthz that still carries it; '' when unknown."""
        try:
            data = self.rest.json("GET", "/apis/v1beta1/healthz")
        except BackendError:
            return ""
        return str(data.get("tag_name") or data.get("commit_sha") or "")

    # --- pipelines ---------------------------------------------------------------------
    def pipeline_by_name(self, name: str) -> dict[str, Any] | None:
        """The learner's pipeline of that name: GET pipelines/names/{name}, else a filtered list."""
        found = self.rest.get_or_none(f"{API}/pipelines/names/{name}", params={"namespace": self.namespace})
        if found and found.get("pipeline_id"):
            return dict(found)
        return None

    def pipeline_by_filter(self, name: str) -> dict[str, Any] | None:
        data = self.rest.json("GET", f"{API}/pipelines",
                              params={"namespace": self.namespace, "filter": _equals("display_name", name),
                                      "page_size": 1})
        pipelines = data.get("pipelines") or []
        return dict(pipelines[0]) if pipelines else None

    def upload_pipeline(self, package: Path, name: str, description: str) -> dict[str, Any]:
        """A new pipeline in the learner's namespace (HttpError 409 when the name is taken)."""
        params = {"name": name, "display_name": name, "description": description, "namespace": self.namespace}
        with package.open("rb") as fh:
            files = {"uploadfile": (f"{name}.yaml", fh, "application/x-yaml")}
            return dict(self.rest.json("POST", f"{API}/pipelines/upload", params=params, files=files))

    def upload_version(self, package: Path, pipeline_id: str, version: str, description: str) -> dict[str, Any]:
        params = {"name": version, "display_name": version, "pipelineid": pipeline_id, "description": description}
        with package.open("rb") as fh:
            files = {"uploadfile": (f"{version}.yaml", fh, "application/x-yaml")}
            return dict(self.rest.json("POST", f"{API}/pipelines/upload_version", params=params, files=files))

    def latest_version(self, pipeline_id: str) -> dict[str, Any]:
        data = self.rest.json("GET", f"{API}/pipelines/{pipeline_id}/versions",
                              params={"page_size": 1, "sort_by": "created_at desc"})
        versions = data.get("pipeline_versions") or []
        if not versions:
            raise BackendError.of("backend:no_version", pipeline=pipeline_id)
        return dict(versions[0])

    def pipeline_version(self, pipeline_id: str, version_id: str) -> dict[str, Any]:
        return dict(self.rest.json("GET", f"{API}/pipelines/{pipeline_id}/versions/{version_id}"))

    def delete_pipeline_version(self, pipeline_id: str, version_id: str) -> None:
        """Delete one version, and the pipeline once it has none left (the live suite cleans up with it)."""
        for path in (f"{API}/pipelines/{pipeline_id}/versions/{version_id}", None):
            if path is None:
                left = self.rest.get_or_none(f"{API}/pipelines/{pipeline_id}/versions", params={"page_size": 1})
                if left is None or left.get("pipeline_versions"):
                    return
                path = f"{API}/pipelines/{pipeline_id}"
            try:
                self.rest.json("DELETE", path)
            except HttpError as exc:
                if exc.status != 404:
                    raise

    # --- experiments and runs ------------------------------------------------------------
    def experiment_id(self, name: str, description: str) -> str:
        data = self.rest.json("GET", f"{API}/experiments",
                              params={"namespace": self.namespace, "filter": _equals("display_name", name),
                                      "page_size": 1})
        for experiment in data.get("experiments") or []:
            if experiment.get("display_name") == name:
                return str(experiment["experiment_id"])
        created = self.rest.json("POST", f"{API}/experiments",
                                 json_body={"display_name": name, "description": description,
                                            "namespace": self.namespace})
        return str(created["experiment_id"])

    def create_run(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.rest.json("POST", f"{API}/runs", json_body=body))

    def get_run(self, run_id: str) -> dict[str, Any]:
        try:
            return dict(self.rest.json("GET", f"{API}/runs/{run_id}"))
        except HttpError as exc:
            if exc.status == 404:
                raise BackendError.of("backend:no_kfp_run", run_id=run_id) from None
            raise

    def run_exists(self, run_id: str) -> bool:
        try:
            return self.rest.get_or_none(f"{API}/runs/{run_id}") is not None
        except HttpError as exc:
            if exc.status == 400:  # not a KFP run id at all (a local run's, say)
                return False
            raise

    def terminate_run(self, run_id: str) -> None:
        self.rest.json("POST", f"{API}/runs/{run_id}:terminate")

    def delete_run(self, run_id: str) -> None:
        try:
            self.rest.json("DELETE", f"{API}/runs/{run_id}")
        except HttpError as exc:
            if exc.status != 404:
                raise
