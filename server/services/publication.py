"""Publication is an event (DESIGN.md §2): on a month's publication day one process (the scheduler
of whichever server takes the lease, or `jianfu publish`) computes the month's whole release and
stores it. Readers only read; nothing a person asks for computes a release.

Only data received before the publication day counts, and the cutoff is that scheduled day even
when the job runs late, so a release never depends on when or how often publishing was tried.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.functions import Min

from server.config import Settings
from server.domain import measures, pseudonyms
from server.domain.cross_rules import peer_outlier_flags
from server.domain.indices import hours_per_reporter_week
from server.domain.measures import MonthFacts
from server.domain.messages import Name
from server.domain.periods import Period, latest_due, months_between, period_containing, publication_day
from server.domain.quota_rules import Flag
from server.domain.regions import ancestor_codes
from server.domain.vocab import LOCALES
from server.models import Outcome, Region, Release, RosterItem, TimeEntry
from server.services import feed, flagging, rounds, summary
from server.store import release
from server.web.i18n import in_locale
from server.web.messages import rendered_flags

log = logging.getLogger("jianfu.publication")
LEASE = timedelta(minutes=30)
# Regions from which the disclosure pass protects a forest's trees on every core (`disclosure_workers`).
PARALLEL_DISCLOSURE_FROM = 5_000


class TooEarly(Exception):
    """A month cannot be published before its publication day."""

    def __init__(self, month: Period, day: date) -> None:
        super().__init__(f"{month.key} is published on {day.isoformat()}, not before")
        self.day = day


def _now() -> datetime:
    return datetime.now(UTC)


async def first_month() -> Period | None:
    """The month of the oldest sensitive row: nothing before it needs a release."""
    days = []
    for model, column in ((TimeEntry, "date"), (Outcome, "reported_on"), (RosterItem, "received_on")):
        found = await model.all().annotate(first=Min(column)).values_list("first", flat=True)
        days += [d for d in found if d is not None]
    return period_containing(min(days), "month") if days else None


async def due_months(settings: Settings, today: date) -> list[Period]:
    """Months whose publication day has come and that have no release yet, oldest first."""
    first = await first_month()
    if first is None:
        return []
    last = latest_due(today, settings.publish_days)
    done = set(await Release.filter(status="published").values_list("month", flat=True))
    return [m for m in months_between(first, last) if m.key not in done]


async def _claim(month: Period, day: date) -> bool:
    """Take the month's lease: the first process to insert its row, or one whose holder died."""
    try:
        await Release.create(
            month=month.key, status="computing", lease_until=_now() + LEASE, published_on=day, settings={}
        )
        return True
    except IntegrityError:
        taken = await Release.filter(month=month.key, status="computing", lease_until__lt=_now()).update(
            lease_until=_now() + LEASE
        )
        return taken == 1


async def publish(
    month: Period, settings: Settings, today: date, say: Callable[[str], None] = lambda _text: None
) -> bool:
    """Compute and store the month's release; False when another process holds it or it is done."""
    day = publication_day(month, settings.publish_days)
    if day > today:
        raise TooEarly(month, day)
    if not await _claim(month, day):
        return False
    await release.drop_unfinished(month)
    say(f"{month.key}: reading what was received before {day.isoformat()}")
    # The quotas' flags need the quota book, not the month's figures: worked out and put in words
    # while the readers' queries run (on SQLite in threads of their own, on PostgreSQL in the server).
    regions = await release.placed_regions(settings.min_level)
    async with asyncio.TaskGroup() as group:
        reading = group.create_task(release.read_month_facts(month, settings, day, regions))
        quota_flags = group.create_task(month_quota_flags(month, settings, {r.code: r.path for r in regions}))
    facts = reading.result()
    say(f"{month.key}: disclosure control over {len(facts.regions)} regions")
    hidden = measures.protect_month(facts, settings.k, workers=disclosure_workers(len(facts.regions)))
    figures = measures.release_figures(facts, hidden)
    say(f"{month.key}: flags in {len(LOCALES)} languages")
    flags = await release_flags(month, facts, figures, settings, quota_flags.result())
    await release.store_month(month, facts, figures, flags, settings, day)
    await _queue_feed(month, facts, settings)
    shown = sum(1 for f in figures.values() if f["reporters"] is not None and not f["known_zero"])
    say(f"{month.key}: published, {shown} of {len(figures)} regions shown")
    return True


