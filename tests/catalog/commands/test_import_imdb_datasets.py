"""`manage.py import_imdb_datasets` against a stand-in dataset host speaking plain HTTP."""

import gzip
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.catalog.models import Credit, DatasetDigest, DatasetFile, LocalizedTitle, Person, Title
from apps.catalog.search import search_fold
from apps.catalog.tasks import imdb_datasets_refresh_task
from apps.scraping import imdb_datasets
from apps.scraping.imdb_datasets import DatasetHeaderMismatch
from apps.stream.models import Event
from tests.standins.datasets import (
    BASICS,
    HEADERS,
    NAMES,
    RATINGS,
    N,
    datasets_serve,
    datasets_shuffle,
    datasets_write_sample,
)

pytestmark = pytest.mark.embedded


@pytest.fixture
def datasets_host(tmp_path):
    datasets_write_sample(tmp_path)
    yield from datasets_serve(tmp_path)


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_imdb_datasets", *args, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.mark.django_db
def test_import_from_the_dataset_host_stores_every_wanted_title(datasets_host):
    summary = run("--url", datasets_host, "--types", "movie,tvSeries", "--min-votes", "1000")

    assert set(Title.objects.values_list("imdb_id", flat=True)) == {
        "tt0079944", "tt0090555", "tt0111161", "tt0120689", "tt0401711", "tt0903747",
    }  # fmt: skip
    shawshank = Title.objects.get(imdb_id="tt0111161")
    assert shawshank.rating == Decimal("9.3")
    assert shawshank.runtime_minutes == 142
    assert list(shawshank.credits.filter(role="director").values_list("person__name", flat=True)) == [
        "Frank Darabont"
    ]
    assert list(shawshank.credits.filter(role="star").values_list("person__name", flat=True)) == [
        "Tim Robbins",
        "Morgan Freeman",
    ]
    assert Title.objects.get(imdb_id="tt0090555").primary_title == '"Crocodile" Dundee'  # a quote is data
    assert Title.objects.get(imdb_id="tt0401711").credits.filter(role="director").count() == 12
    assert Title.objects.get(imdb_id="tt0401711").runtime_minutes is None  # \N is null
    series = Title.objects.get(imdb_id="tt0903747")
    assert (series.title_type, series.start_year, series.end_year) == ("tvSeries", 2008, 2013)
    assert Title.objects.filter(search_text__contains=search_fold("СТАЛКЕР")).get().imdb_id == "tt0079944"
    assert "inserted 6" in summary
    assert "malformed lines 1" in summary
    assert "title.basics line 8: 5 fields, expected 9" in summary
    assert Event.objects.filter(type="movie").count() == 6


@pytest.mark.django_db
def test_the_summary_lists_the_first_malformed_lines_and_counts_the_rest(tmp_path):
    broken = [[f"tt99990{number:02d}", "movie", "Cut short"] for number in range(30)]
    datasets_write_sample(tmp_path, title_basics=[*BASICS, *broken])

    summary = run("--dir", str(tmp_path), "--types", "movie")

    assert "malformed lines 31" in summary  # the sample's own one and these 30
    assert summary.count("  malformed: ") == 20
    assert "  … and 11 more malformed lines" in summary
    assert Title.objects.filter(imdb_id__startswith="tt99990").count() == 0


@pytest.mark.django_db
def test_reimporting_unchanged_files_publishes_nothing(datasets_host):
    run("--url", datasets_host, "--types", "movie")
    events = Event.objects.count()

    summary = run("--url", datasets_host, "--types", "movie")

    assert "inserted 0, updated 0, unchanged 5" in summary
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_a_daily_refresh_updates_only_what_changed(tmp_path, datasets_host):
    run("--url", datasets_host, "--types", "movie")
    last_event = Event.objects.order_by("-id").first().id
    changed = [
        [tconst, "9.4", "3000000"] if tconst == "tt0111161" else [tconst, r, v] for tconst, r, v in RATINGS
    ]
    datasets_write_sample(tmp_path, title_ratings=changed)

    summary = run("--url", datasets_host, "--types", "movie")

    assert "updated 1, unchanged 4" in summary
    assert Title.objects.get(imdb_id="tt0111161").rating == Decimal("9.4")
    assert list(Event.objects.filter(id__gt=last_event).values_list("payload__id", flat=True)) == [
        "tt0111161"
    ]


@pytest.mark.django_db
def test_a_refresh_reads_again_only_the_files_that_changed(tmp_path, datasets_host):
    run("--url", datasets_host, "--types", "movie")
    changed = [
        [tconst, "9.4", votes] if tconst == "tt0111161" else [tconst, r, votes]
        for tconst, r, votes in RATINGS
    ]
    datasets_write_sample(tmp_path, title_ratings=changed)

    summary = run("--url", datasets_host, "--types", "movie")

    assert "not read again: name.basics, title.akas, title.crew, title.principals" in summary
    shawshank = Title.objects.get(imdb_id="tt0111161")
    assert shawshank.rating == Decimal("9.4")
    # What the unread files hold is kept, not cleared.
    assert list(shawshank.credits.filter(role="star").values_list("person__name", flat=True)) == [
        "Tim Robbins",
        "Morgan Freeman",
    ]
    assert shawshank.localized_titles.exists()


