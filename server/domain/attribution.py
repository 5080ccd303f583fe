"""Flags about quotas point at whoever passed the target down, never at the places that received it
(DESIGN.md §2): a receiving village's flag would say that someone there reported. They appear only
as a count and a range of ratios under the region that set their targets.
"""

from __future__ import annotations

from collections import defaultdict

from server.domain.messages import Message, Name, Number
from server.domain.messages import message as _
from server.domain.messages import plural_message as ngettext
from server.domain.quota_rules import Flag
from server.domain.vocab import severity_order

RECEIVER_KINDS = frozenset({"exceeds_base", "exceeds_eligible", "uniform_growth", "pace"})


def _message(kind: str, region: Name | str, count: int, low: float | None, high: float | None) -> Message:
    ratio = Number(high, 2) if low == high else _("%(low)s to %(high)s", low=Number(low, 2), high=Number(high, 2))
    if kind == "exceeds_base":
        return ngettext(
            "%(region)s passed a target close to or above the population to %(num)s place: %(ratio)s times.",
            "%(region)s passed targets close to or above the population to %(num)s places: %(ratio)s times.",
            count,
            region=region,
            ratio=ratio,
        )
    if kind == "exceeds_eligible":
        return ngettext(
            "%(region)s passed a target above the eligible people to %(num)s place: %(ratio)s times.",
            "%(region)s passed targets above the eligible people to %(num)s places: %(ratio)s times.",
            count,
            region=region,
            ratio=ratio,
        )
    if kind == "pace":
        return ngettext(
            "%(num)s place under %(region)s would need %(ratio)s times its usual daily progress.",
            "%(num)s places under %(region)s would need %(ratio)s times their usual daily progress.",
            count,
            region=region,
            ratio=ratio,
        )
    return ngettext(
        "The counter of %(num)s place under %(region)s grew with machine-like regularity.",
        "The counters of %(num)s places under %(region)s grew with machine-like regularity.",
        count,
        region=region,
    )


def attributed_to_issuers(flags: list[Flag], setter_of: dict[str, tuple[str, Name | str]]) -> list[Flag]:
    """Receivers' flags merged per (kind, task, region that set the target): `setter_of` maps a
    receiving region to (code, name) of its parent. Other flags pass unchanged."""
    kept: list[Flag] = []
    groups: dict[tuple[str, int | None, tuple[str, Name | str]], list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.kind in RECEIVER_KINDS and flag.region in setter_of:
            groups[(flag.kind, flag.task, setter_of[flag.region])].append(flag)
        else:
            kept.append(flag)
    for (kind, task, (code, name)), members in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2][0])
    ):
        ratios = sorted(m.ratio for m in members if m.ratio is not None)
        low, high = (ratios[0], ratios[-1]) if ratios else (None, None)
        kept.append(
            Flag(
                kind=kind,
                severity=min((m.severity for m in members), key=severity_order),
                region=code,
                task=task,
                app=members[0].app,
                ratio=high,
                basis=members[0].basis,
                message=_message(kind, name, len(members), low, high),
                detail={"places": len(members), "ratio_min": low, "ratio_max": high},
            )
        )
    return kept
