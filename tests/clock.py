"""Dates as the app computes them: today in the app's time zone (Asia/Shanghai), not the machine's.

Tests that build dates for the app use `app_today()`, never `date.today()`: between 16:00 and 24:00
UTC the two differ, and a test written with the machine's date fails there (issue 11).
"""

from __future__ import annotations

from datetime import date

from server.config import Settings
from server.web.parse import local_today

TIMEZONE = Settings().timezone


def app_today() -> date:
    """The app's local date now (what `server.web.context.today_of` answers), under any frozen clock too."""
    return local_today(TIMEZONE)
