"""The CSV region import against hostile and large files: quoting, BOM, GBK, duplicate codes,
parent loops, and 100,000 rows in one go."""

from __future__ import annotations

import csv
import io
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.cli.tasks import read_regions_csv
from server.models import Region, RegionAncestor
from server.services.region_import import upsert_regions
from server.web.errors import InvalidInput

COLUMNS = ["code", "parent", "level", "name", "name_hant", "population", "households"]
# Names with what breaks naive CSV (commas, quotes, line breaks) in characters GBK can also carry.
NAME_CHARACTERS = "江西省青山县石桥镇上坪村社区街道,\"' \n-（）·1"


def as_csv(rows: list[dict], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@st.composite
def region_files(draw):
    towns = draw(st.integers(1, 6))
    names = st.text(alphabet=NAME_CHARACTERS, min_size=1, max_size=12).map(str.strip).filter(bool)
    rows = [
        {
            "code": "360000",
            "parent": "",
            "level": "province",
            "name": draw(names),
            "name_hant": "",
            "population": draw(st.integers(0, 10**9)),
            "households": "",
        }
    ]
    for t in range(towns):
        rows.append(
            {
                "code": f"36000{t}01",
                "parent": "360000",
                "level": "city",
                "name": draw(names),
                "name_hant": draw(st.sampled_from(["", "江西"])),
                "population": draw(st.integers(0, 10**7)),
                "households": draw(st.sampled_from(["", "12", "0"])),
            }
        )
    return rows, draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))


@settings(max_examples=200, deadline=None)
@given(region_files())
def test_quoted_fields_bom_and_gbk_read_back_exactly(generated):
    rows, encoding = generated
    read = read_regions_csv(as_csv(rows, encoding))
    assert [
        (r["code"], r["parent"], r["level"], r["name"], r["name_hant"], r["population"], r["households"]) for r in read
    ] == [
        (
            r["code"],
            r["parent"] or None,
            r["level"],
            r["name"],
            r["name_hant"] or None,
            r["population"],
            int(r["households"]) if r["households"] else None,
        )
        for r in rows
    ]


def test_a_gbk_file_whose_chinese_is_also_valid_utf8_is_read_as_gbk():
    """省, 山, 石 and 坪 in GBK are valid UTF-8 by accident ("ʡ", "ɽ", ...): a file of only those
    is still a GBK region list (a CI run's generated file found it read as Latin letters)."""
    rows = [
        {"code": "360000", "parent": "", "level": "province", "name": "1", "name_hant": "", "population": 0},
        {"code": "36000001", "parent": "360000", "level": "city", "name": "山石坪省", "name_hant": "", "population": 0},
    ]
    rows = [{**r, "households": ""} for r in rows]
    raw = as_csv(rows, "gbk")
    raw.decode("utf-8")  # the trap: it decodes
    assert [r["name"] for r in read_regions_csv(raw)] == ["1", "山石坪省"]
    assert [r["name"] for r in read_regions_csv(as_csv(rows, "utf-8"))] == ["1", "山石坪省"]


async def test_duplicate_codes_and_parent_loops_reject_the_whole_file(store):
    rows = [
        {
            "code": "360000",
            "parent": "",
            "level": "province",
            "name": "江西省",
            "name_hant": "",
            "population": 10,
            "households": "",
        }
    ] * 2
    with pytest.raises(InvalidInput) as twice:
        await upsert_regions(read_regions_csv(as_csv(rows, "utf-8")))
    assert list(twice.value.fields) == ["regions[1].code"]
    loop = [
        {
            "code": "360100",
            "parent": "360200",
            "level": "city",
            "name": "甲",
            "name_hant": "",
            "population": 1,
            "households": "",
        },
        {
            "code": "360200",
            "parent": "360100",
            "level": "city",
            "name": "乙",
            "name_hant": "",
            "population": 1,
            "households": "",
        },
    ]
    with pytest.raises(InvalidInput) as cycle:
        await upsert_regions(read_regions_csv(as_csv(loop, "gbk")))
    assert set(cycle.value.fields) == {"regions[0].parent", "regions[1].parent"}
    assert await Region.all().count() == 0


async def test_a_province_of_100000_regions_imports_in_one_go(store):
    rows = [
        {
            "code": "360000",
            "parent": "",
            "level": "province",
            "name": "江西省",
            "name_hant": "",
            "population": 45_000_000,
            "households": "",
        }
    ]
    levels = [("city", 10), ("county", 10), ("township", 20), ("village", 50)]
    parents = ["360000"]
    for level, per_parent in levels:
        children = []
        for parent in parents:
            for n in range(per_parent):
                code = f"{parent}{n:02d}"
                children.append(code)
                rows.append(
                    {
                        "code": code,
                        "parent": parent,
                        "level": level,
                        "name": f"地方{code}",
                        "name_hant": "",
                        "population": 1000,
                        "households": "",
                    }
                )
                if len(rows) >= 100_000:
                    break
            if len(rows) >= 100_000:
                break
        parents = children
    assert len(rows) == 100_000
    started = time.perf_counter()
    result = await upsert_regions(read_regions_csv(as_csv(rows, "utf-8-sig")))
    took = time.perf_counter() - started
    assert result == {"created": 100_000, "updated": 0, "unchanged": 0}
    assert await Region.all().count() == 100_000
    village = await Region.get(code=rows[-1]["code"])
    assert village.path.count("/") == 6 and await RegionAncestor.filter(region_id=village.code).count() == 5
    print(f"100,000 regions imported in {took:.1f} s")


async def stored_tree_is_consistent() -> None:
    """Every path is its parent's path and its code, and the closure rows are exactly the paths'."""
    regions = {r.code: r for r in await Region.all()}
    for region in regions.values():
        assert region.path == (regions[region.parent_id].path if region.parent_id else "/") + region.code + "/"
    expected = {
        (code, ancestor, regions[ancestor].level)
        for code, region in regions.items()
        for ancestor in region.path.strip("/").split("/")
    }
    assert set(await RegionAncestor.all().values_list("region_id", "ancestor_id", "level")) == expected
    assert await RegionAncestor.all().count() == len(expected)


def region(code: str, parent: str | None, level: str, name: str = "地方") -> dict:
    return {"code": code, "parent": parent, "level": level, "name": name, "population": 1}


async def test_moves_at_two_levels_in_one_batch_keep_paths_and_closure_true(store):
    """A city moved to another province and one of its counties moved to another city at once; a
    village below the county (not in the batch) follows it. A county straight under a province
    (no city between) gets its closure too."""
    tree = [
        region("11", None, "province"),
        region("22", None, "province"),
        region("1101", "11", "city"),
        region("2201", "22", "city"),
        region("110101", "1101", "county"),
        region("110101001", "110101", "township"),
        region("110101001001", "110101001", "village"),
        region("110102", "11", "county"),
    ]
    assert await upsert_regions(tree) == {"created": 8, "updated": 0, "unchanged": 0}
    await stored_tree_is_consistent()
    moved = [region("1101", "22", "city"), region("110101", "2201", "county", "改名")]
    assert await upsert_regions(moved) == {"created": 0, "updated": 2, "unchanged": 0}
    await stored_tree_is_consistent()
    assert (await Region.get(code="110101001001")).path == "/22/2201/110101/110101001/110101001001/"
    assert await upsert_regions([tree[0], tree[1], tree[3], *moved, *tree[5:]]) == {
        "created": 0,
        "updated": 0,
        "unchanged": 8,
    }
