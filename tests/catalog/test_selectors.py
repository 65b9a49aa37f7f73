"""Catalog reads: search in any script, filters, display names, recommendations, query counts."""

from decimal import Decimal

import pytest

from apps.catalog.decades import Decade
from apps.catalog.errors import TitleNotFound
from apps.catalog.models import Title, TitleType
from apps.catalog.selectors import (
    COLLECTION_UKRAINIAN,
    TitleSort,
    Trailer,
    decade_choices,
    genre_choices,
    title_display_name,
    title_get,
    title_known_as,
    title_list,
    title_people,
    title_recommendations,
    title_text,
    title_trailer,
    title_watch_offers,
    titles_by_ids,
    titles_most_shown,
)
from tests.factories.catalog import LocalizedTitleFactory, TitleFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def imdb_ids(titles) -> list[str]:
    return [title.imdb_id for title in titles]


@pytest.fixture
def shawshank():
    return TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        akas=[("Втеча з Шоушенка", "UA", "uk"), ("Побег из Шоушенка", "RU", "ru")],
        genres=["Drama"],
        votes=3_000_000,
        rating=Decimal("9.3"),
    )


@pytest.mark.parametrize("query", ["Втеча з Шоушенка", "втеча", "ШОУШЕНКА", "  втеча   з  шоушенка "])
def test_cyrillic_query_finds_a_title_by_its_ukrainian_name(shawshank, query):
    TitleFactory(primary_title="The Green Mile", akas=[("Зелена миля", "UA", "uk")])

    assert imdb_ids(title_list(query=query)) == ["tt0111161"]


def test_russian_name_finds_the_title_too(shawshank):
    assert imdb_ids(title_list(query="побег из шоушенка")) == ["tt0111161"]


@pytest.mark.parametrize("query", ["shawshank", "SHAWSHANK REDEMPTION", "The Shawshank"])
def test_latin_query_ignores_case(shawshank, query):
    assert imdb_ids(title_list(query=query)) == ["tt0111161"]


def test_query_matches_an_exact_imdb_id(shawshank):
    TitleFactory(imdb_id="tt0111162")

    assert imdb_ids(title_list(query="tt0111161")) == ["tt0111161"]
    assert imdb_ids(title_list(query="tt011116")) == []


def test_name_added_later_is_found(shawshank):
    LocalizedTitleFactory(title=shawshank, name="Шоушенк: спокута", region="UA", language="")

    assert imdb_ids(title_list(query="спокута")) == ["tt0111161"]


def test_list_is_ordered_by_votes_and_leaves_adult_titles_out():
    TitleFactory(imdb_id="tt0000001", votes=10)
    TitleFactory(imdb_id="tt0000002", votes=300)
    TitleFactory(imdb_id="tt0000003", votes=20)
    TitleFactory(imdb_id="tt0000004", votes=999, is_adult=True)

    assert imdb_ids(title_list()) == ["tt0000002", "tt0000003", "tt0000001"]
    assert imdb_ids(title_list(include_adult=True))[0] == "tt0000004"


def test_most_shown_titles_are_the_most_voted_ones_up_to_the_count():
    TitleFactory(imdb_id="tt0000001", votes=10)
    TitleFactory(imdb_id="tt0000002", votes=300)
    TitleFactory(imdb_id="tt0000003", votes=20)

    assert titles_most_shown(count=2) == ["tt0000002", "tt0000003"]


def test_filters_narrow_the_list_and_combine():
    TitleFactory(imdb_id="tt0000001", genres=["Drama"], start_year=1994, rating=Decimal("9.3"))
    TitleFactory(imdb_id="tt0000002", genres=["Drama", "Crime"], start_year=1972, rating=Decimal("9.2"))
    TitleFactory(imdb_id="tt0000003", genres=["Comedy"], start_year=1999, rating=Decimal("6.5"))
    TitleFactory(imdb_id="tt0000004", genres=["Drama"], start_year=2008, title_type=TitleType.TV_SERIES)

    assert set(imdb_ids(title_list(genre="Drama"))) == {"tt0000001", "tt0000002", "tt0000004"}
    assert set(imdb_ids(title_list(decade=Decade(1990)))) == {"tt0000001", "tt0000003"}
    assert imdb_ids(title_list(title_type=TitleType.TV_SERIES)) == ["tt0000004"]
    assert set(imdb_ids(title_list(min_rating=Decimal("9")))) == {"tt0000001", "tt0000002"}
    assert imdb_ids(title_list(genre="Drama", decade=Decade(1990), min_rating=Decimal("9"))) == ["tt0000001"]
    assert imdb_ids(title_list(genre="Western")) == []


