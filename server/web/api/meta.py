"""Health and the OpenAPI description of /api."""

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import Tortoise

from server.web.errors import StoreUnavailable


async def healthz(request: Request) -> JSONResponse:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 -- any failure of the store means "not ready"
        raise StoreUnavailable() from None
    return JSONResponse({"status": "ok"})


async def openapi(request: Request) -> JSONResponse:
    """The description create_app built from the table of operations (which names this handler)."""
    return JSONResponse(request.app.state.openapi)
