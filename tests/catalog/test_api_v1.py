"""The catalog under /api/v1/: titles a page at a time, a title, a person."""

from decimal import Decimal

import pytest

from apps.catalog.models import TitleType
from apps.catalog.selectors import TitleSort, title_list
from tests.factories.catalog import PersonFactory, TitleFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _all_pages(client, params: dict) -> tuple[list[str], int]:
    """Every title's IMDb id, following `next` links page by page; and how many pages."""
    ids, pages = [], 0
    url = "/api/v1/titles"
    reply = client.get(url, params)
    while True:
        assert reply.status_code == 200, reply.content
        pages += 1
        body = reply.json()
        ids += [title["imdb_id"] for title in body["titles"]]
        if body["next"] is None:
            assert body["next_cursor"] is None
            return ids, pages
        reply = client.get(body["next"])


@pytest.fixture
def catalog():
    """Nine titles with ties in every order's first column, and titles without rating or year."""
    return [
        TitleFactory(primary_title="Bravo", rating=Decimal("8.0"), votes=500, start_year=1994),
        TitleFactory(primary_title="Alpha", rating=Decimal("8.0"), votes=500, start_year=1994),
        TitleFactory(primary_title="Ґава", rating=Decimal("7.5"), votes=900, start_year=2001),
        TitleFactory(primary_title="Гора", rating=None, votes=10, start_year=None),
        TitleFactory(primary_title="Charlie", rating=None, votes=10, start_year=1980),
        TitleFactory(primary_title="Delta", rating=Decimal("9.1"), votes=70, start_year=2020),
        TitleFactory(primary_title="Echo", rating=Decimal("6.0"), votes=500, start_year=None),
        TitleFactory(primary_title="Foxtrot", rating=Decimal("8.0"), votes=3000, start_year=1994),
        TitleFactory(primary_title="Golf", rating=Decimal("5.0"), votes=1, start_year=2010),
    ]


@pytest.mark.parametrize("sort", list(TitleSort))
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_following_next_pages_through_every_title_once_in_the_lists_order(client, catalog, sort, lang):
    ids, pages = _all_pages(client, {"sort": sort, "lang": lang, "limit": 2})

    expected = list(title_list(sort=sort, language=lang).values_list("imdb_id", flat=True))
    assert ids == expected
    assert len(ids) == len(set(ids)) == len(catalog)
    assert pages == 5


def test_titles_added_between_pages_neither_repeat_nor_hide_the_rest(client, catalog):
    first = client.get("/api/v1/titles", {"limit": 3}).json()
    seen = [title["imdb_id"] for title in first["titles"]]
    # One that sorts before the page already read (more votes), one after it.
    TitleFactory(primary_title="Early", votes=99_999)
    late = TitleFactory(primary_title="Late", votes=2)

    rest = []
    reply = client.get(first["next"])
    while True:
        body = reply.json()
        rest += [title["imdb_id"] for title in body["titles"]]
        if not body["next"]:
            break
        reply = client.get(body["next"])

    assert not set(seen) & set(rest)
    assert set(seen) | set(rest) == {title.imdb_id for title in catalog} | {late.imdb_id}


def test_the_next_link_keeps_the_filters(client, catalog):
    body = client.get("/api/v1/titles", {"year_from": 1990, "year_to": 2005, "limit": 2}).json()

    assert "year_from=1990" in body["next"]
    assert "year_to=2005" in body["next"]
    ids, _pages = _all_pages(client, {"year_from": 1990, "year_to": 2005, "limit": 2})
    assert sorted(ids) == sorted(
        title.imdb_id for title in catalog if title.start_year and 1990 <= title.start_year <= 2005
    )


