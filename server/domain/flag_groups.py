"""A region's flags grouped by kind for a page: a province holds thousands, and a page that lists
them all is megabytes. Each group shows its first few flags and how many more there are; the rest
are one link away, on the paged list of that kind."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from server.domain.quota_rules import Flag
from server.domain.vocab import severity_order

SHOWN_PER_KIND = 3


@dataclass(frozen=True)
class FlagGroup:
    kind: str
    severity: str  # the most severe of the group
    count: int
    first: list[Flag]

    @property
    def more(self) -> int:
        return self.count - len(self.first)


# Groups of the flag lists that summary.py keeps per release (shared, never changed): each entry
# holds its list, so the list's id is not reused while the entry lives.
_grouped: dict[tuple[int, int], tuple[list[Flag], list[FlagGroup]]] = {}
_GROUPS_KEPT = 64


def group_flags(flags: list[Flag], shown: int = SHOWN_PER_KIND) -> list[FlagGroup]:
    """Groups in the order a reader should meet them: the most severe kind first, then the largest;
    within a group, the release's own order with the most severe flags first."""
    key = (id(flags), shown)
    if key not in _grouped:
        if len(_grouped) >= _GROUPS_KEPT:
            _grouped.pop(next(iter(_grouped)))
        _grouped[key] = (flags, _groups(flags, shown))
    return _grouped[key][1]


def _groups(flags: list[Flag], shown: int) -> list[FlagGroup]:
    kinds: dict[str, list[Flag]] = {}
    for flag in flags:
        kinds.setdefault(flag.kind, []).append(flag)
    groups = []
    for kind, members in kinds.items():
        # The same as sorted(...)[:shown] (stable: the release's order kept), without sorting thousands.
        first = heapq.nsmallest(max(shown, 1), members, key=_severity)
        groups.append(FlagGroup(kind, first[0].severity, len(members), first[:shown]))
    return sorted(groups, key=lambda g: (severity_order(g.severity), -g.count, g.kind))


def _severity(flag: Flag) -> int:
    return severity_order(flag.severity)


def of_kind(flags: list[Flag], kind: str | None) -> list[Flag]:
    """One kind's flags, most severe first, or every flag in that order when no kind is named."""
    chosen = [f for f in flags if kind is None or f.kind == kind]
    return sorted(chosen, key=_severity)
