"""Regions for administrators: the tree a page at a time, editing a region, and importing the
region file (upload, preview, apply in the background, progress)."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from server.services import import_jobs, region_admin
from server.services.region_csv import template_csv
from server.web import labels
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.errors import InvalidInput
from server.web.i18n import format_number
from server.web.i18n import gettext as _
from server.web.pages.render import form_writer, go, page
from server.web.parse import form_id


async def tree(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    """A region with its children (the top of the tree without a code), population and cadre accounts."""
    await require_user(request, "admin")
    code = request.path_params.get("code")
    region = await region_admin.region_or_404(code) if code else None
    number = form_id(request.query_params.get("page", "1")) or 1
    children, total = await region_admin.children_page(code, number)
    context = {
        "region": region,
        "children": children,
        "total": total,
        "page_number": number,
        "pages": -(-total // region_admin.PAGE_SIZE),
        "cadres": await region_admin.cadre_accounts([c.code for c in children] + ([code] if code else [])),
        "levels": labels.levels(),
        "errors": errors or {},
        "values": values or {},
    }
    return await page(request, "regions.html", status_code=status_code, **context)


async def edit(request: Request) -> Response:
    user, form = await form_writer(request, "admin")
    code = request.path_params["code"]
    values = {k: str(form.get(k, "")) for k in ("name", "name_hant", "population")}
    try:
        await region_admin.edit_region(user, code, values, today_of(request))
    except InvalidInput as error:
        return await tree(request, errors=error.fields, values=values, status_code=error.status)
    return go(f"/admin/regions/{code}?saved=1")


async def import_form(request: Request) -> Response:
    await require_user(request, "admin")
    if request.query_params.get("too_large"):  # middleware.BodyLimit sent the upload back here
        limit = format_number(settings_of(request).max_upload_bytes / 1_000_000)
        message = _(
            "The file is larger than %(size)s MB. Import it on the server with jianfu import-regions.", size=limit
        )
        return await page(request, "regions_import.html", status_code=413, errors={"file": message})
    return await page(request, "regions_import.html", errors={})


async def upload(request: Request) -> Response:
    """Keep the file and show what importing it would do; nothing is written to the store yet."""
    user, form = await form_writer(request, "admin")
    file = form.get("file")
    raw = await file.read() if isinstance(file, UploadFile) else b""
    if not raw:
        return await page(
            request, "regions_import.html", status_code=422, errors={"file": _("Choose the region file (CSV) first.")}
        )
    preview = await region_admin.preview(raw)
    job = import_jobs.new_job(user, raw) if preview.ok else None
    return await page(request, "regions_preview.html", status_code=200 if preview.ok else 422, preview=preview, job=job)


async def apply(request: Request) -> Response:
    user, _form = await form_writer(request, "admin")
    job = import_jobs.load(request.path_params["job"], user)
    import_jobs.start(job, user, today_of(request))
    return go(f"/admin/regions/import/{job.id}")


async def progress(request: Request) -> Response:
    """Where the import stands. While it runs, the page reloads itself every 2 seconds without
    script (a meta refresh inside noscript); with script, app.js moves the bar in place instead."""
    user = await require_user(request, "admin")
    return await page(request, "regions_progress.html", job=import_jobs.load(request.path_params["job"], user))


async def template(request: Request) -> Response:
    await require_user(request, "admin")
    headers = {"content-disposition": 'attachment; filename="regions-template.csv"'}
    return Response(template_csv(), media_type="text/csv; charset=utf-8", headers=headers)
