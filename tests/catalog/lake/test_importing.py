"""`manage.py import_catalog` (apps/catalog/lake/importing.py): foreign files, broken files, limits."""

import gzip
import json
from datetime import UTC, datetime

import pytest

from apps.catalog.lake import (
    catalog_line_parse,
    line_records,
)
from apps.catalog.models import Title
from apps.stream.models import Event
from tests.catalog.lake.support import (
    SHAWSHANK,
    catalog_state,
    lines_of,
    run_export,
    run_import,
    run_import_exiting,
    write_lines,
)

pytestmark = pytest.mark.embedded

FOREIGN = [
    # Written by another tool: its own names for some fields, fields of its own, odd types.
    json.dumps(
        {
            "imdb_id": "tt0133093",
            "title": "The Matrix",
            "year": "1999",
            "rating": 8.7,
            "votes": "many",
            "genres": ["Action", "Sci-Fi"],
            "budget_usd": 63_000_000,
            "page": "https://elsewhere.example/matrix",
            "recommendations": "none",
            "field_sources": "ours",
            "source": "justwatch",
            "scraped_at": "2024-04-30T10:00:00",
        }
    ),
    '{"imdb_id": "tt0133094", "title": "Broken',  # cut short
    "[1, 2, 3]",
    "",
    '{"title": "No id"}',
    '{"imdb_id": "nm0000206", "title": "A person"}',
    '{"imdb_id": "tt0234215", "primary_title": "The Matrix Reloaded", "rating": NaN}',
    json.dumps({"imdb_id": "tt0242653", "primary_title": "The Matrix Revolutions", "start_year": 2003}),
]


def test_import_rescues_unknown_fields_and_wrong_types_and_reports_broken_lines(db, tmp_path):
    write_lines(tmp_path / "drop" / "2024" / "titles.jsonl.gz", FOREIGN)
    write_lines(tmp_path / "drop" / "more.jsonl", [json.dumps({"imdb_id": "tt0234215", "title": "Reloaded"})])
    (tmp_path / "drop" / "notes.txt").write_text("not a lake file")
    events = Event.objects.count()

    summary = run_import(tmp_path / "drop")

    assert "files 2; lines 8; titles read 3, inserted 3" in summary
    assert "malformed lines 5" in summary
    name = tmp_path / "drop" / "2024" / "titles.jsonl.gz"
    assert f"{name}:2: not JSON" in summary
    assert f"{name}:3: not a JSON object (list)" in summary
    assert f"{name}:5: no imdb_id" in summary
    assert f"{name}:6: imdb_id: expected tt followed by 7 or 8 digits, got 'nm0000206'" in summary
    assert f"{name}:7: not JSON (NaN is not JSON)" in summary
    matrix = Title.objects.get(imdb_id="tt0133093")
    assert (matrix.primary_title, matrix.start_year, float(matrix.rating)) == ("The Matrix", 1999, 8.7)
    assert matrix.scraped_at == datetime(2024, 4, 30, 10, tzinfo=UTC)  # no zone: UTC
    assert matrix.source == "lake_import"
    assert sorted(matrix.genres.values_list("name", flat=True)) == ["Action", "Sci-Fi"]
    assert matrix.rescued_data == {
        "budget_usd": 63_000_000,
        "votes": {
            "value": "many",
            "error": "Input should be a valid integer, unable to parse string as an integer",
        },
        "source": {"value": "justwatch", "error": "unknown source"},
    }  # page, recommendations and field_sources are the site's own: dropped, not rescued
    assert Title.objects.get(imdb_id="tt0242653").start_year == 2003
    assert Title.objects.get(imdb_id="tt0234215").primary_title == "Reloaded"
    assert Event.objects.count() == events + 3


def test_a_nested_value_that_does_not_fit_rescues_its_whole_field():
    line, misfits = catalog_line_parse(
        json.dumps(
            {
                "imdb_id": "tt0133093",
                "akas": [{"name": "Матриця", "region": "UKRAINE"}, {"name": "Matrix", "ordering": -1}],
                "stars": [{"imdb_id": "nm0000206", "name": "Keanu Reeves"}],
            }
        )
    )

    assert line.akas is None
    assert misfits["akas"]["value"][0] == {"name": "Матриця", "region": "UKRAINE"}
    assert misfits["akas"]["error"] == "0.region: String should have at most 4 characters"
    assert [star.name for star in line.stars] == ["Keanu Reeves"]


