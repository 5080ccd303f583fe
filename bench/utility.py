"""Utility of a published month: of the cells that rest on at least k established reporters, the
share the release shows (issue 10: at least 90% of township-month cells).

Two stores, each fresh SQLite under a temp dir, for each k asked for:

- the demo county (server.cli.demo.load_demo, which publishes the months that are due itself);
- a generated county of uneven sizes: 1 province > 1 city > 1 county with --townships townships
  whose cadre counts are drawn from a skewed mix (many of 10-40, some of 2-9, a few of 60-120, a
  couple with none), villages of uneven sizes, township and county own staff; every cadre account
  exists before the month and logs on several of its days, some outcomes and rosters arrive in
  the month. Written through bulk inserts, then published with server.services.publication.publish on the
  month's publication day, and timed.

Shown is read from the stored release (release_cell figures: null when hidden). Who is eligible
(contributors per cell) is read with release.read_month_facts at the release's cutoff. Per table
family (entry cells, evidence, categories, tasks, outcomes, rosters and apps) the same share is
reported, at the township level and over all published levels (outcome cells with k established
reporters count even when they miss the 3-yes-3-no floor). Each eligible cell the release hides is
then attributed to the rule that hid it, by running disclosure.protect again with audit=False:
hidden without the auditor is complementary suppression (an eligible cell passes its own primary
rule, outcomes' 3 and 3 aside); hidden only with it is the auditor's. --seeds N repeats the
generated county for N seeds and reports the spread. Prints progress to stderr, then one JSON
line.

    .venv/bin/python bench/utility.py                  # k = 10 and 5, demo and generated county
    .venv/bin/python bench/utility.py --k 10 --skip-demo
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server import db  # noqa: E402 -- after the path: the project's own server package
from server.cli.demo import load_demo  # noqa: E402
from server.config import Settings  # noqa: E402
from server.domain import disclosure, measures, pseudonyms  # noqa: E402
from server.domain.measures import LOGGED_CATEGORIES, MonthFacts  # noqa: E402
from server.domain.periods import parse_period, publication_day  # noqa: E402
from server.domain.vocab import ACTIVITIES, RESIDENT_USE  # noqa: E402
from server.models import (  # noqa: E402
    App,
    Outcome,
    Quota,
    Region,
    Release,
    ReleaseCell,
    RosterItem,
    Task,
    TimeEntry,
    User,
)
from server.services import publication  # noqa: E402
from server.store import release  # noqa: E402
from server.store.closure import rebuild_ancestors  # noqa: E402

MONTH = "2026-10"
SECRET = "bench-utility-secret-" + "0" * 43
DEMO_SECRET = "jianfu-demo-secret-not-for-production"
FAMILIES = ("entry cells", "evidence", "categories", "tasks", "outcomes", "rosters/apps")


def say(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the generated county


def township_sizes(rng: random.Random, count: int) -> list[int]:
    """Cadres per township: a couple with none, some of 2-9, a few of 60-120, the rest 10-40
    (skewed towards the small end, as the bulk of real townships)."""
    empty, small, large = 2, max(1, round(count * 0.2)), max(1, round(count * 0.12))
    middle = count - empty - small - large
    sizes = [0] * empty + [rng.randint(2, 9) for _ in range(small)] + [rng.randint(60, 120) for _ in range(large)]
    sizes += [min(40, 10 + int(rng.expovariate(1 / 9))) for _ in range(middle)]
    rng.shuffle(sizes)
    return sizes


def uneven_split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` spread over `parts` with Pareto weights: a few big, many small, some none."""
    weights = [rng.paretovariate(1.3) for _ in range(parts)]
    counts = [0] * parts
    for _ in range(total):
        counts[rng.choices(range(parts), weights=weights)[0]] += 1
    return counts


