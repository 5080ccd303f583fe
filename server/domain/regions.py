"""The region tree as plain values: paths, scope, and checking a batch of regions before it is saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.domain.vocab import LEVELS


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    parent: str | None
    level: str
    # What else the row says of the region (names, population, households), to tell an unchanged
    # region from an updated one.
    values: tuple = ()


def child_path(parent_path: str | None, code: str) -> str:
    """ "/42/4201/" + "420121" -> "/42/4201/420121/"."""
    return (parent_path or "/") + code + "/"


def ancestor_codes(path: str) -> list[str]:
    """Codes from the root down to the region itself."""
    return [code for code in path.split("/") if code]


def ancestor_paths(path: str) -> list[str]:
    """The path of every region from the root down to this one."""
    codes = ancestor_codes(path)
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def in_subtree(path: str, root_path: str) -> bool:
    return path.startswith(root_path)


def on_line(path: str, home_path: str) -> bool:
    """True when the region is the home region, one of its ancestors, or one of its descendants."""
    return path.startswith(home_path) or home_path.startswith(path)


def level_below(parent_level: str, child_level: str) -> bool:
    return LEVELS.index(child_level) > LEVELS.index(parent_level)


def save_order(rows: list[RegionRow], known_paths: dict[str, str]) -> tuple[list[RegionRow], set[str]]:
    """Rows ordered parents first, and the codes whose parent chain is missing or loops."""
    by_code = {row.code: row for row in rows}
    ordered: list[RegionRow] = []
    placed: set[str] = set()
    broken: set[str] = set()
    for row in rows:
        chain: list[RegionRow] = []
        current: RegionRow | None = row
        while current and current.code not in placed and current.code not in broken:
            if current in chain:  # a cycle among the batch's parents
                broken.update(r.code for r in chain)
                break
            chain.append(current)
            parent = current.parent
            current = by_code.get(parent) if parent else None
            if parent and current is None and parent not in known_paths:
                broken.update(r.code for r in chain)
                break
        if chain and not broken.intersection(r.code for r in chain):
            if current and current.code in broken:
                broken.update(r.code for r in chain)
                continue
            for item in reversed(chain):
                ordered.append(item)
                placed.add(item.code)
    return ordered, broken


@dataclass(frozen=True, slots=True)
class KnownRegion:
    """A region already in the store, as a batch sees it."""

    path: str
    parent: str | None
    level: str
    values: tuple = ()


@dataclass
class BatchPlan:
    """What saving a batch would do: the rows in save order with their new paths, how many regions
    it creates, updates, moves (to another parent) and leaves as they are, and its problems as (row
    index, field, kind, parent's level) with kind "parent" (unknown parent, or a loop) or "level"
    (not below its parent). `changed` holds the codes a save must write: new or different."""

    ordered: list[RegionRow]
    paths: dict[str, str]
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    changed: set[str] = field(default_factory=set)
    problems: list[tuple[int, str, str, str | None]] = field(default_factory=list)


def plan_batch(rows: list[RegionRow], known: dict[str, KnownRegion]) -> BatchPlan:
    """Check a batch against the regions it names, without saving anything: the one place for the
    rules of a region batch, used by the import's preview and by the import itself."""
    ordered, broken = save_order(rows, {code: region.path for code, region in known.items()})
    index = {row.code: i for i, row in enumerate(rows)}
    plan = BatchPlan(ordered, {}, problems=[(index[code], "parent", "parent", None) for code in broken])
    paths = {code: region.path for code, region in known.items()}
    levels = {code: region.level for code, region in known.items()}
    for row in ordered:
        old = known.get(row.code)
        if row.parent and not level_below(levels[row.parent], row.level):
            plan.problems.append((index[row.code], "level", "level", levels[row.parent]))
        elif row.parent and old and in_subtree(paths[row.parent], old.path):  # under its own descendant
            plan.problems.append((index[row.code], "parent", "parent", None))
        paths[row.code], levels[row.code] = child_path(paths.get(row.parent), row.code), row.level
        plan.paths[row.code] = paths[row.code]
        same = old is not None and (old.parent, old.level, old.values, old.path) == (
            row.parent,
            row.level,
            row.values,
            paths[row.code],
        )
        plan.created += old is None
        plan.updated += old is not None and not same
        plan.unchanged += same
        plan.moved += old is not None and old.parent != row.parent
        if not same:
            plan.changed.add(row.code)
    plan.problems.sort()
    return plan


def closure_rows(paths: dict[str, str], levels: dict[str, str], codes: list[str]) -> list[tuple[str, str, str]]:
    """(region, ancestor, ancestor's level) for each region in `codes` and every ancestor, itself included."""
    return [(code, ancestor, levels[ancestor]) for code in codes for ancestor in ancestor_codes(paths[code])]