def test_a_line_replays_field_by_field_from_the_sources_it_records():
    line, misfits = catalog_line_parse(
        json.dumps(
            {
                "imdb_id": "tt0133093",
                "primary_title": "The Matrix",
                "plot": "A hacker learns the truth.",
                "rating": 8.7,
                "akas": [{"name": "Матриця", "region": "UA"}],
                "source": "imdb_datasets",
                "scraped_at_utc": "2024-05-03T00:00:00Z",
                "field_sources": {
                    "primary_title": ["imdb_page", "2024-05-01T00:00:00+00:00"],
                    "rating": ["imdb_datasets", "2024-05-03T00:00:00+00:00"],
                    "plot": ["justwatch", "2024-05-02T00:00:00+00:00"],  # not ours: comes with the line
                },
            }
        )
    )

    records = line_records(line, misfits)

    assert [(record["source"], record["scraped_at"].day) for record in records] == [
        ("imdb_page", 1),
        ("imdb_datasets", 3),
    ]
    assert records[0].keys() == {"imdb_id", "source", "scraped_at", "primary_title"}
    assert records[1].keys() == {"imdb_id", "source", "scraped_at", "rating", "plot", "akas", "rescued"}


def test_reimporting_a_foreign_file_changes_nothing(db, tmp_path):
    path = write_lines(tmp_path / "titles.jsonl", FOREIGN)
    run_import(path)
    rows = list(Title.objects.order_by("imdb_id").values())
    events = Event.objects.count()

    summary = run_import(path)

    assert "inserted 0, updated 0, unchanged 2" in summary
    assert Event.objects.count() == events
    assert list(Title.objects.order_by("imdb_id").values()) == rows


@pytest.mark.parametrize("damage", ["corrupted", "truncated"])
def test_a_broken_gzip_file_imports_nothing_and_the_other_files_still_import(exported_part, tmp_path, damage):
    data = bytearray(exported_part.read_bytes())
    middle = len(data) // 2
    if damage == "corrupted":
        data[middle : middle + 8] = bytes(byte ^ 0x55 for byte in data[middle : middle + 8])
    else:
        del data[middle:]
    bad = tmp_path / "lake" / "part-0001.jsonl.gz"
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))
    write_lines(
        tmp_path / "lake" / "part-0002.jsonl.gz",
        [json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"})],
    )
    last_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    code, summary, errors = run_import_exiting(tmp_path / "lake")

    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093"]
    assert list(Event.objects.filter(id__gt=last_event).values_list("payload__id", flat=True)) == [
        "tt0133093"
    ]
    assert code == 1
    assert len(errors) == 1
    assert errors[0].startswith(f"import_catalog: {bad}: not a complete gzip file (")
    assert errors[0].endswith("); nothing imported from it")
    assert "files 2 (1 not imported); lines 1; titles read 1, inserted 1" in summary


def test_a_file_named_gzip_that_is_not_is_not_imported(db, tmp_path):
    write_lines(tmp_path / "a.jsonl", [json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"})]).rename(
        tmp_path / "a.jsonl.gz"
    )

    code, _summary, errors = run_import_exiting(tmp_path)

    assert not Title.objects.exists()
    assert code == 1
    assert errors == [f"import_catalog: {tmp_path / 'a.jsonl.gz'}: not a gzip file; nothing imported from it"]


def test_a_line_over_1_mb_is_refused_with_its_place_and_the_others_import(db, tmp_path):
    huge = json.dumps({"imdb_id": "tt0111161", "title": "Big", "budget": "x" * (1 << 20)})
    path = write_lines(
        tmp_path / "lines.jsonl.gz",
        [
            json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"}),
            huge,
            json.dumps({"imdb_id": "tt0234215", "title": "The Matrix Reloaded"}),
        ],
    )

    summary = run_import(path)

    assert f"malformed: {path}:2: line over 1 MB" in summary
    assert sorted(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093", "tt0234215"]


def test_a_50_mb_line_changes_nothing_and_the_next_line_still_imports(catalog, tmp_path):
    before = catalog_state()
    path = tmp_path / "huge.jsonl.gz"
    plot = "x" * (50 << 20)
    huge = json.dumps({"imdb_id": "tt0111161", "title": "Changed", "plot": plot})
    path.write_bytes(gzip.compress(f"{huge}\n{json.dumps(SHAWSHANK)}\n".encode(), compresslevel=1))

    summary = run_import(path)

    assert f"malformed: {path}:1: line over 1 MB" in summary
    assert "titles read 1" in summary  # the second line, already stored as it is
    assert catalog_state() == before


def test_a_line_with_text_far_beyond_its_limit_is_rejected_whole(catalog, tmp_path):
    run_export(tmp_path / "lake")
    before = catalog_state()
    (line,) = [line for line in lines_of(tmp_path / "lake") if line["imdb_id"] == "tt0111161"]
    assert line["field_sources"]  # replayed source by source, were it not rejected
    line.update(primary_title="Changed", rating=1.0, plot="x" * 20_000)
    path = write_lines(tmp_path / "far.jsonl", [json.dumps(line)])

    summary = run_import(path)

    assert "rejected 1;" in summary
    assert "rejected (plot): 1; first: plot: 20000 characters, at most 4000 (tt0111161)" in summary
    assert catalog_state() == before
