"""A cadre signed in to the phone pages through the form, for the page tests: the village-activity
scenario, a task of the current month, and (with `logged_yesterday`) a day logged before today."""

import re
from datetime import timedelta

from clock import app_today
from conftest import PASSWORD, add_user, bearer, load_scenario, scenario


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


async def signed_in_cadre(client, region="420121101201", locale=None):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    ids = await load_scenario(client, admin, scenario("village-activity-quota"))
    current = {
        "title": "本月注册",
        "metric": "registrations",
        "issued_by": "420121101",
        "period_start": app_today().replace(day=1).isoformat(),
        "period_end": (app_today() + timedelta(days=30)).isoformat(),
    }
    ids["current"] = (await client.post("/api/tasks", json=current, headers=admin)).json()["id"]
    await add_user("li", "cadre", region, locale)
    answer = await client.post("/login", data={"username": "li", "password": PASSWORD})
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    return ids


async def logged_yesterday(client) -> dict[str, str]:
    """A signed-in cadre (answered as their bearer header) with a meeting and 45 minutes of proof yesterday."""
    await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    yesterday = (app_today() - timedelta(days=1)).isoformat()
    batch = [
        {"client_id": "y1", "date": yesterday, "minutes": 60, "activity": "meeting"},
        {"client_id": "y2", "date": yesterday, "minutes": 45, "activity": "evidence"},
    ]
    await client.post("/api/entries", json={"entries": batch}, headers=cadre)
    return cadre
