"""Catalog pages over HTTP: the list with its filters and pages, title pages, the admin search."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings

from apps.catalog import views
from apps.catalog.models import Title
from apps.stream.models import Event
from tests.factories.catalog import TitleFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


class _TestidTexts(HTMLParser):
    """Collects the text of every element carrying one data-testid, nested markup included."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.open: list[list[str | int]] = []  # [text so far, depth] per element being read
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        for element in self.open:
            element[1] += 1
        if ("data-testid", self.testid) in attrs:
            self.open.append(["", 0])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        for element in list(self.open):
            element[1] -= 1
            if element[1] < 0:
                self.open.remove(element)
                self.texts.append(" ".join(str(element[0]).split()))

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element[0] = f"{element[0]}{data}"


def texts_of(html: str, testid: str) -> list[str]:
    """The visible text of every element carrying this data-testid, in page order."""
    parser = _TestidTexts(testid)
    parser.feed(html)
    return parser.texts


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def shawshank():
    return TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        akas=[("Втеча з Шоушенка", "UA", "uk"), ("Побег из Шоушенка", "RU", "ru")],
        genres=["Drama"],
        start_year=1994,
        rating=Decimal("9.3"),
        votes=3_000_000,
    )


def test_empty_catalog_says_so(client):
    response = client.get("/catalog/")

    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.content.decode()


def test_list_shows_each_title_in_the_visitors_language(client, shawshank):
    assert texts_of(client.get("/catalog/").content.decode(), "catalog-result-title") == ["Втеча з Шоушенка"]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert texts_of(client.get("/catalog/").content.decode(), "catalog-result-title") == ["Побег из Шоушенка"]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert texts_of(client.get("/catalog/").content.decode(), "catalog-result-title") == [
        "The Shawshank Redemption"
    ]


def test_search_in_cyrillic_finds_the_title_and_says_when_nothing_matches(english, shawshank):
    TitleFactory(primary_title="The Green Mile")

    found = english.get("/catalog/", {"q": "ВТЕЧА з шоушенка"}).content.decode()
    nothing = english.get("/catalog/", {"q": "Зоряні війни"}).content.decode()

    assert texts_of(found, "catalog-result-title") == ["The Shawshank Redemption"]
    assert 'value="ВТЕЧА з шоушенка"' in found
    assert texts_of(nothing, "catalog-result") == []
    assert "Nothing found." in nothing


def test_filters_narrow_the_list(english):
    TitleFactory(primary_title="Drama 90s", genres=["Drama"], start_year=1994, rating=Decimal("9.1"))
    TitleFactory(primary_title="Drama 70s", genres=["Drama"], start_year=1972, rating=Decimal("8.1"))
    TitleFactory(primary_title="Comedy 90s", genres=["Comedy"], start_year=1999, rating=Decimal("6.1"))
    TitleFactory(primary_title="Series", genres=["Drama"], start_year=2008, title_type="tvSeries")

    def titles(**params) -> set[str]:
        return set(texts_of(english.get("/catalog/", params).content.decode(), "catalog-result-title"))

    assert titles(genre="Drama") == {"Drama 90s", "Drama 70s", "Series"}
    assert titles(decade="1990s") == {"Drama 90s", "Comedy 90s"}
    assert titles(type="tvSeries") == {"Series"}
    assert titles(rating="8") == {"Drama 90s", "Drama 70s"}
    assert titles(genre="Drama", decade="1990s", rating="9") == {"Drama 90s"}


def test_pages_hold_24_titles_and_page_links_keep_the_filters(english):
    for n in range(30):
        TitleFactory(primary_title=f"Drama {n:02d}", genres=["Drama"], votes=1000 - n)
    TitleFactory(primary_title="Comedy", genres=["Comedy"], votes=5000)

    first = english.get("/catalog/", {"genre": "Drama", "q": "drama"}).content.decode()
    second = english.get("/catalog/", {"genre": "Drama", "q": "drama", "page": "2"}).content.decode()

    assert texts_of(first, "catalog-result-title") == [f"Drama {n:02d}" for n in range(24)]
    assert texts_of(first, "results-count") == ["Titles found: 30"]
    next_link = re.search(r'href="([^"]+)"[^>]*data-testid="pagination-next"', first).group(1)
    assert next_link == "?q=drama&amp;genre=Drama&amp;page=2"
    assert texts_of(second, "catalog-result-title") == [f"Drama {n:02d}" for n in range(24, 30)]
    assert 'data-testid="pagination-next"' not in second
    previous_link = re.search(r'href="([^"]+)"[^>]*data-testid="pagination-prev"', second).group(1)
    assert previous_link == "?q=drama&amp;genre=Drama&amp;page=1"


