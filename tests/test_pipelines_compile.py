"""Every lesson pipeline and every broken variant compiles to the YAML the checks expect.

Fast: nothing is executed. Pipeline modules are loaded by file path, as the app does
(pipelines/ is not a package; a variant is a patch of its reference, rendered to a file by
tests/conftest.py:variant).
"""

from __future__ import annotations

import importlib.util
import tomllib
import warnings
from pathlib import Path

import pytest
import yaml
from kfp import compiler

from tests.conftest import render_variant, variant
from workshop.core.lessons import LessonError

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = ROOT / "pipelines"
VARIANTS = Path(__file__).resolve().parent / "variants"
LESSONS = ROOT / "lessons"

# module file -> pipeline function (the same name in the reference and its variants)
REFERENCE = {
    "pythagorean.py": "pythagorean",
    "pvc_sort.py": "demo_sort_pipeline",
    "resources.py": "cgpu_setting_node_selector_pipeline",
    "minio_model.py": "digits_pipeline",
    "kserve_iris.py": "kserver_pipeline",
}

# variant (tests/variants/<stem>.toml, or a plain .py) -> the reference module it breaks
VARIANT_OF = {
    "pythagorean_subtract.py": "pythagorean.py",
    "pvc_sort_ascending.py": "pvc_sort.py",
    "pvc_sort_no_mount.py": "pvc_sort.py",
    "resources_no_accelerator.py": "resources.py",
    "minio_model_wrong_key.py": "minio_model.py",
    "kserve_not_served.py": "kserve_iris.py",
}

# fault variants (tests/test_faults_runs.py): no lesson's mistake, a task that misbehaves
FAULT_OF = {
    "pythagorean_hangs.py": "pythagorean.py",
    "pythagorean_floods.py": "pythagorean.py",
    "pythagorean_fills_disk.py": "pythagorean.py",
}

TASKS = {
    "pythagorean.py": {"square", "square-2", "add", "square-root"},
    "pvc_sort.py": {"sort-csv-component", "save-and-print-component"},
    "resources.py": {"load-data", "train-model"},
    "minio_model.py": {"train-and-upload"},
    "kserve_iris.py": {"load-data", "train-model", "deploy-model-to-kserve"},
}


def load_pipeline(path: Path, function: str):
    spec = importlib.util.spec_from_file_location(f"_pipeline_{path.stem}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, function)


def compile_to(path: Path, function: str, target: Path) -> tuple[dict, dict]:
    """Compile and return (pipeline spec, platform spec); the platform spec is {} when absent."""
    pipeline = load_pipeline(path, function)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        compiler.Compiler().compile(pipeline, str(target))
    docs = list(yaml.safe_load_all(target.read_text(encoding="utf-8")))
    return docs[0], (docs[1] if len(docs) > 1 else {})


def executors(platform: dict) -> dict:
    return platform.get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {}).get("executors", {})


def task_executor(spec: dict, task: str) -> str:
    return spec["root"]["dag"]["tasks"][task]["componentRef"]["name"].replace("comp-", "exec-", 1)


def resources(spec: dict, task: str) -> dict:
    exec_name = task_executor(spec, task)
    return spec["deploymentSpec"]["executors"][exec_name]["container"].get("resources", {})


def module_path(name: str) -> Path:
    """A reference pipeline by its file name, or a broken variant rendered from its patch."""
    return PIPELINES / name if name in REFERENCE else variant(name)


ALL_MODULES = [(name, fn) for name, fn in REFERENCE.items()] + [
    (name, REFERENCE[ref]) for name, ref in VARIANT_OF.items()
]
PATCHES = sorted(p.name for p in VARIANTS.glob("*.toml"))


def test_every_variant_is_listed():
    patches = {p.stem for p in VARIANTS.glob("*.toml")}
    plain = {p.stem for p in VARIANTS.glob("*.py") if p.name != "__init__.py"}
    assert not patches & plain, "a variant is either a patch (.toml) or a plain file (.py), not both"
    assert {f"{stem}.py" for stem in patches | plain} == set(VARIANT_OF) | set(FAULT_OF)


@pytest.mark.parametrize("name", PATCHES)
def test_each_variant_patch_still_matches_its_reference(name: str) -> None:
    """A patch names the reference VARIANT_OF gives, and every gap's `find` is still in it exactly
    once: when the reference changes under a variant, this fails with the variant and the gap."""
    table = tomllib.loads((VARIANTS / name).read_text(encoding="utf-8"))
    assert table["reference"] == (VARIANT_OF | FAULT_OF)[name.removesuffix(".toml") + ".py"]
    try:
        render_variant(VARIANTS / name)
    except LessonError as exc:
        pytest.fail(f"tests/variants/{exc}")


