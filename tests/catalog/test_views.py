"""Catalog pages over HTTP: the list with its filters and pages, title pages, the admin search."""

import datetime
import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache

from apps.catalog import views
from apps.catalog.images import tmdb_image_base_forget
from apps.catalog.models import Credit, Title, TitleType
from apps.scraping.tmdb import IMAGE_BASE_KEY as IMAGE_BASE_CACHE_KEY
from apps.stream.models import Event
from tests.factories.catalog import PersonFactory, TitleFactory

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
    # Search forgives the garbage word that is left: the title named is still found.
    assert texts_of(response.content.decode(), "catalog-result-title") == ["The Shawshank Redemption"]


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


# --- Title pages with what TMDB fills (issue #14) ---------------------------------------


@pytest.fixture
def fight_club():
    """Fight Club as TMDB describes it (/work/shared/fixtures/tmdb/movie-550-details.json)."""
    tyler = PersonFactory(
        imdb_id="nm0000093", name="Brad Pitt", profile_path="/cckcYc2v0yh1tc9QjRelptcOBko.jpg"
    )
    return TitleFactory(
        imdb_id="tt0137523",
        primary_title="Fight Club",
        start_year=1999,
        runtime_minutes=139,
        certificate="R",
        rating=Decimal("8.8"),
        votes=2_500_000,
        plot="An insomniac office worker and a devil-may-care soap maker form an underground fight club.",
        genres=["Drama"],
        directors=[PersonFactory(imdb_id="nm0000399", name="David Fincher")],
        writers=["Chuck Palahniuk", "Jim Uhls"],
        stars=[(tyler, ["Tyler Durden"]), ("Edward Norton", ["Narrator"])],
        tmdb_id=550,
        poster_path="/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
        backdrop_path="/hZkgoQYus5vegHoetLkCJzb17zJ.jpg",
        translations={
            "en": {
                "title": "Fight Club",
                "overview": "A ticking-time-bomb insomniac and a slippery soap salesman channel primal male aggression.",
                "tagline": "Mischief. Mayhem. Soap.",
            },
            "uk": {
                "title": "Бійцівський клуб",
                "overview": "Страждаючий на безсоння клерк і харизматичний торговець милом засновують бійцівський клуб.",
                "tagline": "Пустощі. Хаос. Мило.",
            },
        },
        regional_release_date=datetime.date(2000, 2, 10),
        release_region="UA",
        age_rating="18+",
        countries=["DE", "US"],
        original_language="en",
        trailers=[
            {"key": "O-b2VfmmbyA", "name": "Офіційний трейлер", "language": "uk", "official": True},
            {"key": "qtRKdVHc-cE", "name": "Trailer", "language": "en", "official": True},
        ],
        watch_providers={
            "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=UA",
            "flatrate": [{"name": "Netflix", "logo_path": "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"}],
            "buy": [{"name": "Apple TV", "logo_path": "/9ghgSC0MA082EL6HLCW3GalykFD.jpg"}],
        },
        tmdb_vote_average=Decimal("8.4"),
        tmdb_vote_count=27917,
    )


def meta_content(page: str, key: str) -> list[str]:
    """The content of every <meta property|name=key> in the page."""
    return [
        unescape(content)
        for content in re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    ]


def json_ld_of(page: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block)


def img_tags(page: str, testid: str) -> list[str]:
    return re.findall(rf'<img [^>]*data-testid="{testid}"[^>]*>', page, re.S)


def test_title_page_in_ukrainian_shows_tmdbs_ukrainian_title_plot_tagline_and_release(client, fight_club):
    page = client.get("/catalog/tt0137523/").content.decode()

    assert texts_of(page, "title-heading") == ["Бійцівський клуб"]
    assert "Fight Club" in texts_of(page, "title-original")[0]
    assert texts_of(page, "title-plot") == [fight_club.translations["uk"]["overview"]]
    assert 'lang="uk" data-testid="title-plot"' in page
    assert texts_of(page, "title-plot-note") == []
    assert texts_of(page, "title-tagline") == ["Пустощі. Хаос. Мило."]
    assert texts_of(page, "title-release-date") == ["10 лютого 2000 р."]
    assert "Україна" in page.split('data-testid="title-release-date"')[0].rsplit("<dt>", 1)[1]
    assert texts_of(page, "title-certificate") == ["18+"]
    assert texts_of(page, "title-countries") == ["Німеччина, США"]
    assert texts_of(page, "title-runtime") == ["139 хв"]