@pytest.mark.django_db
def test_a_title_new_to_the_catalog_gets_its_credits_from_files_not_read_again(tmp_path, datasets_host):
    run("--url", datasets_host, "--types", "movie", "--min-votes", "1500000")
    assert Title.objects.filter(imdb_id="tt0111161").exists()  # 2,900,000 votes
    assert not Title.objects.filter(imdb_id="tt0120689").exists()  # 1,400,000 votes
    more = [[tconst, r, "2000000" if tconst == "tt0120689" else votes] for tconst, r, votes in RATINGS]
    datasets_write_sample(tmp_path, title_ratings=more)

    summary = run("--url", datasets_host, "--types", "movie", "--min-votes", "1500000")

    assert "title.principals" in summary.split("not read again:")[1]
    green_mile = Title.objects.get(imdb_id="tt0120689")
    assert list(green_mile.credits.filter(role="star").values_list("person__name", flat=True)) == [
        "Tom Hanks"
    ]
    assert list(green_mile.credits.filter(role="director").values_list("person__name", flat=True)) == [
        "Frank Darabont"
    ]


@pytest.mark.django_db
def test_a_file_out_of_order_on_the_dataset_host_is_sorted_and_imported(tmp_path, datasets_host):
    datasets_write_sample(tmp_path, title_ratings=list(reversed(RATINGS)))

    summary = run("--url", datasets_host, "--types", "movie")

    assert "inserted 5" in summary
    assert "not sorted by id, sorted on disk first: title.ratings" in summary
    assert Title.objects.get(imdb_id="tt0111161").rating == Decimal("9.3")
    assert Title.objects.get(imdb_id="tt0079944").rating == Decimal("8.1")


def catalog_snapshot() -> dict[str, list]:
    """What a user sees of the catalog: titles, ratings, genres, credits, akas and people."""
    return {
        "titles": list(
            Title.objects.order_by("imdb_id").values_list(
                "imdb_id", "title_type", "primary_title", "original_title", "start_year", "end_year",
                "runtime_minutes", "rating", "votes", "decade_category",
            )
        ),
        "genres": list(Title.genres.through.objects.order_by("title__imdb_id", "genre__name").values_list(
            "title__imdb_id", "genre__name"
        )),
        "credits": list(
            Credit.objects.order_by("title__imdb_id", "role", "ordering", "person__imdb_id").values_list(
                "title__imdb_id", "role", "ordering", "person__imdb_id", "person__name", "characters"
            )
        ),
        "akas": list(
            LocalizedTitle.objects.order_by("title__imdb_id", "ordering", "name").values_list(
                "title__imdb_id", "name", "region", "language", "is_original", "ordering"
            )
        ),
        "people": list(Person.objects.order_by("imdb_id").values_list("imdb_id", "name", "birth_year", "death_year")),
    }  # fmt: skip


@pytest.mark.django_db
def test_files_out_of_order_are_sorted_on_disk_and_give_the_same_catalog(tmp_path):
    (tmp_path / "sorted").mkdir()
    datasets_write_sample(tmp_path / "sorted")
    datasets_shuffle(tmp_path / "sorted", tmp_path / "shuffled")
    sorted_summary = run(
        "--dir", str(tmp_path / "sorted"), "--types", "movie,short,tvSeries", "--min-votes", "0"
    )
    from_sorted = catalog_snapshot()
    for model in (Title, Person, DatasetFile, DatasetDigest, Event):
        model.objects.all().delete()

    summary = run("--dir", str(tmp_path / "shuffled"), "--types", "movie,short,tvSeries", "--min-votes", "0")

    assert catalog_snapshot() == from_sorted
    assert len(from_sorted["titles"]) == 7
    assert len(from_sorted["credits"]) > 20
    assert "not sorted by id, sorted on disk first: " in summary
    assert summary.split("sorted on disk first: ")[1].splitlines()[0] == (
        "title.akas, title.basics, title.crew, title.principals, title.ratings"
    )
    assert sorted_summary.split(";")[1] == summary.split(";")[1]  # titles read, inserted, ...
    assert "sorted on disk" not in sorted_summary
    assert "malformed: title.basics (sorted) line 8: 5 fields, expected 9" in summary  # the copy's line


