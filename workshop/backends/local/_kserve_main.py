"""Child-process entry: serve one scikit-learn model with KServe's own model server.

    python -m workshop.backends.local._kserve_main --name N --model-dir D --port P
    python -m workshop.backends.local._kserve_main --wait [--serving-root DIR]

`--wait` is a spare server: it imports kserve, joblib and scikit-learn at once, then reads one
JSON line on stdin, {"name", "model_dir", "port", "parent_pid", "log"}, and serves that model,
its output going to the log. Stdin's end closing first (the parent ended, by any signal, or no
longer needs the spare) ends it at once.

The model class mirrors KServe's sklearnserver runtime (joblib file in the model
directory, `predict` on the request's instances/inputs), so learners see the same
V1/V2 protocol a cluster would give them. Everything heavy is imported inside
`main()`: this module is only ever run as a child process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
# The same file names KServe's sklearnserver accepts, in its order of preference.
MODEL_EXTENSIONS = (".joblib", ".pkl", ".pickle")


def find_model_file(model_dir: Path) -> Path:
    """The one model file in `model_dir`; KServe refuses ambiguity, and so do we."""
    if not model_dir.is_dir():
        raise FileNotFoundError(f"model directory {model_dir} does not exist")
    files = sorted(p for p in model_dir.iterdir() if p.suffix in MODEL_EXTENSIONS)
    if not files:
        raise FileNotFoundError(f"no model file ({', '.join(MODEL_EXTENSIONS)}) in {model_dir}")
    if len(files) > 1:
        raise RuntimeError(f"more than one model file in {model_dir}: {files}")
    return files[0]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="_kserve_main")
    parser.add_argument("--wait", action="store_true", help="import now, read what to serve on stdin")
    parser.add_argument("--serving-root", type=Path, default=None,
                        help="the control plane's folder a spare serves for: its command line names its home")
    parser.add_argument("--name")
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument(
        "--parent-pid",
        type=int,
        default=0,
        help="exit when this process goes away (the child runs in its own session)",
    )
    opts = parser.parse_args(argv)
    if not opts.wait and (opts.name is None or opts.model_dir is None or opts.port is None):
        parser.error("--name, --model-dir and --port are required without --wait")
    return opts


def _await_request(request: list[str], asked: threading.Event) -> None:
    """A spare's stdin, read from its first moment: EOF ends the process at once, mid-import too."""
    line = sys.stdin.readline()
    if not line.strip():
        os._exit(0)
    request.append(line)
    asked.set()


def _take_request(opts: argparse.Namespace, request: str) -> None:
    """What the spare serves, and where its output goes from now on."""
    asked = json.loads(request)
    opts.name, opts.model_dir = str(asked["name"]), Path(asked["model_dir"])
    opts.port, opts.parent_pid = int(asked["port"]), int(asked.get("parent_pid", 0))
    log = os.open(asked["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)


def _watch_parent(parent_pid: int) -> None:
    """Exit if the launching process dies: a crashed app must not leave servers behind.

    The child has its own session (so the app's Ctrl-C does not hit it), which also
    means nothing else would ever stop it.
    """
    while True:
        if os.getppid() != parent_pid:
            os._exit(0)
        time.sleep(1.0)


def main(argv: list[str] | None = None) -> None:
    opts = _parse(argv)
    lines: list[str] = []
    asked = threading.Event()
    if opts.wait:
        threading.Thread(target=_await_request, args=(lines, asked), daemon=True).start()
    # kserve.model_server calls parse_known_args() on sys.argv at import time;
    # hide our own flags so they can never be read as (abbreviations of) its flags.
    sys.argv = sys.argv[:1]
    # KServe 0.21 trips FastAPI's own deprecation on every first request; the noise
    # would crowd real errors out of the log tail a failed start reports.
    warnings.filterwarnings("ignore", message=".*ORJSONResponse is deprecated.*")

    import joblib
    import kserve
    import kserve.model_server as kserve_model_server
    from kserve.errors import InferenceError
    from kserve.protocol.rest.server import RESTServer
    from kserve.utils.utils import get_predict_input, get_predict_response

    class LoopbackRESTServer(RESTServer):
        """KServe hard-codes host 0.0.0.0; a laptop backend must stay on loopback."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # uvicorn reads config.host when it binds, which happens later in start().
            self.config.host = LOOPBACK

    # ModelServer.start() looks the class up in its own module namespace.
    kserve_model_server.RESTServer = LoopbackRESTServer

    class SKLearnModel(kserve.Model):
        def __init__(self, name: str, model_dir: Path) -> None:
            super().__init__(name)
            self.model_dir = model_dir
            self._model: Any = None

        def load(self) -> bool:
            self._model = joblib.load(find_model_file(self.model_dir))
            self.ready = True
            return self.ready

        def predict(self, payload: Any, headers: Any = None) -> Any:
            try:
                instances = get_predict_input(payload)
                result = self._model.predict(instances)
                return get_predict_response(payload, result, self.name)
            except Exception as exc:  # KServe turns InferenceError into a 500 body
                raise InferenceError(str(exc)) from exc

    if opts.wait:
        import sklearn.svm  # noqa: F401  what a lesson's model unpickles, imported before anyone asks

        asked.wait()
        _take_request(opts, lines[0])
    if opts.parent_pid:
        threading.Thread(target=_watch_parent, args=(opts.parent_pid,), daemon=True).start()

    model = SKLearnModel(opts.name, opts.model_dir)
    model.load()
    # grpc off: nothing local speaks it, and it would need a second port.
    # A short grace period keeps stop() quick; requests here are milliseconds long.
    kserve.ModelServer(http_port=opts.port, enable_grpc=False, workers=1, grace_period=3).start([model])
    # Served and shut down (its log says so): the interpreter's own teardown of kserve, scikit-learn
    # and their thread pools took longer than the shutdown itself (1.5 s of a 1.7 s stop), and holds
    # nothing to save; the log is flushed first.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
