"""Person pages: photo, years, what they are known for, filmography by role; bounded queries; 404s."""

import re

import pytest
from django.conf import settings

from apps.catalog.models import CreditRole
from apps.catalog.selectors import person_filmography, person_get
from tests.catalog.test_views import img_tags, texts_of
from tests.factories.catalog import CreditFactory, PersonFactory, TitleFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def darabont():
    """A director who also writes, in five titles of different years and fame."""
    person = PersonFactory(
        imdb_id="nm0001104",
        name="Frank Darabont",
        birth_year=1959,
        profile_path="/7LqmE3p1XTwCdNCOmBxovxi2OxA.jpg",
        known_for_department="Directing",
    )
    TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        akas=[("Втеча з Шоушенка", "UA", "uk")],
        start_year=1994,
        votes=3_000_000,
        directors=[person],
        writers=[person],
    )
    TitleFactory(
        imdb_id="tt0120689",
        primary_title="The Green Mile",
        translations={"uk": {"title": "Зелена миля"}},
        start_year=1999,
        votes=1_400_000,
        directors=[person],
        writers=[person],
    )
    TitleFactory(
        imdb_id="tt0884328", primary_title="The Mist", start_year=2007, votes=300_000, directors=[person]
    )
    TitleFactory(
        imdb_id="tt1520211",
        primary_title="The Walking Dead",
        start_year=2010,
        votes=1_100_000,
        writers=[person],
    )
    TitleFactory(
        imdb_id="tt0087800",
        primary_title="A Nightmare on Elm Street 3",
        start_year=1987,
        votes=100_000,
        writers=[person],
    )
    TitleFactory(
        imdb_id="tt9999998",
        primary_title="Untitled Darabont Project",
        start_year=None,
        votes=10,
        directors=[person],
    )
    return person


def test_person_page_shows_photo_years_and_what_they_are_known_for(english, darabont):
    page = english.get("/people/nm0001104/").content.decode()

    assert texts_of(page, "person-name") == ["Frank Darabont"]
    assert texts_of(page, "person-years") == ["1959"]
    assert texts_of(page, "person-department") == ["Directing"]
    (photo,) = img_tags(page, "person-photo")
    assert 'src="https://image.tmdb.org/t/p/w185/7LqmE3p1XTwCdNCOmBxovxi2OxA.jpg"' in photo
    assert 'data-tile="F"' in photo
    assert texts_of(page, "known-for-link") == [
        "The Shawshank Redemption",
        "The Green Mile",
        "The Walking Dead",
        "The Mist",
    ]
    assert 'href="https://www.imdb.com/name/nm0001104/"' in page


def test_filmography_is_grouped_by_role_known_department_first_newest_first(english, darabont):
    page = english.get("/people/nm0001104/").content.decode()

    groups = re.findall(r'data-testid="filmography-(director|writer|star)"', page)
    assert groups == ["director", "writer"]
    directing, writing = page.split('data-testid="filmography-writer"')
    assert texts_of(directing, "filmography-link") == [
        "The Mist",
        "The Green Mile",
        "The Shawshank Redemption",
        "Untitled Darabont Project",
    ]
    assert texts_of(writing, "filmography-link") == [
        "The Walking Dead",
        "The Green Mile",
        "The Shawshank Redemption",
        "A Nightmare on Elm Street 3",
    ]
    assert (
        re.findall(r'href="(/catalog/tt\d+/)" data-testid="filmography-link"', directing)[0]
        == "/catalog/tt0884328/"
    )


def test_filmography_names_titles_in_the_visitors_language(client, darabont):
    page = client.get("/people/nm0001104/").content.decode()

    names = texts_of(page, "filmography-link")
    assert "Втеча з Шоушенка" in names
    assert "Зелена миля" in names
    assert "The Mist" in names
    assert texts_of(page, "person-department") == ["Режисура"]


def test_an_actor_shows_characters_and_acting_comes_first(english):
    actor = PersonFactory(imdb_id="nm0000209", name="Tim Robbins", known_for_department="Acting")
    TitleFactory(
        imdb_id="tt0111161", primary_title="The Shawshank Redemption", stars=[(actor, ["Andy Dufresne"])]
    )
    TitleFactory(imdb_id="tt0118798", primary_title="Cradle Will Rock", start_year=1999, directors=[actor])

    page = english.get("/people/nm0000209/").content.decode()

    assert re.findall(r'data-testid="filmography-(director|writer|star)"', page) == ["star", "director"]
    assert texts_of(page, "filmography-item")[0] == "1994 The Shawshank Redemption Andy Dufresne"
    assert texts_of(page, "person-department") == ["Acting"]


def test_a_person_without_photo_or_years_gets_a_tile_and_no_empty_facts(english):
    PersonFactory(imdb_id="nm0000001", name="Émile Cohl")

    page = english.get("/people/nm0000001/").content.decode()

    assert texts_of(page, "person-photo-placeholder") == ["É"]
    for testid in ("person-years", "person-department", "person-known-for", "person-filmography"):
        assert f'data-testid="{testid}"' not in page, testid


@pytest.mark.parametrize(
    "path", ["/people/nm9999999/", "/people/abc/", "/people/nm12/", "/people/tt0111161/"]
)
def test_unknown_or_malformed_person_ids_are_404(client, darabont, path):
    assert client.get(path).status_code == 404


def test_person_page_queries_do_not_grow_with_the_filmography(
    english, darabont, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        english.get("/people/nm0001104/")
    for number in range(30):
        CreditFactory(person=darabont, role=CreditRole.STAR, title=TitleFactory(akas=[f"Назва {number}"]))

    with django_assert_max_num_queries(5):
        page = english.get("/people/nm0001104/").content.decode()

    assert len(texts_of(page, "filmography-item")) == 8 + 30


def test_filmography_selector_orders_by_year_and_bounds_queries(darabont, django_assert_num_queries):
    person = person_get(imdb_id="nm0001104")

    with django_assert_num_queries(3):
        filmography = person_filmography(person=person)
        years = [[credit.title.start_year for credit in role.credits] for role in filmography.roles]

    assert [role.role for role in filmography.roles] == [CreditRole.DIRECTOR, CreditRole.WRITER]
    assert years == [[2007, 1999, 1994, None], [2010, 1999, 1994, 1987]]
    assert [title.imdb_id for title in filmography.known_for] == [
        "tt0111161",
        "tt0120689",
        "tt1520211",
        "tt0884328",
    ]