def test_a_huge_result_is_counted_only_up_to_a_limit(english, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 30)
    for n in range(31):
        TitleFactory(primary_title=f"Drama {n:02d}", votes=1000 - n)

    first = english.get("/catalog/").content.decode()
    last = english.get("/catalog/", {"page": "99"}).content.decode()

    assert texts_of(first, "results-count") == ["Titles found: more than 30"]
    assert texts_of(last, "pagination-current") == ["2"]
    assert texts_of(last, "catalog-result-title") == [f"Drama {n:02d}" for n in range(24, 30)]


@pytest.mark.parametrize(
    ("params", "ignored"),
    [
        ({"rating": "abc"}, "Rating"),
        ({"rating": "11"}, "Rating"),
        ({"rating": "NaN"}, "Rating"),
        ({"decade": "nineties"}, "Decade"),
        ({"decade": "1880s"}, "Decade"),
        ({"type": "opera"}, "Type"),
        ({"genre": "No such genre"}, "Genre"),
        ({"genre": "Drama\x00"}, "Genre"),
        ({"q": "Shawshank\x00"}, "Search"),
    ],
)
def test_values_that_make_no_sense_are_ignored_and_named(english, shawshank, params, ignored):
    response = english.get("/catalog/", params)

    assert response.status_code == 200
    page = response.content.decode()
    assert texts_of(page, "filters-ignored") == [
        f"Some filters were not understood and were left out: {ignored}."
    ]
    assert texts_of(page, "catalog-result-title") == ["The Shawshank Redemption"]


@pytest.mark.parametrize("page_number", ["999", "0", "-1", "abc", "1.5", ""])
def test_a_page_out_of_range_shows_the_nearest_page(english, shawshank, page_number):
    response = english.get("/catalog/", {"page": page_number})

    assert response.status_code == 200
    assert texts_of(response.content.decode(), "catalog-result-title") == ["The Shawshank Redemption"]


def test_a_very_long_query_is_cut_not_refused(english, shawshank):
    response = english.get("/catalog/", {"q": "shawshank " + "x" * 5000})

    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.content.decode()


def test_list_page_costs_the_same_queries_for_a_full_page(client, django_assert_num_queries):
    for n in range(30):
        TitleFactory(genres=["Drama", "Crime"], akas=[f"Назва {n}"])

    # genre choices, decade choices, count, the page, its genres, its display names
    with django_assert_num_queries(6):
        response = client.get("/catalog/", {"genre": "Drama"})

    assert len(texts_of(response.content.decode(), "catalog-result")) == 24


def test_title_page_shows_the_title_and_its_credits_in_order(english):
    TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        akas=[("Втеча з Шоушенка", "UA", "uk")],
        start_year=1994,
        runtime_minutes=142,
        certificate="R",
        rating=Decimal("9.3"),
        votes=3_000_000,
        plot="Two imprisoned men bond over a number of years.",
        genres=["Drama"],
        directors=["Frank Darabont"],
        writers=["Stephen King", "Frank Darabont"],
        stars=[("Tim Robbins", ["Andy Dufresne"]), ("Morgan Freeman", ["Red"]), "Bob Gunton"],
        decade_category="1990s",
        genre_categories=["Prison", "Adaptation"],
        director_stats={"total_movies": 3, "average_rating": 8.5},
        sentiment_analysis={"plot_tone": "Hopeful", "keyword_score": 0.75},
    )

    response = english.get("/catalog/tt0111161/")

    page = response.content.decode()
    assert response.status_code == 200
    assert texts_of(page, "title-heading") == ["The Shawshank Redemption"]
    assert texts_of(page, "title-years") == ["1994"]
    assert texts_of(page, "title-runtime") == ["142 min"]
    assert texts_of(page, "title-certificate") == ["R"]
    assert texts_of(page, "title-votes") == ["Votes: 3,000,000"]
    assert texts_of(page, "title-rating-value") == ["9.3"]
    assert texts_of(page, "title-plot") == ["Two imprisoned men bond over a number of years."]
    assert texts_of(page, "title-directors") == ["Frank Darabont"]
    assert texts_of(page, "title-writers") == ["Stephen King, Frank Darabont"]
    assert texts_of(page, "credit-person")[-3:] == ["Tim Robbins", "Morgan Freeman", "Bob Gunton"]
    assert texts_of(page, "insight-decade") == ["1990s"]
    assert texts_of(page, "insight-director-total") == ["3"]
    assert texts_of(page, "insight-plot-tone") == ["Hopeful"]
    assert texts_of(page, "insight-keyword-score") == ["0.75"]
    assert "Prison" in page
    assert "Adaptation" in page
    assert texts_of(page, "aka") == ["Втеча з Шоушенка UA"]
    assert 'data-testid="title-recommendations"' not in page