def test_filters_narrow_the_list_as_on_the_site(client):
    drama = TitleFactory(primary_title="Drama 1995", genres=["Drama"], start_year=1995, rating=Decimal("8.2"))
    TitleFactory(primary_title="Comedy 1995", genres=["Comedy"], start_year=1995, rating=Decimal("8.2"))
    TitleFactory(primary_title="Drama 2015", genres=["Drama"], start_year=2015, rating=Decimal("8.2"))
    TitleFactory(primary_title="Weak drama", genres=["Drama"], start_year=1996, rating=Decimal("5.1"))
    series = TitleFactory(primary_title="Series", title_type=TitleType.TV_SERIES, start_year=1997)

    def names(**params: object) -> set[str]:
        return {title["primary_title"] for title in client.get("/api/v1/titles", params).json()["titles"]}

    assert names(genre="Drama", decade="1990s", min_rating=8) == {drama.primary_title}
    assert names(type="tvSeries") == {series.primary_title}
    assert names(year_from=2000) == {"Drama 2015"}
    assert names(year_to=1995) == {"Drama 1995", "Comedy 1995"}


def test_a_page_reads_in_a_fixed_number_of_queries(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # titles, genres, display names, + a session read at most
        reply = client.get("/api/v1/titles", {"limit": 50})

    assert len(reply.json()["titles"]) == len(catalog)


def test_a_title_in_the_list_carries_what_a_card_shows(client):
    TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        akas=[("Втеча з Шоушенка", "UA", "uk")],
        genres=["Drama"],
        start_year=1994,
        rating=Decimal("9.3"),
        votes=3_000_000,
        poster_path="/shawshank.jpg",
    )

    (title,) = client.get("/api/v1/titles", {"lang": "uk"}).json()["titles"]

    assert title["name"] == "Втеча з Шоушенка"
    assert title["primary_title"] == "The Shawshank Redemption"
    assert (title["year"], title["rating"], title["votes"], title["genres"]) == (
        1994,
        9.3,
        3_000_000,
        ["Drama"],
    )
    assert title["poster_url"].endswith("/w342/shawshank.jpg")
    assert (title["url"], title["api_url"]) == ("/catalog/tt0111161/", "/api/v1/titles/tt0111161")


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJzb3J0IjogMX0", "W10", "x" * 3000])
def test_a_cursor_the_api_did_not_give_is_refused_with_400(client, catalog, cursor):
    reply = client.get("/api/v1/titles", {"cursor": cursor})

    assert reply.status_code in (400, 422)  # 422 when over the documented length
    assert reply.json()["code"] in ("cursor_invalid", "invalid_request")
    assert reply.json()["message"]


def test_a_cursor_is_refused_with_another_sort(client, catalog):
    cursor = client.get("/api/v1/titles", {"limit": 2, "sort": "rating"}).json()["next_cursor"]

    reply = client.get("/api/v1/titles", {"limit": 2, "sort": "year", "cursor": cursor})

    assert reply.status_code == 400
    assert reply.json()["code"] == "cursor_invalid"
    assert "sort" in reply.json()["message"]


def test_an_out_of_range_parameter_is_named_in_the_422(client):
    reply = client.get("/api/v1/titles", {"limit": 51, "sort": "loudest"})

    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "invalid_request"
    assert {(problem["field"], problem["in"]) for problem in body["errors"]} == {
        ("limit", "query"),
        ("sort", "query"),
    }
    assert "limit: Input should be less than or equal to 50" in body["message"]


