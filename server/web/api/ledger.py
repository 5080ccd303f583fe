"""What a cadre logs: quotas, progress, outcomes, time entries, roster, and their own export."""

from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.services import export, ledger, records
from server.web import ledger_forms
from server.web.api.contract import read_body
from server.web.auth import require_user
from server.web.context import quota_key_of, reporter_key_of, settings_of, today_of, writer
from server.web.documents import records_csv
from server.web.errors import InvalidInput
from server.web.i18n import gettext as _
from server.web.messages import flags_json


async def save_quota(request: Request) -> JSONResponse:
    user = await writer(request, "cadre", "admin")
    body = (await read_body(request)).given()
    quota, flags, created = await ledger.save_quota(
        user, quota_key_of(request, user), body, today_of(request), settings_of(request).rules
    )
    return JSONResponse(ledger_forms.quota_json(quota, flags), status_code=201 if created else 200)


async def add_progress(request: Request) -> JSONResponse:
    user = await writer(request, "cadre", "admin")
    flags = await ledger.add_progress(
        user, request.path_params["id"], (await read_body(request)).given(), settings_of(request).rules
    )
    return JSONResponse({"flags": flags_json(flags)})


async def save_outcome(request: Request) -> Response:
    user = await writer(request, "cadre")
    data = (await read_body(request)).given()
    await ledger.save_outcome(
        user,
        reporter_key_of(request, user),
        request.path_params["id"],
        data,
        today_of(request),
        settings_of(request).secret,
    )
    return Response(status_code=204)


async def check_series(request: Request) -> JSONResponse:
    await require_user(request)
    return JSONResponse(
        ledger_forms.series_json(
            ledger_forms.read_points((await read_body(request)).given()), settings_of(request).rules
        )
    )


async def save_entries(request: Request) -> JSONResponse:
    user = await writer(request, "cadre")
    today = today_of(request)
    batch = ledger_forms.read_entries((await read_body(request)).entries, today)
    return JSONResponse(
        await records.log_entries(user, reporter_key_of(request, user), batch.entries, today, batch.rejected)
    )


def _query_day(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput({name: _("Must be a date like 2024-03-01.")}) from None


async def list_entries(request: Request) -> JSONResponse:
    user = await require_user(request, "cadre")
    first, last = _query_day(request, "from"), _query_day(request, "to")
    entries = await ledger.own_entries(reporter_key_of(request, user), first, last)
    return JSONResponse([ledger_forms.entry_json(e) for e in entries])


async def edit_entry(request: Request) -> JSONResponse:
    user = await writer(request, "cadre")
    today, body = today_of(request), (await read_body(request)).given()
    change = ledger_forms.read_change(body, request.path_params["client_id"], today)
    entry = await records.edit_entry(user, reporter_key_of(request, user), change, today)
    return JSONResponse(ledger_forms.entry_json(entry))


async def delete_entry(request: Request) -> Response:
    user = await writer(request, "cadre")
    await ledger.delete_entry(reporter_key_of(request, user), request.path_params["client_id"])
    return Response(status_code=204)


async def replace_roster(request: Request) -> JSONResponse:
    user = await writer(request, "cadre")
    data = (await read_body(request)).given()
    return JSONResponse(
        {"apps": await ledger.replace_roster(user, reporter_key_of(request, user), data, today_of(request))}
    )


async def get_roster(request: Request) -> JSONResponse:
    user = await require_user(request, "cadre")
    return JSONResponse({"apps": await ledger.own_roster(reporter_key_of(request, user))})


async def export_csv(request: Request) -> Response:
    user = await require_user(request, "cadre")
    rows = await export.export_rows(
        user, reporter_key_of(request, user), quota_key_of(request, user), settings_of(request).secret
    )
    headers = {"content-disposition": 'attachment; filename="jianfu-my-records.csv"'}
    return Response(records_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
