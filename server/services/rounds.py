"""The background work of a server process (publishing, the review feed) as rounds on a timer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable


async def every(
    seconds: float, stop: asyncio.Event, one_round: Callable[[], Awaitable[object]], log: logging.Logger
) -> None:
    """Run `one_round`, then wait `seconds` or until `stop` is set. A failed round (the store may be
    away for a while) is logged and the next one tries again."""
    while not stop.is_set():
        try:
            await one_round()
        except Exception:
            log.exception("background round failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            pass