@pytest.mark.parametrize(
    ("language", "plot", "note"),
    [
        ("ru", "A ticking-time-bomb insomniac", "Описание на английском"),
        ("en", "A ticking-time-bomb insomniac", None),
    ],
)
def test_plot_falls_back_to_english_and_says_so(client, fight_club, language, plot, note):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/catalog/tt0137523/").content.decode()

    assert texts_of(page, "title-plot")[0].startswith(plot)
    assert 'lang="en" data-testid="title-plot"' in page
    assert texts_of(page, "title-plot-note") == ([note] if note else [])
    assert texts_of(page, "title-tagline") == ["Mischief. Mayhem. Soap."]


def test_imdb_plot_stands_in_when_tmdb_has_no_overview(client):
    TitleFactory(imdb_id="tt0000002", plot="Two men bond in prison.")

    page = client.get("/catalog/tt0000002/").content.decode()

    assert texts_of(page, "title-plot") == ["Two men bond in prison."]
    assert texts_of(page, "title-plot-note") == ["Опис англійською"]
    assert 'data-testid="title-tagline"' not in page


def test_poster_comes_from_tmdb_in_three_sizes(english, fight_club):
    page = english.get("/catalog/tt0137523/").content.decode()

    (poster,) = img_tags(page, "title-poster")
    assert 'src="https://image.tmdb.org/t/p/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"' in poster
    srcset = re.search(r'srcset="([^"]+)"', poster).group(1)
    assert srcset.split(", ") == [
        f"https://image.tmdb.org/t/p/{size}/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg {size[1:]}w"
        for size in ("w185", "w342", "w500")
    ]
    assert 'data-tile="F"' in poster
    (backdrop,) = img_tags(page, "title-backdrop")
    assert 'alt=""' in backdrop
    assert "https://image.tmdb.org/t/p/w1280/hZkgoQYus5vegHoetLkCJzb17zJ.jpg 1280w" in backdrop
    assert 'class="title-backdrop" aria-hidden="true"' in page


def test_image_urls_use_the_base_tmdbs_configuration_names(english, fight_club):
    cache.set(IMAGE_BASE_CACHE_KEY, "https://images.example.org/t/p/")
    tmdb_image_base_forget()
    try:
        page = english.get("/catalog/tt0137523/").content.decode()
    finally:
        cache.delete(IMAGE_BASE_CACHE_KEY)
        tmdb_image_base_forget()

    (poster,) = img_tags(page, "title-poster")
    assert 'src="https://images.example.org/t/p/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"' in poster
    assert "image.tmdb.org" not in page


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"poster_url": "https://m.media-amazon.com/images/M/poster.jpg"}, "m.media-amazon.com"),
        ({}, None),
    ],
)
def test_without_a_tmdb_poster_the_imdb_poster_or_the_letter_tile_shows(english, fields, expected):
    TitleFactory(imdb_id="tt0000003", primary_title="Zorro", **fields)

    page = english.get("/catalog/tt0000003/").content.decode()

    posters = img_tags(page, "title-poster")
    if expected:
        assert expected in posters[0]
        assert 'data-tile="Z"' in posters[0]
    else:
        assert posters == []
        assert texts_of(page, "title-poster-placeholder") == ["Z"]
    assert 'data-testid="title-backdrop"' not in page


def test_trailer_is_a_button_until_clicked_and_nothing_from_youtube_is_on_the_page(english, fight_club):
    response = english.get("/catalog/tt0137523/")
    page = response.content.decode()

    assert texts_of(page, "trailer-button")[0].startswith("Trailer")
    assert 'data-trailer-key="qtRKdVHc-cE"' in page
    assert not re.search(r"(https?:)?//[^\s\"'<>]*(youtube|ytimg)", page), (
        "nothing from YouTube before a click"
    )
    assert "<iframe" not in page
    assert "js/trailer.js" in page
    policy = response.headers["Content-Security-Policy"]
    frame_src = next(part for part in policy.split(";") if part.strip().startswith("frame-src"))
    assert frame_src.split()[1:] == ["https://www.youtube-nocookie.com"]