@pytest.mark.parametrize(("find", "times"), [("return x * y", 0), ("return x**", 2)])
def test_a_variant_patch_that_no_longer_matches_is_an_error_naming_the_gap(
    find: str, times: int, tmp_path: Path
) -> None:
    patch = tmp_path / "pythagorean_drifted.toml"
    patch.write_text(
        'reference = "pythagorean.py"\nwhy = "Broken lesson 1: a patch whose reference moved on; no check."\n'
        "[[gaps]]\nfind = 'return x + y'\nreplace = 'return x - y'\n"
        f"[[gaps]]\nfind = {find!r}\nreplace = 'return 0'\n",
        encoding="utf-8",
    )
    with pytest.raises(LessonError, match=f"pythagorean_drifted.toml: gap 2 is found {times} times in pythagorean.py"):
        render_variant(patch)


@pytest.mark.parametrize("name,function", ALL_MODULES, ids=[n for n, _ in ALL_MODULES])
def test_compiles_with_expected_tasks_and_is_deterministic(name, function, tmp_path):
    path = module_path(name)
    spec, _ = compile_to(path, function, tmp_path / "a.yaml")
    compile_to(path, function, tmp_path / "b.yaml")
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()

    reference = VARIANT_OF.get(path.name, path.name)
    assert set(spec["root"]["dag"]["tasks"]) == TASKS[reference]


@pytest.mark.parametrize("name", sorted(VARIANT_OF))
def test_variant_names_what_it_breaks(name):
    doc = variant(name).read_text(encoding="utf-8").split('"""')[1].strip()
    assert doc.startswith("Broken lesson")
    assert "check" in doc


def test_lesson_tomls_match_the_pipelines():
    """Each lesson.toml points at an existing function, and its compiled_tasks check matches."""
    for toml_path in sorted(LESSONS.glob("*/lesson.toml")):
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        file = data["pipeline"]["file"]
        assert REFERENCE[file] == data["pipeline"]["function"], toml_path
        compiled = [c for c in data["checks"] if c["kind"] == "compiled_tasks"]
        wired = [c for c in data["checks"] if c["kind"] == "compiled_wiring"]
        if wired:
            components = {s["component"].replace("_", "-") for s in wired[0]["steps"]}
            assert components == {t.removesuffix("-2") for t in TASKS[file]}, toml_path
        else:
            assert compiled and set(compiled[0]["tasks"]) == TASKS[file], toml_path


# --- lesson 2: PVC mounts ------------------------------------------------------------


def pvc_mounts(platform: dict, exec_name: str) -> list[dict]:
    return executors(platform).get(exec_name, {}).get("pvcMount", [])


def test_pvc_sort_mounts_aidatasource_on_both_tasks(tmp_path):
    spec, platform = compile_to(PIPELINES / "pvc_sort.py", "demo_sort_pipeline", tmp_path / "p.yaml")
    assert spec["pipelineInfo"]["name"] == "csv-sort-and-save-to-pvc"
    for task in ("sort-csv-component", "save-and-print-component"):
        mounts = pvc_mounts(platform, task_executor(spec, task))
        assert len(mounts) == 1, task
        mount = mounts[0]
        assert mount["mountPath"] == "/mnt/shared"
        assert mount["pvcNameParameter"]["runtimeValue"]["constant"] == "aidatasource"

    inputs = spec["root"]["inputDefinitions"]["parameters"]
    assert inputs["raw_input_path"]["defaultValue"] == "/mnt/shared/input_numbers.csv"
    assert inputs["pvc_dir"]["defaultValue"] == "/mnt/shared/output"
    assert inputs["final_name"]["defaultValue"] == "sorted_numbers.csv"


def test_no_mount_variant_lacks_the_save_mount(tmp_path):
    spec, platform = compile_to(variant("pvc_sort_no_mount"), "demo_sort_pipeline", tmp_path / "p.yaml")
    assert pvc_mounts(platform, task_executor(spec, "sort-csv-component"))
    assert pvc_mounts(platform, task_executor(spec, "save-and-print-component")) == []


def test_ascending_variant_keeps_the_mounts(tmp_path):
    """The ascending variant is only wrong at run time: its compiled spec must pass pvc_mounts."""
    spec, platform = compile_to(variant("pvc_sort_ascending"), "demo_sort_pipeline", tmp_path / "p.yaml")
    for task in ("sort-csv-component", "save-and-print-component"):
        assert pvc_mounts(platform, task_executor(spec, task))


# --- lesson 3: resources and node selector ---------------------------------------------


