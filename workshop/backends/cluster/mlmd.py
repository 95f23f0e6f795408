"""Read a run's task outputs from ML Metadata, where the KFP UI reads them.

KFP 2.x keeps output parameters only in MLMD (the execution's custom property `outputs`) and
output artifacts as MLMD artifacts linked by OUTPUT events; the v2beta1 REST API carries
artifact ids at most, never parameter values. The KFP launcher talks to MLMD over plain gRPC
at metadata-grpc-service.kubeflow:8080, and so does this module: a handful of read-only calls
of ml_metadata.MetadataStoreService, encoded by hand (the messages are small and stable, and
the ml-metadata package is not a dependency). Field numbers: ml_metadata/proto/*.proto.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from workshop.core.errors import BackendError

SERVICE = "/ml_metadata.MetadataStoreService/"
RUN_CONTEXT_TYPE = "system.PipelineRun"
OUTPUT_EVENT = 4  # Event.Type.OUTPUT


# --- protobuf wire format ---------------------------------------------------------------
def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def field_bytes(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs: ints for varint/fixed fields, bytes for length-delimited ones."""
    pos = 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(buf, pos)
            yield number, value
        elif wire == 1:
            yield number, struct.unpack_from("<q", buf, pos)[0]
            pos += 8
        elif wire == 2:
            length, pos = _read_varint(buf, pos)
            yield number, buf[pos:pos + length]
            pos += length
        elif wire == 5:
            yield number, struct.unpack_from("<i", buf, pos)[0]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def decode_value(buf: bytes) -> Any:
    """ml_metadata.Value: int_value=1, double_value=2, string_value=3, struct_value=4, bool_value=6."""
    from google.protobuf import json_format, struct_pb2

    for number, value in fields(buf):
        if number == 1 and isinstance(value, int):
            return _signed(value)
        if number == 2 and isinstance(value, int):
            return struct.unpack("<d", struct.pack("<q", value))[0]
        if number == 3 and isinstance(value, bytes):
            return value.decode("utf-8", errors="replace")
        if number == 4 and isinstance(value, bytes):
            message = struct_pb2.Struct()
            message.ParseFromString(value)
            return json_format.MessageToDict(message)
        if number == 6 and isinstance(value, int):
            return bool(value)
    return None


def _properties(entries: list[bytes]) -> dict[str, Any]:
    """A map<string, Value>: each entry is a message with key=1, value=2."""
    props: dict[str, Any] = {}
    for entry in entries:
        key, value = "", None
        for number, item in fields(entry):
            if number == 1 and isinstance(item, bytes):
                key = item.decode()
            elif number == 2 and isinstance(item, bytes):
                value = decode_value(item)
        props[key] = value
    return props


def decode_node(buf: bytes) -> dict[str, Any]:
    """An Execution, Artifact or Context: id=1, type_id=2, uri=3 (artifact), custom_properties=5, type name."""
    node: dict[str, Any] = {"custom_properties": {}}
    custom: list[bytes] = []
    for number, value in fields(buf):
        if number == 1 and isinstance(value, int):
            node["id"] = _signed(value)
        elif number == 3 and isinstance(value, bytes):
            node["uri"] = value.decode()
        elif number == 3 and isinstance(value, int):
            node["state"] = value
        elif number == 5 and isinstance(value, bytes):
            custom.append(value)
    node["custom_properties"] = _properties(custom)
    return node


def decode_event(buf: bytes) -> dict[str, Any]:
    """Event: artifact_id=1, execution_id=2, path=3 (steps=1: key=2), type=4."""
    event: dict[str, Any] = {"key": ""}
    for number, value in fields(buf):
        if number in (1, 2) and isinstance(value, int):
            event["artifact_id" if number == 1 else "execution_id"] = _signed(value)
        elif number == 4 and isinstance(value, int):
            event["type"] = value
        elif number == 3 and isinstance(value, bytes):
            for step_no, step in fields(value):
                if step_no == 1 and isinstance(step, bytes):
                    for k, v in fields(step):
                        if k == 2 and isinstance(v, bytes) and not event["key"]:
                            event["key"] = v.decode()
    return event


class Mlmd:
    def __init__(self, endpoint: str, timeout: float = 10.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self._channel: Any = None

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def _call(self, method: str, request: bytes) -> bytes:
        try:
            import grpc
        except ImportError:
            raise BackendError.of("backend:no_grpc") from None

        if self._channel is None:
            self._channel = grpc.insecure_channel(self.endpoint)
        call = self._channel.unary_unary(SERVICE + method)
        try:
            return bytes(call(request, timeout=self.timeout))
        except grpc.RpcError as exc:
            code = exc.code().name if hasattr(exc, "code") else "?"
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise BackendError.of("backend:mlmd_answered", endpoint=self.endpoint, code=code, method=method,
                                  details=details) from None

    def run_context_id(self, run_id: str) -> int | None:
        answer = self._call("GetContextByTypeAndName",
                            field_bytes(1, RUN_CONTEXT_TYPE.encode()) + field_bytes(2, run_id.encode()))
        for number, value in fields(answer):
            if number == 1 and isinstance(value, bytes):
                return decode_node(value).get("id")
        return None

    def executions(self, context_id: int) -> list[dict[str, Any]]:
        found, token = [], b""
        while True:
            options = field_varint(1, 100) + (field_bytes(3, token) if token else b"")
            answer = self._call("GetExecutionsByContext", field_varint(1, context_id) + field_bytes(2, options))
            token = b""
            for number, value in fields(answer):
                if number == 1 and isinstance(value, bytes):
                    found.append(decode_node(value))
                elif number == 2 and isinstance(value, bytes):
                    token = value
            if not token:
                return found

    def output_artifacts(self, execution_id: int) -> dict[str, list[dict[str, Any]]]:
        """The artifacts an execution wrote, by output name: [{"id", "uri", "custom_properties"}]."""
        answer = self._call("GetEventsByExecutionIDs", field_varint(1, execution_id))
        events = [decode_event(v) for n, v in fields(answer) if n == 1 and isinstance(v, bytes)]
        outputs = [e for e in events if e.get("type") == OUTPUT_EVENT and "artifact_id" in e]
        if not outputs:
            return {}
        request = b"".join(field_varint(1, e["artifact_id"]) for e in outputs)
        answer = self._call("GetArtifactsByID", request)
        artifacts = {a.get("id"): a for a in (decode_node(v) for n, v in fields(answer) if n == 1
                                              and isinstance(v, bytes))}
        by_name: dict[str, list[dict[str, Any]]] = {}
        for event in outputs:
            artifact = artifacts.get(event["artifact_id"])
            if artifact is not None:
                by_name.setdefault(event["key"], []).append(artifact)
        return by_name

    def task_outputs(self, context_id: int, task: str) -> dict[str, Any] | None:
        """A task's outputs: parameters as values, artifacts as {uri, metadata}; None when MLMD has no such task."""
        matches = [e for e in self.executions(context_id)
                   if e["custom_properties"].get("task_name") == task
                   or e["custom_properties"].get("display_name") == task]
        if not matches:
            return None
        execution = max(matches, key=lambda e: e.get("id", 0))  # a retried task: its last execution
        outputs: dict[str, Any] = dict(execution["custom_properties"].get("outputs") or {})
        for name, artifacts in self.output_artifacts(int(execution["id"])).items():
            artifact = artifacts[-1]
            outputs[name] = {"uri": artifact.get("uri", ""), "metadata": artifact["custom_properties"]}
        return outputs
