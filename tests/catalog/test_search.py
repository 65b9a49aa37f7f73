"""Search that forgives, on the bundled sample: what people type finds what they meant.

Runs on the database the settings name: SQLite's FTS5 index in the embedded run, pg_trgm
with DATABASE_URL set; the same answers are expected of both.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from apps.catalog.models import Person, Title
from apps.catalog.search import query_forms, search_fold, search_text_build
from apps.catalog.search.text import word_similarity
from apps.catalog.selectors import person_search, search_suggest, title_list, title_search
from tests.factories.catalog import PersonFactory, TitleFactory

pytestmark = pytest.mark.embedded

GODFATHER, SHAWSHANK, MATRIX, AMELIE, INTERSTELLAR = (
    "tt0068646",
    "tt0111161",
    "tt0133093",
    "tt0211915",
    "tt0816692",
)
NOLAN = "nm0634240"


@pytest.fixture(scope="module")
def sample(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """The bundled sample catalog, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("catalog_sample_load", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def first_titles(query: str, count: int = 5) -> list[str]:
    pks = title_search(query=query, limit=count)
    by_pk = dict(Title.objects.filter(pk__in=pks).values_list("pk", "imdb_id"))
    return [by_pk[pk] for pk in pks]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "meant"),
    [
        ("Крестный отец", GODFATHER),  # stored with ё: «Крёстный отец»
        ("amelie", AMELIE),  # Amélie
        ("shawshenk", SHAWSHANK),  # a typo
        ("побег шоушенка", SHAWSHANK),  # «Побег из Шоушенка», a word left out, lower case
        ("шоушенка побег", SHAWSHANK),  # and the words swapped
        ("interstelar", INTERSTELLAR),
        ("матрця", MATRIX),  # «Матриця» with a letter missing
        ("THE MATRIX", MATRIX),
    ],
)
def test_what_people_type_finds_the_title_they_meant_first(sample, query, meant):
    assert first_titles(query)[0] == meant


@pytest.mark.django_db
def test_the_more_voted_of_two_equal_matches_comes_first(sample):
    godfathers = first_titles("крестный отец", count=2)

    assert godfathers == [GODFATHER, "tt0071562"]  # «Крёстный отец 2» after the first


@pytest.mark.django_db
def test_an_unrelated_query_finds_nothing(sample):
    assert first_titles("zzzyqx") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["Нолан", "нолан", "Christopher Nolan", "christofer nolan", "Кристофер Нолан"]
)
def test_people_are_found_by_name_in_either_script(sample, query):
    people = person_search(query=query, limit=5)

    assert people[0].imdb_id == NOLAN


@pytest.mark.django_db
def test_the_catalog_list_ranks_by_the_same_search(sample):
    listed = [title.imdb_id for title in title_list(query="shawshenk")]

    assert listed[0] == SHAWSHANK


@pytest.mark.django_db
def test_suggestions_name_titles_in_the_visitors_language_and_people_by_what_they_are_known_for(sample):
    suggestions = search_suggest(query="матрця", language="uk", limit=5)
    people = search_suggest(query="Нолан", language="en", limit=5).people

    assert (suggestions.titles[0].title.imdb_id, suggestions.titles[0].name) == (MATRIX, "Матриця")
    assert people[0].person.name == "Christopher Nolan"
    assert people[0].known_for  # his most voted title in the sample
    assert people[0].known_for in set(Title.objects.values_list("primary_title", flat=True))


@pytest.mark.django_db
def test_a_renamed_title_is_found_by_its_new_name_only(sample):
    title = TitleFactory(primary_title="Zoltraak Chronicles", votes=10)
    assert first_titles("zoltrak chronicles") == [title.imdb_id]

    title.primary_title = "Quillfeather Saga"
    title.search_text = search_text_build([title.primary_title])
    title.save()

    assert first_titles("zoltrak chronicles") == []
    assert first_titles("quilfeather") == [title.imdb_id]


@pytest.mark.django_db
def test_a_person_saved_one_by_one_is_searchable_too(sample):
    PersonFactory(imdb_id="nm9999991", name="Zofia Wiśniewská")

    assert [person.imdb_id for person in person_search(query="zofia wisniewska", limit=5)] == ["nm9999991"]


@pytest.mark.django_db
def test_deleted_titles_are_not_found(sample):
    Title.objects.filter(imdb_id=AMELIE).delete()

    assert AMELIE not in first_titles("amelie")


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("Крёстный  Отец", "крестныи отец"), ("AMÉLIE", "amelie"), ("Їжак", "іжак"), ("Straße", "strasse")],
)
def test_stored_names_and_queries_fold_alike(typed, folded):
    assert search_fold(typed) == folded


def test_a_cyrillic_query_is_also_read_in_latin_letters():
    assert query_forms("кристофер нолан") == ["кристофер нолан", "kristofer nolan"]
    assert query_forms("nolan") == ["nolan"]


def test_similarity_forgives_a_typo_but_not_another_word():
    assert word_similarity("shawshenk", "the shawshank redemption") >= 0.6
    assert word_similarity("shawshenk", "the green mile") == 0


@pytest.mark.django_db
def test_postgresql_uses_the_trigram_indexes(postgres, sample):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM catalog_title WHERE %s <%% search_text", ["shawshenk"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")

    assert "catalog_title_search_trgm" in plan
    assert (
        Person.objects.filter(imdb_id=NOLAN).values_list("search_name", flat=True).get()
        == "christopher nolan"
    )


@pytest.mark.django_db
def test_people_and_titles_the_pipeline_stores_or_renames_are_found_by_their_names_as_they_are_now():
    from apps.catalog.services import titles_ingest

    record = {
        "imdb_id": "tt9900001",
        "title_type": "movie",
        "primary_title": "Quixotic Lantern",
        "akas": [{"name": "Донкіхотський ліхтар", "region": "UA", "language": "uk"}],
        "directors": [{"imdb_id": "nm9900001", "name": "Zbigniew Łopata"}],
        "scraped_at": "2026-11-01T00:00:00+00:00",
    }
    titles_ingest([record], source="imdb_datasets")
    renamed = {
        **record,
        # A credit list that changed, as merges rename people only then.
        "directors": [
            {"imdb_id": "nm9900001", "name": "Marek Kowalski"},
            {"imdb_id": "nm9900002", "name": "Ewa Nowak", "ordering": 1},
        ],
        "scraped_at": "2026-11-02T00:00:00+00:00",
    }
    titles_ingest([renamed], source="imdb_datasets")

    assert person_search(query="zbigniew lopata", limit=5) == []
    assert [person.imdb_id for person in person_search(query="Marek Kowalski", limit=5)] == ["nm9900001"]
    assert [person.imdb_id for person in person_search(query="Марек Ковальски", limit=5)] == ["nm9900001"]
    assert first_titles("ліхтар донкіхотський") == ["tt9900001"]
