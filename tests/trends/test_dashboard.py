"""The trends dashboard (/trends/), a title's trend page and the sparkline on the catalog's title page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.trends.models import TitleViews, TrendSnapshot
from apps.trends.services import scores_recompute
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CityMovieFactory, LocationFactory, SessionFactory, kyiv_at, kyiv_today

pytestmark = pytest.mark.django_db


def today():
    return timezone.now().date()


def viewed(title, *counts: int):
    """Views of the last days, the last count being today's; scores recomputed as a flush would."""
    for age, count in enumerate(reversed(counts)):
        TitleViews.objects.create(title=title, day=today() - timedelta(days=age), views=count)
    scores_recompute(title_ids=[title.pk])


def page(client, url: str, language: str = "en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-testid="trend-row" data-imdb-id="(tt\d+)"', html)


def cell(html: str, imdb_id: str, testid: str) -> str:
    row = html.split(f'data-imdb-id="{imdb_id}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', row, re.S)
    assert found, f"no {testid} in the row of {imdb_id}"
    return re.sub(r"<[^>]+>", "", found.group(2)).strip()


def assert_nothing_inline(html: str) -> None:
    """The CSP allows no inline style or script: the charts must not need any (JSON data is no script)."""
    assert " style=" not in html
    assert re.search(r'<script(?![^>]*\b(?:src=|type="application/(?:ld\+)?json"))[^>]*>', html) is None


@pytest.fixture
def board():
    """Three titles: a drama with a TMDB poster, a comedy with IMDb's, a drama with none."""
    drama = TitleFactory(
        primary_title="Shadows of Forgotten Ancestors",
        akas=[("Тіні забутих предків", "UA", "uk")],
        genres=["Drama"],
        rating=Decimal("8.1"),
        tmdb_vote_average=Decimal("7.9"),
        tmdb_popularity=40.0,
        poster_path="/shadows.jpg",
    )
    comedy = TitleFactory(
        primary_title="Wild Fields",
        genres=["Comedy"],
        rating=Decimal("6.9"),
        tmdb_popularity=5.0,
        poster_url="https://m.media-amazon.com/images/M/wild.jpg",
    )
    quiet = TitleFactory(primary_title="Atlantis", genres=["Drama"], rating=None, tmdb_popularity=1.0)
    viewed(drama, 4, 6, 10, 3, 2, 1, 0, 5)  # 8 days: the oldest is outside the week
    viewed(comedy, 1, 2)
    viewed(quiet, 0)
    return drama, comedy, quiet


def test_the_board_ranks_titles_with_their_posters_views_ratings_and_scores(client, board):
    drama, comedy, quiet = board

    html = page(client, "/trends/", "uk")

    assert rows_of(html) == [drama.imdb_id, comedy.imdb_id, quiet.imdb_id]
    assert cell(html, drama.imdb_id, "trend-title") == "Тіні забутих предків"
    assert f'href="/catalog/{drama.imdb_id}/"' in html
    assert cell(html, drama.imdb_id, "trend-views-today") == "5"
    assert cell(html, drama.imdb_id, "trend-views-week") == "27"
    assert cell(html, drama.imdb_id, "trend-imdb") == "★ 8,1"
    assert cell(html, drama.imdb_id, "trend-tmdb") == "7,9"
    assert re.fullmatch(r"\d+,\d\d", cell(html, drama.imdb_id, "trend-score"))
    assert cell(html, quiet.imdb_id, "trend-imdb") == "—"
    assert "/w92/shadows.jpg" in html
    assert 'src="https://m.media-amazon.com/images/M/wild.jpg"' in html
    assert cell(html, quiet.imdb_id, "trend-poster-tile") == "A"
    assert f'href="/trends/{drama.imdb_id}/"' in html
    assert_nothing_inline(html)


def test_a_genre_shows_only_its_titles_under_its_own_heading(client, board):
    drama, _comedy, quiet = board

    html = page(client, "/trends/?genre=Drama", "uk")

    assert rows_of(html) == [drama.imdb_id, quiet.imdb_id]
    heading = html.split('data-testid="board-heading">')[1].split("</h2>")[0]
    assert heading.strip() == "У тренді: Драма"
    assert '<option value="Drama" selected>' in html


def test_a_city_shows_only_titles_with_sessions_there_this_week(client, board):
    drama, comedy, quiet = board
    for title in (comedy, quiet):
        SessionFactory(
            movie=CityMovieFactory(title=title),
            starts_at=kyiv_at(kyiv_today() + timedelta(days=1), 19, 30),
        )
    scores_recompute(title_ids=[comedy.pk, quiet.pk])

    html = page(client, "/trends/?city=kyiv")
    narrowed = page(client, "/trends/?city=kyiv&genre=Drama")

    assert rows_of(html) == [comedy.imdb_id, quiet.imdb_id]
    assert "In cinemas in Kyiv this week" in html
    assert rows_of(narrowed) == [quiet.imdb_id]
    assert drama.imdb_id not in narrowed


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?genre=Dramaa", "There is no genre called “Dramaa”"),
        ("?city=atlantis", "No city “atlantis” is known here"),
    ],
)
def test_an_unknown_filter_is_named_and_the_whole_board_shown(client, board, query, says):
    html = page(client, "/trends/" + query)

    assert 'data-testid="board-filter-unknown"' in html
    assert says in html
    assert len(rows_of(html)) == 3


