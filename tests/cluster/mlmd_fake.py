"""A fake ML Metadata gRPC server on 127.0.0.1, its answers encoded by the protobuf library itself.

The message classes are built here from descriptors that follow ml_metadata/proto/*.proto
(the subset the backend reads), so the backend's hand-written decoder is checked against an
independent encoder.
"""

from __future__ import annotations

from concurrent import futures
from typing import Any, TypeAlias

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, struct_pb2

F: TypeAlias = descriptor_pb2.FieldDescriptorProto


def _field(name: str, number: int, kind: int, label: int = F.LABEL_OPTIONAL, type_name: str = "",
           oneof: int | None = None) -> F:
    field = F(name=name, number=number, type=kind, label=label)
    if type_name:
        field.type_name = type_name
    if oneof is not None:
        field.oneof_index = oneof
    return field


def _message(name: str, *fields: F, oneofs: tuple[str, ...] = (), nested: tuple[Any, ...] = ()) -> Any:
    message = descriptor_pb2.DescriptorProto(name=name, field=list(fields))
    for oneof in oneofs:
        message.oneof_decl.add(name=oneof)
    message.nested_type.extend(nested)
    return message


def _props_entry() -> Any:
    entry = _message("CustomPropertiesEntry", _field("key", 1, F.TYPE_STRING),
                     _field("value", 2, F.TYPE_MESSAGE, type_name=".ml_metadata.Value"))
    entry.options.map_entry = True
    return entry


def _classes() -> dict[str, Any]:
    rep = F.LABEL_REPEATED
    props = _field("custom_properties", 5, F.TYPE_MESSAGE, rep, ".ml_metadata.{}.CustomPropertiesEntry")
    file = descriptor_pb2.FileDescriptorProto(name="workshop_test_mlmd.proto", package="ml_metadata",
                                              dependency=["google/protobuf/struct.proto"], syntax="proto2")

    def with_props(name: str, *fields: F) -> Any:
        field = F()
        field.CopyFrom(props)
        field.type_name = props.type_name.format(name)
        return _message(name, *fields, field, nested=(_props_entry(),))

    file.message_type.extend([
        _message("Value", _field("int_value", 1, F.TYPE_INT64, oneof=0), _field("double_value", 2, F.TYPE_DOUBLE,
                 oneof=0), _field("string_value", 3, F.TYPE_STRING, oneof=0),
                 _field("struct_value", 4, F.TYPE_MESSAGE, type_name=".google.protobuf.Struct", oneof=0),
                 oneofs=("value",)),
        with_props("Execution", _field("id", 1, F.TYPE_INT64), _field("type_id", 2, F.TYPE_INT64),
                   _field("last_known_state", 3, F.TYPE_INT32), _field("name", 6, F.TYPE_STRING),
                   _field("type", 7, F.TYPE_STRING)),
        with_props("Artifact", _field("id", 1, F.TYPE_INT64), _field("type_id", 2, F.TYPE_INT64),
                   _field("uri", 3, F.TYPE_STRING), _field("name", 7, F.TYPE_STRING)),
        _message("Context", _field("id", 1, F.TYPE_INT64), _field("name", 3, F.TYPE_STRING)),
        _message("Step", _field("index", 1, F.TYPE_INT64), _field("key", 2, F.TYPE_STRING)),
        _message("Path", _field("steps", 1, F.TYPE_MESSAGE, rep, ".ml_metadata.Step")),
        _message("Event", _field("artifact_id", 1, F.TYPE_INT64), _field("execution_id", 2, F.TYPE_INT64),
                 _field("path", 3, F.TYPE_MESSAGE, type_name=".ml_metadata.Path"), _field("type", 4, F.TYPE_INT32)),
        _message("ListOperationOptions", _field("max_result_size", 1, F.TYPE_INT32),
                 _field("next_page_token", 3, F.TYPE_STRING)),
        _message("GetContextByTypeAndNameRequest", _field("type_name", 1, F.TYPE_STRING),
                 _field("context_name", 2, F.TYPE_STRING)),
        _message("GetContextByTypeAndNameResponse", _field("context", 1, F.TYPE_MESSAGE,
                                                           type_name=".ml_metadata.Context")),
        _message("GetExecutionsByContextRequest", _field("context_id", 1, F.TYPE_INT64),
                 _field("options", 2, F.TYPE_MESSAGE, type_name=".ml_metadata.ListOperationOptions")),
        _message("GetExecutionsByContextResponse",
                 _field("executions", 1, F.TYPE_MESSAGE, rep, ".ml_metadata.Execution"),
                 _field("next_page_token", 2, F.TYPE_STRING)),
        _message("GetEventsByExecutionIDsRequest", _field("execution_ids", 1, F.TYPE_INT64, rep)),
        _message("GetEventsByExecutionIDsResponse", _field("events", 1, F.TYPE_MESSAGE, rep, ".ml_metadata.Event")),
        _message("GetArtifactsByIDRequest", _field("artifact_ids", 1, F.TYPE_INT64, rep)),
        _message("GetArtifactsByIDResponse", _field("artifacts", 1, F.TYPE_MESSAGE, rep, ".ml_metadata.Artifact")),
    ])
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(descriptor_pb2.FileDescriptorProto.FromString(
        struct_pb2.DESCRIPTOR.serialized_pb).SerializeToString())
    pool.Add(file)
    return {m.name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"ml_metadata.{m.name}"))
            for m in file.message_type}


