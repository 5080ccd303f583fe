"""Escalation down the tree (层层加码, DESIGN.md §3): a region that passes down more than it received,
alone or as one link of a chain from the issuer. Pure functions over plain values.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.messages import Message, Name, Number
from server.domain.messages import message as _
from server.domain.quota_rules import Flag
from server.domain.rules import DEFAULT_RULES, Rules


@dataclass(frozen=True)
class QuotaNode:
    """One region's quota for a task, placed in the region tree."""

    region: str
    name: Name | str
    parent: str | None
    target: int
    population: int
    children_count: int  # direct child regions in the tree, with or without a quota


def escalation_ratio(parent: QuotaNode, children: list[QuotaNode]) -> tuple[float, bool] | None:
    """sum(q_i)/q when every child reports; the per-capita ratio (sum q_i/sum pop_i)/(q/pop) when some do.

    Answers (ratio, per_capita) or None when no child reports or a population is missing.
    """
    if not children or parent.target <= 0:
        return None
    if len(children) >= parent.children_count:
        return sum(c.target for c in children) / parent.target, False
    child_population = sum(c.population for c in children)
    if not child_population or not parent.population:
        return None
    return (sum(c.target for c in children) / child_population) / (parent.target / parent.population), True


def _severity(value: float, warning: float, critical: float, strict_warning: bool = True) -> int:
    """0 none, 1 warning, 2 critical."""
    if value >= critical:
        return 2
    return 1 if (value > warning if strict_warning else value >= warning) else 0


def escalation_flags(
    nodes: list[QuotaNode], issuer: str, task: int, app: int | None, rules: Rules = DEFAULT_RULES
) -> list[Flag]:
    """One flag per region that raised what it passed down; each carries the chain from the issuer."""
    by_region = {n.region: n for n in nodes}
    children = _children_in_tree(nodes, by_region)
    ratios = {code: r for code in by_region if (r := escalation_ratio(by_region[code], children.get(code, [])))}
    flags = []
    for code, (ratio, per_capita) in sorted(ratios.items()):
        chain = _chain(code, by_region, ratios)
        level, product = _escalation_level(ratio, chain, rules)
        if level == 0:
            continue
        flags.append(
            Flag(
                kind="escalation",
                severity=("warning", "critical")[level - 1],
                region=code,
                task=task,
                app=app,
                ratio=round(ratio, 2),
                message=_escalation_message(by_region[code], children[code], ratio, per_capita),
                basis=_("Burden-reduction rules forbid raising a target at every level on its way down (层层加码)."),
                detail={
                    "issued_by": issuer,
                    "per_capita": per_capita,
                    "children": len(children[code]),
                    "chain": chain,
                    "product": round(product, 4),
                },
            )
        )
    return flags


def _children_in_tree(nodes: list[QuotaNode], by_region: dict[str, QuotaNode]) -> dict[str, list[QuotaNode]]:
    """The quota-holding children of each quota-holding region, in the order given."""
    children: dict[str, list[QuotaNode]] = {}
    for node in nodes:
        if node.parent in by_region:
            children.setdefault(node.parent, []).append(node)
    return children


def _escalation_level(ratio: float, chain: list[dict], rules: Rules) -> tuple[int, float]:
    """The severity (0 none, 1 warning, 2 critical) of a region's own raise or of the whole chain's
    product down to it, whichever is worse, and that product."""
    product = 1.0
    for link in chain:
        product *= link["ratio"]
    level = max(
        _severity(ratio, rules.escalation_warning, rules.escalation_critical),
        _severity(product, rules.chain_warning, rules.chain_critical, strict_warning=False) if len(chain) > 1 else 0,
    )
    return level, product


def _escalation_message(node: QuotaNode, children: list[QuotaNode], ratio: float, per_capita: bool) -> Message:
    """What the region passed down against what it received, or per resident when not every place reported."""
    if per_capita:
        return _(
            "%(region)s asks its places for %(ratio)s times its own target per resident (%(reported)s of "
            "%(places)s places reported).",
            region=node.name,
            ratio=Number(ratio, 2),
            reported=len(children),
            places=node.children_count,
        )
    return _(
        "%(region)s passed %(total)s down to its places against the %(target)s it received: %(ratio)s times.",
        region=node.name,
        total=Number(sum(c.target for c in children)),
        target=Number(node.target),
        ratio=Number(ratio, 2),
    )


def _chain(code: str, by_region: dict[str, QuotaNode], ratios: dict[str, tuple[float, bool]]) -> list[dict]:
    """{region, ratio} for the region and each quota-holding ancestor with a ratio, issuer first."""
    chain = []
    current: str | None = code
    while current in by_region:
        if current in ratios:
            chain.insert(0, {"region": current, "ratio": round(ratios[current][0], 4)})
        current = by_region[current].parent
    return chain