def test_an_unknown_filter_is_named_in_every_language(client, board):
    assert "Немає жанру «Dramaa»" in page(client, "/trends/?genre=Dramaa", "uk")
    assert "Нет жанра «Dramaa»" in page(client, "/trends/?genre=Dramaa", "ru")


def test_an_empty_board_explains_how_titles_get_on_it(client):
    html = page(client, "/trends/")

    assert 'data-testid="empty-state"' in html
    assert "No title is on the board yet." in html
    assert "open its page" in html
    assert 'data-testid="trend-board"' not in html


def test_an_empty_genre_board_names_the_genre(client, board):
    TitleFactory(genres=["Western"])

    html = page(client, "/trends/?genre=Western")

    assert "No Western title has a trend score yet." in html


def test_a_city_without_scored_sessions_says_what_its_board_lists(client, board):
    LocationFactory(city="Lviv")

    html = page(client, "/trends/?city=lviv", "uk")

    assert rows_of(html) == []
    assert "Жоден фільм, що йде в місті Lviv цього тижня, ще не має трендового бала." in html
    assert 'data-testid="board-filter-unknown"' not in html
    assert '<option value="lviv" selected>' in html


def test_the_board_costs_the_same_queries_for_three_titles_or_twenty(
    client, board, django_assert_max_num_queries
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    with CaptureQueriesContext(connection) as three:
        client.get("/trends/")
    more = [TitleFactory(genres=["Drama", "Comedy"], akas=["Назва"], poster_path="/p.jpg") for _ in range(17)]
    for title in more:
        TrendSnapshot.objects.create(title=title, day=today() - timedelta(days=3), score=1.0, views=1)
        TitleViews.objects.create(title=title, day=today(), views=2)
    scores_recompute(title_ids=[title.pk for title in more])

    with django_assert_max_num_queries(len(three)) as twenty:
        html = client.get("/trends/").content.decode()

    assert len(rows_of(html)) == 20
    # Cities, genres, titles with their genres and names, scores by day, views by day, and the
    # board itself when there is no Redis to read it from.
    assert len(twenty) <= 8


def test_a_titles_trend_page_draws_its_score_and_views_as_svg_with_the_numbers(client, board):
    drama, _comedy, _quiet = board

    html = page(client, f"/trends/{drama.imdb_id}/", "uk")

    assert '<h1 data-testid="page-title">Тіні забутих предків</h1>' in html
    for size in ("wide", "compact"):
        chart = html.split(f'data-testid="trend-chart-{size}"')[1].split("</svg>")[0]
        assert 'role="img"' in html.split(f'data-testid="trend-chart-{size}"')[0][-300:]
        assert chart.count('data-testid="chart-bar"') == 7  # eight days, one without views
        assert 'data-testid="chart-line"' in chart
        assert re.search(r"\d+ гру|\d+ лис|\d+ січ|\d+ жов", chart), "dates under the axis in Ukrainian"
        assert re.search(r'(x|y|width|height)="\d+,\d', chart) is None, "coordinates must not be localized"
    assert html.count('data-testid="chart-data-row"') == 8
    assert (
        "Тіні забутих предків"
        in re.search(r'aria-label="([^"]+)"', html.split("trend-chart-wide")[0][-600:])[1]
    )
    assert_nothing_inline(html)


def test_a_title_without_trend_data_says_so_and_an_unknown_one_is_404(client):
    title = TitleFactory(primary_title="Nobody Watched")

    html = page(client, f"/trends/{title.imdb_id}/")

    assert 'data-testid="empty-state"' in html
    assert "<svg" not in html.split('data-testid="page-title"')[1]
    assert client.get("/trends/tt9999999/").status_code == 404


def test_the_catalog_title_page_shows_a_sparkline_only_with_trend_data(client, board):
    drama, _comedy, _quiet = board
    untrended = TitleFactory()

    html = page(client, f"/catalog/{drama.imdb_id}/", "ru")
    plain = page(client, f"/catalog/{untrended.imdb_id}/", "ru")

    block = html.split('data-testid="title-trend"')[1].split("</section>")[0]
    assert 'data-testid="title-sparkline"' in block
    assert f'href="/trends/{drama.imdb_id}/"' in block
    assert re.search(r'data-testid="title-trend-score">\d+,\d\d<', block)
    assert "Трендовый балл" in block
    assert 'data-testid="title-trend"' not in plain
    assert_nothing_inline(html)
