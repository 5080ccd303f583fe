"""One contract (issue 14): the routes and the OpenAPI description come from one table of
operations, so every /api route is described and every described operation is routed; request
bodies are pydantic models, so any JSON type in any field is a localized 422 naming the field and
never anything else."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from clock import app_today
from conftest import SECRET, add_user, bearer
from starlette.routing import Route

from server.app import create_app
from server.config import Settings
from server.models import Quota
from server.web.api.contract import read
from server.web.api.openapi import openapi_document
from server.web.api.operations import OPERATIONS
from server.web.errors import InvalidInput
from server.web.i18n import in_locale

# Every JSON type where another belongs, numbers no column holds, text no store keeps.
HOSTILE = [
    [5],
    [],
    {"a": 1},
    {},
    True,
    False,
    2**70,
    -(2**70),
    1e308,
    -0.5,
    "\u0000",
    "\ud800",
    "9" * 5000,
    "--5",
    "²",
    "x",
]
BODIES = sorted({o.body for o in OPERATIONS if o.body is not None}, key=lambda model: model.__name__)
FIELDS = [(model, name) for model in BODIES for name in model.model_fields]


def routed(app) -> set[tuple[str, str]]:
    """(method, path) of every route under /api and of /healthz, paths written as OpenAPI writes them."""
    found = set()
    for route in app.routes:
        if isinstance(route, Route) and (route.path.startswith("/api/") or route.path == "/healthz"):
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            found |= {(method.lower(), path) for method in route.methods if method != "HEAD"}
    return found


def described() -> set[tuple[str, str]]:
    return {(method, path) for path, operations in openapi_document()["paths"].items() for method in operations}


def test_every_api_route_is_described_and_every_description_is_routed(tmp_path):
    app = create_app(Settings(database_url=f"sqlite://{tmp_path}/unused.sqlite3", secret=SECRET), manage_store=False)
    assert routed(app) == described()
    assert len(described()) == len(OPERATIONS)


def test_a_body_is_described_where_it_is_read():
    spec = openapi_document()
    with_body = {(o.method, o.described_path): o.body.__name__ for o in OPERATIONS if o.body is not None}
    assert {
        (m, p): o["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for p, ops in spec["paths"].items()
        for m, o in ops.items()
        if "requestBody" in o
    } == with_body
    assert set(with_body.values()) <= set(spec["components"]["schemas"])


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_any_value_in_any_field_is_read_or_refused_in_words(model, name):
    """No value raises anything but InvalidInput, and what is read can be handed on as JSON."""
    for value in HOSTILE:
        try:
            json.dumps(read(model, {name: value}).given())
        except InvalidInput as refused:
            assert refused.fields and all(
                isinstance(sentence, str) and sentence for sentence in refused.fields.values()
            ), value


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_a_refused_field_names_itself(model, name):
    """With the field alone wrong or missing, the field is among those named (a row batch names its list)."""
    with in_locale("en"):
        try:
            read(model, {name: {"an": "object"}})
        except InvalidInput as refused:
            assert name in {key.split("[")[0].split(".")[0] for key in refused.fields}, refused.fields
        else:
            raise AssertionError(f"{model.__name__} took an object as {name}")


@pytest.mark.parametrize(
    ("lang", "fields", "labels", "summary"),
    [
        (
            "en",
            {"target": "Must be a whole number.", "region": "Must be text."},
            {"target": "Target", "region": "Place"},
            "Please check these fields: Place and Target.",
        ),
        ("zh-Hans", {"target": "须为整数。", "region": "须为文字。"}, {"target": "指标数", "region": "地方"}, None),
        ("zh-Hant", {"target": "須為整數。", "region": "須為文字。"}, {"target": "指標數", "region": "地方"}, None),
    ],
)
async def test_type_confusion_is_a_localized_422_and_stores_nothing(client, lang, fields, labels, summary):
    await add_user("root", "admin", None)
    root = await bearer(client, "root")
    sent = json.dumps({"task": 1, "region": {"code": 1}, "target": [5000]})
    answer = await client.post(
        f"/api/quotas?lang={lang}", content=sent, headers={**root, "content-type": "application/json"}
    )
    error = answer.json()["error"]
    assert (answer.status_code, error["code"], error["fields"], error["labels"]) == (422, "invalid", fields, labels)
    if summary:
        assert error["message"] == summary
    assert await Quota.all().count() == 0


async def test_a_missing_batch_says_what_the_batch_must_be(client):
    await add_user("root", "admin", None)
    province = {"code": "360000", "parent": None, "level": "province", "name": "江西省", "population": 45_000_000}
    assert (
        await client.post("/api/regions", json={"regions": [province]}, headers=await bearer(client, "root"))
    ).status_code == 200
    await add_user("li", "cadre", "360000")
    li = await bearer(client, "li")
    answer = await client.post(
        "/api/entries?lang=en",
        json={"entry": {"client_id": "a", "date": (app_today() - timedelta(days=1)).isoformat(), "minutes": 5}},
        headers=li,
    )
    assert (answer.status_code, answer.json()["error"]["fields"]) == (
        422,
        {"entries": "Must be a list of 1 to 500 entries."},
    )