def test_where_to_watch_lists_offers_by_kind_with_logos_and_credits_justwatch(english, fight_club):
    page = english.get("/catalog/tt0137523/").content.decode()

    assert texts_of(page, "watch-flatrate") == ["Stream Netflix"]
    assert texts_of(page, "watch-buy") == ["Buy Apple TV"]
    assert 'data-testid="watch-rent"' not in page
    assert "https://image.tmdb.org/t/p/w92/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg" in page
    assert 'href="https://www.themoviedb.org/movie/550-fight-club/watch?locale=UA"' in page
    assert texts_of(page, "watch-credit") == ["Data by JustWatch"]


def test_cast_has_photos_characters_and_every_name_links_to_the_persons_page(english, fight_club):
    page = english.get("/catalog/tt0137523/").content.decode()

    # Brad Pitt has a TMDB photo; Edward Norton has none yet, so his initial's tile stands in.
    assert texts_of(page, "cast-member") == ["Brad Pitt Tyler Durden", "E Edward Norton Narrator"]
    (photo,) = img_tags(page, "cast-photo")
    assert "https://image.tmdb.org/t/p/w185/cckcYc2v0yh1tc9QjRelptcOBko.jpg" in photo
    assert 'data-tile="B"' in photo
    links = re.findall(r'<a class="person" href="([^"]+)" data-testid="credit-person">([^<]+)</a>', page)
    assert ("/people/nm0000399/", "David Fincher") in links
    assert ("/people/nm0000093/", "Brad Pitt") in links
    assert len(links) == 5


def test_title_links_out_to_imdb_and_tmdb(english, fight_club):
    TitleFactory(imdb_id="tt0903747", title_type=TitleType.TV_SERIES, tmdb_id=1396)

    movie = english.get("/catalog/tt0137523/").content.decode()
    series = english.get("/catalog/tt0903747/").content.decode()

    assert 'href="https://www.imdb.com/title/tt0137523/"' in movie
    assert 'href="https://www.themoviedb.org/movie/550"' in movie
    assert 'href="https://www.themoviedb.org/tv/1396"' in series


def test_a_title_tmdb_has_not_matched_links_only_to_imdb(english):
    TitleFactory(imdb_id="tt0000005")

    page = english.get("/catalog/tt0000005/").content.decode()

    assert 'data-testid="link-imdb"' in page
    for testid in (
        "link-tmdb",
        "title-trailer",
        "title-watch",
        "title-details",
        "title-tagline",
        "title-seasons",
    ):
        assert f'data-testid="{testid}"' not in page, testid
    assert meta_content(page, "og:image") == []
    assert meta_content(page, "og:description") == []
    data = json_ld_of(page)
    assert "image" not in data
    assert "description" not in data
    assert data["sameAs"] == ["https://www.imdb.com/title/tt0000005/"]
    assert "js/trailer.js" not in page


def test_series_show_their_years_and_seasons(client):
    TitleFactory(
        imdb_id="tt0903747",
        title_type=TitleType.TV_SERIES,
        start_year=2008,
        end_year=2013,
        number_of_seasons=5,
    )
    TitleFactory(imdb_id="tt0944947", title_type=TitleType.TV_SERIES, start_year=2022, number_of_seasons=1)

    ended = client.get("/catalog/tt0903747/").content.decode()
    running = client.get("/catalog/tt0944947/").content.decode()

    assert texts_of(ended, "title-years") == ["2008–2013"]
    assert texts_of(ended, "title-seasons") == ["5 сезонів"]
    assert texts_of(running, "title-years") == ["2022–"]
    assert texts_of(running, "title-seasons") == ["1 сезон"]


