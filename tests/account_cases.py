"""An area for the account tests: the escalation scenario's county, its root administrator, and
(with `area`) a supervisor of the township and a cadre in each of two villages."""

from conftest import add_user, bearer, scenario

REGIONS = scenario("escalation")["regions"]
TOWNSHIP, VILLAGE, OTHER_VILLAGE = "360721105", "360721105201", "360721105202"
NEW_PASSWORD = "seven quiet lanterns"


async def setup_area(client):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    assert (await client.post("/api/regions", json={"regions": REGIONS}, headers=admin)).status_code == 200
    return admin


async def area(client):
    """The escalation county, an admin, a supervisor and two cadres; the admin's headers."""
    admin = await setup_area(client)
    await add_user("sup", "supervisor", TOWNSHIP)
    await add_user("li", "cadre", VILLAGE, "zh-Hant")
    await add_user("wang", "cadre", OTHER_VILLAGE)
    return admin
