"""`workshop instructor`: token, class, class reset, prepare; each sends exactly the expected requests."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.cluster.fake import FakeServer, Reply, k8s_status
from tests.cluster.sim import NS, Objects, Release, Sim, service_json
from workshop.backends.cluster import ClusterBackend
from workshop.cli import instructor as cli_instructor
from workshop.cli.instructor import instructor

SA = "/api/v1/namespaces/kubeflow/serviceaccounts"
CRB = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
TOKEN = f"{SA}/kfp-api-user/token"
SECRET_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZQ"
ISVC = f"/apis/serving.kserve.io/v1beta1/namespaces/{NS}/inferenceservices/iris-svc"
OURS = {"app.kubernetes.io/part-of": "kubeflow-workshop"}


@pytest.fixture
def cli(make_backend: Callable[..., ClusterBackend], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.setenv("WORKSHOP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(cli_instructor, "_make_backend", lambda: make_backend("instructor", namespace="kubeflow"))

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(instructor, list(args), catch_exceptions=False)

    return invoke


def sent(fake: FakeServer) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.calls()]


# --- token -------------------------------------------------------------------------------------
def _token_routes(fake: FakeServer, sa: int = 201, crb: int = 201) -> None:
    fake.on("POST", SA, Reply(sa, {} if sa < 400 else k8s_status(sa, "AlreadyExists", "exists")))
    fake.on("POST", CRB, Reply(crb, {} if crb < 400 else k8s_status(crb, "AlreadyExists", "exists")))
    fake.on("POST", TOKEN, Reply(201, {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                                       "status": {"token": SECRET_TOKEN,
                                                  "expirationTimestamp": "2025-01-02T00:00:00Z"}}))


def test_token_creates_the_account_binding_and_a_0600_token_file(cli, fake: FakeServer, tmp_path: Path) -> None:
    _token_routes(fake)
    out = tmp_path / "tok"
    result = cli("token", "--duration", "90m", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert sent(fake) == [("POST", SA), ("POST", CRB), ("POST", TOKEN)]
    account, binding, request = (r.json() for r in fake.calls())
    assert account["metadata"]["name"] == "kfp-api-user"
    assert binding["roleRef"]["name"] == "kubeflow-pipelines-edit"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "kfp-api-user", "namespace": "kubeflow"}]
    assert request == {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                       "spec": {"audiences": ["pipelines.kubeflow.org"], "expirationSeconds": 5400}}
    assert out.read_text().strip() == SECRET_TOKEN
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert SECRET_TOKEN not in result.output
    assert "service account kubeflow/kfp-api-user: created" in result.output
    assert "2025-01-02T00:00:00Z" in result.output


def test_token_again_reports_already_there_and_prints_only_when_asked(cli, fake: FakeServer, tmp_path: Path) -> None:
    _token_routes(fake, sa=409, crb=409)
    result = cli("token", "--print")
    assert result.exit_code == 0, result.output
    assert sent(fake) == [("POST", SA), ("POST", CRB), ("POST", TOKEN)]
    assert fake.calls()[-1].json()["spec"]["expirationSeconds"] == 86400
    assert result.output.count("already there") == 2
    assert result.output.strip().endswith(SECRET_TOKEN)
    assert (tmp_path / "home" / "kfp-token").read_text().strip() == SECRET_TOKEN


def test_token_without_cluster_admin_names_the_permission(cli, fake: FakeServer, tmp_path: Path) -> None:
    _token_routes(fake)
    fake.on("POST", CRB, Reply(403, k8s_status(403, "Forbidden", 'clusterrolebindings.rbac.authorization.k8s.io is '
                                               'forbidden: User "alice" cannot create resource "clusterrolebindings"')))
    result = CliRunner().invoke(instructor, ["token", "--output", str(tmp_path / "tok")])
    assert result.exit_code == 1
    assert "clusterrolebindings" in result.output and "cluster-admin" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "tok").exists()
    assert sent(fake) == [("POST", SA), ("POST", CRB)]


def test_token_refuses_a_bad_duration(cli, fake: FakeServer) -> None:
    result = CliRunner().invoke(instructor, ["token", "--duration", "soon"])
    assert result.exit_code == 2 and "24h" in result.output
    assert sent(fake) == []


# --- class -------------------------------------------------------------------------------------
def _progress(objects: Objects, ns: str, learner: str, lessons: dict[str, dict[str, Any]]) -> None:
    data = {"learner": learner, "lessons": lessons, "updated_at": 1735689600.0}
    objects.put("configmaps", ns, {"metadata": {"name": "workshop-progress", "labels": dict(OURS)},
                                   "data": {"progress.json": json.dumps(data)}})


def _record(state: str, attempts: int, failure: str = "", passed_at: float | None = None) -> dict[str, Any]:
    return {"state": state, "attempts": attempts, "passed_at": passed_at, "time_spent": 10.0, "last_failure": failure}


@pytest.fixture
def classroom(fake: FakeServer) -> Objects:
    objects = Objects(fake)
    _progress(objects, "team-a", "ada", {"1": _record("passed", 1, passed_at=1735689600.0) | {"own_code": True},
                                         "2": _record("open", 3, "sorted: not descending")})
    _progress(objects, "team-b", "bob", {"1": _record("open", 2, "output: 4.0 is not 5.0")})
    objects.put("configmaps", "team-c", {"metadata": {"name": "workshop-progress", "labels": dict(OURS)},
                                         "data": {"progress.json": "{not json"}})
    return objects


LIST = ("GET", "/api/v1/configmaps")


def test_class_table_csv_and_json(cli, fake: FakeServer, classroom: Objects, tmp_path: Path) -> None:
    table = cli("class")
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[:2] == [
        "team-a  ada  1: passed ✎ (1)  2: open (3)  lesson 2: sorted: not descending",
        "team-b  bob  1: open (2)  lesson 1: output: 4.0 is not 5.0"]
    assert "team-c/workshop-progress" in table.output and "not JSON" in table.output  # reported, not fatal
    assert sent(fake) == [LIST]
    assert fake.calls()[0].q("labelSelector") == "app.kubernetes.io/part-of=kubeflow-workshop"

    csv_file = tmp_path / "class.csv"
    assert cli("class", "--csv", str(csv_file)).exit_code == 0
    lines = csv_file.read_text().splitlines()
    assert lines[0] == "namespace,learner,lesson,state,attempts,passed_at,last_failure,own_code"
    assert lines[1].startswith("team-a,ada,1,passed,1,") and lines[1].endswith(",yes")
    assert lines[2] == "team-a,ada,2,open,3,,sorted: not descending,"
    assert lines[3] == "team-b,bob,1,open,2,,output: 4.0 is not 5.0," and len(lines) == 4

    data = json.loads(cli("class", "--json").output)
    assert [(lr["namespace"], lr["learner"]) for lr in data["learners"]] == [("team-a", "ada"), ("team-b", "bob")]
    assert data["learners"][0]["lessons"]["1"]["state"] == "passed"
    assert data["learners"][0]["lessons"]["1"]["own_code"] is True
    assert data["learners"][0]["last_failure"] == "lesson 2: sorted: not descending"
    assert len(data["problems"]) == 1 and "team-c" in data["problems"][0]
    assert sent(fake) == [LIST, LIST, LIST]


# --- class reset -------------------------------------------------------------------------------
def _isvc(labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
            "metadata": {"name": "iris-svc", "namespace": NS, "labels": labels}}


CM = f"/api/v1/namespaces/{NS}/configmaps/workshop-progress"


def test_class_reset_removes_the_labelled_service_and_reopens_the_lesson(cli, fake: FakeServer,
                                                                         classroom: Objects) -> None:
    _progress(classroom, NS, "ada", {"4": _record("passed", 1, passed_at=1.0),
                                     "5": _record("passed", 2, passed_at=2.0)})
    fake.on("GET", ISVC, _isvc(OURS))
    fake.on("DELETE", ISVC, {})
    dry = cli("class", "reset", "--namespace", NS, "5", "--dry-run")
    assert dry.exit_code == 0 and "Would remove:" in dry.output and "iris-svc" in dry.output
    assert sent(fake) == [("GET", ISVC)]
    result = cli("class", "reset", "--namespace", NS, "5", "--yes")
    assert result.exit_code == 0, result.output
    assert sent(fake)[1:] == [("GET", ISVC), ("GET", ISVC), ("DELETE", ISVC), ("GET", CM), ("PATCH", CM)]
    saved = json.loads(classroom.get("configmaps", NS, "workshop-progress")["data"]["progress.json"])  # type: ignore
    assert saved["lessons"]["5"] == _record("open", 0) | {"time_spent": 0.0}
    assert saved["lessons"]["4"]["state"] == "passed"  # later/earlier lessons keep their state


def test_the_class_reset_plan_says_each_artifact_as_the_learners_own_reset_does() -> None:
    """The instructor's command lists the plan through instructor/classroom.py, not core/reset.py."""
    from workshop.core.ports import Artifact
    from workshop.instructor import classroom

    plan = [Artifact("inference_service", f"{NS}/iris-svc", 5), Artifact("volume_file", "aidatasource:/output/x", 2)]
    assert classroom.artifact_lines(plan, "en") == [
        (5, f"InferenceService {NS}/iris-svc and its model server"),
        (2, "file /output/x on volume aidatasource")]
    assert classroom.artifact_lines(plan, "zh")[0] == (5, f"推理服务（InferenceService）{NS}/iris-svc 及其模型服务器")