def test_a_title_with_several_genres_is_listed_once():
    TitleFactory(imdb_id="tt0000001", genres=["Drama", "Crime", "Thriller"])

    assert imdb_ids(title_list(query="title")) == ["tt0000001"]


def test_list_costs_three_queries_however_many_titles(django_assert_num_queries):
    for n in range(5):
        TitleFactory(genres=["Drama", "Crime"], akas=[(f"Назва {n}", "UA", "uk"), (f"Имя {n}", "RU", "ru")])

    with django_assert_num_queries(3):  # titles, their genres, their display names
        titles = list(title_list(genre="Drama"))
        names = [title_display_name(title=title, language="uk") for title in titles]
        genres = [[genre.name for genre in title.genres.all()] for title in titles]

    assert sorted(names) == [f"Назва {n}" for n in range(5)]
    assert genres == [["Crime", "Drama"]] * 5


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uk", "Втеча з Шоушенка"),
        ("ru", "Побег из Шоушенка"),
        ("en", "The Shawshank Redemption"),
        ("de", "The Shawshank Redemption"),
    ],
)
def test_display_name_follows_the_visitors_language(shawshank, language, expected):
    for title in (
        title_list().get(),
        titles_by_ids(imdb_ids=["tt0111161"])[0],
        title_get(imdb_id="tt0111161"),
    ):
        assert title_display_name(title=title, language=language) == expected


def test_display_name_prefers_the_language_then_blank_then_primary():
    title = TitleFactory(
        primary_title="Primary",
        akas=[
            ("Ukraine in English", "UA", "en"),
            ("Ukraine unspecified", "UA", ""),
            ("Українською", "UA", "uk"),
        ],
    )
    unspecified = TitleFactory(primary_title="Primary", akas=[("Без мови", "UA", "")])
    foreign_only = TitleFactory(primary_title="Primary", akas=[("Ukraine in English", "UA", "en")])

    assert title_display_name(title=title, language="uk") == "Українською"
    assert title_display_name(title=unspecified, language="uk") == "Без мови"
    assert title_display_name(title=foreign_only, language="uk") == "Primary"
    assert title_display_name(title=title, language="ru") == "Primary"


def test_title_get_gathers_everything_for_the_page(django_assert_num_queries, shawshank):
    TitleFactory(
        imdb_id="tt0000002",
        directors=["Frank Darabont"],
        writers=["Stephen King", "Frank Darabont"],
        stars=[
            ("Tim Robbins", ["Andy Dufresne"]),
            ("Morgan Freeman", ["Ellis Boyd 'Red' Redding"]),
            "Bob Gunton",
        ],
        akas=["Назва", ("Title", "GB", "en"), ("Title", "US", "en")],
    )

    with django_assert_num_queries(4):  # title, genres, credits with people, localized titles
        title = title_get(imdb_id="tt0000002")
        people = title_people(title=title)
        known_as = title_known_as(title=title)
        list(title.genres.all())

    assert [credit.person.name for credit in people.directors] == ["Frank Darabont"]
    assert [credit.person.name for credit in people.writers] == ["Stephen King", "Frank Darabont"]
    assert [credit.person.name for credit in people.stars] == ["Tim Robbins", "Morgan Freeman", "Bob Gunton"]
    assert people.stars[0].characters == ["Andy Dufresne"]
    assert [(aka.name, aka.regions) for aka in known_as] == [("Назва", ["UA"]), ("Title", ["GB", "US"])]


@pytest.mark.parametrize("imdb_id", ["tt9999999", "tt123", "abc", "", "tt0111161/../x"])
def test_title_get_raises_for_unknown_or_malformed_ids(shawshank, imdb_id):
    with pytest.raises(TitleNotFound) as raised:
        title_get(imdb_id=imdb_id)

    assert raised.value.code == "title_not_found"
    assert raised.value.http_status == 404


