"""schemathesis against /api/openapi.json of a real server, as an admin, a supervisor and a cadre:
generated requests (valid and not) never get a 5xx, and every answer fits the schema it claims."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from conftest import PASSWORD
from hypothesis import HealthCheck, given, settings
from servers import prepare_store, running, server_env

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance  # noqa: E402

pytestmark = pytest.mark.slow  # schemathesis: thousands of generated requests to a real server

EXAMPLES = 20
# Signing out or changing the password would end the session the other cases run under.
SKIPPED = {("DELETE", "/api/session"), ("POST", "/api/me/password")}


def add_account(url: str, username: str, role: str, region: str | None) -> None:
    command = [sys.executable, "-m", "server", "create-user", username, "--role", role] + (
        ["--region", region] if region else []
    )
    done = subprocess.run(command, env=server_env(url), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_generated_requests_get_no_server_error_and_answers_fit_the_schema(tmp_path):
    url = f"sqlite://{tmp_path}/schema.sqlite3"
    prepare_store(url, tmp_path)
    add_account(url, "root", "admin", None)
    add_account(url, "watcher", "supervisor", "360000")
    with running(url, tmp_path) as server:
        tokens = {}
        for username in ("root", "watcher", "lixia"):
            answer = httpx.post(
                server.url + "/api/session",
                json={"username": username, "password": PASSWORD},
                trust_env=False,
                timeout=30,
            )
            tokens[username] = answer.json()["token"]
        schema = schemathesis.openapi.from_url(server.url + "/api/openapi.json")
        checked = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue
            for token in tokens.values():

                @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy())
                def call(case):
                    case.call_and_validate(
                        base_url=server.url,
                        headers={"authorization": f"Bearer {token}"},  # noqa: B023 -- called at once, below
                        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
                    )

                call()
                checked += 1
        assert checked >= 3 * 25
        assert "Traceback" not in server.log(), server.log()[-3000:]