M = _classes()


def value(python: Any) -> Any:
    if isinstance(python, dict):
        struct = struct_pb2.Struct()
        struct.update(python)
        return M["Value"](struct_value=struct)
    if isinstance(python, int):
        return M["Value"](int_value=python)
    return M["Value"](string_value=str(python))


def execution(id: int, task: str, outputs: dict[str, Any] | None = None) -> Any:
    message = M["Execution"](id=id, type="system.ContainerExecution", last_known_state=3)
    message.custom_properties["task_name"].CopyFrom(value(task))
    message.custom_properties["display_name"].CopyFrom(value(task))
    if outputs is not None:
        message.custom_properties["outputs"].CopyFrom(value(outputs))
    return message


class FakeMlmd:
    """Executions per context, artifacts per execution; records every call's method and request."""

    def __init__(self) -> None:
        self.contexts: dict[str, int] = {}
        self.executions: dict[int, list[Any]] = {}
        self.artifacts: dict[int, list[tuple[str, Any]]] = {}  # execution id -> [(output name, Artifact)]
        self.calls: list[tuple[str, Any]] = []
        self.page_size = 100
        handlers = {name: grpc.unary_unary_rpc_method_handler(getattr(self, name))
                    for name in ("GetContextByTypeAndName", "GetExecutionsByContext", "GetEventsByExecutionIDs",
                                 "GetArtifactsByID")}
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self.server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
            "ml_metadata.MetadataStoreService", handlers),))
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _parse(self, name: str, raw: bytes) -> Any:
        request = M[f"{name}Request"].FromString(raw)
        self.calls.append((name, request))
        return request

    def GetContextByTypeAndName(self, raw: bytes, context: Any) -> bytes:
        request = self._parse("GetContextByTypeAndName", raw)
        found = self.contexts.get(request.context_name)
        answer = M["GetContextByTypeAndNameResponse"]()
        if found is not None and request.type_name == "system.PipelineRun":
            answer.context.id, answer.context.name = found, request.context_name
        return bytes(answer.SerializeToString())

    def GetExecutionsByContext(self, raw: bytes, context: Any) -> bytes:
        request = self._parse("GetExecutionsByContext", raw)
        items = self.executions.get(request.context_id, [])
        start = int(request.options.next_page_token or 0)
        page = items[start:start + self.page_size]
        token = str(start + self.page_size) if start + self.page_size < len(items) else ""
        return bytes(M["GetExecutionsByContextResponse"](executions=page, next_page_token=token).SerializeToString())

    def GetEventsByExecutionIDs(self, raw: bytes, context: Any) -> bytes:
        request = self._parse("GetEventsByExecutionIDs", raw)
        events = []
        for execution_id in request.execution_ids:
            for name, artifact in self.artifacts.get(execution_id, []):
                events.append(M["Event"](artifact_id=artifact.id, execution_id=execution_id, type=4,
                                         path=M["Path"](steps=[M["Step"](key=name)])))
                events.append(M["Event"](artifact_id=artifact.id + 1000, execution_id=execution_id, type=3,
                                         path=M["Path"](steps=[M["Step"](key="an-input")])))
        return bytes(M["GetEventsByExecutionIDsResponse"](events=events).SerializeToString())

    def GetArtifactsByID(self, raw: bytes, context: Any) -> bytes:
        request = self._parse("GetArtifactsByID", raw)
        every = {a.id: a for items in self.artifacts.values() for _, a in items}
        found = [every[i] for i in request.artifact_ids if i in every]
        return bytes(M["GetArtifactsByIDResponse"](artifacts=found).SerializeToString())
