"""Every /api URL, made from the table of operations (server.api.operations)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import server.convertors  # noqa: F401 -- registers {id:id}, {code:code}, {client_id:client_id}
from server.api.operations import OPERATIONS, Handler, Operation

# The convertor each path parameter is matched with; a parameter not named here is plain text.
CONVERTORS = {"id": "id", "code": "code", "client_id": "client_id", "job": "client_id"}


def route_path(path: str) -> str:
    """/api/quotas/{id} as Starlette matches it: /api/quotas/{id:id}."""
    return re.sub(r"\{(\w+)\}", lambda m: "{%s:%s}" % (m[1], CONVERTORS[m[1]]) if m[1] in CONVERTORS else m[0], path)


def endpoint(operation: Operation) -> Handler:
    """The handler, told which operation it serves (server.api.contract.body reads its model)."""

    async def serve(request: Request) -> Response:
        request.state.operation = operation
        return await operation.handler(request)

    serve.__name__ = serve.__qualname__ = operation.handler.__name__
    return serve


api_routes = [Route(route_path(o.path), endpoint(o), methods=[o.method.upper()]) for o in OPERATIONS]
