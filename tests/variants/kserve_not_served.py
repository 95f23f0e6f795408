"""Broken lesson 5: the deploy step prints what it would deploy but never creates the InferenceService.
The kserve_ready check (iris-svc) must catch it; the run still succeeds."""

from kfp import dsl
from kfp.dsl import Dataset, Input, Model, Output


@dsl.component(base_image="python:3.11", packages_to_install=["scikit-learn"])
def load_data(dataset_output: Output[Dataset]):
    """Write the iris data set (bundled with scikit-learn, nothing downloaded) as CSV."""
    import csv

    from sklearn.datasets import load_iris

    iris = load_iris()
    with open(dataset_output.path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(list(iris.feature_names) + ["target"])
        for features, target in zip(iris.data.tolist(), iris.target.tolist(), strict=True):
            writer.writerow(features + [target])
    print(f"load_data: wrote {len(iris.target)} iris rows to {dataset_output.path}")


@dsl.component(base_image="python:3.11", packages_to_install=["scikit-learn", "joblib"])
def train_model(input_dataset: Input[Dataset], model_output: Output[Model]):
    """Fit a classifier on the iris CSV and save it as <model artifact>/model.joblib."""
    import csv
    import os

    import joblib
    from sklearn.model_selection import train_test_split
    from sklearn.svm import SVC

    with open(input_dataset.path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    features = [[float(v) for v in row[:-1]] for row in rows]
    labels = [int(float(row[-1])) for row in rows]
    print(f"train_model: read {len(rows)} rows from {input_dataset.path}")

    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.2, random_state=42, stratify=labels
    )
    clf = SVC(kernel="rbf", random_state=42).fit(x_train, y_train)
    print(f"train_model: SVC held-out accuracy {clf.score(x_test, y_test):.3f}")

    # The Model artifact is a folder: KServe's sklearn server looks inside it for model.joblib.
    os.makedirs(model_output.path, exist_ok=True)
    target = os.path.join(model_output.path, "model.joblib")
    joblib.dump(clf, target)
    model_output.metadata["framework"] = "sklearn"
    print(f"train_model: saved {target}")


@dsl.component(base_image="python:3.11")
def deploy_model_to_kserve(model: Input[Model], service_name: str, namespace: str):
    """BROKEN: only says what it would do; no InferenceService is created."""
    print(f"deploy: model artifact {model.uri}")
    print(f"deploy: would deploy {service_name} in {namespace} (but creates nothing)")


@dsl.pipeline(
    name="kserver-pipeline",
    description="Train an iris classifier and deploy it to KServe",
)
def kserver_pipeline(service_name: str = "iris-svc", namespace: str = "kubeflow-user-example-com"):
    data_task = load_data()
    train_task = train_model(input_dataset=data_task.outputs["dataset_output"])
    deploy_model_to_kserve(
        model=train_task.outputs["model_output"],  # the Model artifact, not a path string
        service_name=service_name,
        namespace=namespace,
    )