def disclosure_workers(regions: int) -> int:
    """Processes for the disclosure pass: every core for a forest as large as several provinces
    (the nation's 32 trees take about two minutes on one core), one below that, where starting a
    worker (about a second) would cost more than it saves."""
    if regions < PARALLEL_DISCLOSURE_FROM:
        return 1
    # The cores this process may run on (a container's share), not the host's.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


async def publish_due(settings: Settings, today: date, say: Callable[[str], None] = lambda _text: None) -> list[str]:
    """Publish every month whose day has come; the months this call published."""
    done = []
    for month in await due_months(settings, today):
        if await publish(month, settings, today, say):
            done.append(month.key)
    return done


@dataclass(frozen=True)
class QuotaFlags:
    """The quotas' flags of a month, ready before its figures: per language, each in words under
    every path it is filed under, in the order flags are read (`flagging.ordered`)."""

    filed: dict[str, list[tuple[str, Flag]]]
    identities: frozenset[tuple]  # `flagging.identity`: a later flag with the same replaces one
    reach: dict[int, set[str]]  # per task, the deepest published regions its quotas sit in


async def month_quota_flags(month: Period, settings: Settings, paths: dict[str, str]) -> QuotaFlags:
    """The flags of the quotas running in the month, under every root of the tree, for the
    published regions at `paths` (code -> path). The rules and the words run in a thread: the
    readers of the month's facts keep being served meanwhile."""
    book = await flagging.load_quota_book(month)
    roots = await Region.filter(parent_id=None).order_by("path").values_list("path", flat=True)

    def prepared() -> QuotaFlags:
        reach = _task_reach(book.quotas, paths)
        flags = [flag for root in roots for flag in flagging.quota_flags_in(book, root, month, settings.rules)]
        kept = _kept(flags, paths)
        filed = {tag: _filed(kept, tag, paths, reach) for tag in LOCALES}
        return QuotaFlags(filed, frozenset(map(flagging.identity, kept)), reach)

    return await asyncio.to_thread(prepared)


async def release_flags(
    month: Period, facts: MonthFacts, figures: dict[str, dict], settings: Settings, quota_flags: QuotaFlags
) -> dict[str, list[tuple[str, Flag]]]:
    """Every flag of the month, computed once and rendered in every interface language, each under
    the path of the region it names: the quotas' (`month_quota_flags`), the apps' and the busy
    places'. Flags name only published regions: receivers are already merged into the region that
    set their targets, and an escalation chain keeps its published links only."""
    paths = {r.code: r.path for r in facts.regions}
    names = await release.published_names(settings.min_level)
    shown_apps = {
        code: figure["apps"] for code, figure in figures.items() if figure["reporters"] is not None and figure["apps"]
    }
    apps = await flagging.load_apps({cell["app"] for cells in shown_apps.values() for cell in cells})
    flags: list[Flag] = []
    for code, cells in shown_apps.items():
        flags += flagging.app_flags(code, cells, apps, settings.rules)
    flags += _outliers(facts, figures, month, names, settings)
    kept = _kept(flags, paths)
    replaced = {flagging.identity(f) for f in kept} & quota_flags.identities
    found: dict[str, list[tuple[str, Flag]]] = {}
    for tag in LOCALES:
        quotas = [(path, f) for path, f in quota_flags.filed[tag] if flagging.identity(f) not in replaced]
        found[tag] = list(
            heapq.merge(
                quotas, _filed(kept, tag, paths, quota_flags.reach), key=lambda filed: flagging.reading_order(filed[1])
            )
        )
    return found


def _kept(flags: list[Flag], paths: dict[str, str]) -> list[Flag]:
    """The flags in reading order, each once, those naming a published region only."""
    return [_published_only(f, paths) for f in flagging.ordered(flags) if f.region in paths]


