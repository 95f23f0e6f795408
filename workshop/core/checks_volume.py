"""Check kinds that look at volumes (lesson 2): the PVC mounts a task was given, and the file a run
left on the volume, found through the mounts and the run's own arguments."""

from __future__ import annotations

from typing import Any

from workshop.core.check_base import (
    CheckContext,
    Outcome,
    as_yaml,
    check,
    clock_skew,
    clock_time,
    failed,
    passed,
    spec_task,
)
from workshop.core.check_text import order_word, say


@check("pvc_mounts")
def pvc_mounts(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    pipeline = ctx.pipeline()
    volume, mount_path = params["volume"], params["mount_path"]
    missing: list[str] = []
    seen: dict[str, Any] = {}
    places: list[str] = []
    for name in params.get("tasks", []):
        task = spec_task(ctx, name)
        if task is None:
            seen[name] = []
            missing.append(name)
            continue
        places.append(pipeline.platform_place(task.executor_label, "pvcMount"))
        # the PVC name as the run used it: a constant, or a pipeline parameter with the run's value
        mounts = pipeline.pvc_mounts(task, ctx.run.arguments)
        seen[name if task.depth == 0 else task.qualified] = pipeline.platform_of(task.executor_label).raw.get(
            "pvcMount", [])
        if not any(pvc == volume and path == mount_path for pvc, path in mounts):
            missing.append(name)
    fragment = as_yaml({t: {"pvcMount": m} for t, m in seen.items()})
    if missing:
        tasks = say(ctx.lang, "sep.list").join(missing)
        return failed(say(ctx.lang, "pvc_mounts.missing", tasks=tasks, volume=volume, mount_path=mount_path),
                      yaml=fragment).at(*places)
    return passed(say(ctx.lang, "pvc_mounts.ok", volume=volume, mount_path=mount_path), yaml=fragment).at(*places)


def _numbers(text: str) -> list[int]:
    return [int(line.strip()) for line in text.splitlines() if line.strip()]


def _volume_mount_paths(ctx: CheckContext, volume: str, default: str) -> list[str]:
    """Where the run's tasks mount the volume: every executor of the platform spec (any depth)."""
    _, platform = ctx.spec_docs()
    executors = platform.get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {}).get("executors", {})
    paths = [str(m.get("mountPath")) for e in executors.values() for m in (e or {}).get("pvcMount", [])
             if (m.get("constant") or m.get("pvcName")
                 or m.get("pvcNameParameter", {}).get("runtimeValue", {}).get("constant")) == volume
             and m.get("mountPath")]
    return sorted(set(paths), key=len, reverse=True) or [default]


def _on_volume(ctx: CheckContext, params: dict[str, Any], template_key: str, fixed_key: str) -> str | None:
    """The path on the volume of a file the run was told to use (its arguments), or None when the
    argument points outside every mount of the volume. Without a template: the lesson's fixed path."""
    template = params.get(template_key)
    if not template:
        return str(params[fixed_key])
    values = {k: str(v) for k, v in ctx.run.arguments.items()}
    try:
        container_path = str(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return str(params[fixed_key])
    import posixpath

    container_path = posixpath.normpath(container_path)
    for mount in _volume_mount_paths(ctx, params["volume"], str(params.get("mount_path", "/"))):
        mount = posixpath.normpath(mount)
        if container_path.startswith(mount.rstrip("/") + "/"):
            return container_path[len(mount.rstrip("/")) + 1:]
    return None


@check("volume_sorted")
def volume_sorted(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    lang = ctx.lang
    volume = params["volume"]
    order = params.get("order", "desc")
    mount = say(lang, "sep.list").join(_volume_mount_paths(ctx, volume, str(params.get("mount_path", "/"))))
    source = _on_volume(ctx, params, "input_from", "input")
    if source is None:
        where = str(params["input_from"]).format(**{k: str(v) for k, v in ctx.run.arguments.items()})
        return failed(say(lang, "volume_sorted.off_volume", path=where, volume=volume, mount=mount),
                      hint=say(lang, "volume_sorted.off_volume_hint", mount=mount))
    target = _on_volume(ctx, params, "output_from", "output")
    if target is None:
        where = str(params["output_from"]).format(**{k: str(v) for k, v in ctx.run.arguments.items()})
        return failed(say(lang, "volume_sorted.off_volume", path=where, volume=volume, mount=mount),
                      hint=say(lang, "volume_sorted.off_volume_hint", mount=mount))
    where = f"{volume}:/{target}"
    try:
        numbers = _numbers(ctx.backend.read_volume_file(volume, source))
    except FileNotFoundError:
        return failed(say(lang, "volume_sorted.no_input", volume=volume, source=source))
    except ValueError as exc:
        return failed(say(lang, "volume_sorted.bad_input", volume=volume, source=source, error=exc))
    try:
        text = ctx.backend.read_volume_file(volume, target)
    except FileNotFoundError:
        return failed(say(lang, "volume_sorted.no_output", where=where), file=where)
    head = "\n".join(text.splitlines()[:5])
    modified = ctx.backend.volume_file_modified(volume, target)
    if modified < ctx.run.started_at - clock_skew(ctx):
        return failed(say(lang, "volume_sorted.stale", where=where,
                          modified=clock_time(modified), started=clock_time(ctx.run.started_at)),
                      file=where, first_lines=head)
    try:
        got = _numbers(text)
    except ValueError:
        return failed(say(lang, "volume_sorted.bad_output", where=where), file=where, first_lines=head)
    expected = sorted(numbers, reverse=order == "desc")
    if got == expected:
        return passed(say(lang, "volume_sorted.ok", where=where, count=len(got), order=order_word(lang, order)),
                      file=where, first_lines=head)
    return failed(say(lang, "volume_sorted.wrong", where=where, order=order_word(lang, order),
                      expected=expected[:5], got=got[:5]), file=where, first_lines=head)
