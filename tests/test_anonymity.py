"""The fixed limits: nothing below the lowest published level, and k never below 5 whatever is
configured (the suppression pass itself is tested in test_disclosure.py and test_attacks.py)."""

from server.domain.anonymity import published_level
from server.domain.measures import MonthFacts, Part, PlacedRegion, protect_month


def test_nothing_below_the_lowest_published_level():
    assert [published_level(level, "township") for level in ("province", "township", "village", "grid")] == [
        True,
        True,
        False,
        False,
    ]


def test_k_is_never_below_five():
    regions = [
        PlacedRegion("C", None, "county", "/C/"),
        PlacedRegion("T1", "C", "township", "/C/T1/"),
        PlacedRegion("T2", "C", "township", "/C/T2/"),
    ]
    counts = {"C": 30, "T1": 26, "T2": 4}
    # All of it meetings under no task, so that the figures add up as a month's always do.
    minutes = {c: Part(n * 600, n) for c, n in counts.items()}
    facts = MonthFacts(
        regions,
        accounts=counts,
        reporters={c: Part(n, n) for c, n in counts.items()},
        minutes=minutes,
        tasks={c: {None: p} for c, p in minutes.items()},
        activities={c: {"meeting": p} for c, p in minutes.items()},
        categories={c: {"other": p} for c, p in minutes.items()},
    )
    hidden = protect_month(facts, k=2)
    # With k = 2 the 4 cadres of T2 would show; the floor of 5 hides them, and T1 with them.
    assert (hidden["reporters"], hidden["minutes"]) == ({"T1", "T2"}, {"T1", "T2"})


def test_figures_that_do_not_add_up_are_still_protected():
    """Minutes with no breakdown by task or kind of work (as a stored activity that no relation
    knows of would leave them): the auditor falls back on the reader who knows no empty cell."""
    regions = [
        PlacedRegion("C", None, "county", "/C/"),
        PlacedRegion("T1", "C", "township", "/C/T1/"),
        PlacedRegion("T2", "C", "township", "/C/T2/"),
    ]
    counts = {"C": 30, "T1": 26, "T2": 4}
    facts = MonthFacts(
        regions,
        accounts=counts,
        reporters={c: Part(n, n) for c, n in counts.items()},
        minutes={c: Part(n * 600, n) for c, n in counts.items()},
    )
    hidden = protect_month(facts, k=2)
    assert (hidden["reporters"], hidden["minutes"]) == ({"T1", "T2"}, {"T1", "T2"})