def _filed(flags: list[Flag], tag: str, paths: dict[str, str], reach: dict[int, set[str]]) -> list[tuple[str, Flag]]:
    """The flags in words in `tag`, each under every path it is read under."""
    return [(path, flag) for flag in rendered_flags(flags, tag) for path in _filed_under(flag, paths, reach)]


# A task's own terms concern every place it reaches, whoever issued it.
TASK_KINDS = frozenset({"vanity_metric", "ranking_pressure", "trace_requirement"})


def _filed_under(flag: Flag, paths: dict[str, str], reach: dict[int, set[str]]) -> list[str]:
    """Where a flag is read: under the region it names, and a task's flag also under every
    published place its quotas reach (readers drop the repeats)."""
    if flag.kind in TASK_KINDS and flag.task in reach:
        return sorted(reach[flag.task] | {paths[flag.region]})
    return [paths[flag.region]]


def _task_reach(quotas: list[flagging.RunningQuota], paths: dict[str, str]) -> dict[int, set[str]]:
    """Per task running in the month, the deepest published regions its quotas sit in."""
    published = set(paths)
    reach: dict[int, set[str]] = {}
    for quota in quotas:
        codes = [code for code in ancestor_codes(quota.path) if code in published]
        if codes:
            reach.setdefault(quota.task, set()).add(paths[codes[-1]])
    return reach


def _outliers(
    facts: MonthFacts, figures: dict[str, dict], month: Period, names: dict[str, dict], settings: Settings
) -> list[Flag]:
    """Busy places among the shown children of each region."""
    flags: list[Flag] = []
    for parent in {r.parent for r in facts.regions if r.parent}:
        hours = {}
        for r in facts.regions:
            figure = figures[r.code]
            if r.parent == parent and figure["reporters"]:
                hours[r.code] = hours_per_reporter_week(figure["minutes"], figure["reporters"], month.weeks)
        labels = {c: Name(names[c]["name"], names[c]["name_hant"]) for c in hours}
        flags += peer_outlier_flags(hours, labels, settings.rules)
    return flags


def _published_only(flag: Flag, paths: dict[str, str]) -> Flag:
    chain = flag.detail.get("chain") if isinstance(flag.detail, dict) else None
    if not chain:
        return flag
    return Flag(
        **{
            **flag.as_json(),
            "detail": {**flag.detail, "chain": [link for link in chain if link.get("region") in paths]},
        }
    )


async def _queue_feed(month: Period, facts: MonthFacts, settings: Settings) -> None:
    """The month's document for the review feed, made from the stored release, queued once."""
    if not settings.review_webhook:
        return
    documents = []
    with in_locale(LOCALES[0]):
        for code in sorted(r.code for r in facts.regions if r.parent is None):
            report, flags = await summary.region_report(code, month, settings)
            documents.append({"summary": report, "flags": [f.as_json() for f in flags]})
    await feed.enqueue(
        "month.published", f"month.published:{month.key}", {"period": month.key, "regions": documents}, settings
    )


async def rekey_legacy_outcomes(secret: str) -> int:
    """Outcomes stored before quotas were named by keyed hash carry "legacy-<id>"; only a process
    holding the secret can rename them."""
    renamed = 0
    for outcome in await Outcome.filter(quota_ref__startswith="legacy-"):
        quota_id = int(outcome.quota_ref.removeprefix("legacy-"))
        await Outcome.filter(id=outcome.id).update(quota_ref=pseudonyms.quota_ref(secret, quota_id))
        renamed += 1
    return renamed


async def run(settings: Settings, stop: asyncio.Event, today: Callable[[], date]) -> None:
    """The scheduler of one server process: publish what is due, then wait, until `stop` is set."""

    async def one_round() -> None:
        await rekey_legacy_outcomes(settings.secret)
        for key in await publish_due(settings, today()):
            log.info("published %s", key)

    await rounds.every(settings.publish_poll_seconds, stop, one_round, log)
