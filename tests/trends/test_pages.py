"""The trends page and the published formula, in every language."""

import pytest
from django.conf import settings

from apps.trends.services import scores_recompute
from tests.factories.catalog import TitleFactory

pytestmark = pytest.mark.django_db


def test_the_trends_page_lists_the_global_board_with_links(client):
    first = TitleFactory(primary_title="Inception", tmdb_popularity=90.0)
    second = TitleFactory(primary_title="Fight Club", tmdb_popularity=10.0)
    scores_recompute(title_ids=[first.pk, second.pk])

    page = client.get("/trends/").content.decode()

    assert page.index(f'href="/catalog/{first.imdb_id}/"') < page.index(f'href="/catalog/{second.imdb_id}/"')
    assert 'data-testid="empty-state"' not in page


def test_the_trends_page_without_scores_says_so(client):
    assert 'data-testid="empty-state"' in client.get("/trends/").content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "How the trend score is computed"),
        ("uk", "Як обчислюється трендовий бал"),
        ("ru", "Как вычисляется трендовый балл"),
    ],
)
def test_the_formula_is_published_with_its_parameters(client, language, heading):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/trends/about").content.decode()

    assert heading in page
    assert "v/(v+m)" in page
    assert f'data-testid="param-half-life">{settings.TRENDS_VIEWS_HALF_LIFE_DAYS}<' in page
    assert f'data-testid="param-min-votes">{settings.TRENDS_RATING_MIN_VOTES}<' in page