def test_resources_and_node_selector(tmp_path):
    spec, platform = compile_to(
        PIPELINES / "resources.py", "cgpu_setting_node_selector_pipeline", tmp_path / "r.yaml"
    )
    load = resources(spec, "load-data")
    assert load["resourceCpuLimit"] == "1"
    assert load["resourceMemoryLimit"] == "2G"
    assert "accelerator" not in load

    train = resources(spec, "train-model")
    assert train["resourceCpuLimit"] == "1"
    assert train["resourceMemoryLimit"] == "4G"
    assert train["accelerator"]["resourceType"] == "nvidia.com/gpu"
    assert train["accelerator"]["resourceCount"] == "2"

    node_selector = executors(platform)[task_executor(spec, "train-model")]["nodeSelector"]
    assert node_selector["labels"] == {"nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-3090"}
    assert task_executor(spec, "load-data") not in executors(platform)


def test_no_accelerator_variant_has_no_gpu(tmp_path):
    spec, platform = compile_to(
        variant("resources_no_accelerator"), "cgpu_setting_node_selector_pipeline", tmp_path / "r.yaml"
    )
    train = resources(spec, "train-model")
    assert "accelerator" not in train
    assert train["resourceCpuLimit"] == "1"  # the rest is intact, so only the GPU part fails
    assert executors(platform)[task_executor(spec, "train-model")]["nodeSelector"]


# --- lesson 4: the MinIO secret ------------------------------------------------------------


@pytest.mark.parametrize("name", ["minio_model.py", "minio_model_wrong_key.py"])
def test_minio_credentials_come_from_the_secret(name, tmp_path):
    path = module_path(name)
    spec, platform = compile_to(path, "digits_pipeline", tmp_path / "m.yaml")
    secrets = executors(platform)[task_executor(spec, "train-and-upload")]["secretAsEnv"]
    assert len(secrets) == 1
    secret = secrets[0]
    name = secret.get("secretName") or secret["secretNameParameter"]["runtimeValue"]["constant"]
    assert name == "mlpipeline-minio-artifact"
    assert {k["secretKey"]: k["envVar"] for k in secret["keyToEnv"]} == {
        "accesskey": "AWS_ACCESS_KEY_ID",
        "secretkey": "AWS_SECRET_ACCESS_KEY",
    }
    assert spec["root"]["inputDefinitions"]["parameters"]["s3_endpoint"]["defaultValue"] == (
        "minio-service.kubeflow:9000"
    )
    source = path.read_text(encoding="utf-8")
    for leaked in ("minio123", 'access_key="', 'secret_key="'):
        assert leaked not in source


def test_wrong_key_variant_uploads_elsewhere():
    source = (variant("minio_model_wrong_key")).read_text(encoding="utf-8")
    assert "object_name=object_key" not in source
    assert "object_name=object_key" in (PIPELINES / "minio_model.py").read_text(encoding="utf-8")


# --- lesson 5: KServe -------------------------------------------------------------------------


def test_kserve_pipeline_passes_the_model_artifact(tmp_path):
    spec, _ = compile_to(PIPELINES / "kserve_iris.py", "kserver_pipeline", tmp_path / "k.yaml")
    deploy = spec["root"]["dag"]["tasks"]["deploy-model-to-kserve"]
    artifact = deploy["inputs"]["artifacts"]["model"]["taskOutputArtifact"]
    assert artifact == {"outputArtifactKey": "model_output", "producerTask": "train-model"}
    params = spec["root"]["inputDefinitions"]["parameters"]
    assert params["service_name"]["defaultValue"] == "iris-svc"
    assert params["namespace"]["defaultValue"] == "kubeflow-user-example-com"


def test_kserve_not_served_variant_never_calls_kserve(tmp_path):
    spec, _ = compile_to(variant("kserve_not_served"), "kserver_pipeline", tmp_path / "k.yaml")
    exec_name = task_executor(spec, "deploy-model-to-kserve")
    command = " ".join(spec["deploymentSpec"]["executors"][exec_name]["container"]["command"])
    assert "KServeClient" not in command


@pytest.mark.parametrize(("name", "reference"), sorted(VARIANT_OF.items()))
def test_each_broken_variant_stays_a_small_edit_of_its_reference(name: str, reference: str) -> None:
    """A variant is a whole pipeline a learner could submit, so it repeats its reference on purpose;
    this keeps the two from drifting apart: only the docstring and the broken lines may differ."""
    import difflib

    ref_lines = (PIPELINES / reference).read_text().splitlines()
    var_lines = variant(name).read_text().splitlines()
    added = [
        line for line in difflib.unified_diff(ref_lines, var_lines, lineterm="", n=0)
        if line.startswith("+") and not line.startswith("+++")
    ]
    # a variant may drop a whole step, but what it adds is its docstring and the broken lines
    assert len(added) <= 25, f"{name} has drifted from {reference}: {len(added)} lines of its own"
