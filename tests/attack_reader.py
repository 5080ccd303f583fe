"""A supervisor taking a published month apart through the API, and the truth it is checked against
(tests/test_attacks.py, the publication issue's attacks).

`Plant` is a test's own tree, cadres and every sensitive row it sent through the API, with the day
the server received it: the truth per table and region is computed here from what was planted,
apart from the rollup queries in server/store/ and server/domain/measures.py.

`read_month` is the supervisor: every figure their token reads about one month under their region
(/api/burden, /api/summaries, /api/flags and the dashboard of every region of their subtree, and the
tasks and apps lists). Figures come rounded (hours to 0.01, shares to 0.001, cost to a yuan); the
reader turns each into the exact whole number it stands for wherever the rounding leaves one
candidate, and keeps the others unknown. Shares whose two terms are both unpublished (fabrication
among outcomes, apps per roster) are not linear and are not used.

`api_system` writes what the reader read as tests/linear_attack.py's tables; `release_system` grants
the reader more: every figure the stored release holds, as if some page printed it all. `leaks`
then names every value the solver pins down, and every sum one equation gives outright (a parent
minus its shown children, minutes minus the shown categories), that rests on fewer than k
established cadres (or fewer than 3 saying yes and 3 saying no, for the outcome tables).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import httpx
from conftest import LONG_AGO, add_user
from linear_attack import attack

from server.domain.indices import CATEGORIES, CATEGORY_OF_ACTIVITY, EVIDENCE_ACTIVITIES
from server.domain.periods import Period, publication_day
from server.domain.vocab import ACTIVITIES, FABRICATION_MEANS, LEVELS
from server.models import ReleaseCell
from server.web import auth
from server.web.parse import local_today

TIMEZONE = "Asia/Shanghai"
# The categories an activity maps to (documented on /method); the others are 0 by construction.
LOGGED = tuple(c for c in CATEGORIES if c in set(CATEGORY_OF_ACTIVITY.values()))
OUTCOME_TABLES = ("outcomes", "fabricated", "paid_yuan")
SENSITIVE_FLOOR = 3
TINY = Fraction(1, 10**9)  # widens every rounding interval: never excludes the true value


# The planted truth ---------------------------------------------------------------------------


@dataclass
class Cadre:
    name: str
    region: str
    created_on: date
    headers: dict[str, str]


@dataclass(frozen=True)
class Logged:
    cadre: str
    day: date
    minutes: int
    activity: str
    task: int | None
    received: date


@dataclass(frozen=True)
class Said:
    """An outcome (one per cadre and quota: a later one replaces it) or a roster (one per cadre)."""

    cadre: str
    received: date
    means: tuple[str, ...] = ()
    yuan: int = 0
    apps: tuple[tuple[int, str], ...] = ()


@dataclass
class Plant:
    client: httpx.AsyncClient
    admin: dict[str, str]
    parents: dict[str, str | None] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    cadres: dict[str, Cadre] = field(default_factory=dict)
    entries: list[Logged] = field(default_factory=list)
    outcomes: dict[tuple[str, int], Said] = field(default_factory=dict)
    rosters: dict[str, Said] = field(default_factory=dict)

    async def regions(self, rows: list[dict[str, Any]]) -> None:
        """POST /api/regions as the admin (creates, or moves when a parent changes)."""
        body = [{"population": 1000, "name": f"地{r['code']}", **r} for r in rows]
        answer = await self.client.post("/api/regions", json={"regions": body}, headers=self.admin)
        assert answer.status_code == 200, answer.text
        for r in body:
            self.parents[r["code"]], self.levels[r["code"]] = r.get("parent"), r["level"]

    async def cadre(self, name: str, region: str, created_on: date = LONG_AGO) -> Cadre:
        """An account as the admin makes it (tests' accounts are old unless said otherwise); its
        token is minted directly: logging in costs an argon2 verification each."""
        user = await add_user(name, "cadre", region, created_on=created_on)
        token = await auth.issue_token(user, 400)
        self.cadres[name] = Cadre(name, region, created_on, {"authorization": f"Bearer {token}"})
        return self.cadres[name]

    def adopt(self, name: str, region: str, created_on: date, headers: dict[str, str]) -> Cadre:
        """An account made through the API by someone else (an admin, an invite)."""
        self.cadres[name] = Cadre(name, region, created_on, headers)
        return self.cadres[name]

    async def log(self, name: str, rows: Iterable[tuple[date, int, str, int | None]]) -> None:
        """POST /api/entries: (day, minutes, activity, task) each."""
        rows = list(rows)
        batch = [
            {
                "client_id": f"{name}-{len(self.entries) + i}",
                "date": d.isoformat(),
                "minutes": m,
                "activity": a,
                "task": t,
            }
            for i, (d, m, a, t) in enumerate(rows)
        ]
        answer = await self.client.post("/api/entries", json={"entries": batch}, headers=self.cadres[name].headers)
        assert answer.status_code == 200 and len(answer.json()["accepted"]) == len(batch), answer.text
        today = local_today(TIMEZONE)
        self.entries += [Logged(name, d, m, a, t, today) for d, m, a, t in rows]

    async def outcome(self, name: str, quota: int, means: tuple[str, ...], yuan: int = 0, status: str = "met") -> None:
        body = {"status": status, "means": list(means), "cost_yuan": yuan}
        answer = await self.client.post(f"/api/quotas/{quota}/outcome", json=body, headers=self.cadres[name].headers)
        assert answer.status_code == 204, answer.text
        self.outcomes[(name, quota)] = Said(name, local_today(TIMEZONE), tuple(means), yuan)

    async def roster(self, name: str, apps: dict[int, str]) -> None:
        body = {"apps": [{"app": app, "resident_use": use} for app, use in apps.items()]}
        answer = await self.client.put("/api/roster", json=body, headers=self.cadres[name].headers)
        assert answer.status_code == 200, answer.text
        self.rosters[name] = Said(name, local_today(TIMEZONE), apps=tuple(sorted(apps.items())))

    def own_staff(self, min_level: str) -> set[str]:
        """Published regions with cadre accounts of their own (the org chart a supervisor knows)."""
        return {self.placed(c.region, min_level) for c in self.cadres.values()}

    def placed(self, code: str, min_level: str) -> str:
        """The lowest published region at or above `code`."""
        while LEVELS.index(self.levels[code]) > LEVELS.index(min_level):
            code = self.parents[code]  # type: ignore[assignment]
        return code

    def truth(self, month: Period, k: int, min_level: str, publish_days: int = 7) -> Truth:
        return Truth.of(self, month, k, min_level, publication_day(month, publish_days))


Counts = tuple[int, ...]
Figure = tuple[Fraction, frozenset[str]]  # a value and the names of those who have a row in it


@dataclass
class Truth:
    """Per table and published region: the value and who contributed to it; and each parent's own
    remainder (the parent's figure minus its children's: its own staff's)."""

    k: int
    parents: dict[str, str | None]
    cells: dict[str, dict[str, Figure]]
    own: dict[str, dict[str, Figure]]
    accounts: dict[str, int]
    established: frozenset[str]
    fabricating: frozenset[str]

    @classmethod
    def of(cls, plant: Plant, month: Period, k: int, min_level: str, cutoff: date) -> Truth:
        published = {c for c, level in plant.levels.items() if LEVELS.index(level) <= LEVELS.index(min_level)}
        parents = {c: plant.parents[c] for c in published}
        accounts: dict[str, int] = {}
        home = {}
        for cadre in plant.cadres.values():
            if cadre.created_on < cutoff:
                home[cadre.name] = plant.placed(cadre.region, min_level)
                for code in _up(parents, home[cadre.name]):
                    accounts[code] = accounts.get(code, 0) + 1
        entries = [e for e in plant.entries if month.first <= e.day <= month.last and e.received < cutoff]
        days: dict[str, set[date]] = {}
        for e in entries:
            days.setdefault(e.cadre, set()).add(e.day)
        established = frozenset(n for n, d in days.items() if len(d) >= 2 and plant.cadres[n].created_on < month.first)
        # Per reporter and table, a value: a reporter contributes to every table they have a row in
        # (an outcome reporter to the yuan even when they paid nothing, an app's user to its "none").
        per: dict[str, dict[str, Fraction]] = {}

        def add(name: str, table: str, value: Fraction | int) -> None:
            mine = per.setdefault(name, {})
            mine[table] = mine.get(table, Fraction(0)) + Fraction(value)

        for e in entries:
            add(e.cadre, "minutes", e.minutes)
            add(e.cadre, f"activity:{e.activity}", e.minutes)
            add(e.cadre, f"category:{CATEGORY_OF_ACTIVITY.get(e.activity, 'other')}", e.minutes)
            if e.activity in EVIDENCE_ACTIVITIES:
                add(e.cadre, "evidence", e.minutes)
            add(e.cadre, "task:none" if e.task is None else f"task:{e.task}", e.minutes)
        for name in days:
            add(name, "reporters", 1)
        fabricating = set()
        for o in plant.outcomes.values():
            if month.first <= o.received <= month.last and o.received < cutoff:
                fabricated = bool(set(o.means) & FABRICATION_MEANS)
                add(o.cadre, "outcomes", 1)
                add(o.cadre, "fabricated", int(fabricated))
                add(o.cadre, "paid_yuan", o.yuan if "paid_service" in o.means else 0)
                if fabricated:
                    fabricating.add(o.cadre)
        for r in plant.rosters.values():
            if month.first <= r.received <= month.last and r.received < cutoff and r.apps:
                add(r.cadre, "roster_reporters", 1)
                add(r.cadre, "roster_items", len(r.apps))
                for app, use in r.apps:
                    add(r.cadre, f"app:{app}", 1)
                    add(r.cadre, f"app:{app}:none", int(use == "none"))
        cells: dict[str, dict[str, Figure]] = {}
        own: dict[str, dict[str, Figure]] = {}
        for name, tables in per.items():
            for table, value in tables.items():
                for code in _up(parents, home[name]):
                    v, names = cells.setdefault(table, {}).get(code, (Fraction(0), frozenset()))
                    cells[table][code] = (v + value, names | {name})
                v, names = own.setdefault(table, {}).get(home[name], (Fraction(0), frozenset()))
                own[table][home[name]] = (v + value, names | {name})
        return cls(k, parents, cells, own, accounts, established, frozenset(fabricating))

    def figure(self, kind: str, table: str, code: str) -> Figure:
        found = (self.own if kind == "own" else self.cells).get(table, {}).get(code)
        return found or (Fraction(0), frozenset())

    def value(self, kind: str, table: str, code: str) -> tuple[Fraction, Counts]:
        value, names = self.figure(kind, table, code)
        return value, self.counts(table, names)

    def counts(self, table: str, names: frozenset[str]) -> Counts:
        """Distinct established contributors (and, for the outcome tables, those saying yes and no)."""
        established = names & self.established
        if table in OUTCOME_TABLES:
            return (len(established), len(established & self.fabricating), len(established - self.fabricating))
        return (len(established),)

    def floor(self, table: str) -> Counts:
        return (self.k, SENSITIVE_FLOOR, SENSITIVE_FLOOR) if table in OUTCOME_TABLES else (self.k,)

    def small_group(self, table: str, value: Fraction, names: frozenset[str]) -> bool:
        """Whether a value rests on too few: not empty, and under the floor in some component."""
        if value == 0 and not names:
            return False
        return any(n < f for n, f in zip(self.counts(table, names), self.floor(table), strict=True))

    def small(self, kind: str, table: str, code: str) -> bool:
        return self.small_group(table, *self.figure(kind, table, code))


def _up(parents: dict[str, str | None], code: str) -> list[str]:
    chain = [code]
    while parents.get(chain[-1]) is not None:
        chain.append(parents[chain[-1]])  # type: ignore[arg-type]
    return chain


FAMILY, RELATION = "family", "relation"


def leaks(system: System, truth: Truth, sums: tuple[str, ...] = (FAMILY, RELATION)) -> list[str]:
    """What the reader learns about a small group: every value the solver pins down, and every sum
    of unknowns that one equation gives at once (`FAMILY`: a parent minus its shown children;
    `RELATION`: a cell's minutes minus its shown categories, and the like), that rests on fewer
    than the floor. Each value must be the planted one: a mismatch means the reader misread a
    figure (a bug here, not a leak); so must every figure read: the release holds what was planted."""
    _parents, shown, _relations, _no_own = system
    for table, cells in shown.items():
        for code, value in cells.items():
            planted = truth.figure("cell", table, code)[0]
            assert value == planted, f"the reader read {table} at {code} = {value}, but {planted} was planted"
    found = []
    for (kind, table, code), value in sorted(solve(system).items()):
        planted, counts = truth.value(kind, table, code)
        assert value == planted, f"the reader solved {kind} {table} {code} = {value}, but {planted} was planted"
        if truth.small(kind, table, code):
            found.append(f"pinned: {kind} {table} at {code} = {value} (established contributors {counts})")
    for tag, terms, constant in _one_equation_sums(system):
        figures = [truth.figure(*x) for x in terms]
        value = sum((c * v for c, (v, _) in zip(terms.values(), figures, strict=True)), Fraction(0))
        assert value == constant, (
            f"the reader's equation over {sorted(terms)} reads {constant}, but {value} was planted"
        )
        if tag not in sums:
            continue
        names = frozenset().union(*(n for _, n in figures))
        tables = sorted({table for (_, table, _) in terms})
        if any(truth.small_group(table, value, names) for table in tables):
            found.append(
                f"{tag} sum: {' + '.join(f'{k} {t} {c}' for k, t, c in sorted(terms))} = {value} (established "
                f"contributors {truth.counts(tables[0], names)})"
            )
    return found


def _one_equation_sums(system: System) -> list[tuple[str, dict[tuple[str, str, str], Fraction], Fraction]]:
    """Equations whose unknowns all have one sign: their (weighted) sum is known outright."""
    parents, shown, relations, no_own = system
    children: dict[str, list[str]] = {}
    for code, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(code)
    rows = []
    for table in shown:
        for parent, kids in children.items():
            terms = [(table, parent, Fraction(1))] + [(table, kid, Fraction(-1)) for kid in kids]
            rows.append((FAMILY, terms, None if (table, parent) in no_own else ("own", table, parent)))
    for relation in relations:
        for code in parents:
            rows.append((RELATION, [(table, code, Fraction(c)) for table, c in relation.items()], None))
    sums = []
    for tag, terms, own in rows:
        unknown: dict[tuple[str, str, str], Fraction] = {}
        constant = Fraction(0)
        for table, code, c in terms:
            if code in shown[table]:
                constant -= c * shown[table][code]
            else:
                unknown[("cell", table, code)] = c
        if own:
            unknown[own] = Fraction(-1)
        signs = {c > 0 for c in unknown.values()}
        if unknown and len(signs) == 1:
            flip = Fraction(1) if signs == {True} else Fraction(-1)
            sums.append((tag, {x: c * flip for x, c in unknown.items()}, constant * flip))
    return sums


# The reader ----------------------------------------------------------------------------------


@dataclass
class Reading:
    """What a supervisor's token read about one month, per region of their subtree."""

    month: Period
    root: str
    parents: dict[str, str | None]
    burden: dict[str, dict[str, Any]]
    summaries: dict[str, dict[str, Any]]
    flags: dict[str, list[dict[str, Any]]]
    dashboards: dict[str, str]
    tasks: list[int]
    apps: list[int]

    def figures(self) -> dict[str, Any]:
        """Everything read, as one comparable value."""
        return {"burden": self.burden, "summaries": self.summaries, "flags": self.flags}


async def read_month(
    client: httpx.AsyncClient, headers: dict[str, str], root: str, month: Period, dashboards: bool = True
) -> Reading:
    """Walk the published tree from `root` through the API, as the supervisor can."""
    period = f"period={month.key}"
    reading = Reading(month, root, {root: None}, {}, {}, {}, {}, [], [])
    queue = [root]
    while queue:
        code = queue.pop(0)
        burden = await client.get(f"/api/burden/{code}?{period}", headers=headers)
        assert burden.status_code == 200, (code, burden.text)
        reading.burden[code] = burden.json()
        summary = await client.get(f"/api/summaries/{code}?{period}", headers=headers)
        assert summary.status_code == 200, (code, summary.text)
        reading.summaries[code] = summary.json()
        flags = await client.get(f"/api/flags/{code}?{period}", headers=headers)
        assert flags.status_code == 200, (code, flags.text)
        reading.flags[code] = flags.json()["flags"]
        if dashboards:
            page = await client.get(f"/dashboard/{code}?{period}", headers=headers)
            assert page.status_code == 200, (code, page.text)
            reading.dashboards[code] = page.text
        for child in reading.burden[code]["children"]:
            reading.parents[child["region"]["code"]] = code
            queue.append(child["region"]["code"])
    for code, body in reading.burden.items():
        # The document is the summary with its flags; a child listed under its parent reads as it
        # does on its own: nothing is read in one place that another hides.
        assert {k: v for k, v in reading.summaries[code].items() if k != "flags"} == body and reading.summaries[code][
            "flags"
        ] == reading.flags[code]
        for child in body["children"]:
            own = reading.burden[child["region"]["code"]]
            assert (child["reporters"], child["suppressed"], child["indices"]) == (
                own["reporters"],
                own["suppressed"],
                own["indices"],
            )
    tasks = await client.get("/api/tasks", headers=headers)
    assert tasks.status_code == 200, tasks.text
    reading.tasks = sorted(t["id"] for t in tasks.json())
    reading.apps = sorted(a["id"] for a in (await client.get("/api/apps", headers=headers)).json())
    return reading


def _exact(value: float) -> Fraction:
    return Fraction(str(value))


def _whole(hours: float) -> int:
    """Minutes from hours rounded to 0.01: within 0.3 of a whole number of minutes."""
    return round(_exact(hours) * 60)


def _one_whole(low: Fraction, high: Fraction) -> int | None:
    """The only whole number in [low, high], if there is exactly one."""
    first, last = math.ceil(low - TINY), math.floor(high + TINY)
    return first if first == last else None


def _around(share: float, digits: int = 3) -> tuple[Fraction, Fraction]:
    half = Fraction(1, 2 * 10**digits)
    return _exact(share) - half - TINY, _exact(share) + half + TINY


def read_cell(
    body: dict[str, Any], month: Period, wage: Fraction, previous_minutes: Fraction | None = None
) -> dict[str, Fraction]:
    """The exact figures one region's own report gives: reporters, minutes by category and task,
    yuan paid, and the minutes and evidence minutes wherever the rounded indices leave one whole
    number, or the change against the previous month gives them (its hours are to 0.01)."""
    if body["known_zero"]:
        return {}
    if body["suppressed"]:
        return {}
    ix = body["indices"]
    reporters = body["reporters"]
    cell: dict[str, Fraction] = {"reporters": Fraction(reporters)}
    categories = body.get("categories") or {}
    for name in LOGGED:
        hours = (categories.get(name) or {}).get("hours")
        if hours is not None:
            cell[f"category:{name}"] = Fraction(_whole(hours))
    for task in (body.get("top_sources") or {}).get("tasks", []):
        cell[f"task:{task['id']}"] = Fraction(_whole(task["hours"]))
    paid = ix.get("paid_yuan")
    if paid is not None:
        cell["paid_yuan"] = _exact(paid)
    low, high = Fraction(0), Fraction(10**12)
    shown = [f"category:{c}" for c in LOGGED if f"category:{c}" in cell]
    low = max(low, sum((cell[t] for t in shown), Fraction(0)))
    if len(shown) == len(LOGGED):
        high = low
    weeks = Fraction(month.days, 7)
    if ix.get("hours_per_reporter_week") is not None and reporters:
        a, b = _around(ix["hours_per_reporter_week"])
        low, high = max(low, a * 60 * reporters * weeks), min(high, b * 60 * reporters * weeks)
    if ix.get("cost_yuan") is not None and wage:
        paid_part = cell.get("paid_yuan", Fraction(0))
        cost = _exact(ix["cost_yuan"])
        low, high = (
            max(low, (cost - Fraction(1, 2) - paid_part - TINY) * 60 / wage),
            min(high, (cost + Fraction(1, 2) - paid_part + TINY) * 60 / wage),
        )
    for source in (body.get("top_sources") or {}).get("tasks", []):
        part, share = Fraction(_whole(source["hours"])), source["share"]
        if share is not None and share > 0.001:
            a, b = _around(share)
            low, high = max(low, part / b), min(high, part / a)
    for name in LOGGED:
        entry = categories.get(name) or {}
        if entry.get("hours") and entry.get("share") and entry["share"] > 0.001:
            a, b = _around(entry["share"])
            part = Fraction(_whole(entry["hours"]))
            low, high = max(low, part / b), min(high, part / a)
    minutes = _one_whole(low, high)
    if body.get("change") and previous_minutes is not None:
        minutes = int(previous_minutes) + _whole(body["change"]["hours"])
    if minutes is not None:
        cell["minutes"] = Fraction(minutes)
        if ix.get("evidence_share") is not None:
            a, b = _around(ix["evidence_share"])
            evidence = _one_whole(a * minutes, b * minutes)
            if evidence is not None:
                cell["evidence"] = Fraction(evidence)
    return cell


def entry_tables(tasks: Iterable[int]) -> tuple[list[str], list[dict[str, Fraction]]]:
    """The tables of time entries and what a reader knows adds up (from the method's definitions)."""
    one, minus = Fraction(1), Fraction(-1)
    tables = [
        "reporters",
        "minutes",
        "evidence",
        *[f"category:{c}" for c in LOGGED],
        *[f"activity:{a}" for a in ACTIVITIES],
        *[f"task:{t}" for t in tasks],
        "task:none",
    ]
    relations = [{"minutes": minus, **{f"category:{c}": one for c in LOGGED}}]
    for c in LOGGED:
        relations.append(
            {
                f"category:{c}": one,
                **{f"activity:{a}": minus for a in ACTIVITIES if CATEGORY_OF_ACTIVITY.get(a, "other") == c},
            }
        )
    relations.append({"evidence": one, **{f"activity:{a}": minus for a in ACTIVITIES if a in EVIDENCE_ACTIVITIES}})
    relations.append({"minutes": minus, "task:none": one, **{f"task:{t}": one for t in tasks}})
    return tables, relations


System = tuple[dict[str, str | None], dict[str, dict[str, Fraction]], list[dict[str, Fraction]], set[tuple[str, str]]]


def _system(
    parents: dict[str, str | None],
    known_zero: set[str],
    cells: dict[str, dict[str, Fraction]],
    tables: list[str],
    relations: list[dict[str, Fraction]],
    own_staff: set[str],
) -> System:
    shown: dict[str, dict[str, Fraction]] = {t: {} for t in tables}
    for code, cell in cells.items():
        for table, value in cell.items():
            shown[table][code] = value
    for code in known_zero:
        for table in tables:
            shown[table][code] = Fraction(0)
    no_own = {(t, p) for t in tables for p in set(parents.values()) - {None} - own_staff}
    return parents, shown, relations, no_own  # type: ignore[return-value]


def api_system(reading: Reading, own_staff: set[str], wage: float = 25.0, previous: System | None = None) -> System:
    """The linear system of what the supervisor read through the API (`previous`: the previous
    month's, whose minutes the change against it carries forward)."""
    tables, relations = entry_tables(reading.tasks)
    tables.append("paid_yuan")
    before = previous[1]["minutes"] if previous else {}
    cells = {
        code: read_cell(body, reading.month, _exact(wage), before.get(code)) for code, body in reading.burden.items()
    }
    known_zero = {code for code, body in reading.burden.items() if body["known_zero"]}
    return _system(reading.parents, known_zero, cells, tables, relations, own_staff)


async def release_system(reading: Reading, own_staff: set[str]) -> System:
    """Every figure the stored release holds for the reader's regions, granted as if printed."""
    rows = {
        c["code"]: c["figures"]
        for c in await ReleaseCell.filter(month=reading.month.key, code__in=list(reading.parents)).values(
            "code", "figures"
        )
    }
    tables, relations = entry_tables(reading.tasks)
    tables += ["outcomes", "fabricated", "paid_yuan", "roster_reporters", "roster_items"]
    tables += [f"app:{a}" for a in reading.apps] + [f"app:{a}:none" for a in reading.apps]
    relations.append({"roster_items": Fraction(-1), **{f"app:{a}": Fraction(1) for a in reading.apps}})
    cells: dict[str, dict[str, Fraction]] = {}
    for code, f in rows.items():
        cell: dict[str, Fraction] = {}
        if f["reporters"] is not None:
            cell["reporters"], cell["minutes"] = Fraction(f["reporters"]), Fraction(f["minutes"])
        if f.get("evidence_minutes") is not None:
            cell["evidence"] = Fraction(f["evidence_minutes"])
        for name in LOGGED:
            if (f.get("categories") or {}).get(name) is not None:
                cell[f"category:{name}"] = Fraction(f["categories"][name])
        for task in f.get("tasks") or []:
            cell[f"task:{task['task']}"] = Fraction(task["minutes"])
        for name in ("outcomes", "fabricated", "paid_yuan", "roster_reporters", "roster_items"):
            if f.get(name) is not None:
                cell[name] = _exact(f[name])
        for app in f.get("apps") or []:
            cell[f"app:{app['app']}"], cell[f"app:{app['app']}:none"] = (
                Fraction(app["reporters"]),
                Fraction(app["saying_none"]),
            )
        cells[code] = cell
    known_zero = {code for code, f in rows.items() if f["known_zero"]}
    return _system(reading.parents, known_zero, cells, tables, relations, own_staff)


def solve(system: System) -> dict[tuple[str, str, str], Fraction]:
    return attack(*system)


def naive_system(truth: Truth, tables: list[str], relations: list[dict[str, Fraction]], own_staff: set[str]) -> System:
    """A release under the per-cell rule alone: each cell of each table shown unless it rests on
    1..k-1 established contributors (no complementary suppression, no audit)."""
    cells: dict[str, dict[str, Fraction]] = {code: {} for code in truth.parents}
    for table in tables:
        if table.startswith("activity:") or table == "task:none":
            continue
        for code in truth.parents:
            if not truth.small("cell", table, code):
                cells[code][table] = truth.figure("cell", table, code)[0]
    known_zero = {code for code in truth.parents if not truth.accounts.get(code)}
    return _system(truth.parents, known_zero, cells, tables, relations, own_staff)