def test_a_title_has_its_credits_enrichment_and_localized_texts(client):
    nolan = PersonFactory(imdb_id="nm0634240", name="Christopher Nolan")
    recommended = TitleFactory(imdb_id="tt0482571", primary_title="The Prestige", votes=1_500_000)
    TitleFactory(
        imdb_id="tt1375666",
        primary_title="Inception",
        genres=["Sci-Fi", "Action"],
        directors=[nolan],
        writers=[nolan],
        stars=[("Leonardo DiCaprio", ["Cobb"])],
        akas=[("Початок", "UA", "uk")],
        start_year=2010,
        plot="A thief who steals corporate secrets.",
        translations={"uk": {"title": "Початок", "overview": "Злодій, що краде таємниці."}},
        decade_category="2010s",
        genre_categories=["Mind-bending"],
        sentiment_analysis={"plot_tone": "Dark", "keyword_score": 0.25},
        director_stats={"total_movies": 12, "average_rating": 8.1},
        recommendations=["tt0482571", "tt9999999"],
        tmdb_id=27205,
        tmdb_vote_average=Decimal("8.4"),
        tmdb_vote_count=35000,
        countries=["US", "GB"],
        trailers=[{"key": "YoHD9XEInc0", "name": "Trailer", "language": "en"}],
    )

    uk = client.get("/api/v1/titles/tt1375666", {"lang": "uk"}).json()
    en = client.get("/api/v1/titles/tt1375666", {"lang": "en"}).json()

    assert uk["name"] == "Початок"
    assert en["name"] == "Inception"
    assert uk["plot"] == {"text": "Злодій, що краде таємниці.", "language": "uk", "is_fallback": False}
    assert en["plot"]["text"] == "A thief who steals corporate secrets."
    assert [person["name"] for person in uk["credits"]["directors"]] == ["Christopher Nolan"]
    assert uk["credits"]["directors"][0]["api_url"] == "/api/v1/people/nm0634240"
    assert uk["credits"]["stars"][0]["characters"] == ["Cobb"]
    assert uk["genres"] == ["Action", "Sci-Fi"]
    assert uk["enrichment"] == {
        "decade": "2010s",
        "genre_categories": ["Mind-bending"],
        "plot_tone": "Dark",
        "plot_score": 0.25,
        "director": {"total_movies": 12, "average_rating": 8.1},
    }
    assert [title["imdb_id"] for title in uk["recommendations"]] == [recommended.imdb_id]
    assert uk["tmdb"]["id"] == 27205
    assert uk["tmdb"]["vote_average"] == 8.4
    assert uk["tmdb"]["countries"] == ["US", "GB"]
    assert uk["tmdb"]["trailer"]["youtube_key"] == "YoHD9XEInc0"


@pytest.mark.parametrize("imdb_id", ["tt0000001", "nonsense"])
def test_an_unknown_title_is_a_json_404(client, imdb_id):
    reply = client.get(f"/api/v1/titles/{imdb_id}")

    assert reply.status_code == 404
    assert reply.json()["code"] == "title_not_found"
    assert imdb_id in reply.json()["message"]


def test_a_person_has_what_they_are_known_for_and_their_roles(client, django_assert_max_num_queries):
    nolan = PersonFactory(imdb_id="nm0634240", name="Christopher Nolan", birth_year=1970)
    TitleFactory(primary_title="Inception", directors=[nolan], start_year=2010, votes=2_000_000)
    TitleFactory(primary_title="Following", directors=[nolan], writers=[nolan], start_year=1998, votes=90_000)

    # The person; their credits with titles; the titles' genres and display names.
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/people/nm0634240").json()

    assert (body["name"], body["birth_year"]) == ("Christopher Nolan", 1970)
    assert [title["primary_title"] for title in body["known_for"]] == ["Inception", "Following"]
    roles = {
        role["role"]: [title["primary_title"] for title in role["titles"]] for role in body["filmography"]
    }
    assert roles == {"director": ["Inception", "Following"], "writer": ["Following"]}
    assert client.get("/api/v1/people/nm0000000").json()["code"] == "person_not_found"


def test_search_answers_under_v1_as_unversioned(client):
    TitleFactory(primary_title="The Shawshank Redemption", votes=3_000_000)

    versioned = client.get("/api/v1/search", {"q": "shawshenk", "lang": "en"})
    unversioned = client.get("/api/search", {"q": "shawshenk", "lang": "en"})

    assert versioned.status_code == 200
    assert versioned.json() == unversioned.json()
    assert versioned.json()["titles"][0]["name"] == "The Shawshank Redemption"
