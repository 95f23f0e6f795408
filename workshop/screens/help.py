"""The help screen (? or F1): the keys, what each tab shows, where the learner's files are."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workshop.ui_text import t

HELP: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Help — keys, tabs and files (Esc closes)",
        "keys_head": "Keys",
        "keys": [
            ("↑ ↓", "choose a lesson in the list (Enter or a click also opens it)"),
            ("Tab / Shift+Tab", "move the focus (the focused widget is outlined)"),
            ("1-5", "the lesson's tabs, in order (below)"),
            ("r", "run the lesson: compile, upload, run, check"),
            ("e", "Run tab: hide or show kfp's executor lines (as workshop run --quiet)"),
            ("Enter", "in an argument field: run the lesson"),
            ("y", "Checks tab: open the compiled YAML where the selected check looked (↑ ↓ select)"),
            ("l", "中文 / English"),
            ("p", "progress of every lesson; reset or skip from there"),
            ("x", "reset this lesson (asks first, lists what goes)"),
            ("d", "doctor: can every lesson run here?"),
            ("? / F1", "this help"),
            ("Ctrl+Q", "quit (asks first during a run)"),
        ],
        "tabs_head": "Tabs",
        "tabs": [
            ("tab_lesson", "what the lesson teaches, with the tutorial's code"),
            ("tab_code", "the pipeline that runs; «Write it yourself» gives you a copy to fill in"),
            ("tab_run", "the arguments, the Kubeflow steps (compiled, uploaded, run created), each task's "
                    "state and log; select a task to see only its lines"),
            ("checks", "what was checked on the last run, what was seen, and a hint on a failure"),
            ("try_model", "lesson 5: send a flower's measurements to the served model"),
        ],
        "files_head": "Files",
        "files": [
            ("your files", "{exercises}"),
            ("compiled YAML", "{workspace}"),
            ("progress", "{progress}"),
            ("local runs and logs", "{runs}"),
        ],
    },
    "zh": {
        "title": "帮助 —— 按键、页签和文件（Esc 关闭）",
        "keys_head": "按键",
        "keys": [
            ("↑ ↓", "在列表中选择课程（回车或点击也会打开）"),
            ("Tab / Shift+Tab", "移动焦点（有焦点的控件带边框高亮）"),
            ("1-5", "课程的各个页签，按下面的顺序"),
            ("r", "运行本课：编译、上传、运行、检查"),
            ("e", "「运行」页：隐藏或显示 kfp 执行器的输出（同 workshop run --quiet）"),
            ("回车", "在参数输入框中：运行本课"),
            ("y", "「检查」页：在所选检查读取的位置打开编译后的 YAML（↑ ↓ 选择）"),
            ("l", "中文 / English"),
            ("p", "每一课的进度；可以在那里重置或跳过"),
            ("x", "重置本课（会先询问，并列出要删除的内容）"),
            ("d", "诊断：每一课都能在这里运行吗？"),
            ("? / F1", "本帮助"),
            ("Ctrl+Q", "退出（运行中会先询问）"),
        ],
        "tabs_head": "页签",
        "tabs": [
            ("tab_lesson", "本课讲解的内容，附教程中的代码"),
            ("tab_code", "要运行的流水线；按「自己动手写」会得到一份待填写的副本"),
            ("tab_run", "参数、Kubeflow 的各个步骤（编译、上传、创建运行）、每个任务的状态和日志；"
                     "选中一个任务只看它的输出"),
            ("checks", "上次运行检查了什么、看到了什么，失败时给出提示"),
            ("try_model", "第 5 课：把花的测量值发给已部署的模型"),
        ],
        "files_head": "文件",
        "files": [
            ("你的文件", "{exercises}"),
            ("编译出的 YAML", "{workspace}"),
            ("进度", "{progress}"),
            ("本地运行和日志", "{runs}"),
        ],
    },
}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("question_mark", "dismiss", "Close"), ("f1", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        text = HELP.get(lang, HELP["en"])
        with VerticalScroll(id="help"):
            yield Label(text["title"], classes="title")
            yield Static(self._table(text, lang), id="help-text")

    def _table(self, text: dict[str, Any], lang: str) -> Table:
        course: Any = getattr(self.app, "course", None)
        places: dict[str, str] = {}
        if course is not None:
            settings = course.settings
            places = {"exercises": str(settings.exercise_root), "workspace": str(settings.workspace),
                      "progress": str(settings.progress_db), "runs": str(settings.local_dir / "runs")}
        table = Table(expand=True, show_header=False, box=None, padding=(0, 1))
        table.add_column(ratio=1, style="bold cyan", overflow="fold")
        table.add_column(ratio=4, overflow="fold")
        for head, rows in (("keys_head", "keys"), ("tabs_head", "tabs"), ("files_head", "files")):
            table.add_row(Text(text[head], style="bold underline"), "")
            for name, what in text[rows]:
                if rows == "tabs":  # the tabs by the names they have on screen
                    name = t(lang, name)
                table.add_row(name, what.format(**places) if places else what)
            table.add_row("", "")
        return table
