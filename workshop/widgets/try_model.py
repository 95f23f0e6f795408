"""The "Try the model" tab: the learner's own measurements, sent to the served model."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from workshop.core.lessons import Lesson, _text
from workshop.ui_text import t


class TryModel(Vertical):
    DEFAULT_CSS = """
    TryModel { padding: 1 2; height: 1fr; overflow-y: auto; }
    TryModel Horizontal { height: auto; }
    TryModel Label { width: 24; padding: 1 0 0 0; }
    TryModel Input { width: 16; }
    TryModel #try-actions { margin-top: 1; }
    TryModel #try-actions Button { margin-right: 1; }
    TryModel #curl { margin-top: 1; color: $text-muted; }
    TryModel #prediction { margin-top: 1; }
    """

    def __init__(self, lesson: Lesson, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec: dict[str, Any] = lesson.extra["try_model"]
        self.lesson = lesson
        self.lang = lang

    def compose(self) -> ComposeResult:
        for item in self.spec.get("inputs", []):
            with Horizontal():
                yield Label(_text(item.get("label"), self.lang) or item["name"])
                yield Input(str(item.get("default", "")), id=f"feature-{item['name']}")
        with Horizontal(id="try-actions"):
            yield Button(t(self.lang, "predict"), id="predict", variant="primary")
            yield Button(t(self.lang, "curl_copy"), id="copy-curl")
        yield Static("", id="prediction")
        yield Static("", id="curl")

    @on(Button.Pressed, "#predict")
    def send(self) -> None:
        from workshop.core.predict import PredictionError, parse_features

        items = self.spec.get("inputs", [])
        names = [item["name"] for item in items]
        labels = [_text(item.get("label"), self.lang) or item["name"] for item in items]
        raw = [self.query_one(f"#feature-{name}", Input).value for name in names]
        try:
            features = parse_features(raw, labels, self.lang)
        except PredictionError as exc:
            self.query_one("#prediction", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        self.query_one("#prediction", Static).update("…")
        self.ask(features)

    @on(Button.Pressed, "#copy-curl")
    def copy_curl(self) -> None:
        """The exact request for these values on a real cluster, on the clipboard and on screen."""
        from workshop.core.predict import PredictionError, parse_features

        names = [item["name"] for item in self.spec.get("inputs", [])]
        raw = [self.query_one(f"#feature-{name}", Input).value for name in names]
        try:
            features = parse_features(raw, names)
        except PredictionError as exc:
            self.query_one("#prediction", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        self._curl(features, self._namespace())

    @work(thread=True, exclusive=True, exit_on_error=False, group="curl")
    def _curl(self, features: list[float], namespace: str) -> None:
        """The Host header from the InferenceService's status.url where the backend knows it (a call away)."""
        from workshop.core.predict import curl_request

        app: Any = self.app
        request = curl_request(app.backend, self.spec["service"], namespace, features)
        self.app.call_from_thread(self._show_curl, request)

    def _show_curl(self, request: Any) -> None:
        self.app.copy_to_clipboard(request.command)
        where = t(self.lang, "curl_host_status" if request.from_status else "curl_host_assumed", host=request.host)
        # the host's provenance first: at 30 rows the command's end may be below the fold
        self.query_one("#curl", Static).update(Text(t(self.lang, "curl_copied") + "\n" + where + "\n"
                                                    + request.command))

    def _namespace(self) -> str:
        """Where the learner's last run served the model (the lesson's namespace argument)."""
        app: Any = self.app
        last = app.course.progress.last_run(self.lesson.id)
        if last is not None and last.arguments.get("namespace"):
            return str(last.arguments["namespace"])
        default = next((a.default for a in self.lesson.arguments if a.name == "namespace"), "")
        return str(default or "kubeflow-user-example-com")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def ask(self, features: list[float]) -> None:
        from workshop.core.predict import PredictionError, predict

        app: Any = self.app
        last = app.course.progress.last_run(self.lesson.id)
        namespace = str(last.arguments.get("namespace", "local")) if last else "local"
        try:
            value = predict(app.backend, self.spec["service"], namespace, features, lang=self.lang)
        except PredictionError as exc:
            self.app.call_from_thread(self._show, Text(f"✗ {exc}", style="bold red"))
            return
        classes = self.spec.get("classes", [])
        name = classes[int(value)] if isinstance(value, int | float) and 0 <= int(value) < len(classes) else ""
        label = t(self.lang, "predicted")
        shown = Text.assemble((f"{label}: ", "bold"), (name or str(value), "bold green"),
                              (f"  (class {value})" if name else "", "dim"))
        self.app.call_from_thread(self._show, shown)

    def _show(self, content: Text) -> None:
        self.query_one("#prediction", Static).update(content)