def test_class_reset_leaves_an_unlabelled_service_alone(cli, fake: FakeServer, classroom: Objects) -> None:
    _progress(classroom, NS, "ada", {"5": _record("passed", 1, passed_at=1.0)})
    fake.on("GET", ISVC, _isvc({"team": "someone-else"}))
    result = cli("class", "reset", "--namespace", NS, "5", "--yes")
    assert result.exit_code == 0, result.output
    assert "Nothing left to remove." in result.output
    assert sent(fake) == [("GET", ISVC), ("GET", CM), ("PATCH", CM)]


def test_class_reset_removes_a_volume_output_through_reader_pods(cli, fake: FakeServer, classroom: Objects) -> None:
    _progress(classroom, NS, "ada", {"2": _record("passed", 1, passed_at=1.0)})
    classroom.put("persistentvolumeclaims", NS, {"metadata": {"name": "aidatasource"}})
    classroom.pod_log = 'WORKSHOP-RESULT {"exists": true, "is_file": true, "mtime": 1}\n'
    result = cli("class", "reset", "--namespace", NS, "2", "--yes")
    assert result.exit_code == 0, result.output
    pods = f"/api/v1/namespaces/{NS}/pods"
    calls = [(m, p if not p.startswith(pods + "/") else pods + "/" + "/".join(["<pod>", *p.split("/")[7:]]))
             for m, p in sent(fake)]
    reader = [("GET", f"/api/v1/namespaces/{NS}/persistentvolumeclaims/aidatasource"), ("POST", pods),
              ("GET", f"{pods}/<pod>"), ("GET", f"{pods}/<pod>/log"), ("DELETE", f"{pods}/<pod>")]
    assert calls == reader + reader + [("GET", CM), ("PATCH", CM)]
    posted = [r.json() for r in fake.calls("POST", pods)]
    assert [p["spec"]["containers"][0]["command"][-1] for p in posted] == ["stat", "remove"]
    assert all(p["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kubeflow-workshop" for p in posted)
    assert "removed file /output/sorted_numbers.csv on volume aidatasource" in result.output


# --- prepare -------------------------------------------------------------------------------------
PODDEFAULTS = f"/apis/kubeflow.org/v1alpha1/namespaces/{NS}/poddefaults"


def test_prepare_creates_once_then_reports_already_there(cli, fake: FakeServer) -> None:
    """The PodDefault in Kubeflow's own shape: kubeflow/manifests (master, 0611af4)
    tests/poddefaults.access-ml-pipeline.kubeflow-user-example-com.yaml lines 1-25; the spawner pre-selects
    none (apps/jupyter/jupyter-web-app/upstream/base/configs/spawner_ui_config.yaml ~295-297)."""
    objects = Objects(fake)
    objects.put("secrets", NS, {"metadata": {"name": "mlpipeline-minio-artifact"},
                                "data": {"accesskey": base64.b64encode(b"minio").decode(),
                                         "secretkey": base64.b64encode(b"minio123").decode()}})
    objects.pod_log = "WORKSHOP-SEED written\n"
    first = cli("prepare", "--namespace", NS, "--no-doctor")
    assert first.exit_code == 0, first.output
    ns = f"/api/v1/namespaces/{NS}"
    seeder = next(r for r in fake.calls("POST", f"{ns}/pods"))
    pod = f"{ns}/pods/{seeder.json()['metadata']['name']}"
    assert sent(fake) == [
        ("GET", f"{ns}/persistentvolumeclaims/aidatasource"), ("POST", f"{ns}/persistentvolumeclaims"),
        ("GET", f"{ns}/persistentvolumeclaims/aidatasource"), ("POST", f"{ns}/pods"), ("GET", pod),
        ("GET", f"{pod}/log"), ("DELETE", pod), ("PATCH", f"{ns}/persistentvolumeclaims/aidatasource"),
        ("GET", f"{ns}/serviceaccounts/workshop-kserve-sa"), ("GET", f"{ns}/secrets/mlpipeline-minio-artifact"),
        ("GET", "/api/v1/namespaces/kubeflow/services/seaweedfs"),
        ("GET", "/api/v1/namespaces/kubeflow/services/minio-service"),
        ("GET", "/apis/v1beta1/healthz"),  # neither service: the default endpoint is the KFP release's
        ("POST", f"{ns}/secrets"), ("POST", f"{ns}/serviceaccounts"),
        ("GET", f"{PODDEFAULTS}/access-ml-pipeline"), ("POST", PODDEFAULTS)]
    poddefault = objects.get("poddefaults", NS, "access-ml-pipeline")
    assert poddefault is not None and poddefault["kind"] == "PodDefault"
    assert poddefault["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kubeflow-workshop"
    spec = poddefault["spec"]
    assert spec["desc"] == "Allow access to Kubeflow Pipelines"
    assert spec["selector"] == {"matchLabels": {"access-ml-pipeline": "true"}}
    assert spec["env"] == [{"name": "KF_PIPELINES_SA_TOKEN_PATH", "value": "/var/run/secrets/kubeflow/pipelines/token"}]
    assert spec["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"] == {
        "path": "token", "expirationSeconds": 7200, "audience": "pipelines.kubeflow.org"}
    assert spec["volumeMounts"] == [{"mountPath": "/var/run/secrets/kubeflow/pipelines",
                                     "name": "volume-kf-pipeline-token", "readOnly": True}]
    assert 'PodDefault access-ml-pipeline ("Allow access to Kubeflow Pipelines"): created' in first.output
    pvc = objects.get("persistentvolumeclaims", NS, "aidatasource")
    assert pvc is not None and pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert pvc["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert pvc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kubeflow-workshop"
    body = seeder.json()
    assert body["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kubeflow-workshop"
    seeded = base64.b64decode(body["spec"]["containers"][0]["env"][0]["value"]).decode()
    assert seeded == (Path(__file__).parents[2] / "assets" / "input_numbers.csv").read_text()
    assert objects.get("pods", NS, body["metadata"]["name"]) is None  # deleted afterwards
    assert "PVC aidatasource: created" in first.output and "input_numbers.csv on aidatasource: written" in first.output

    before = len(fake.calls())
    second = cli("prepare", "--namespace", NS, "--no-doctor")
    assert second.exit_code == 0, second.output
    assert sent(fake)[before:] == [
        ("GET", f"{ns}/persistentvolumeclaims/aidatasource"), ("GET", f"{ns}/persistentvolumeclaims/aidatasource"),
        ("GET", f"{ns}/serviceaccounts/workshop-kserve-sa"), ("GET", f"{ns}/secrets/workshop-kserve-s3"),
        ("GET", f"{PODDEFAULTS}/access-ml-pipeline")]
    assert second.output.count("already there") == 4


def test_prepare_all_profiles_lists_profile_namespaces(cli, fake: FakeServer) -> None:
    fake.on("GET", "/api/v1/namespaces", {"kind": "NamespaceList", "items": []})
    result = CliRunner().invoke(instructor, ["prepare", "--all-profiles", "--no-doctor"])
    assert result.exit_code == 1 and "no Kubeflow profile namespace" in result.output
    assert sent(fake) == [("GET", "/api/v1/namespaces")]
    assert fake.calls()[0].q("labelSelector") == "app.kubernetes.io/part-of=kubeflow-profile"


def test_the_instructors_course_on_each_release(make_backend, fake: FakeServer, sim: Sim, release: Release,
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare, class, class reset and token on each release profile (sim.RELEASES), as a cluster admin:
    KServe's S3 secret follows the endpoint that release really has (KFP 2.15.0 seaweedfs-service.yaml: no
    9000; 2.17.0 lines 18-21: 9000), and a reset on a store without DeleteObject (KM v1.11.0 sync.py
    364-368) keeps the object, says so, and still reopens the lesson; KFP 2.17.0 sync.py 481 grants
    DeleteObject, so there the object goes."""
    monkeypatch.setenv("WORKSHOP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(cli_instructor, "_make_backend",
                        lambda: make_backend("instructor", namespace="kubeflow", s3_url=fake.url))

    def cli(*args: str) -> Any:
        return CliRunner().invoke(instructor, list(args), catch_exceptions=False)

    objects = Objects(fake)
    objects.put("secrets", NS, sim.store.secret())
    for name, ports in release.services.items():
        objects.put("services", "kubeflow", service_json(name, ports))
    objects.pod_log = "WORKSHOP-SEED written\n"
    prepared = cli("prepare", "--namespace", NS, "--no-doctor")
    assert prepared.exit_code == 0, prepared.output
    kserve = objects.get("secrets", NS, "workshop-kserve-s3")
    assert kserve is not None
    assert kserve["metadata"]["annotations"]["serving.kserve.io/s3-endpoint"] == release.endpoint
    assert objects.get("poddefaults", NS, "access-ml-pipeline") is not None

    _progress(objects, NS, "ada", {"4": _record("passed", 1, passed_at=1.0)})
    table = cli("class")
    assert table.exit_code == 0 and "ada" in table.output

    key = f"private/{NS}/models/detect-digits.keras"
    sim.store.objects[key] = b"model"
    reset = cli("class", "reset", "--namespace", NS, "4", "--yes")
    assert reset.exit_code == 0, reset.output
    assert "lesson 4 of ada (team-a) is open again" in reset.output
    if not release.may_delete:
        assert f"kept object s3://mlpipeline/{key}" in reset.output and "the object stays" in reset.output
        assert key in sim.store.objects
    else:
        assert key not in sim.store.objects
    assert "Traceback" not in reset.output

    _token_routes(fake)
    token = cli("token", "--output", str(tmp_path / "tok"))
    assert token.exit_code == 0, token.output
    assert not fake.denied  # the instructor is a cluster admin: nothing was refused


# --- the instructor's steps in Chinese (LANG=zh_CN.UTF-8, as tests/test_cli_words.py runs the learner's) -------
def _zh_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("WORKSHOP_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


def _english_left(output: str) -> list[str]:
    """Lines with three English words in a row, once names are set aside: quoted Kubeflow UI labels
    ("Allow access to Kubeflow Pipelines"), paths, and the `workshop …` commands."""
    import re

    from tests.test_cli_words import ENGLISH

    left = []
    for line in output.splitlines():
        bare = re.sub(r'"[^"]*"|\S*/\S*|`[^`]*`', "", line)
        if ENGLISH.search(bare):
            left.append(line)
    return left


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_token_steps_speak_chinese_under_a_chinese_locale(cli, fake: FakeServer, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _zh_locale(monkeypatch)
    _token_routes(fake)
    first = cli("token", "--output", str(tmp_path / "tok"))
    assert first.exit_code == 0, first.output
    assert "服务账号 kubeflow/kfp-api-user：已创建" in first.output
    assert "ClusterRoleBinding kfp-api-user-binding（绑定到 kubeflow-pipelines-edit）：已创建" in first.output
    assert "已写入" in first.output and "令牌于 2025-01-02T00:00:00Z 过期" in first.output
    assert not _english_left(first.output), first.output
    _token_routes(fake, sa=409, crb=409)
    again = cli("token", "--output", str(tmp_path / "tok"))
    assert again.output.count("已存在") == 2 and not _english_left(again.output), again.output
    short = CliRunner().invoke(instructor, ["token", "--duration", "5m"])
    assert short.exit_code == 2 and "太短" in short.output and not _english_left(short.output), short.output
    fake.on("POST", CRB, Reply(403, k8s_status(403, "Forbidden", "forbidden")))
    refused = CliRunner().invoke(instructor, ["token", "--output", str(tmp_path / "tok2")])
    assert refused.exit_code == 1 and "集群管理员（cluster-admin）" in refused.output, refused.output


def test_prepare_and_a_learners_reset_speak_chinese_under_a_chinese_locale(
        cli, fake: FakeServer, classroom: Objects, monkeypatch: pytest.MonkeyPatch) -> None:
    _zh_locale(monkeypatch)
    classroom.put("secrets", NS, {"metadata": {"name": "mlpipeline-minio-artifact"},
                                  "data": {"accesskey": base64.b64encode(b"minio").decode(),
                                           "secretkey": base64.b64encode(b"minio123").decode()}})
    classroom.pod_log = "WORKSHOP-SEED written\n"
    first = cli("prepare", "--namespace", NS, "--no-doctor")
    assert first.exit_code == 0, first.output
    assert "存储卷 PVC aidatasource：已创建" in first.output
    assert "aidatasource 上的 input_numbers.csv：已写入" in first.output
    assert "今后创建笔记本时勾选" in first.output
    second = cli("prepare", "--namespace", NS, "--no-doctor")
    assert second.output.count("已存在") == 4, second.output
    for output in (first.output, second.output):
        assert not _english_left(output), output

    _progress(classroom, NS, "ada", {"5": _record("passed", 2, passed_at=2.0)})
    fake.on("GET", ISVC, _isvc(OURS))
    fake.on("DELETE", ISVC, {})
    reset = cli("class", "reset", "--namespace", NS, "5", "--yes")
    assert reset.exit_code == 0, reset.output
    assert f"已删除推理服务（InferenceService）{NS}/iris-svc 及其模型服务器" in reset.output
    assert f"ada（{NS}）的第 5 课重新变为「进行中」" in reset.output
    lines = [line for line in reset.output.splitlines() if line.strip()]
    assert all(_han(line) for line in lines) and not _english_left(reset.output), reset.output
