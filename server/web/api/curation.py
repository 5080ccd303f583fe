"""Tasks and apps for administrators: usage from k, merges, renames, hiding."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.services import apps, merging, renaming, tasks, usage_counts
from server.web.api.contract import read_body
from server.web.auth import require_user
from server.web.context import settings_of, today_of, writer
from server.web.messages import in_words
from server.web.parse import Reader


def page_of(request: Request) -> int:
    """`?page=` (from 1); anything else is a 422 naming it."""
    r = Reader({"page": request.query_params.get("page")})
    page = r.integer("page", low=1, high=100_000, required=False) or 1
    r.done()
    return page


async def task_usage(request: Request) -> JSONResponse:
    await require_user(request, "admin")
    rows, _more = await usage_counts.task_usage(settings_of(request).k, page_of(request))
    return JSONResponse([usage_counts.usage_json(row) for row in rows])


async def app_usage(request: Request) -> JSONResponse:
    await require_user(request, "admin")
    rows, _more = await usage_counts.app_usage(settings_of(request).k, page_of(request))
    return JSONResponse([usage_counts.usage_json(row) for row in rows])


async def merge_task(request: Request) -> Response:
    admin = await writer(request, "admin")
    await merging.merge_tasks(
        admin,
        request.path_params["id"],
        (await read_body(request)).given(),
        settings_of(request).secret,
        today_of(request),
    )
    return Response(status_code=204)


async def merge_app(request: Request) -> Response:
    admin = await writer(request, "admin")
    await merging.merge_apps(admin, request.path_params["id"], (await read_body(request)).given(), today_of(request))
    return Response(status_code=204)


async def change_task(request: Request) -> JSONResponse:
    admin = await writer(request, "admin")
    task = await renaming.change_task(
        admin,
        request.path_params["id"],
        (await read_body(request)).given(),
        settings_of(request).secret,
        today_of(request),
    )
    return JSONResponse({**in_words(tasks.task_json(task)), "hidden": task.hidden})


async def change_app(request: Request) -> JSONResponse:
    admin = await writer(request, "admin")
    app = await renaming.change_app(
        admin, request.path_params["id"], (await read_body(request)).given(), today_of(request)
    )
    return JSONResponse({**apps.app_json(app), "hidden": app.hidden})
