"""Regions from the administrator's pages (issue 12): a preview naming the lines of a file's
problems before anything is written, the import in the background with its progress, the tree with
population and cadre accounts, editing a region, and who may do any of it."""

from __future__ import annotations

import re

from conftest import PASSWORD, add_user, bearer

from server.models import AuditEvent, Region
from server.services import import_jobs
from server.services.region_csv import read_region_file, template_csv
from server.services.region_import import upsert_regions

HEADER = "code,parent,level,name,name_hant,population,households\n"
GOOD = HEADER + (
    "360721,,county,青山县,,650000,\n"
    "360721105,360721,township,石桥镇,,21000,\n"
    "360721105201,360721105,village,上坪村,,3900,\n"
)
# Line 3: the township names a parent that is not there; line 4: a population that is no number.
BAD = HEADER + (
    "360721,,county,青山县,,650000,\n"
    "360721105,999999,township,石桥镇,,21000,\n"
    "360721105201,360721105,village,上坪村,,many,\n"
)


async def admin_session(client):
    """An admin signed in by cookie, as a browser is, and a function giving a fresh CSRF token."""
    await add_user("root", "admin", None)
    page = await client.post("/login", data={"username": "root", "password": PASSWORD})
    assert page.status_code == 303

    async def csrf(path: str = "/admin/regions/import") -> str:
        return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get(path)).text).group(1)

    return csrf


