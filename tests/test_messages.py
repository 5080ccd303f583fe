"""A flag is made once, its words given as keys with parameters, and said at the edge in each
language: numbers the reader's way, names in the reader's script, nested words and plurals."""

from __future__ import annotations

from server.config import Settings
from server.domain.attribution import attributed_to_issuers
from server.domain.messages import Name
from server.domain.quota_rules import QuotaFacts, TaskFacts, exceeds_base
from server.domain.vocab import LOCALES
from server.web.i18n import load_catalogs
from server.web.messages import rendered_flags


def test_a_flag_made_once_is_said_in_each_language():
    load_catalogs(Settings(database_url="sqlite://:memory:", secret="s").locales_dir)
    task = TaskFacts(1, "monthly_active", "420121101", "none", "none", "none", "once")
    village = exceeds_base(task, QuotaFacts("420121101201", Name("柳湾村"), 3000, "population", 712, None))
    other = exceeds_base(task, QuotaFacts("420121101202", Name("石桥村"), 1200, "population", 1000, None))
    setter = ("420121101", Name("柳湾镇"))
    flags = [village, *attributed_to_issuers([village, other], {"420121101201": setter, "420121101202": setter})]
    said = {tag: [f.message for f in rendered_flags(flags, tag)] for tag in LOCALES}
    assert said == {
        "zh-Hans": [
            "这个指标是柳湾村户籍人口的 4.21 倍（3,000 对 712）。",
            "柳湾镇给 2 个地方派的指标接近或超过人口：是人口的 1.2 到 4.21 倍。",
        ],
        "zh-Hant": [
            "這個指標是柳灣村戶籍人口的 4.21 倍（3,000 對 712）。",
            "柳灣鎮給 2 個地方派的指標接近或超過人口：是人口的 1.2 到 4.21 倍。",
        ],
        "en": [
            "This target is 4.21 times 柳湾村's registered population (3,000 against 712).",
            "柳湾镇 passed targets close to or above the population to 2 places: 1.2 to 4.21 times.",
        ],
    }
    assert flags[0].message.key == "This target is %(ratio)s times %(region)s's %(base)s (%(target)s against %(size)s)."
