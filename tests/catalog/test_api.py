"""GET /api/search: what the search box asks as a visitor types."""

import pytest

from tests.factories.catalog import PersonFactory, TitleFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture
def shawshank():
    darabont = PersonFactory(imdb_id="nm0001104", name="Frank Darabont")
    return TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        start_year=1994,
        akas=[("Втеча з Шоушенка", "UA", "uk"), ("Побег из Шоушенка", "RU", "ru")],
        directors=[darabont],
        votes=3_000_000,
        poster_path="/shawshank.jpg",
    )


def test_a_typo_finds_the_title_named_in_the_requested_language(client, shawshank):
    reply = client.get("/api/search", {"q": "shawshenk", "lang": "uk"})

    assert reply.status_code == 200
    assert reply.json()["titles"] == [
        {
            "imdb_id": "tt0111161",
            "name": "Втеча з Шоушенка",
            "year": 1994,
            "type": "movie",
            "type_label": "Фільм",
            "poster_url": "https://image.tmdb.org/t/p/w92/shawshank.jpg",
            "url": "/catalog/tt0111161/",
        }
    ]


def test_the_accept_language_header_names_the_title_when_no_lang_is_given(client, shawshank):
    reply = client.get("/api/search", {"q": "shawshank"}, headers={"accept-language": "ru"})

    assert reply.json()["titles"][0]["name"] == "Побег из Шоушенка"


def test_a_cyrillic_name_finds_a_person_with_what_they_are_known_for(client, shawshank):
    reply = client.get("/api/search", {"q": "Дарабонт", "lang": "en"})

    assert reply.json()["people"] == [
        {
            "imdb_id": "nm0001104",
            "name": "Frank Darabont",
            "url": "/people/nm0001104/",
            "known_for": "The Shawshank Redemption",
            "known_for_department": None,
        }
    ]
    assert reply.json()["titles"] == []


@pytest.mark.parametrize("q", ["", "x" * 201])
def test_an_empty_or_overlong_query_is_refused_saying_which_parameter(client, q):
    reply = client.get("/api/search", {"q": q})

    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "invalid_request"
    assert body["message"].startswith("q: ")
    assert [(problem["field"], problem["in"]) for problem in body["errors"]] == [("q", "query")]


def test_a_blank_query_is_refused_with_a_message(client):
    reply = client.get("/api/search", {"q": "   ", "lang": "en"})

    assert reply.status_code == 400
    assert reply.json() == {"code": "search_query_blank", "message": "Type something to search for."}


def test_a_missing_query_is_refused(client):
    assert client.get("/api/search").status_code == 422


def test_the_api_docs_describe_the_search_and_its_answer(client):
    schema = client.get("/api/openapi.json").json()

    operation = schema["paths"]["/api/search"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"q", "lang", "limit"}
    assert set(operation["responses"]) == {"200", "304", "400", "422"}
    answer = schema["components"]["schemas"]["SearchOut"]
    assert set(answer["properties"]) == {"titles", "people"}
    assert "poster_url" in schema["components"]["schemas"]["TitleSuggestionOut"]["properties"]