def test_age_rating_falls_back_to_the_imdb_certificate(english):
    TitleFactory(imdb_id="tt0000006", certificate="PG-13")

    page = english.get("/catalog/tt0000006/").content.decode()

    assert texts_of(page, "title-certificate") == ["PG-13"]


def test_open_graph_and_twitter_tags_preview_the_page_in_the_visitors_language(client, fight_club):
    page = client.get("/catalog/tt0137523/").content.decode()

    assert meta_content(page, "og:title") == ["Бійцівський клуб (1999)"]
    assert meta_content(page, "og:description") == [fight_club.translations["uk"]["overview"]]
    assert meta_content(page, "description") == [fight_club.translations["uk"]["overview"]]
    assert meta_content(page, "og:image") == [
        "https://image.tmdb.org/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    ]
    assert meta_content(page, "og:type") == ["video.movie"]
    assert meta_content(page, "og:locale") == ["uk_UA"]
    assert meta_content(page, "og:url") == ["http://testserver/catalog/tt0137523/"]
    assert meta_content(page, "twitter:card") == ["summary_large_image"]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = client.get("/catalog/tt0137523/").content.decode()
    assert meta_content(russian, "og:locale") == ["ru_RU"]
    assert meta_content(russian, "og:title") == ["Fight Club (1999)"]


def test_json_ld_describes_the_movie(english, fight_club):
    data = json_ld_of(english.get("/catalog/tt0137523/").content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Movie"
    assert data["name"] == "Fight Club"
    assert data["image"] == "https://image.tmdb.org/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    assert data["description"].startswith("A ticking-time-bomb insomniac")
    assert data["datePublished"] == "2000-02-10"
    assert data["duration"] == "PT2H19M"
    assert data["contentRating"] == "18+"
    assert data["genre"] == ["Drama"]
    assert data["director"] == [
        {"@type": "Person", "name": "David Fincher", "sameAs": "https://www.imdb.com/name/nm0000399/"}
    ]
    assert [actor["name"] for actor in data["actor"]] == ["Brad Pitt", "Edward Norton"]
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 8.8,
        "ratingCount": 2_500_000,
        "bestRating": 10,
        "worstRating": 1,
    }
    assert data["sameAs"] == ["https://www.imdb.com/title/tt0137523/", "https://www.themoviedb.org/movie/550"]


def test_json_ld_of_a_series_and_text_that_could_close_the_script(english):
    TitleFactory(
        imdb_id="tt0903747",
        title_type=TitleType.TV_SERIES,
        primary_title="</script><script>alert(1)</script>",
        number_of_seasons=5,
        runtime_minutes=45,
        rating=None,
    )

    page = english.get("/catalog/tt0903747/").content.decode()
    data = json_ld_of(page)

    assert data["@type"] == "TVSeries"
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["numberOfSeasons"] == 5
    assert data["duration"] == "PT45M"
    assert "aggregateRating" not in data
    assert meta_content(page, "og:type") == ["video.tv_show"]


def test_plot_derived_tiles_show_only_when_there_is_a_plot_and_director_stats_only_with_directors(english):
    TitleFactory(
        imdb_id="tt0000007",
        plot="",
        sentiment_analysis={"plot_tone": "Neutral", "keyword_score": 0.5},
        director_stats={"total_movies": 2, "average_rating": 7.1},
        decade_category="1990s",
    )
    TitleFactory(
        imdb_id="tt0000008",
        plot="",
        translations={"uk": {"overview": "Історія про дружбу."}},
        sentiment_analysis={"plot_tone": "Hopeful", "keyword_score": 0.0},
    )

    without_plot = english.get("/catalog/tt0000007/").content.decode()
    with_plot = english.get("/catalog/tt0000008/").content.decode()

    assert texts_of(without_plot, "insight-decade") == ["1990s"]
    for testid in (
        "insight-plot-tone",
        "insight-keyword-score",
        "insight-director-total",
        "insight-director-rating",
    ):
        assert f'data-testid="{testid}"' not in without_plot, testid
    assert texts_of(with_plot, "insight-plot-tone") == ["Hopeful"]
    assert texts_of(with_plot, "insight-keyword-score") == ["0.00"]


def test_cards_in_lists_use_the_tmdb_poster_and_name_their_tile(english, fight_club):
    TitleFactory(
        imdb_id="tt0000009", primary_title="Amelie", poster_url="https://m.media-amazon.com/images/M/a.jpg"
    )

    page = english.get("/catalog/").content.decode()

    assert 'src="https://image.tmdb.org/t/p/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"' in page
    assert re.search(r'<img src="https://m\.media-amazon\.com/images/M/a\.jpg"[^>]*data-tile="A"', page)


def test_title_page_queries_do_not_grow_with_the_cast(english, fight_club, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        english.get("/catalog/tt0137523/")
    for number in range(20):
        Credit.objects.create(
            title=fight_club,
            person=PersonFactory(profile_path=f"/p{number}.jpg"),
            role="star",
            ordering=10 + number,
        )

    with django_assert_max_num_queries(8):
        page = english.get("/catalog/tt0137523/").content.decode()

    assert len(texts_of(page, "cast-member")) == 22


def test_the_list_sorts_by_title_in_each_language_and_page_links_keep_the_order(client):
    TitleFactory(primary_title="Ґрунт", translations={"ru": {"title": "Грунт"}}, votes=1)
    TitleFactory(primary_title="Голос", votes=2)
    TitleFactory(primary_title="Єва", translations={"ru": {"title": "Ева"}}, votes=3)
    TitleFactory(primary_title="Ель", votes=4)

    ukrainian = client.get("/catalog/", {"sort": "title"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = client.get("/catalog/", {"sort": "title"}).content.decode()

    assert texts_of(ukrainian, "catalog-result-title") == ["Голос", "Ґрунт", "Ель", "Єва"]
    assert texts_of(russian, "catalog-result-title") == ["Голос", "Грунт", "Ева", "Ель"]
    assert 'value="title" selected' in ukrainian


def test_sort_and_years_ride_along_in_page_links(english):
    for n in range(30):
        TitleFactory(primary_title=f"Drama {n:02d}", start_year=1990 + n % 10)

    page = english.get("/catalog/", {"sort": "year", "from": "1990", "to": "1999"}).content.decode()

    next_link = re.search(r'href="([^"]+)"[^>]*data-testid="pagination-next"', page).group(1)
    assert next_link == "?from=1990&amp;to=1999&amp;sort=year&amp;page=2"
    years = [int(re.search(r"\d{4}", text).group()) for text in texts_of(page, "title-card-year")]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize(
    ("params", "ignored", "problem"),
    [
        ({"from": "2000", "to": "1990"}, "Years to", "Years to: The last year comes before the first."),
        ({"from": "nineteen"}, "Years from", "Years from: Enter a whole number."),
        ({"to": "99999"}, "Years to", "Years to: Ensure this value is less than or equal to 2100."),
        ({"sort": "random()"}, "Sort by", None),
        ({"collection": "mars"}, "Collection", None),
    ],
)
def test_filter_input_that_makes_no_sense_is_explained_never_a_500(
    english, shawshank, params, ignored, problem
):
    response = english.get("/catalog/", params)

    assert response.status_code == 200
    page = response.content.decode()
    assert texts_of(page, "filters-ignored") == [
        f"Some filters were not understood and were left out: {ignored}."
    ]
    if problem:
        assert problem in texts_of(page, "filters-problems")[0]
    assert texts_of(page, "catalog-result-title") == ["The Shawshank Redemption"]


def test_ukrainian_cinema_is_a_collection_of_its_own_reachable_from_the_home_page(client):
    TitleFactory(
        primary_title="Shadows of Forgotten Ancestors", original_language="uk", akas=["Тіні забутих предків"]
    )
    TitleFactory(primary_title="The Matrix", countries=["US"])

    home = client.get("/").content.decode()
    link = re.search(r'href="([^"]+)"[^>]*data-testid="card-ukrainian-cinema"', home).group(1)
    page = client.get(link.replace("&amp;", "&")).content.decode()

    assert texts_of(page, "page-title") == ["Українське кіно"]
    assert texts_of(page, "catalog-result-title") == ["Тіні забутих предків"]
