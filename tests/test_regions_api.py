from conftest import add_user, bearer

from server.models import Region, RegionAncestor

TREE = [
    {"code": "420000", "parent": None, "level": "province", "name": "示例省", "population": 58_000_000},
    {"code": "420100", "parent": "420000", "level": "city", "name": "示例市", "population": 9_000_000},
    {"code": "420121", "parent": "420100", "level": "county", "name": "江畔县", "population": 410_000},
    {
        "code": "420121101",
        "parent": "420121",
        "level": "township",
        "name": "沿江镇",
        "name_hant": "沿江鎮",
        "population": 23_500,
    },
]


async def admin_headers(client):
    await add_user("root", "admin", None)
    return await bearer(client, "root")


async def test_regions_are_created_children_before_parents_then_updated(client):
    admin = await admin_headers(client)
    created = await client.post("/api/regions", json={"regions": list(reversed(TREE))}, headers=admin)
    assert created.json() == {"created": 4, "updated": 0, "unchanged": 0}
    changed = await client.post(
        "/api/regions", json={"regions": [TREE[2], {**TREE[3], "population": 24_000}]}, headers=admin
    )
    assert changed.json() == {"created": 0, "updated": 1, "unchanged": 1}
    assert await Region.all().order_by("code").values_list("code", "path", "population") == [
        ("420000", "/420000/", 58_000_000),
        ("420100", "/420000/420100/", 9_000_000),
        ("420121", "/420000/420100/420121/", 410_000),
        ("420121101", "/420000/420100/420121/420121101/", 24_000),
    ]


async def test_moving_a_region_moves_its_subtree(client):
    admin = await admin_headers(client)
    first = await client.post(
        "/api/regions",
        json={
            "regions": TREE
            + [{"code": "420200", "parent": "420000", "level": "city", "name": "另一市", "population": 1}]
        },
        headers=admin,
    )
    assert first.status_code == 200, first.text
    await client.post("/api/regions", json={"regions": [{**TREE[2], "parent": "420200"}]}, headers=admin)
    assert (await Region.get(code="420121101")).path == "/420000/420200/420121/420121101/"
    ancestors = (
        await RegionAncestor.filter(region_id="420121101").order_by("ancestor_id").values_list("ancestor_id", "level")
    )
    assert ancestors == [("420000", "province"), ("420121", "county"), ("420121101", "township"), ("420200", "city")]


async def test_one_bad_row_rejects_the_whole_batch_with_per_row_fields(client):
    admin = await admin_headers(client)
    rows = [TREE[0], {"code": "42A", "parent": "420000", "level": "town", "name": "", "population": -1}, TREE[0]]
    answer = await client.post("/api/regions?lang=en", json={"regions": rows}, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == {
        "regions[1].code": "Must be digits only.",
        "regions[1].level": "Must be one of: province, city, county, township, village, grid.",
        "regions[1].name": "This field is required.",
        "regions[1].population": "Must be between 0 and 2000000000.",
        "regions[2].code": "420000 appears twice: it is already on line 1.",
    }
    assert await Region.all().count() == 0


async def test_unknown_parents_loops_and_wrong_levels_are_refused(client):
    admin = await admin_headers(client)
    loop = [
        {"code": "1", "parent": "2", "level": "city", "name": "a", "population": 1},
        {"code": "2", "parent": "1", "level": "city", "name": "b", "population": 1},
    ]
    answer = await client.post(
        "/api/regions?lang=en",
        json={"regions": loop + [{"code": "3", "parent": "404", "level": "city", "name": "c", "population": 1}]},
        headers=admin,
    )
    assert answer.json()["error"]["fields"] == {
        f"regions[{i}].parent": "Unknown parent region, or the parents form a loop." for i in range(3)
    }
    upward = await client.post(
        "/api/regions?lang=en", json={"regions": [TREE[0], {**TREE[1], "level": "province"}]}, headers=admin
    )
    assert upward.json()["error"]["fields"] == {"regions[1].level": "Must be a level below its parent's (Province)."}
    await client.post("/api/regions", json={"regions": TREE}, headers=admin)
    under_itself = await client.post(
        "/api/regions?lang=en", json={"regions": [{**TREE[1], "parent": "420121101", "level": "grid"}]}, headers=admin
    )
    assert under_itself.json()["error"]["fields"] == {
        "regions[0].parent": "Unknown parent region, or the parents form a loop."
    }
    assert await Region.all().count() == 4


async def test_only_an_admin_edits_regions(client):
    await admin_headers(client)
    await add_user("li", "cadre", None)
    answer = await client.post("/api/regions", json={"regions": TREE}, headers=await bearer(client, "li"))
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "forbidden")
    nobody = await client.post("/api/regions", json={"regions": TREE})
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (401, "unauthenticated")


async def test_a_given_traditional_name_wins_over_opencc(client):
    admin = await admin_headers(client)
    await client.post("/api/regions", json={"regions": TREE}, headers=admin)
    assert (await client.get("/api/regions/420121101?lang=zh-Hant", headers=admin)).json()["name"] == "沿江鎮"
    assert (await client.get("/api/regions/420121?lang=zh-Hant", headers=admin)).json()["name"] == "江畔縣"
    assert (await client.get("/api/regions/420121?lang=zh-Hans", headers=admin)).json()["name"] == "江畔县"
