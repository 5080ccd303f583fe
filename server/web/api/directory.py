"""Regions, users, invites, apps and tasks."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from server.services import apps, directory, import_jobs, registration, tasks
from server.services.region_import import upsert_regions as import_regions
from server.store import audit
from server.web.api.contract import read_body
from server.web.auth import require_user
from server.web.context import settings_of, today_of, writer
from server.web.messages import in_words


async def upsert_regions(request: Request) -> JSONResponse:
    await writer(request, "admin")
    data = (await read_body(request)).given()
    return JSONResponse(await import_regions(data["regions"]))


async def region(request: Request) -> JSONResponse:
    await require_user(request)
    return JSONResponse(await directory.region_detail(request.path_params["code"]))


async def create_user(request: Request) -> JSONResponse:
    admin = await writer(request, "admin")
    user = await registration.create_user((await read_body(request)).given(), today_of(request))
    await audit.record(admin, "user_created", user.username, today_of(request))
    return JSONResponse({"username": user.username, "role": user.role, "region": user.region_id}, status_code=201)


async def region_import(request: Request) -> JSONResponse:
    """Where a region import started at /admin/regions/import stands (the progress page polls it)."""
    user = await require_user(request, "admin")
    job = import_jobs.load(request.path_params["job"], user)
    return JSONResponse(
        {"status": job.status, "done": job.done, "total": job.total, "created": job.created, "updated": job.updated}
    )


async def create_app(request: Request) -> JSONResponse:
    user = await writer(request)
    app, created = await apps.create_app(user, (await read_body(request)).given(), settings_of(request).min_level)
    return JSONResponse(apps.app_json(app), status_code=201 if created else 200)


async def list_apps(request: Request) -> JSONResponse:
    user = await require_user(request)
    return JSONResponse(await apps.list_apps(user))


async def create_task(request: Request) -> JSONResponse:
    user = await writer(request, "cadre", "admin")
    task, created = await tasks.create_task(
        user, (await read_body(request)).given(), today_of(request), settings_of(request).min_level
    )
    return JSONResponse(in_words(tasks.task_json(task)), status_code=201 if created else 200)


async def list_tasks(request: Request) -> JSONResponse:
    user = await require_user(request)
    return JSONResponse([in_words(tasks.task_json(t)) for t in await tasks.visible_tasks(user)])
