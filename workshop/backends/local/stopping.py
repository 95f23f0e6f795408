"""Stopping several local services at once.

Each service's stop() signals its process and waits for it to end: SeaweedFS takes about a
second, a KServe model server its grace period. One after the other, those waits add up at
the end of every session; side by side, the slowest one is all that is waited for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


def stop_together(stops: Iterable[Callable[[], None]]) -> None:
    """Run every stop at once, each in its own thread; return when all have returned.

    Every stop runs even if another fails; the first failure is raised once all have ended,
    as a sequence of stops would have raised it (but without skipping the ones after it).
    """
    stops = list(stops)
    if len(stops) <= 1:
        for stop in stops:
            stop()
        return
    errors: list[BaseException] = []

    def run(stop: Callable[[], None]) -> None:
        try:
            stop()
        except BaseException as exc:  # noqa: BLE001 - raised again below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(stop,), name="workshop-stop", daemon=True) for stop in stops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
