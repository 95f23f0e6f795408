"""The object store KFP uses: find it, take the learner's credentials from the secret, read objects.

Kubeflow >= 2.16 ships SeaweedFS (service seaweedfs.kubeflow:9000), older releases MinIO
(minio-service.kubeflow:9000). The credentials are the keys `accesskey`/`secretkey` of the
secret mlpipeline-minio-artifact that Kubeflow puts in every profile namespace: the same
secret the lesson's pipeline mounts.
"""

from __future__ import annotations

import base64
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from workshop.backends.base import BackendError, ObjectInfo
from workshop.backends.cluster.kube import KubeApi
from workshop.backends.cluster.rest import HttpError

SECRET = "mlpipeline-minio-artifact"
CANDIDATES = (("seaweedfs", "kubeflow", 9000), ("minio-service", "kubeflow", 9000))
REJECTED = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken"}
MISSING = {"NoSuchKey", "NoSuchBucket", "NoSuchObject", "ResourceNotFound"}


def resolves(host: str) -> bool:
    try:
        socket.getaddrinfo(host, None)
    except OSError:
        return False
    return True


class ObjectStore:
    def __init__(self, kube: KubeApi, endpoint: str = "", url: str = "", in_pod: bool = False,
                 verify: bool = True, resolve: Callable[[str], bool] = resolves) -> None:
        self.kube = kube
        self._endpoint = endpoint
        self._url = url
        self.in_pod = in_pod
        self.verify = verify
        self.resolve = resolve
        self.found_by = "configured" if endpoint else ""
        self._client: Any = None

    def endpoint(self) -> str:
        """host:port as the pipeline pods reach it (the lesson's s3_endpoint default)."""
        if self._endpoint:
            return self._endpoint
        if self.in_pod:
            for name, namespace, port in CANDIDATES:
                if self.resolve(f"{name}.{namespace}"):
                    self.found_by = "cluster DNS"
                    return self._set(f"{name}.{namespace}:{port}")
        if self.kube.available:
            for name, namespace, port in CANDIDATES:
                try:
                    service = self.kube.get_service(name, namespace)
                except HttpError:
                    break  # may not read services there: fall back to the default
                if service is not None:
                    self.found_by = f"service {namespace}/{name}"
                    return self._set(f"{name}.{namespace}:{port}")
        self.found_by = "default (MinIO)"
        return self._set("minio-service.kubeflow:9000")

    def _set(self, endpoint: str) -> str:
        self._endpoint = endpoint
        return endpoint

    @property
    def url(self) -> str:
        return self._url or f"http://{self.endpoint()}"

    def credentials(self) -> tuple[str, str]:
        try:
            secret = self.kube.get_secret(SECRET)
        except HttpError as exc:
            if exc.status == 403:
                raise BackendError(f"may not read the secret {SECRET} in namespace {self.kube.namespace} "
                                   "(403): the account needs get on secrets there") from None
            raise
        if secret is None:
            raise BackendError(f"the secret {SECRET} is not in namespace {self.kube.namespace}: Kubeflow copies it "
                               "into every profile namespace; ask the admin to check the profile")
        data = secret.get("data") or {}
        try:
            access = base64.b64decode(data["accesskey"]).decode()
            key = base64.b64decode(data["secretkey"]).decode()
        except (KeyError, ValueError) as exc:
            raise BackendError(f"the secret {SECRET} has no usable {exc} key") from None
        return access, key

    def client(self) -> Any:
        if self._client is None:
            import urllib3
            from minio import Minio

            parsed = urlparse(self.url)
            access, key = self.credentials()
            http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5.0, read=30.0), retries=False,
                                       cert_reqs="CERT_REQUIRED" if self.verify else "CERT_NONE")
            self._client = Minio(parsed.netloc, access_key=access, secret_key=key, secure=parsed.scheme == "https",
                                 region="us-east-1", http_client=http, cert_check=self.verify)
        return self._client

    def _call(self, what: str, bucket: str, key: str, fn: Callable[[Any], Any]) -> Any:
        from minio.error import MinioException, S3Error
        from urllib3.exceptions import HTTPError as Urllib3Error

        try:
            return fn(self.client())
        except S3Error as exc:
            if exc.code in MISSING:
                raise FileNotFoundError(f"s3://{bucket}/{key} does not exist ({exc.code})") from None
            if exc.code in REJECTED:
                raise BackendError(f"the object store at {self.url} rejected the credentials from the secret "
                                   f"{SECRET} in namespace {self.kube.namespace} ({exc.code}): the secret and the "
                                   "store disagree; ask the admin to check both") from None
            raise BackendError(f"the object store at {self.url} answered {exc.code} to {what} "
                               f"s3://{bucket}/{key}: {exc.message}") from None
        except MinioException as exc:  # not S3 at all (a proxy's HTML page, a 5xx): say what answered
            raise BackendError(f"the object store at {self.url} gave an unexpected answer to {what} "
                               f"s3://{bucket}/{key}: {str(exc)[:200]}") from None
        except Urllib3Error as exc:
            hint = "" if self.in_pod else (" Outside the cluster set WORKSHOP_S3_URL to a port-forward, e.g. kubectl "
                                           f"-n kubeflow port-forward svc/{self.endpoint().split('.')[0]} 9000 and "
                                           "WORKSHOP_S3_URL=http://127.0.0.1:9000.")
            raise BackendError(f"cannot reach the object store at {self.url}: {type(exc).__name__}.{hint}") from None

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        info = self._call("stat", bucket, key, lambda c: c.stat_object(bucket, key))
        modified = info.last_modified.timestamp() if isinstance(info.last_modified, datetime) else 0.0
        return ObjectInfo(bucket, key, int(info.size or 0), str(info.etag or "").strip('"'), modified)

    def get(self, bucket: str, key: str) -> bytes:
        def read(client: Any) -> bytes:
            response = client.get_object(bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        return bytes(self._call("get", bucket, key, read))

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self.stat(bucket, key)
        except FileNotFoundError:
            return False
        return True

    def remove(self, bucket: str, key: str) -> None:
        self._call("remove", bucket, key, lambda c: c.remove_object(bucket, key))

    def can_list(self, bucket: str) -> bool:
        return bool(self._call("check", bucket, "", lambda c: c.bucket_exists(bucket)))
