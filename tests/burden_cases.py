"""Cadres logging a whole month in the escalation scenario's county: what the burden, review and
feed tests publish and read (call these inside conftest's frozen `during_month`)."""

from datetime import timedelta

from conftest import MONTH, add_user, bearer, load_scenario, scenario

VILLAGES = ["360721105201", "360721105202", "360721105203", "360721105204", "360721105205"]
DAYS = [MONTH.first + timedelta(days=d) for d in range(MONTH.days)]
PERIOD = f"period={MONTH.key}"


async def county_with_reporters(
    client, per_village=(6, 6, 5, 2, 0), minutes_per_day=60, task_period=(MONTH.first, MONTH.last)
):
    """The escalation scenario with its task in the month, and cadres logging every day of it
    (two days of evidence, the rest data entry): 7 hours a week each."""
    case = scenario("escalation")
    for task in case["tasks"]:
        task.update(period_start=task_period[0].isoformat(), period_end=task_period[1].isoformat())
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    ids = await load_scenario(client, admin, case)
    for quota in case["quotas"]:
        await client.post("/api/quotas", json={**quota, "task": ids["reg"]}, headers=admin)
    for village, count in zip(VILLAGES, per_village, strict=True):
        for n in range(count):
            await log_days(
                client,
                f"c{village}-{n}",
                village,
                DAYS,
                minutes_per_day,
                activity=lambda d: "evidence" if d < 2 else "data_entry",
                task=ids["reg"],
            )
    await add_user("sup", "supervisor", "360721")
    return await bearer(client, "sup"), ids


async def log_days(
    client, username: str, region: str, days, minutes: int = 60, activity="data_entry", task=None
) -> None:
    await add_user(username, "cadre", region)
    headers = await bearer(client, username)
    batch = [
        {
            "client_id": f"{username}-{day}",
            "date": day.isoformat(),
            "minutes": minutes,
            "activity": activity(d) if callable(activity) else activity,
            "task": task,
        }
        for d, day in enumerate(days)
    ]
    answer = await client.post("/api/entries", json={"entries": batch}, headers=headers)
    assert len(answer.json()["accepted"]) == len(batch), answer.text
