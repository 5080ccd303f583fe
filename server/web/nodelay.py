"""uvicorn's HTTP/1.1 protocol with Nagle's algorithm switched off on every connection.

asyncio turns TCP_NODELAY on for an accepted socket only when the socket reports
proto == IPPROTO_TCP. With --workers N uvicorn binds the listener itself with proto 0
(Config.bind_socket, uvicorn issue #3149), the accepted sockets inherit it, and Nagle stays on.
A response leaves as two writes (head, then body); the body then waits for the client's delayed
ACK of the head, about 40 ms on Linux, on every request after the first of a keep-alive
connection. A single worker is not affected (asyncio binds from getaddrinfo, proto 6).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
