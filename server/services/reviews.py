"""Burden-reduction reviews (DESIGN.md §2): a supervisor opens one on a region and a published period,
which freezes the summary and the flags under review with it (in every interface language, so the
record reads the same whoever prints it later); decisions are recorded against it; closing it sends
it down the review feed. Later periods show whether the burden of what it touched really fell.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from server.config import Settings
from server.domain.periods import Period, parse_period, publication_day
from server.domain.regions import ancestor_codes, in_subtree
from server.domain.vocab import DECISION_NEEDS, DECISIONS, LOCALES
from server.models import App, Quota, Region, Review, ReviewDecision, User
from server.services import feed, place_figures, summary
from server.services.apps import visible_app_filter
from server.services.directory import home_region
from server.services.scope import in_user_area
from server.store.release import PublishedMonth, published_keys, published_month
from server.web.errors import Conflict, NotFound
from server.web.fields import ID_LIMIT
from server.web.i18n import current_locale, in_locale, localized_name
from server.web.i18n import gettext as _
from server.web.parse import Reader

REVIEWERS = ("supervisor", "admin")  # who may open, read and decide reviews


async def open_review(user: User, region: Region, period: Period, settings: Settings, today: date) -> Review:
    """409 not_published unless the period is out; the snapshot is the summary as published."""
    reports = await summary.region_reports(region.code, period, settings, LOCALES)
    snapshot = {
        tag: {"summary": report, "flags": [f.as_json() for f in flags]} for tag, (report, flags) in reports.items()
    }
    return await Review.create(region=region, period=period.key, opened_by=user, opened_on=today, snapshot=snapshot)


async def reviews_in_scope(user: User) -> list[Review]:
    """Reviews of the caller's subtree, newest first (admins see all)."""
    query = Review.all()
    if user.role != "admin":
        query = query.filter(region__path__startswith=(await home_region(user)).path)
    return await query.order_by("-id").select_related("region")


async def review_in_scope(user: User, ident: int) -> Review:
    review = await Review.get_or_none(id=ident).select_related("region")
    if review is None:
        raise NotFound("review")
    if not await in_user_area(user, review.region.path, "review"):
        raise NotFound("review")
    return review


async def add_decision(user: User, review: Review, data: Any, today: date) -> ReviewDecision:
    """A decision names what it touches: a task for quotas and rankings, an app for apps, and a
    region inside the one under review (the review's own by default)."""
    if review.closed_on:
        raise Conflict(_("This review is closed; open a new one to decide more."))
    r = Reader(data)
    kind = r.choice("kind", DECISIONS)
    needs = DECISION_NEEDS.get(kind or "")
    region_code = r.text("region", required=False, max_length=20) or review.region_id
    task_id = r.integer("task", low=1, high=ID_LIMIT, required=needs == "task")
    app_id = r.integer("app", low=1, high=ID_LIMIT, required=needs == "app")
    new_target = r.integer("new_target", low=0, high=10**9, required=kind == "reduce_quota")
    r.done()
    region = await Region.get_or_none(code=region_code)
    if region is None or not in_subtree(region.path, review.region.path):
        r.fail("region", _("Must be the region under review or a place inside it."))
    # A task is decided on where it has a quota: one elsewhere is answered as one that does not
    # exist (never with its title), so the answer tells nothing about other places' tasks.
    if task_id is not None and not await Quota.exists(task_id=task_id, region__path__startswith=review.region.path):
        r.fail("task", _("No quota of this task was reported in the region under review."))
    if (
        app_id is not None
        and not await App.filter(await visible_app_filter(user, region=review.region), id=app_id).exists()
    ):
        r.fail("app", _("Not found."))
    r.done()
    decision = await ReviewDecision.create(
        review=review, kind=kind, region=region, task_id=task_id, app_id=app_id, new_target=new_target, decided_on=today
    )
    await decision.fetch_related("region", "task", "app")
    return decision


async def close_review(review: Review, settings: Settings, today: date) -> Review:
    """Closing and queueing the feed message happen together: a closed review is never left unsent."""
    if review.closed_on:
        raise Conflict(_("This review is closed already."))
    decisions = await decisions_of(review)
    async with in_transaction():
        review.closed_on = today
        await review.save(update_fields=["closed_on"])
        with in_locale(LOCALES[0]):
            document = await review_json(review, decisions, settings, today)
        await feed.enqueue("review.closed", f"review.closed:{review.id}", document, settings)
    return review


async def decisions_of(review: Review) -> list[ReviewDecision]:
    return await ReviewDecision.filter(review_id=review.id).order_by("id").select_related("region", "task", "app")