def test_titles_by_ids_keep_the_given_order_and_skip_unknown_ids(django_assert_num_queries):
    for imdb_id in ("tt0000001", "tt0000002", "tt0000003"):
        TitleFactory(imdb_id=imdb_id, genres=["Drama"])

    with django_assert_num_queries(3):
        titles = titles_by_ids(imdb_ids=["tt0000003", "tt9999999", "tt0000001", "tt0000003", "tt0000002"])
        [title_display_name(title=title, language="uk") for title in titles]

    assert imdb_ids(titles) == ["tt0000003", "tt0000001", "tt0000002"]
    assert titles_by_ids(imdb_ids=[]) == []


def test_recommendations_follow_the_stored_order_without_the_title_itself():
    for imdb_id in ("tt0000002", "tt0000003"):
        TitleFactory(imdb_id=imdb_id)
    title = TitleFactory(
        imdb_id="tt0000001", recommendations=["tt0000003", "tt0000001", "tt0000404", 42, "tt0000002"]
    )

    assert imdb_ids(title_recommendations(title=title)) == ["tt0000003", "tt0000002"]


def test_recommendations_of_the_wrong_shape_are_none():
    title = TitleFactory(recommendations={"tt0000002": 1})

    assert title_recommendations(title=title) == []


def test_filter_choices_list_genres_and_the_decades_the_catalog_spans():
    assert decade_choices() == []

    TitleFactory(genres=["Drama", "Comedy"], start_year=1994)
    TitleFactory(genres=["Drama"], start_year=1999)
    TitleFactory(start_year=2010)
    TitleFactory(start_year=None)

    assert genre_choices() == ["Comedy", "Drama"]
    assert decade_choices() == [Decade(2010), Decade(2000), Decade(1990)]


def test_display_name_prefers_tmdbs_translated_title_to_the_aka():
    title = TitleFactory(
        primary_title="Fight Club",
        akas=[("Бійцівський клуб (1999)", "UA", "uk")],
        translations={"uk": {"title": "Бійцівський клуб"}, "ru": {"title": "  "}},
    )

    assert title_display_name(title=title, language="uk") == "Бійцівський клуб"
    assert title_display_name(title=title, language="ru") == "Fight Club"
    assert title_display_name(title=title, language="en") == "Fight Club"


@pytest.mark.parametrize(
    ("translations", "plot", "language", "expected"),
    [
        ({"uk": {"overview": "Український опис"}}, "English plot", "uk", ("Український опис", "uk", False)),
        ({"en": {"overview": "TMDB English"}}, "IMDb plot", "uk", ("TMDB English", "en", True)),
        ({}, "IMDb plot", "ru", ("IMDb plot", "en", True)),
        ({}, "IMDb plot", "en", ("IMDb plot", "en", False)),
        ({"uk": "not a mapping"}, "", "uk", None),
    ],
)
def test_overview_in_the_visitors_language_else_english(translations, plot, language, expected):
    title = TitleFactory(translations=translations, plot=plot)

    text = title_text(title=title, language=language, field="overview")

    assert (text and (text.text, text.language, text.is_fallback)) == expected


def test_trailer_and_offers_skip_what_cannot_be_shown():
    title = TitleFactory(
        trailers=[
            {"key": "javascript:alert(1)"},
            {"name": "no key"},
            {"key": "O-b2VfmmbyA", "name": "Trailer"},
        ],
        watch_providers={
            "link": "javascript:alert(1)",
            "rent": [{"name": ""}, {"logo_path": "/x.jpg"}],
            "buy": [{"name": "Apple TV"}],
        },
    )

    assert title_trailer(title=title, language="uk") == Trailer(key="O-b2VfmmbyA", name="Trailer")
    offers = title_watch_offers(title=title)
    assert offers.link == ""
    assert [(group.kind, [p.name for p in group.providers]) for group in offers.groups] == [
        ("buy", ["Apple TV"])
    ]
    assert title_watch_offers(title=TitleFactory()) is None
    assert title_trailer(title=TitleFactory(), language="uk") is None


def test_the_trailer_in_the_visitors_language_comes_first():
    title = TitleFactory(
        trailers=[
            {"key": "O-b2VfmmbyA", "name": "Офіційний трейлер", "language": "uk"},
            {"key": "qtRKdVHc-cE", "name": "Official Trailer", "language": "en"},
        ]
    )

    assert title_trailer(title=title, language="en").name == "Official Trailer"
    assert title_trailer(title=title, language="uk").name == "Офіційний трейлер"
    assert title_trailer(title=title, language="ru").name == "Офіційний трейлер"


