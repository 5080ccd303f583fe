"""The review feed against a real receiver under uvicorn: signed, keyed, retried with backoff from a
durable outbox, delivered once the receiver answers, and never carrying a person."""

import asyncio
import hashlib
import hmac
import json

import httpx
import pytest
import time_machine
from burden_cases import county_with_reporters
from conftest import AFTER, DURING, MONTH, SECRET, publish_month
from receiver import Receiver, free_port, serving

from server.app import create_app
from server.config import ConfigError, Settings
from server.models import FeedMessage
from server.services import feed, publication

FEED_SECRET = "feed-secret-for-tests"


def feed_settings(store: str, url: str) -> Settings:
    return Settings(
        database_url=store,
        secret=SECRET,
        k=5,
        min_level="village",
        review_webhook=url,
        review_webhook_secret=FEED_SECRET,
        feed_retry_seconds=0.05,
    )


async def closed_review(store: str, url: str) -> None:
    settings = feed_settings(store, url)
    app = create_app(settings, manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as client:
        with time_machine.travel(DURING, tick=True) as clock:
            supervisor, ids = await county_with_reporters(client)
            await publish_month(settings)
            # The month's own message went out before; these tests follow the review's.
            await FeedMessage.filter(key=f"month.published:{MONTH.key}").update(delivered_at=feed.now())
            clock.move_to(AFTER)
            review = (
                await client.post("/api/reviews", json={"region": "360721105", "period": MONTH.key}, headers=supervisor)
            ).json()
            await client.post(
                f"/api/reviews/{review['id']}/decisions",
                json={"kind": "withdraw_quota", "task": ids["reg"]},
                headers=supervisor,
            )
            assert (await client.post(f"/api/reviews/{review['id']}/close", headers=supervisor)).status_code == 200


async def deliver_until_done(settings: Settings, rounds: int = 60) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        for _ in range(rounds):
            await feed.deliver_due(settings, http)
            if not await FeedMessage.filter(delivered_at=None).exists():
                return
            await asyncio.sleep(0.05)
    pytest.fail("the feed did not deliver")


async def test_a_closed_review_reaches_a_receiver_that_failed_the_first_tries(store):
    receiver = Receiver(failures=2)
    with serving(receiver) as url:
        await closed_review(store, url)
        await deliver_until_done(feed_settings(store, url))
    assert [d.status for d in receiver.seen] == [503, 503, 200]
    delivered = receiver.accepted[0]
    assert (
        delivered.headers["idempotency-key"] == "review.closed:1"
        and delivered.headers["x-jianfu-event"] == "review.closed"
    )
    expected = "sha256=" + hmac.new(FEED_SECRET.encode(), delivered.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(delivered.headers["x-jianfu-signature"], expected)
    body = json.loads(delivered.body)
    assert (body["event"], body["status"], body["region"]["code"], [d["kind"] for d in body["decisions"]]) == (
        "review.closed",
        "closed",
        "360721105",
        ["withdraw_quota"],
    )
    assert body["summary"]["reporters"] == 19
    # Nothing in it names a person: no usernames, no reporter keys.
    text = delivered.body.decode()
    assert "c360721105201" not in text and '"sup"' not in text and "reporter_key" not in text
    message = await FeedMessage.get(key="review.closed:1")
    assert (message.attempts, message.delivered_at is not None, message.last_error) == (3, True, None)


async def test_the_outbox_keeps_a_message_through_a_receiver_outage_and_a_restart(store):
    port = free_port()
    url = f"http://127.0.0.1:{port}/feed"
    await closed_review(store, url)
    settings = feed_settings(store, url)
    async with httpx.AsyncClient(trust_env=False) as http:
        assert await feed.deliver_due(settings, http) == 0  # nobody listens on the port
    message = await FeedMessage.get(key="review.closed:1")
    assert (message.attempts, message.last_error, message.delivered_at) == (1, "ConnectError", None)
    # A new process (nothing in memory) finds the message in the store and sends it once the receiver is up.
    receiver = Receiver()
    with serving(receiver, port):
        await deliver_until_done(settings)
    assert len(receiver.accepted) == 1 and json.loads(receiver.accepted[0].body)["event"] == "review.closed"


async def test_each_published_month_is_queued_once_and_the_backoff_doubles(store, during_month):
    settings = feed_settings(store, "http://127.0.0.1:9/feed")
    app = create_app(settings, manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as client:
        await county_with_reporters(client)
    await publish_month(settings)
    assert await publication.publish(MONTH, settings, AFTER.date()) is False  # published already: nothing more
    assert await publication.publish_due(settings, AFTER.date()) == []
    assert await FeedMessage.all().values_list("key", flat=True) == [f"month.published:{MONTH.key}"]
    month = json.loads((await FeedMessage.get(key=f"month.published:{MONTH.key}")).body)
    assert (month["event"], month["period"], month["regions"][0]["summary"]["region"]["code"]) == (
        "month.published",
        MONTH.key,
        "360000",
    )
    assert [feed.backoff(n, 30).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_a_webhook_needs_its_own_secret():
    with pytest.raises(ConfigError, match="JIANFU_REVIEW_WEBHOOK_SECRET"):
        Settings(secret=SECRET, review_webhook="http://127.0.0.1:9/feed")
