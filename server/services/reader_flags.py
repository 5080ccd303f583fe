"""The flags a reader of a stored release sees under a region, and how many lie under each child:
read once per release, language and region, and kept while the release is."""

from __future__ import annotations

import weakref

from server.domain.quota_rules import Flag
from server.store.release import PublishedMonth, month_flags

# Flags about one place's own apps and about busy children read only on that place's own page.
LOCAL_KINDS = frozenset({"duplicate_app", "zombie_app"})

# The flags a reader sees under a region and how many lie under each child, per release object (a
# release never changes; dropped with the release when `release.forget_months` lets it go).
# Bounded by the flags it holds: a province's are thousands, and reading, decoding and counting
# them per request cost most of a province's dashboard (1.7 s a request on the bench province).
# The lists are shared between requests: nothing may change them.
_flag_cache: dict[tuple[int, str, str], tuple[list[Flag], dict[str, int]]] = {}
_FLAGS_KEPT = 200_000


async def reader_flags(month: PublishedMonth, code: str, tag: str) -> tuple[list[Flag], dict[str, int]]:
    """The flags in one language, and how many of them lie under each child."""
    key = (id(month), tag, code)
    if key not in _flag_cache:
        found = await _read_flags(month, code, tag)
        while _flag_cache and sum(len(f) for f, _c in _flag_cache.values()) + len(found) > _FLAGS_KEPT:
            _flag_cache.pop(next(iter(_flag_cache)))
        if not any(k[0] == key[0] for k in _flag_cache):
            weakref.finalize(month, _forget_flags, key[0])
        _flag_cache[key] = ([flag for _path, flag in found], _flag_counts(month, code, found))
    return _flag_cache[key]


def _forget_flags(ident: int) -> None:
    for key in [k for k in _flag_cache if k[0] == ident]:
        del _flag_cache[key]


async def _read_flags(month: PublishedMonth, code: str, tag: str) -> list[tuple[str, Flag]]:
    """Quota flags of the subtree; app flags of the region itself; busy outliers among its children."""
    path = month.regions[code]["path"]
    kept, seen = [], set()
    for flag_path, flag in await month_flags(month.month, path, tag):
        if flag.kind in LOCAL_KINDS and flag.region != code:
            continue
        if flag.kind == "peer_outlier" and month.regions.get(flag.region, {}).get("parent") != code:
            continue
        # A task's flag is filed under each place it reaches; each reader counts it once, at the
        # highest of those places under them.
        identity = (flag.kind, flag.region, flag.task, flag.app)
        if identity not in seen:
            seen.add(identity)
            kept.append((flag_path, flag))
    return kept


def _flag_counts(month: PublishedMonth, code: str, flags: list[tuple[str, Flag]]) -> dict[str, int]:
    """How many of the region's flags lie under each of its children, in one pass over the flags."""
    root = month.regions[code]["path"]
    counts: dict[str, int] = {}
    for path, _flag in flags:
        child = path[len(root) :].split("/", 1)[0]
        if child:
            counts[child] = counts.get(child, 0) + 1
    return counts