@pytest.mark.django_db
def test_a_line_out_of_place_after_titles_were_stored_is_found_and_its_title_corrected(tmp_path, monkeypatch):
    # 2,500 titles: their first two batches are stored before the reader, in small blocks,
    # reaches the rating of the fifth title at the end of title.ratings.
    ids = [f"tt{number:07d}" for number in range(1, 2501)]
    basics = [
        [tconst, "movie", f"Film {tconst}", f"Film {tconst}", "0", "2001", N, "90", "Drama"] for tconst in ids
    ]
    ratings = [[tconst, "7.0", "1000"] for tconst in ids]
    ratings_disordered = [*ratings[:4], *ratings[5:], [ids[4], "9.9", "5000"]]
    datasets_write_sample(tmp_path, title_basics=basics, title_ratings=ratings_disordered)
    monkeypatch.setattr(imdb_datasets, "BLOCK_CHARS", 2000)

    summary = run("--dir", str(tmp_path), "--types", "movie", "--min-votes", "0")

    fifth = Title.objects.get(imdb_id=ids[4])
    assert (fifth.rating, fifth.votes) == (Decimal("9.9"), 5000)
    assert Title.objects.count() == 2500
    assert "updated 1," in summary  # the fifth title, stored before its rating was found
    assert "inserted 2500" in summary
    assert "sorted on disk first: title.ratings" in summary
    # Announced once each, once everything was read right.
    assert Event.objects.filter(type="movie").count() == 2500
    assert Event.objects.get(type="movie", payload__id=ids[4]).payload["rating"] == 9.9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--types", "movie,film"], "--types: unknown title type film"),
        (["--min-votes", "-1"], "--min-votes: expected a number >= 0"),
        (["--url", "http://127.0.0.1:9/"], r"title\.basics\.tsv\.gz: .*Connection refused"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_and_an_unreachable_host_are_clear_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def header_write(folder, name: str, header: list[str], rows: list[list[str]]) -> None:
    """`name`.tsv.gz with a header of one's own (IMDb's format otherwise)."""
    lines = ["\t".join(header)] + ["\t".join(row) for row in rows]
    (folder / f"{name}.tsv.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))


def catalog_state() -> tuple[list[dict], list[int]]:
    return list(Title.objects.order_by("imdb_id").values()), list(Event.objects.values_list("id", flat=True))


@pytest.mark.django_db
def test_swapped_rating_columns_stop_the_import_before_anything_is_stored(tmp_path, datasets_host):
    run("--url", datasets_host, "--types", "movie")
    before = catalog_state()
    # The columns swapped with their values: read by name, votes would become ratings.
    header_write(
        tmp_path, "title.ratings", ["tconst", "numVotes", "averageRating"], [[t, v, r] for t, r, v in RATINGS]
    )

    with pytest.raises(CommandError) as error:
        run("--url", datasets_host, "--types", "movie")

    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("title.ratings.tsv.gz: ")
    assert "expected the columns tconst, averageRating, numVotes" in message
    assert catalog_state() == before


@pytest.mark.parametrize(
    ("name", "header", "expected"),
    [
        ("title.crew", [*HEADERS["title.crew"], "producers"], "tconst, directors, writers"),
        (
            "title.basics",
            ["tconst", "titleType", "title", *HEADERS["title.basics"][3:]],
            "tconst, titleType, primaryTitle, originalTitle",
        ),
        ("name.basics", HEADERS["name.basics"][:-1], "primaryProfession, knownForTitles"),
    ],
    ids=["an-extra-column", "a-renamed-column", "a-missing-column"],
)
@pytest.mark.django_db
def test_a_header_that_is_not_imdbs_is_one_clear_error_and_nothing_is_stored(
    tmp_path, name, header, expected
):
    datasets_write_sample(tmp_path)
    rows = [
        line.split("\t")
        for line in gzip.decompress((tmp_path / f"{name}.tsv.gz").read_bytes()).decode().splitlines()[1:]
    ]
    header_write(
        tmp_path, name, header, [row[: len(header)] + [N] * (len(header) - len(row)) for row in rows]
    )

    with pytest.raises(CommandError) as error:
        run("--dir", str(tmp_path))

    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{name}.tsv.gz: ")
    assert expected in message
    assert not Title.objects.exists()
    assert not Person.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_daily_refresh_fails_loudly_on_a_header_that_is_not_imdbs(tmp_path, datasets_host, settings):
    settings.IMDB_DATASETS_URL = datasets_host
    datasets_write_sample(tmp_path)
    header_write(
        tmp_path, "title.ratings", ["tconst", "numVotes", "averageRating"], [[t, v, r] for t, r, v in RATINGS]
    )

    with pytest.raises(DatasetHeaderMismatch, match=r"^title\.ratings\.tsv\.gz: "):
        imdb_datasets_refresh_task.apply(throw=True)

    assert not Title.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_dataset_text_goes_through_the_same_limits(tmp_path):
    basics = [
        [*row[:2], "T" * 3000, *row[3:]] if row[0] == "tt0079944" else row
        for row in BASICS
        if row[0] != "tt0500000"
    ]
    names = [[row[0], "N" * 400, *row[2:]] if row[0] == "nm0001104" else row for row in NAMES]
    datasets_write_sample(tmp_path, title_basics=basics, name_basics=names)

    summary = run("--dir", str(tmp_path), "--types", "movie")

    assert (
        "rejected (primary_title): 1; first: primary_title: 3000 characters, at most 500 (tt0079944)"
        in summary
    )
    assert not Title.objects.filter(imdb_id="tt0079944").exists()
    assert Person.objects.get(imdb_id="nm0001104").name == "N" * 300
    assert Title.objects.filter(imdb_id="tt0111161").exists()
