"""The shared scenarios loaded into the demo: their regions, apps, tasks and quotas, and the vote
counter's scripted readings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.cli.demo.county import save_regions
from server.cli.demo.output import say
from server.cli.demo.scenario_files import scenario, scenario_cases
from server.models import App, ProgressPoint, Quota, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def load_scenarios(today: date) -> dict[str, list[int]]:
    """The shared scenarios' regions, apps, tasks and quotas; answers quota ids per region."""
    quotas_by_region: dict[str, list[int]] = {}
    cases = scenario_cases()
    for case in cases:
        await save_regions(case["regions"])
        tasks = await _scenario_tasks(case, await _scenario_apps(case))
        for quota in case.get("quotas", []):
            saved = await Quota.create(
                task=tasks[quota["task"]],
                region_id=quota["region"],
                target=quota["target"],
                base=quota["base"],
                eligible=quota.get("eligible"),
                updated_on=today,
            )
            quotas_by_region.setdefault(quota["region"], []).append(saved.id)
    say(f"scenarios: {len(cases)} cases loaded")
    return quotas_by_region


async def _scenario_apps(case: dict[str, Any]) -> dict[str, App]:
    """A scenario's apps by their key in the scenario, reusing an app of the same name the demo has."""
    apps = {}
    for app in case.get("apps", []):
        apps[app["key"]] = (
            await App.get_or_create(
                name=app["name"],
                defaults={
                    "function": app["function"],
                    "owner_level": app["owner_level"],
                    "owner_region_id": app.get("owner_region"),
                },
            )
        )[0]
    return apps


async def _scenario_tasks(case: dict[str, Any], apps: dict[str, App]) -> dict[str, Task]:
    """A scenario's tasks by their key in the scenario, so its quotas can name them."""
    tasks = {}
    for task in case.get("tasks", []):
        fields = {k: task[k] for k in ("title", "metric", "frequency", "ranking", "penalty", "evidence")}
        tasks[task["key"]] = await Task.create(
            **fields,
            issued_by_id=task["issued_by"],
            app=apps.get(task.get("app")),
            period_start=date.fromisoformat(task["period_start"]),
            period_end=date.fromisoformat(task["period_end"]),
        )
    return tasks


async def scripted_progress(quota_id: int) -> None:
    """The vote counter's scripted readings, so one quota shows the uniform-growth flag."""
    for point in scenario("vote-counter").get("scripted", []):
        await ProgressPoint.create(
            quota_id=quota_id, at=datetime.fromisoformat(point["at"]).replace(tzinfo=SHANGHAI), value=point["value"]
        )
