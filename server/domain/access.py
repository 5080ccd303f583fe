"""Whether a region is in a person's area: the one rule every "is this in my area?" check calls.

Plain values only (a role, the home region's path, the region's path), so that it reads, and is
tested, without a request or a database. Paths are the region tree's ("/42/4201/420121/").
"""

from __future__ import annotations

# What someone reaches from their home region, for each thing they do with a region: their own
# region and those below it (report a quota, review), or their own and those above it (name the
# office that issued a task). Reading a summary depends on the role: a supervisor reads down the
# subtree, a cadre up the line it reports to (DESIGN.md §2).
_REACH = {"report": "below", "review": "below", "issue": "above"}
_READ_REACH = {"supervisor": "below"}
PURPOSES = (*_REACH, "read")


def in_area(role: str, home_path: str | None, path: str, purpose: str) -> bool:
    """True when the region at `path` lies in the area of a person of `role` at `home_path` for `purpose`."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if role == "admin":
        return True
    if home_path is None:
        return False
    reach = _READ_REACH.get(role, "above") if purpose == "read" else _REACH[purpose]
    return path.startswith(home_path) if reach == "below" else home_path.startswith(path)
