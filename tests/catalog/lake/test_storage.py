"""The lake on S3 (apps/catalog/lake/storage.py, s3.py) and storage errors as clear command errors."""

import gzip
import json
from collections.abc import Iterator
from datetime import UTC
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.catalog.lake import (
    catalog_import,
)
from apps.catalog.models import Title
from apps.catalog.services import titles_ingest
from apps.stream.models import Event
from tests.catalog.lake.support import (
    catalog_empty,
    lines_of,
    run_export,
    run_import,
    run_import_exiting,
)

pytestmark = pytest.mark.embedded


def test_export_to_s3_and_import_from_it_into_an_emptied_database(catalog, tmp_path, s3_bucket, s3_server):
    run_export(tmp_path / "local")
    summary = run_export(f"s3://{s3_bucket}/lake/catalog", "--lines-per-part", "1")

    keys = s3_server.keys(s3_bucket)
    assert "lake/catalog/_manifest.json" in keys
    assert "lake/catalog/_schema/v2.json" in keys
    assert "lake/catalog/scrape_date=2024-05-01/part-0000.jsonl.gz" in keys
    assert sum(key.endswith(".jsonl.gz") for key in keys) == 5
    assert "exported 5 titles" in summary
    catalog_empty()

    summary = run_import(f"s3://{s3_bucket}/lake/catalog")
    run_export(tmp_path / "after")

    assert "files 5;" in summary
    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "local")
    events = Event.objects.count()
    assert "inserted 0, updated 0, unchanged 5" in run_import(f"s3://{s3_bucket}/lake/catalog")
    assert Event.objects.count() == events


def test_a_truncated_file_on_s3_imports_nothing_and_the_other_files_still_import(
    exported_part, s3_bucket, s3_server
):
    data = exported_part.read_bytes()
    client = s3_server.client()
    client.put_object(Bucket=s3_bucket, Key="lake/part-0001.jsonl.gz", Body=data[: len(data) // 2])
    good = json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"}) + "\n"
    client.put_object(Bucket=s3_bucket, Key="lake/part-0002.jsonl.gz", Body=gzip.compress(good.encode()))

    code, _summary, errors = run_import_exiting(f"s3://{s3_bucket}/lake")

    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093"]
    assert code == 1
    assert errors == [
        f"import_catalog: s3://{s3_bucket}/lake/part-0001.jsonl.gz: not a complete gzip file (truncated); "
        "nothing imported from it"
    ]


def test_a_file_s3_fails_to_send_imports_nothing_and_the_other_files_still_import(db, s3_bucket, s3_server):
    client = s3_server.client()
    for number, imdb_id in ((1, "tt0133093"), (2, "tt0234215")):
        line = json.dumps({"imdb_id": imdb_id, "title": f"Matrix {number}"}) + "\n"
        client.put_object(
            Bucket=s3_bucket, Key=f"lake/part-000{number}.jsonl.gz", Body=gzip.compress(line.encode())
        )

    def progress(records: Iterator[dict]) -> Iterator[dict]:
        # Listed, then gone before it is read: S3 answers the download with an error.
        client.delete_object(Bucket=s3_bucket, Key="lake/part-0002.jsonl.gz")
        yield from records

    result = catalog_import(locations=[f"s3://{s3_bucket}/lake"], progress=progress)

    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093"]
    (failed,) = result.failed
    assert failed.startswith(f"s3://{s3_bucket}/lake/part-0002.jsonl.gz: could not be read (")
    assert failed.endswith("; nothing imported from it")


def test_a_reexport_to_s3_removes_the_parts_it_no_longer_writes(catalog, s3_bucket, s3_server):
    run_export(f"s3://{s3_bucket}/lake", "--lines-per-part", "1")
    titles_ingest(
        [{"imdb_id": "tt0120689", "scraped_at": "2024-05-02T00:00:00Z", "rating": 8.7}], source="imdb_page"
    )

    run_export(f"s3://{s3_bucket}/lake")

    today = Title.objects.get(imdb_id="tt0000001").updated_at.astimezone(UTC).date()
    parts = [key for key in s3_server.keys(s3_bucket) if key.endswith(".jsonl.gz")]
    assert parts == [  # The Green Mile moved to May 2nd; one part a day now
        "lake/scrape_date=2024-05-02/part-0000.jsonl.gz",
        "lake/scrape_date=2024-05-03/part-0000.jsonl.gz",
        f"lake/scrape_date={today}/part-0000.jsonl.gz",
    ]


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        (
            "export_catalog",
            ["--out", "{tmp}", "--lines-per-part", "0"],
            "--lines-per-part: expected a number >= 1",
        ),
        ("import_catalog", ["{tmp}/missing"], "missing: no such file or folder"),
        ("import_catalog", ["{tmp}"], "no .jsonl or .jsonl.gz file"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_are_clear_errors(tmp_path, command, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(command, *[arg.format(tmp=tmp_path) for arg in args], stdout=StringIO(), verbosity=0)


@pytest.mark.django_db
def test_a_missing_bucket_is_a_clear_error(s3_bucket):
    with pytest.raises(CommandError, match="NoSuchBucket"):
        run_export("s3://no-such-bucket-here/lake")