# Sorting. The same expectations hold on SQLite (the catalog's collations) and PostgreSQL (ICU).
UKRAINIAN_ORDER = [
    "1984",
    "Голос",
    "Ґрунт",
    "Дім",
    "Експрес",
    "Єдність",
    "Зима",
    "Иній",
    "Іван",
    "Їжак",
    "Йод",
    "Як",
]
RUSSIAN_ORDER = ["Гора", "Еда", "Ежи", "Ёлка", "Жара", "Яблоко", "Alien"]
ENGLISH_ORDER = ["Æon Flux", "alien", "Alien", "Épouvante", "The Matrix", "Zodiac", "Атлантида"]


def sorted_names(language: str) -> list[str]:
    titles = title_list(sort=TitleSort.TITLE, language=language)
    return [title_display_name(title=title, language=language) for title in titles]


@pytest.mark.parametrize(
    ("language", "expected"), [("uk", UKRAINIAN_ORDER), ("ru", RUSSIAN_ORDER), ("en", ENGLISH_ORDER)]
)
def test_titles_sort_in_the_alphabet_of_the_visitors_language(language, expected):
    for name in reversed(expected):
        TitleFactory(primary_title=name, translations={language: {"title": name}})

    assert sorted_names(language) == expected


def test_sorting_by_title_sorts_by_the_name_the_visitor_sees():
    TitleFactory(primary_title="Atlantis", translations={"uk": {"title": "Атлантида"}})
    TitleFactory(primary_title="Shadows of Forgotten Ancestors", akas=[("Тіні забутих предків", "UA", "")])
    TitleFactory(primary_title="Brother", akas=[("Брат", "RU", "ru")])
    TitleFactory(primary_title="Ґудзик", translations={"uk": {"title": ""}})  # blank: the primary title

    assert sorted_names("uk") == ["Атлантида", "Ґудзик", "Тіні забутих предків", "Brother"]
    assert sorted_names("ru") == ["Брат", "Ґудзик", "Atlantis", "Shadows of Forgotten Ancestors"]
    assert sorted_names("en") == ["Atlantis", "Brother", "Shadows of Forgotten Ancestors", "Ґудзик"]


def test_lists_sort_by_votes_rating_or_year_with_the_unknown_last():
    TitleFactory(imdb_id="tt0000001", votes=10, rating=Decimal("9.5"), start_year=1950)
    TitleFactory(imdb_id="tt0000002", votes=3000, rating=None, start_year=2020)
    TitleFactory(imdb_id="tt0000003", votes=500, rating=Decimal("7.0"), start_year=None)

    assert imdb_ids(title_list()) == ["tt0000002", "tt0000003", "tt0000001"]
    assert imdb_ids(title_list(sort=TitleSort.RATING)) == ["tt0000001", "tt0000003", "tt0000002"]
    assert imdb_ids(title_list(sort=TitleSort.YEAR)) == ["tt0000002", "tt0000001", "tt0000003"]


def test_a_year_range_keeps_both_ends():
    for year in (1989, 1990, 1995, 1999, 2000):
        TitleFactory(imdb_id=f"tt000{year}", start_year=year)

    found = title_list(year_from=1990, year_to=1999, sort=TitleSort.YEAR)

    assert imdb_ids(found) == ["tt0001999", "tt0001995", "tt0001990"]
    assert imdb_ids(title_list(year_from=2000)) == ["tt0002000"]


def test_ukrainian_cinema_is_made_in_ukraine_in_ukrainian_or_originally_titled_so():
    TitleFactory(imdb_id="tt0000011", countries=["US", "UA"])
    TitleFactory(imdb_id="tt0000012", original_language="uk")
    TitleFactory(imdb_id="tt0000013", akas=[("Тіні забутих предків", "UA", "")])
    LocalizedTitleFactory(
        title=Title.objects.get(imdb_id="tt0000013"), region="", language="uk", is_original=True
    )
    TitleFactory(imdb_id="tt0000014", countries=["US"], original_language="en", akas=["Матриця"])
    TitleFactory(imdb_id="tt0000015", countries=["UAE"])  # not Ukraine, though its code starts alike

    assert sorted(imdb_ids(title_list(collection=COLLECTION_UKRAINIAN))) == [
        "tt0000011",
        "tt0000012",
        "tt0000013",
    ]
