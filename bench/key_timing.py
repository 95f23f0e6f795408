"""How long a tab key takes to show its tab, as the app benches measure it (no side effects on import)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual import events


async def key_to_frame(app: Any, key: str, target: str, drawn: dict[str, float], timeout: float) -> float:
    """Milliseconds from `key` handed to the driver, as a terminal's key is, to the first frame `drawn` marks
    with the tab `target` (the caller's display hook writes the time there)."""
    loop = asyncio.get_running_loop()
    asked = time.perf_counter()
    event = events.Key(key, key)
    event.set_sender(app)
    app._driver.send_message(event)
    deadline = loop.time() + timeout
    while target not in drawn:
        assert loop.time() < deadline, f"key {key} never drew {target}"
        await asyncio.sleep(0.002)
    return 1000 * (drawn[target] - asked)
