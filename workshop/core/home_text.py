"""The words of what goes wrong with the workshop's own folder and progress file, in English and Chinese.

Shaped like check_text: each key has one `str.format` template per language, with the same
placeholders; a language (or a message) without a usable translation falls back to English.
What the operating system or SQLite said (`{error}`) and the paths stay as they were.
"""

from __future__ import annotations

from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "progress.unusable": {
        "en": "the progress file cannot be used",
        "zh": "进度文件无法使用",
    },
    "progress.unreadable": {
        "en": "Your progress file {path} could not be read ({error}).",
        "zh": "无法读取你的进度文件 {path}（{error}）。",
    },
    "progress.read_only": {
        "en": "Your progress file {path} cannot be written: the file or its disk is read-only ({error}). "
              "Make {folder} writable, or set WORKSHOP_HOME to a writable folder, and run the command again. "
              "Your progress file was not changed.",
        "zh": "无法写入你的进度文件 {path}：文件或它所在的磁盘是只读的（{error}）。"
              "请让 {folder} 可写，或把 WORKSHOP_HOME 设为一个可写的文件夹，然后重新运行命令。"
              "你的进度文件没有被改动。",
    },
    "progress.full": {
        "en": "The disk holding your progress ({folder}) is full. Free some space there (old runs are under "
              "{runs}; deleting them loses no progress) and run the command again. "
              "Your progress file was not changed.",
        "zh": "存放你进度的磁盘（{folder}）已满。请在那里腾出一些空间（旧的运行记录在 {runs} 下，"
              "删除它们不会丢失进度），然后重新运行命令。你的进度文件没有被改动。",
    },
    "progress.disk": {
        "en": "Your progress file {path} cannot be read or written ({error}): the disk may be full, read-only, "
              "unplugged or failing. Check {folder} (free space, permissions) and run the command again. "
              "Your progress file was not changed.",
        "zh": "无法读写你的进度文件 {path}（{error}）：磁盘可能已满、只读、已被拔出或出现故障。"
              "请检查 {folder}（剩余空间、权限），然后重新运行命令。你的进度文件没有被改动。",
    },
    "home.unusable": {
        "en": "the workshop's folder cannot be used",
        "zh": "工作坊的文件夹无法使用",
    },
    "home.is_a_file": {
        "en": "The workshop's folder {path} is a file, not a folder: move that file away, or "
              "set WORKSHOP_HOME to a folder, and run the command again.",
        "zh": "工作坊的文件夹 {path} 是一个文件，而不是文件夹：请把这个文件移走，"
              "或把 WORKSHOP_HOME 设为一个文件夹，然后重新运行命令。",
    },
    "home.cannot_make": {
        "en": "The workshop's folder {path} cannot be made ({error}): set WORKSHOP_HOME to a folder you can "
              "write to, and run the command again.",
        "zh": "无法创建工作坊的文件夹 {path}（{error}）：请把 WORKSHOP_HOME 设为一个你可以写入的文件夹，"
              "然后重新运行命令。",
    },
    "run.disk_full": {
        "en": "the disk is full: the run's log could not be written ({error}). Free some space on the disk "
              "holding {folder} (old runs are in {runs}) and run again",
        "zh": "磁盘已满：无法写入这次运行的日志（{error}）。请在存放 {folder} 的磁盘上腾出一些空间"
              "（旧的运行记录在 {runs} 下），然后重新运行",
    },
}


def say(lang: str, key: str, /, **kwargs: Any) -> str:
    """The message `key` in `lang`, filled in; English where `lang` has no (usable) translation."""
    texts = CATALOG[key]
    english = texts["en"]
    template = texts.get(lang) or english
    if template is not english:
        try:
            return template.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            pass  # a broken translation must never hide what went wrong
    return english.format(**kwargs)


def say_both(key: str, /, **kwargs: Any) -> str:
    """The message `key` in English, then in Chinese on the next line: for a message stored before anyone
    knows who reads it in which language (a run's error, kept in its journal and the progress file)."""
    return f"{say('en', key, **kwargs)}\n{say('zh', key, **kwargs)}"


class LocalisedError(OSError):
    """An OSError whose message is a catalog key and its fields: said in `lang`, or in any other on demand."""

    default_key = ""

    def __init__(self, key: str = "", lang: str = "en", /, **fields: Any) -> None:
        super().__init__(key or self.default_key)
        self.key, self.lang, self.fields = key or self.default_key, lang, fields

    def say(self, lang: str) -> str:
        return say(lang, self.key, **self.fields)

    def __str__(self) -> str:
        return self.say(self.lang)