def test_title_page_in_ukrainian_shows_the_original_title_too(client, shawshank):
    page = client.get("/catalog/tt0111161/").content.decode()

    assert texts_of(page, "title-heading") == ["Втеча з Шоушенка"]
    assert "The Shawshank Redemption" in texts_of(page, "title-original")[0]


def test_empty_sections_are_left_out(english):
    TitleFactory(imdb_id="tt0000001", rating=None, votes=0, plot="", runtime_minutes=None)

    page = english.get("/catalog/tt0000001/").content.decode()

    for testid in (
        "title-rating",
        "title-plot",
        "title-credits",
        "title-insights",
        "title-akas",
        "title-genres",
    ):
        assert f'data-testid="{testid}"' not in page, testid
    assert 'data-testid="title-poster-placeholder"' in page


def test_title_page_links_its_recommendations_in_order(english, shawshank):
    TitleFactory(imdb_id="tt0068646", primary_title="The Godfather")
    TitleFactory(imdb_id="tt0120689", primary_title="The Green Mile")
    Title.objects.filter(imdb_id="tt0111161").update(recommendations=["tt0120689", "tt9999999", "tt0068646"])

    page = english.get("/catalog/tt0111161/").content.decode()

    assert texts_of(page, "recommendation-link") == ["The Green Mile", "The Godfather"]
    hrefs = re.findall(r'href="([^"]+)" data-testid="recommendation-link"', page)
    assert hrefs == ["/catalog/tt0120689/", "/catalog/tt0068646/"]


@pytest.mark.parametrize(
    "path", ["/catalog/tt9999999/", "/catalog/abc/", "/catalog/tt123/", "/catalog/TT0111161/"]
)
def test_unknown_or_malformed_ids_are_404(client, shawshank, path):
    assert client.get(path).status_code == 404


def test_admin_finds_a_title_by_a_cyrillic_name_in_any_case(admin_client, shawshank):
    TitleFactory(primary_title="The Green Mile", akas=["Зелена миля"])

    response = admin_client.get("/admin/catalog/title/", {"q": "ВТЕЧА З"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The Shawshank Redemption" in page
    assert "The Green Mile" not in page
    assert (
        "The Shawshank Redemption"
        in admin_client.get("/admin/catalog/title/", {"q": "tt0111161"}).content.decode()
    )


def test_admin_title_page_and_saving_it_keep_search_text_current(admin_client, shawshank):
    change_url = f"/admin/catalog/title/{shawshank.pk}/change/"
    assert admin_client.get(change_url).status_code == 200
    assert admin_client.get("/admin/catalog/person/", {"q": "x"}).status_code == 200
    assert admin_client.get("/admin/catalog/genre/", {"q": "dra"}).status_code == 200

    shawshank.refresh_from_db()
    form = admin_client.get(change_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        primary_title="Rita Hayworth and Shawshank Redemption", genres=[g.pk for g in shawshank.genres.all()]
    )
    for prefix, formset in (("credits", 0), ("localized_titles", 2)):
        data[f"{prefix}-TOTAL_FORMS"] = formset
        data[f"{prefix}-INITIAL_FORMS"] = formset
    for index, aka in enumerate(shawshank.localized_titles.order_by("pk")):
        data.update(
            {
                f"localized_titles-{index}-id": aka.pk,
                f"localized_titles-{index}-title": shawshank.pk,
                f"localized_titles-{index}-name": aka.name,
                f"localized_titles-{index}-region": aka.region,
                f"localized_titles-{index}-language": aka.language,
                f"localized_titles-{index}-ordering": aka.ordering,
            }
        )
    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    shawshank.refresh_from_db()
    assert "rita hayworth" in shawshank.search_text
    assert "втеча з шоушенка" in shawshank.search_text
    assert shawshank.source == "admin"
    # The edit outranks every source from now on, and browsers hear of it.
    assert shawshank.field_sources["primary_title"][0] == "admin"
    event = Event.objects.order_by("-id").first()
    assert event.payload["title"] == "Rita Hayworth and Shawshank Redemption"
