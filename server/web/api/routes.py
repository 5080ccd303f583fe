"""Every /api URL, made from the table of operations (server.web.api.operations)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import server.web.convertors  # noqa: F401 -- registers {id:id}, {code:code}, {client_id:client_id} before the routes compile
from server.web.api.operations import OPERATIONS, Handler, Operation


def endpoint(operation: Operation) -> Handler:
    """The handler, told which operation it serves (server.web.api.contract.read_body reads its model)."""

    async def serve(request: Request) -> Response:
        request.state.operation = operation
        return await operation.handler(request)

    serve.__name__ = serve.__qualname__ = operation.handler.__name__
    return serve


api_routes = [Route(o.path, endpoint(o), methods=[o.method.upper()]) for o in OPERATIONS]