def review_row(review: Review) -> dict[str, Any]:
    """A line of the review list."""
    return {
        "id": review.id,
        "region": snapshot_in(review)["summary"]["region"],
        "period": review.period,
        "status": "closed" if review.closed_on else "open",
        "opened_on": review.opened_on.isoformat(),
    }


def snapshot_in(review: Review, tag: str | None = None) -> dict[str, Any]:
    return review.snapshot.get(tag or current_locale()) or review.snapshot[LOCALES[0]]


async def review_json(
    review: Review, decisions: list[ReviewDecision], settings: Settings, today: date
) -> dict[str, Any]:
    """The review as the API, the printable page and the feed give it: anonymous throughout."""
    frozen = snapshot_in(review)
    return {
        "id": review.id,
        "region": frozen["summary"]["region"],
        "period": review.period,
        "status": "closed" if review.closed_on else "open",
        "opened_on": review.opened_on.isoformat(),
        "closed_on": review.closed_on.isoformat() if review.closed_on else None,
        "summary": frozen["summary"],
        "flags": frozen["flags"],
        "decisions": [decision_json(d) for d in decisions],
        "before_after": await before_after(review, decisions, settings, today),
    }


def decision_json(decision: ReviewDecision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "kind": decision.kind,
        "region": {
            "code": decision.region.code,
            "name": localized_name(decision.region.name, decision.region.name_hant),
        },
        "task": {"id": decision.task.id, "title": localized_name(decision.task.title, None)} if decision.task else None,
        "app": {"id": decision.app.id, "name": localized_name(decision.app.name, decision.app.name_hant)}
        if decision.app
        else None,
        "new_target": decision.new_target,
        "decided_on": decision.decided_on.isoformat(),
    }


async def before_after(
    review: Review, decisions: list[ReviewDecision], settings: Settings, today: date
) -> dict[str, Any] | None:
    """The burden of the places and tasks the decisions touched, in the reviewed period and in the
    latest published period that began after the first decision (None until there is one)."""
    if not decisions:
        return None
    before = parse_period(review.period)
    first_day = min(d.decided_on for d in decisions)
    after = await _period_after(before, first_day)
    before_tree = await published_month(before)
    after_tree = await published_month(after) if after else None
    if before_tree is None:
        return None
    return {
        "before": before.key,
        "after": after.key if after else None,
        "after_available_on": None
        if after
        else publication_day(parse_period(first_day.strftime("%Y-%m")).following(), settings.publish_days).isoformat(),
        "places": await _places_before_after(review, decisions, before_tree, after_tree),
        "tasks": _tasks_before_after(review, decisions, before_tree, after_tree),
    }


async def _period_after(before: Period, first_day: date) -> Period | None:
    """The latest published period when it began after the reviewed one and after the first decision:
    only such a period can show what the decisions changed."""
    keys = await published_keys()
    latest = parse_period(keys[-1]) if keys else before
    return latest if latest.first > first_day and latest.first > before.last else None


async def _places_before_after(
    review: Review, decisions: list[ReviewDecision], before: PublishedMonth, after: PublishedMonth | None
) -> list[dict[str, Any]]:
    """Each touched place's headline figures in both releases (after: None where it is not in it)."""
    places = _touched_places(review, decisions, before)
    names = {r.code: localized_name(r.name, r.name_hant) for r in await Region.filter(code__in=places)}
    return [
        {
            "region": {"code": code, "name": names.get(code, code)},
            "before": place_figures.place_indices(before, code),
            "after": place_figures.place_indices(after, code) if after and code in after.regions else None,
        }
        for code in places
    ]


def _tasks_before_after(
    review: Review, decisions: list[ReviewDecision], before: PublishedMonth, after: PublishedMonth | None
) -> list[dict[str, Any]]:
    """Hours on each task a decision named, in the review's region, in both releases."""
    tasks = list(dict.fromkeys(d.task for d in decisions if d.task))
    return [
        {
            "task": {"id": task.id, "title": localized_name(task.title, None)},
            "before": _task_hours(before, review.region_id, task.id),
            "after": _task_hours(after, review.region_id, task.id) if after else None,
        }
        for task in tasks
    ]


def _touched_places(review: Review, decisions: list[ReviewDecision], tree: PublishedMonth) -> list[str]:
    """The review's region and, for each decision, its region or the nearest published one above."""
    places = [review.region_id]
    for decision in decisions:
        published = [code for code in ancestor_codes(decision.region.path) if code in tree.regions]
        if published and published[-1] not in places:
            places.append(published[-1])
    return places


def _task_hours(tree: PublishedMonth, code: str, task: int) -> float | None:
    """Hours on the task in the region, when the release lists it (k cadres or more)."""
    listed = {t["task"]: t["minutes"] for t in tree.figures.get(code, {}).get("tasks", [])} if tree.shown(code) else {}
    return round(listed[task] / 60, 1) if task in listed else None
