"""A feed receiver for tests: a small ASGI app under a real uvicorn on 127.0.0.1, in a thread, that
answers 503 to its first `failures` deliveries and keeps what it saw."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    failures: int = 0
    seen: list[Delivery] = field(default_factory=list)

    @property
    def accepted(self) -> list[Delivery]:
        return [d for d in self.seen if d.status == 200]

    async def __call__(self, scope, receive, send) -> None:
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        status = 503 if self.failures > 0 else 200
        self.failures -= 1
        self.seen.append(Delivery({k.decode(): v.decode() for k, v in scope["headers"]}, body, status))
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"busy" if status == 503 else b"ok"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app: Receiver, port: int | None = None) -> Iterator[str]:
    """The receiver on http://127.0.0.1:port/feed until the block ends."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", access_log=False, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/feed"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
