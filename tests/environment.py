"""What the whole suite shares and the helper modules need without importing conftest: the
PostgreSQL server to test against, and the password and secret every test server and account use."""

from __future__ import annotations

import os

POSTGRES_URL = os.environ.get("JIANFU_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"
SECRET = "test-secret-" + "x" * 32
