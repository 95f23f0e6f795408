"""Lesson 4: train a digits model and store it in MinIO (the tutorial's section 2.2.4).

One step trains a small Keras model on scikit-learn's bundled 8x8 digits (nothing is
downloaded), saves it as detect-digits.keras and uploads it to the object store.
The credentials come from the Kubernetes secret mlpipeline-minio-artifact as
environment variables; nothing secret is written in this file.
This file is plain KFP code: it compiles and runs unchanged on a Kubeflow cluster.
"""

from kfp import dsl, kubernetes
from kfp.dsl import Metrics, Output

MINIO_SECRET = "mlpipeline-minio-artifact"


@dsl.component(
    base_image="tensorflow/tensorflow:2.21.0",
    packages_to_install=["minio", "scikit-learn"],
)
def train_and_upload(
    s3_endpoint: str,
    metrics: Output[Metrics],
    bucket: str = "mlpipeline",
    object_key: str = "models/detect-digits.keras",
) -> str:
    """Train a dense network on the digits, save it, upload it; return its s3:// URI.

    The final figures also go to a KFP Metrics artifact: the Kubeflow UI shows them on the
    run's page (Visualizations), and so does the workshop, beside the epoch curve."""
    import os
    import tempfile

    import keras
    from minio import Minio
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    keras.utils.set_random_seed(42)

    digits = load_digits()
    x = digits.data.astype("float32")  # 64 pixel values per image, each 0..16
    y = digits.target
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42, stratify=y)
    print(f"train: {len(x_train)} training images, {len(x_test)} held out")

    # The model takes the raw 64 pixel values; the scaling to 0..1 is its first layer.
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Rescaling(1.0 / 16.0),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.005),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    epochs = 15

    class PrintEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            print(
                f"epoch {epoch + 1}/{epochs} loss={logs.get('loss', 0.0):.4f} "
                f"accuracy={logs.get('accuracy', 0.0):.4f}",
                flush=True,
            )

    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, callbacks=[PrintEpoch()])
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"train: held-out accuracy {accuracy:.4f}")
    metrics.log_metric("loss", round(float(history.history["loss"][-1]), 4))
    metrics.log_metric("accuracy", round(float(history.history["accuracy"][-1]), 4))
    metrics.log_metric("held_out_accuracy", round(float(accuracy), 4))

    with tempfile.TemporaryDirectory() as tmp:
        local_path = os.path.join(tmp, "detect-digits.keras")
        model.save(local_path)
        print(f"save: {local_path} ({os.path.getsize(local_path)} bytes)")

        client = Minio(
            endpoint=s3_endpoint,
            access_key=os.environ["AWS_ACCESS_KEY_ID"],
            secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            secure=False,
        )
        if not client.bucket_exists(bucket_name=bucket):
            client.make_bucket(bucket_name=bucket)
            print(f"upload: created bucket {bucket}")
        client.fput_object(bucket_name=bucket, object_name=object_key, file_path=local_path)

    uri = f"s3://{bucket}/{object_key}"
    print(f"upload: {local_path.rsplit('/', 1)[-1]} -> {uri} (endpoint {s3_endpoint})")
    return uri


@dsl.pipeline(
    name="detect-digits-to-minio",
    description="Train a Keras digits model and upload it to MinIO",
)
def digits_pipeline(
    s3_endpoint: str = "minio-service.kubeflow:9000",
    object_key: str = "models/detect-digits.keras",
) -> str:
    # On Kubeflow 1.11 a namespace's keys may write only some prefixes of the bucket, so the
    # workshop passes a key under private/<namespace>/ there; locally it is models/detect-digits.keras.
    train_task = train_and_upload(s3_endpoint=s3_endpoint, object_key=object_key)
    # The access key and secret key come from the secret KFP itself uses for MinIO.
    kubernetes.use_secret_as_env(
        train_task,
        secret_name=MINIO_SECRET,
        secret_key_to_env={"accesskey": "AWS_ACCESS_KEY_ID", "secretkey": "AWS_SECRET_ACCESS_KEY"},
    )
    # with a Metrics output beside its return value the task has two outputs: name the one returned
    return train_task.outputs["Output"]
