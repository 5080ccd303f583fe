"""server/web/labels.py names every value of the closed vocabularies (server/domain/vocab.py) in each
interface language: a value added to the vocabulary without a name would reach a page as a code."""

from __future__ import annotations

import pytest

from server.config import Settings
from server.domain import vocab
from server.domain.indices import CATEGORIES
from server.web import labels
from server.web.i18n import in_locale, load_catalogs

VOCABULARIES = [
    (vocab.LEVELS, labels.levels),
    (vocab.ROLES, labels.roles),
    (vocab.METRICS, labels.metrics),
    (vocab.RANKINGS, labels.rankings),
    (vocab.PENALTIES, labels.penalties),
    (vocab.EVIDENCE, labels.evidence),
    (vocab.BASES, labels.bases),
    (vocab.OUTCOME_STATUSES, labels.outcome_statuses),
    (vocab.MEANS, labels.means),
    (vocab.ACTIVITIES, labels.activities),
    (vocab.RESIDENT_USE, labels.resident_use),
    (vocab.DECISIONS, labels.decisions),
    (vocab.SEVERITIES, labels.severities),
    (vocab.FLAG_KINDS, labels.flag_kinds),
    (vocab.APP_FUNCTIONS, labels.app_functions),
    (CATEGORIES, labels.complaint_categories),
]


@pytest.fixture(scope="module", autouse=True)
def catalogs() -> None:
    load_catalogs(Settings(database_url="sqlite://:memory:", secret="s").locales_dir)


@pytest.mark.parametrize(
    ("values", "named"), [pytest.param(values, named, id=named.__name__) for values, named in VOCABULARIES]
)
def test_every_vocabulary_value_has_a_label_in_each_language(values, named):
    with in_locale("en"):
        english = named()
    for tag in vocab.LOCALES:
        with in_locale(tag):
            words = named()
        assert sorted(words) == sorted(values)
        untranslated = [
            key for key, word in words.items() if not word.strip() or (tag != "en" and word == english[key])
        ]
        assert (tag, untranslated) == (tag, [])