async def generate_county(settings: Settings, seed: int, townships: int) -> dict[str, Any]:
    """Fill a migrated, empty store with the generated county and its month. Returns its shape."""
    rng = random.Random(seed)
    month = parse_period(MONTH)
    cutoff = publication_day(month, settings.publish_days)
    created_on = month.first - timedelta(days=rng.randint(20, 90))

    province, city, county = "990000", "990100", "990101"
    regions = [
        Region(code=province, parent_id=None, level="province", name="基准省", population=0, path=f"/{province}/"),
        Region(code=city, parent_id=province, level="city", name="基准市", population=0, path=f"/{province}/{city}/"),
        Region(
            code=county,
            parent_id=city,
            level="county",
            name="基准县",
            population=0,
            path=f"/{province}/{city}/{county}/",
        ),
    ]
    homes: list[str] = []  # one region per cadre
    village_of_township: dict[str, list[str]] = {}
    sizes = township_sizes(rng, townships)
    for t, size in enumerate(sizes, start=101):
        code = f"{county}{t}"
        regions.append(
            Region(
                code=code,
                parent_id=county,
                level="township",
                name=f"乡镇{t}",
                population=0,
                path=f"/{province}/{city}/{county}/{code}/",
            )
        )
        villages = [f"{code}{v}" for v in range(201, 201 + rng.randint(4, 14))]
        village_of_township[code] = villages
        for v in villages:
            regions.append(
                Region(
                    code=v,
                    parent_id=code,
                    level="village",
                    name=f"村{v}",
                    population=rng.randint(400, 6000),
                    path=f"/{province}/{city}/{county}/{code}/{v}/",
                )
            )
        own = min(size, rng.randint(0, max(0, size // 5))) if size >= 10 else 0  # township staff
        homes += [code] * own
        for v, n in zip(villages, uneven_split(rng, size - own, len(villages)), strict=True):
            homes += [v] * n
    county_staff = rng.randint(4, 15)
    homes += [county] * county_staff
    await Region.bulk_create(regions, batch_size=500)
    await rebuild_ancestors()
    say(
        f"generated: {len(regions)} regions, {len(homes)} cadres, township sizes {sorted(sizes)}, county own staff "
        f"{county_staff}"
    )

    apps = [
        App(id=a, name=f"应用{a}", function=f"f{a}", owner_level=rng.choice(["province", "city", "county"]))
        for a in range(1, 11)
    ]
    await App.bulk_create(apps)
    users = [User(id=1, username="admin", password_hash="x", role="admin", region_id=None, created_on=created_on)]
    users += [
        User(id=i, username=f"cadre{i:04d}", password_hash="x", role="cadre", region_id=home, created_on=created_on)
        for i, home in enumerate(homes, start=2)
    ]
    await User.bulk_create(users, batch_size=500)

    # Tasks: the county's, and a few of each township's own, running through the month.
    metrics = ["registrations", "check_ins", "study_time", "forms", "reposts", "visits", "installs", "record_updates"]
    tasks = [
        Task(
            id=i,
            title=f"县任务{i}",
            metric=metrics[i % len(metrics)],
            app_id=rng.choice([None, *range(1, 11)]),
            issued_by_id=county,
            period_start=month.first,
            period_end=month.last,
            frequency="monthly",
            ranking=rng.choice(["none", "weekly"]),
            penalty=rng.choice(["none", "criticism"]),
            evidence=rng.choice(["none", "screenshots"]),
        )
        for i in range(1, 9)
    ]
    own_tasks: dict[str, list[int]] = {}
    for township in village_of_township:
        for _ in range(rng.randint(0, 3)):
            tid = len(tasks) + 1
            tasks.append(
                Task(
                    id=tid,
                    title=f"镇任务{tid}",
                    metric=rng.choice(metrics),
                    app_id=None,
                    issued_by_id=township,
                    period_start=month.first,
                    period_end=month.last,
                    frequency="monthly",
                    ranking="none",
                    penalty="none",
                    evidence="none",
                )
            )
            own_tasks.setdefault(township, []).append(tid)
    await Task.bulk_create(tasks)
    county_tasks = [t.id for t in tasks[:8]]
    popularity = [rng.paretovariate(1.5) for _ in county_tasks]
    # Quotas of the county's registration-like tasks on every township and village.
    quota_rows: list[Quota] = []
    quota_of: dict[str, list[int]] = {}
    for task in (t for t in tasks[:8] if t.metric in ("registrations", "installs", "check_ins")):
        for township, villages in village_of_township.items():
            for place in [township, *villages]:
                qid = len(quota_rows) + 1
                quota_rows.append(
                    Quota(
                        id=qid,
                        task_id=task.id,
                        region_id=place,
                        target=rng.randint(100, 4000),
                        base="population",
                        updated_on=month.first,
                    )
                )
                quota_of.setdefault(place, []).append(qid)
    await Quota.bulk_create(quota_rows, batch_size=500)

    township_of = {v: t for t, vs in village_of_township.items() for v in vs} | {t: t for t in village_of_township}
    entries: list[TimeEntry] = []
    outcomes: list[Outcome] = []
    rosters: list[RosterItem] = []
    days = [month.first + timedelta(days=d) for d in range(month.days)]
    for n, user in enumerate(users[1:], start=1):
        key = pseudonyms.reporter_key(settings.secret, user.id)
        township = township_of.get(user.region_id)
        choices = county_tasks + own_tasks.get(township, [])
        weights = popularity + [2.0] * (len(choices) - len(county_tasks))
        for d, day in enumerate(sorted(rng.sample(days, rng.randint(4, 22)))):
            for e in range(rng.randint(1, 3)):
                task = rng.choices(choices, weights=weights)[0] if rng.random() < 0.6 else None
                received = min(day + timedelta(days=rng.choice([0, 0, 0, 1, 2, 5])), cutoff - timedelta(days=1))
                entries.append(
                    TimeEntry(
                        reporter_key=key,
                        client_id=f"u{user.id}-{d}-{e}",
                        body_hash="bench",
                        date=day,
                        received_on=received,
                        minutes=rng.choice([15, 30, 30, 45, 60, 90, 120, 180]),
                        activity=rng.choice(ACTIVITIES),
                        task_id=task,
                    )
                )
        said_on = rng.choice(days)
        for qid in (
            rng.sample(quota_of.get(user.region_id, []), min(2, len(quota_of.get(user.region_id, []))))
            if rng.random() < 0.6
            else []
        ):
            bought = rng.random() < 0.2
            means = (
                "paid_service"
                if bought
                else rng.choice(
                    ["door_to_door", "door_to_door", "own_accounts,door_to_door", "borrowed_phones", "other"]
                )
            )
            outcomes.append(
                Outcome(
                    reporter_key=key,
                    quota_ref=pseudonyms.quota_ref(settings.secret, qid),
                    status=rng.choice(["met", "partly", "missed"]),
                    means=means,
                    cost_yuan=Decimal(rng.randint(200, 4000)) if bought else None,
                    reported_on=said_on,
                )
            )
        if rng.random() < 0.7:
            for app in rng.sample(range(1, 11), rng.randint(3, 8)):
                rosters.append(
                    RosterItem(reporter_key=key, app_id=app, resident_use=rng.choice(RESIDENT_USE), received_on=said_on)
                )
        if n % max(1, len(homes) // 5) == 0:
            say(f"generated rows for {n}/{len(homes)} cadres ({len(entries)} entries)")
    for start in range(0, len(entries), 5000):
        await TimeEntry.bulk_create(entries[start : start + 5000], batch_size=500)
    await Outcome.bulk_create(outcomes, batch_size=500)
    await RosterItem.bulk_create(rosters, batch_size=500)
    say(
        f"generated: {len(entries)} entries, {len(outcomes)} outcomes, {len(rosters)} roster items, {len(tasks)} "
        f"tasks, {len(quota_rows)} quotas"
    )
    return {
        "regions": len(regions),
        "townships": townships,
        "township_cadres": sorted(sizes),
        "county_own_staff": county_staff,
        "cadres": len(homes),
        "entries": len(entries),
        "outcomes": len(outcomes),
        "roster_items": len(rosters),
        "tasks": len(tasks),
    }


# ---------------------------------------------------------------- measuring a release


def eligible_cells(facts: MonthFacts, k: int) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Per family, (what, code) -> the disclosure tables it is shown through, for every cell with
    at least k established contributors. (Outcomes also need 3 saying yes and 3 saying no: a cell
    with k that misses those is counted, and attributed to the primary rule.)"""
    cells: dict[str, dict[tuple[str, str], list[str]]] = {f: {} for f in FAMILIES}
    for r in facts.regions:
        code = r.code
        if facts.reporters.get(code) and facts.reporters[code].established >= k:
            cells["entry cells"][("cell", code)] = ["reporters", "minutes"]
        part = facts.evidence.get(code, {}).get("evidence")
        if part and part.established >= k:
            cells["evidence"][("evidence", code)] = ["reporters", "minutes", "evidence"]
        for c, part in facts.categories.get(code, {}).items():
            if c in LOGGED_CATEGORIES and part.established >= k:
                cells["categories"][(c, code)] = ["reporters", "minutes", f"category:{c}"]
        for t, part in facts.tasks.get(code, {}).items():
            if t is not None and part.established >= k:
                cells["tasks"][(str(t), code)] = ["reporters", "minutes", f"task:{t}"]
        o = facts.outcomes.get(code)
        if o and o["established"] >= k:
            for name in ("outcomes", "fabricated", "paid_yuan"):
                cells["outcomes"][(name, code)] = [name]
        roster = facts.rosters.get(code)
        if roster and roster["established"] >= k:
            cells["rosters/apps"][("roster_reporters", code)] = ["roster_reporters"]
            cells["rosters/apps"][("roster_items", code)] = ["roster_items"]
        for app, a in facts.apps.get(code, {}).items():
            if a["established"] >= k:
                cells["rosters/apps"][(f"app:{app}", code)] = [f"app:{app}", f"app:{app}:none"]
    return cells


def shown_in(figures: dict[str, Any], what: str, family: str) -> bool:
    """Whether the stored figures show this cell."""
    if family == "entry cells":
        return figures["reporters"] is not None
    if family == "evidence":
        return figures["evidence_minutes"] is not None
    if family == "categories":
        return figures["categories"] is not None and figures["categories"].get(what) is not None
    if family == "tasks":
        return any(str(t["task"]) == what for t in figures["tasks"])
    if family == "outcomes":
        return figures[what] is not None
    if what.startswith("app:"):
        return any(f"app:{a['app']}" == what for a in figures["apps"])
    return figures[what] is not None


def share(shown: int, eligible: int) -> float | None:
    return round(shown / eligible, 4) if eligible else None


def tables_of(
    facts: MonthFacts, k: int
) -> tuple[list[disclosure.Region], list[disclosure.Table], list[disclosure.Relation]]:
    """What measures.protect_month hands the disclosure pass (same functions, same order)."""
    known_zero = {r.code for r in facts.regions if not facts.accounts.get(r.code)}
    regions = [disclosure.Region(r.code, r.parent, r.code in known_zero) for r in facts.regions]
    entry, entry_relations = measures.entry_tables(facts, k)
    roster, roster_relations = measures.roster_tables(facts, k)
    return regions, entry + measures.outcome_tables(facts, k) + roster, entry_relations + roster_relations


def contributors(facts: MonthFacts, family: str, what: str, code: str) -> Any:
    """The established contributors behind an eligible cell (outcomes: all, saying yes, saying no)."""
    if family in ("entry cells", "evidence"):
        return facts.reporters[code].established
    if family == "categories":
        return facts.categories[code][what].established
    if family == "tasks":
        return next(p.established for t, p in facts.tasks[code].items() if str(t) == what)
    if family == "outcomes":
        o = facts.outcomes[code]
        return [o["established"], o["saying_yes"], o["saying_no"]]
    if what.startswith("app:"):
        return facts.apps[code][int(what.removeprefix("app:"))]["established"]
    return facts.rosters[code]["established"]


def attribute(
    facts: MonthFacts, k: int, eligible: dict[str, dict[tuple[str, str], list[str]]], levels: dict[str, str]
) -> dict[str, Any]:
    """Run the pass again without and with the auditor; each eligible hidden cell goes to the first
    stage that hid one of its tables: primary (an outcome cell short of 3 saying yes or no),
    complementary (hidden without the auditor), or the auditor (hidden only with it)."""
    regions, tables, relations = tables_of(facts, k)
    start = time.perf_counter()
    before = disclosure.protect(regions, tables, relations, audit=False)
    without = time.perf_counter() - start
    start = time.perf_counter()
    after = disclosure.protect(regions, tables, relations, audit=True)
    withaudit = time.perf_counter() - start
    blame: dict[str, dict[str, Counter]] = {}
    cells_hidden: list[dict[str, Any]] = []
    floor = measures.SENSITIVE_FLOOR
    for family, cells in eligible.items():
        for (what, code), names in cells.items():
            if not any(code in after[n] for n in names):
                continue
            o = facts.outcomes.get(code, {})
            if family == "outcomes" and (o["saying_yes"] < floor or o["saying_no"] < floor):
                stage = "primary (3 yes, 3 no)"
            else:
                stage = "complementary" if any(code in before[n] for n in names) else "auditor"
            blame.setdefault(levels[code], {}).setdefault(family, Counter())[stage] += 1
            if levels[code] == "township":
                cells_hidden.append(
                    {
                        "family": family,
                        "what": what,
                        "code": code,
                        "stage": stage,
                        "contributors": contributors(facts, family, what, code),
                    }
                )
    return {
        "hidden_by_stage": {level: {f: dict(c) for f, c in per.items()} for level, per in sorted(blame.items())},
        "township_cells_hidden": cells_hidden,
        "protect_seconds": {"audit_false": round(without, 3), "audit_true": round(withaudit, 3)},
        "hidden_cells_total": {
            "audit_false": sum(len(v) for n, v in before.items() if next(t for t in tables if t.name == n).published),
            "audit_true": sum(len(v) for n, v in after.items() if next(t for t in tables if t.name == n).published),
        },
    }


async def measure_release(month_key: str, settings: Settings, attribute_too: bool = True) -> dict[str, Any]:
    """Shares shown for one stored release, per family and level, with the attribution."""
    stored = await Release.get(month=month_key, status="published")
    month = parse_period(month_key)
    cells = {c["code"]: c for c in await ReleaseCell.filter(month=month_key).values("code", "level", "figures")}
    facts = await release.read_month_facts(month, settings, stored.published_on)
    levels = {r.code: r.level for r in facts.regions}
    eligible = eligible_cells(facts, settings.k)
    result: dict[str, Any] = {
        "month": month_key,
        "published_on": stored.published_on.isoformat(),
        "k": stored.settings["k"],
    }
    for scope, wanted in (("township", {"township"}), ("all_levels", set(levels.values()))):
        per = {}
        for family, found in eligible.items():
            mine = [(what, code) for (what, code) in found if levels[code] in wanted]
            shown = sum(1 for what, code in mine if shown_in(cells[code]["figures"], what, family))
            per[family] = {"eligible": len(mine), "shown": shown, "share": share(shown, len(mine))}
        result[scope] = per
    townships = [c for c, lv in levels.items() if lv == "township"]
    result["townships"] = {
        "all": len(townships),
        "known_zero": sum(1 for c in townships if cells[c]["figures"]["known_zero"]),
        "below_k": sum(
            1
            for c in townships
            if not cells[c]["figures"]["known_zero"]
            and (facts.reporters.get(c) is None or facts.reporters[c].established < settings.k)
        ),
        "with_k": result["township"]["entry cells"]["eligible"],
        "with_k_shown": result["township"]["entry cells"]["shown"],
        "share": result["township"]["entry cells"]["share"],
        "shown_below_k": sum(
            1
            for c in townships
            if cells[c]["figures"]["reporters"] is not None
            and not cells[c]["figures"]["known_zero"]
            and (facts.reporters.get(c) is None or facts.reporters[c].established < settings.k)
        ),
    }
    if attribute_too:
        result["attribution"] = attribute(facts, settings.k, eligible, levels)
        # The pass run again here must hide what the stored release hides, or the attribution is void.
        blamed = sum(
            n for per in result["attribution"]["hidden_by_stage"].values() for c in per.values() for n in c.values()
        )
        missing = sum(f["eligible"] - f["shown"] for f in result["all_levels"].values())
        result["attribution"]["matches_release"] = blamed == missing
        if blamed != missing:
            say(f"warning: the pass run again hides {blamed} eligible cells, the stored release {missing}")
    return result


def line(label: str, m: dict[str, Any]) -> None:
    t = m["townships"]
    say(
        f"{label} {m['month']} (k={m['k']}): township cells with >= k established shown "
        f"{t['with_k_shown']}/{t['with_k']}"
        f" = {100 * (t['share'] or 0):.1f}% ({t['known_zero']} known zero, {t['below_k']} below k)"
    )
    for family in FAMILIES:
        f, a = m["township"][family], m["all_levels"][family]
        say(f"    {family:<13} township {f['shown']}/{f['eligible']}  all levels {a['shown']}/{a['eligible']}")
    if "attribution" in m:
        say(f"    hidden by stage: {json.dumps(m['attribution']['hidden_by_stage'], ensure_ascii=False)}")


# ---------------------------------------------------------------- the two stores


async def run_generated(folder: str, k: int, seed: int, townships: int, quiet: bool = False) -> dict[str, Any]:
    settings = Settings(database_url=f"sqlite://{folder}/county-k{k}-s{seed}.sqlite3", secret=SECRET, k=k)
    await db.apply_migrations(settings.database_url)
    month = parse_period(MONTH)
    day = publication_day(month, settings.publish_days)
    async with db.connect(settings.database_url):
        start = time.perf_counter()
        shape = await generate_county(settings, seed, townships)
        say(f"generated county ready in {time.perf_counter() - start:.1f} s; publishing {MONTH} on {day}")
        steps: list[tuple[float, str]] = []

        def note(text: str) -> None:
            steps.append((time.perf_counter(), text))
            say(text)

        start = time.perf_counter()
        done = await publication.publish(month, settings, today=day, say=note)
        seconds = time.perf_counter() - start
        assert done, "the month was not published"
        # publish() says: reading, disclosure control, flags, published; the stages lie between.
        marks = [start] + [t for t, _ in steps[:3]] + [start + seconds]
        names = ["claim the lease", "read the facts", "disclosure pass and figures", "flags, store and feed"]
        stages = {name: round(marks[i + 1] - marks[i], 3) for i, name in enumerate(names)}
        say(f"published in {seconds:.2f} s ({stages})")
        measured = await measure_release(MONTH, settings)
    if not quiet:
        line("generated county", measured)
    return {
        "store": "generated",
        "shape": shape,
        "publish_seconds": round(seconds, 3),
        "publish_stages": stages,
        **measured,
    }


async def run_demo(folder: str, k: int) -> list[dict[str, Any]]:
    settings = Settings(database_url=f"sqlite://{folder}/demo-k{k}.sqlite3", secret=DEMO_SECRET, k=k)
    await db.apply_migrations(settings.database_url)
    start = time.perf_counter()
    publish_due, timed = publication.publish_due, {}

    async def timed_publish_due(*args: Any, **kwargs: Any) -> list[str]:
        began = time.perf_counter()
        try:
            return await publish_due(*args, **kwargs)
        finally:
            timed["seconds"] = time.perf_counter() - began

    publication.publish_due = timed_publish_due  # load_demo calls it through the module: time it, change nothing
    try:
        with contextlib.redirect_stdout(sys.stderr):
            await load_demo(settings)
    finally:
        publication.publish_due = publish_due
    say(f"demo loaded in {time.perf_counter() - start:.1f} s, its due months published in {timed['seconds']:.2f} s")
    results = []
    async with db.connect(settings.database_url):
        for key in await release.published_keys():
            measured = await measure_release(key, settings)
            line("demo", measured)
            results.append({"store": "demo", "publish_due_seconds": round(timed["seconds"], 3), **measured})
    release.forget_months()
    return results


def seed_spread(folder: str, k: int, args: argparse.Namespace, first: dict[str, Any]) -> dict[str, Any]:
    """The generated county for --seeds seeds (`first` is --seed's run): per family, the worst and
    the pooled township share."""
    found = [first]
    for seed in range(args.seed + 1, args.seed + args.seeds):
        found.append(asyncio.run(run_generated(folder, k, seed, args.townships, quiet=True)))
        Path(f"{folder}/county-k{k}-s{seed}.sqlite3").unlink(missing_ok=True)
        t = found[-1]["townships"]
        say(
            f"seed {seed}, k={k}: township cells shown {t['with_k_shown']}/{t['with_k']}; published in "
            f"{found[-1]['publish_seconds']:.2f} s"
        )
    result: dict[str, Any] = {"seeds": args.seeds, "publish_seconds_max": max(r["publish_seconds"] for r in found)}
    for family in FAMILIES:
        shares = [r["township"][family]["share"] for r in found if r["township"][family]["eligible"]]
        shown = sum(r["township"][family]["shown"] for r in found)
        eligible = sum(r["township"][family]["eligible"] for r in found)
        result[family] = {
            "worst": min(shares) if shares else None,
            "pooled": share(shown, eligible),
            "runs_below_90": sum(1 for x in shares if x < 0.9),
        }
    stages: Counter = Counter()
    for r in found:
        for per in r["attribution"]["hidden_by_stage"].get("township", {}).values():
            stages.update(per)
    result["township_hidden_by_stage"] = dict(stages)
    say(f"spread over {args.seeds} seeds, k={k}: {json.dumps(result, ensure_ascii=False)}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, action="append", help="k to publish with (repeatable); default 10 and 5")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--townships", type=int, default=25)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="also generate the county for this many seeds (from --seed) and report the spread",
    )
    args = parser.parse_args()
    runs: list[dict[str, Any]] = []
    spread: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for k in args.k or [10, 5]:
            if not args.skip_demo:
                say(f"demo county, k={k}")
                runs += asyncio.run(run_demo(folder, k))
            say(f"generated county (seed {args.seed}, {args.townships} townships), k={k}")
            runs.append(asyncio.run(run_generated(folder, k, args.seed, args.townships)))
            if args.seeds > 1:
                spread[k] = seed_spread(folder, k, args, runs[-1])
    summary = [
        {
            "store": r["store"],
            "month": r["month"],
            "k": r["k"],
            "township_share": r["townships"]["share"],
            "townships_with_k": r["townships"]["with_k"],
            "shown": r["townships"]["with_k_shown"],
            **({"publish_seconds": r["publish_seconds"]} if "publish_seconds" in r else {}),
        }
        for r in runs
    ]
    print(json.dumps({"summary": summary, "spread": spread, "runs": runs}, ensure_ascii=False))


if __name__ == "__main__":
    main()