def problems(html: str) -> list[list[str]]:
    body = html.split('<table class="problems">', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr><td>.*?</tr>", body)]


async def upload(client, csrf, text: str, encoding: str = "utf-8"):
    files = {"file": ("regions.csv", text.encode(encoding), "text/csv")}
    return await client.post(
        "/admin/regions/import?lang=en",
        data={"csrf": await csrf()},
        files=files,
        headers={"origin": "http://jianfu.test"},
    )


async def test_a_bad_file_is_previewed_with_its_lines_and_nothing_is_written(client):
    csrf = await admin_session(client)
    answer = await upload(client, csrf, BAD, "gbk")
    assert answer.status_code == 422
    assert problems(answer.text) == [["4", "population", "Must be a whole number."]]
    assert "Import these regions" not in answer.text and await Region.all().count() == 0
    # With the number fixed, the missing parent shows: the rows are planned before anything is saved.
    answer = await upload(client, csrf, BAD.replace("many", "3900"))
    assert (answer.status_code, problems(answer.text)) == (
        422,
        [
            ["3", "parent", "Unknown parent region, or the parents form a loop."],
            ["4", "parent", "Unknown parent region, or the parents form a loop."],
        ],
    )
    assert await Region.all().count() == 0


async def test_a_good_file_is_previewed_imported_in_the_background_and_audited(client):
    csrf = await admin_session(client)
    answer = await upload(client, csrf, GOOD)
    assert answer.status_code == 200
    assert re.findall(r"<li>(.*?)</li>", answer.text.split('<ul class="counts">')[1].split("</ul>")[0]) == [
        "3 regions will be created",
        "0 regions will be updated",
        "0 regions will move to another parent",
        "0 regions are already stored as the file gives them: nothing to write",
    ]
    action = re.search(r'action="(/admin/regions/import/[0-9a-f]+)"', answer.text).group(1)
    started = await client.post(action, data={"csrf": await csrf()}, headers={"origin": "http://jianfu.test"})
    assert (started.status_code, started.headers["location"]) == (303, action)
    await import_jobs.drain()
    done = await client.get(action + "?lang=en")
    assert ("Done: 3 regions created, 0 updated." in done.text, 'http-equiv="refresh"' in done.text) == (True, False)
    state = await client.get("/api/region-imports/" + action.rsplit("/", 1)[1])
    assert state.json() == {"status": "done", "done": 6, "total": 6, "created": 3, "updated": 0}
    assert [(e.actor, e.action, e.target) for e in await AuditEvent.all()] == [
        ("root", "region_imported", "360721 (3)")
    ]
    # The same file again writes nothing; moving the village updates it alone, counted as a move.
    same = await upload(client, csrf, GOOD)
    assert (
        "0 regions will be updated" in same.text and "3 regions are already stored as the file gives them" in same.text
    )
    again = await upload(client, csrf, GOOD.replace("360721105201,360721105,", "360721105201,360721,"))
    assert "1 region will be updated" in again.text and "1 region will move to another parent" in again.text
    assert "2 regions are already stored as the file gives them" in again.text


async def test_the_tree_shows_population_and_cadre_accounts_and_a_region_is_edited(client):
    csrf = await admin_session(client)
    await upsert_regions(read_region_file(GOOD.encode()).items)
    for name in ("li", "wu"):
        await add_user(name, "cadre", "360721105201")
    await add_user("sup", "supervisor", "360721105")
    county = await client.get("/admin/regions/360721?lang=en")
    rows = re.findall(
        r'<tr><td><a href="/admin/regions/(\d+)">(.*?)</a>.*?<td class="num">(.*?)</td><td class="num">(.*?)</td></tr>',
        county.text,
        re.S,
    )
    assert rows == [("360721105", "石桥镇", "21,000", "2")]
    edited = await client.post(
        "/admin/regions/360721105201?lang=en",
        data={"csrf": await csrf(), "name": "上坪社区", "name_hant": "", "population": "4100"},
        headers={"origin": "http://jianfu.test"},
    )
    assert edited.status_code == 303
    village = await Region.get(code="360721105201")
    assert (village.name, village.population, village.path) == ("上坪社区", 4100, "/360721/360721105/360721105201/")
    bad = await client.post(
        "/admin/regions/360721105201?lang=en",
        data={"csrf": await csrf(), "name": "", "population": "-1"},
        headers={"origin": "http://jianfu.test"},
    )
    assert (bad.status_code, re.findall(r'<p class="error" id="(\w+)-error">(.*?)</p>', bad.text)) == (
        422,
        [("name", "This field is required."), ("population", "Must be between 0 and 2000000000.")],
    )
    assert [e.action for e in await AuditEvent.all()] == ["region_edited"]


async def test_only_admins_reach_the_region_pages(client):
    await add_user("li", "cadre", None)
    await add_user("sup", "supervisor", None)
    for name in ("li", "sup"):
        headers = await bearer(client, name)
        answers = [
            await client.get(path, headers=headers)
            for path in (
                "/admin",
                "/admin/regions",
                "/admin/regions/import",
                "/admin/regions/template.csv",
                "/api/region-imports/abc",
            )
        ]
        assert [a.status_code for a in answers] == [403, 403, 403, 403, 403]


async def test_the_template_is_a_file_the_import_reads(client):
    await admin_session(client)
    answer = await client.get("/admin/regions/template.csv")
    assert (answer.status_code, answer.content) == (200, template_csv())


def province(rows: int = 28_745) -> str:
    """A province-sized file: one province, 11 cities, 100 counties, townships and then villages."""
    lines = [HEADER.strip(), "360000,,province,江西省,,45000000,"]
    parents = ["360000"]
    for level, per_parent in (("city", 11), ("county", 10), ("township", 16), ("village", 16)):
        children = []
        for parent in parents:
            for n in range(per_parent):
                if len(lines) > rows:
                    break
                code = f"{parent}{n:02d}"
                children.append(code)
                lines.append(f"{code},{parent},{level},地方{code},,1000,")
        parents = children
    return "\n".join(lines) + "\n"


async def test_a_province_sized_file_goes_through_the_page(client):
    """28,745 regions (about 1.5 MB, over the 1 MB body limit of every other path) are previewed
    and imported from the page, in the background."""
    csrf = await admin_session(client)
    text = province()
    assert (text.count("\n") - 1, len(text.encode()) > 1_000_000) == (28_745, True)
    answer = await upload(client, csrf, text)
    assert "28745 regions will be created" in answer.text.replace(",", "")
    action = re.search(r'action="(/admin/regions/import/[0-9a-f]+)"', answer.text).group(1)
    await client.post(action, data={"csrf": await csrf()}, headers={"origin": "http://jianfu.test"})
    await import_jobs.drain()
    assert (await client.get("/api/region-imports/" + action.rsplit("/", 1)[1])).json()["status"] == "done"
    assert await Region.all().count() == 28_745


async def test_files_that_are_no_region_list_are_refused_by_name(client):
    csrf = await admin_session(client)
    cases = {
        "no file": None,
        "not text": bytes(range(128, 256)) * 4,
        "no columns": "名称,人口\n石桥镇,21000\n".encode(),
    }
    found = {}
    for name, raw in cases.items():
        files = {"file": ("regions.csv", raw or b"", "text/csv")}
        answer = await client.post(
            "/admin/regions/import?lang=en",
            data={"csrf": await csrf()},
            files=files,
            headers={"origin": "http://jianfu.test"},
        )
        found[name] = (
            answer.status_code,
            re.findall(r'<p class="error"[^>]*>(.*?)</p>|<td>(The file[^<]*|Missing[^<]*)</td>', answer.text),
        )
    assert found == {
        "no file": (422, [("Choose the region file (CSV) first.", "")]),
        "not text": (
            422,
            [
                ("The file has 1 problem. Nothing was saved: correct the file and check it again.", ""),
                ("", "The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) and try again."),
            ],
        ),
        "no columns": (
            422,
            [
                ("The file has 1 problem. Nothing was saved: correct the file and check it again.", ""),
                (
                    "",
                    "Missing columns: code, level, name, population (expected "
                    "code,parent,level,name,name_hant,population,households).",
                ),
            ],
        ),
    }
    assert await Region.all().count() == 0


async def test_a_file_over_the_upload_limit_goes_back_to_the_form_which_says_so(client):
    csrf = await admin_session(client)
    files = {"file": ("nation.csv", b"x" * 16_000_001, "text/csv")}
    answer = await client.post(
        "/admin/regions/import", data={"csrf": await csrf()}, files=files, headers={"origin": "http://jianfu.test"}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/admin/regions/import?too_large=1")
    form = await client.get(answer.headers["location"] + "&lang=en")
    assert (form.status_code, re.findall(r'<p class="error" id="file-error">(.*?)</p>', form.text)) == (
        413,
        ["The file is larger than 16 MB. Import it on the server with jianfu import-regions."],
    )
