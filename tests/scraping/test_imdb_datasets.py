"""Reading IMDb's dataset files: titles joined across files, whatever the block boundaries."""

import pytest

from apps.scraping import imdb_datasets
from apps.scraping.imdb_datasets import DatasetFiles, DatasetOutOfOrder, title_records
from tests.standins.datasets import N, datasets_write_sample

pytestmark = pytest.mark.embedded

# Titles with many lines each in principals and akas, ids of 7 and 8 digits, and
# unwanted episodes in between, so that small blocks end inside a title's lines.
IDS = ["tt0000007", "tt0000070", "tt0999999", "tt9999999", "tt10000000", "tt10000077"]
BASICS = [
    row
    for number, tconst in enumerate(IDS)
    for row in (
        [tconst, "movie", f"Film {number}", f"Film {number}", "0", "2001", N, "90", "Drama"],
        [
            f"{tconst}1" if len(tconst) == 9 else f"tt{int(tconst[2:]) + 1}",
            "tvEpisode",
            "E",
            "E",
            "0",
            N,
            N,
            N,
            N,
        ],
    )
]
BASICS.sort(key=lambda row: int(row[0][2:]))
PRINCIPALS = [
    [row[0], str(ordering), f"nm{ordering:07d}", "actor", N, f'["Role {ordering}"]']
    for row in BASICS
    for ordering in range(1, 9)
]
AKAS = [
    [row[0], str(ordering), f"{row[2]} {ordering}", "UA", "uk", N, N, "0"]
    for row in BASICS
    for ordering in range(1, 5)
]


def records(folder):
    return [
        record for record, _digests in title_records(DatasetFiles(folder=folder), types=frozenset({"movie"}))
    ]


def test_a_title_whose_lines_cross_a_block_boundary_keeps_them_all(tmp_path, monkeypatch):
    datasets_write_sample(tmp_path, title_basics=BASICS, title_principals=PRINCIPALS, title_akas=AKAS)
    whole = records(tmp_path)

    monkeypatch.setattr(imdb_datasets, "BLOCK_CHARS", 100)  # a few lines a block
    in_small_blocks = records(tmp_path)

    assert [record["imdb_id"] for record in in_small_blocks] == IDS
    assert in_small_blocks == whole
    assert all(len(record["stars"]) == 8 and len(record["akas"]) == 4 for record in in_small_blocks)


def test_a_line_out_of_order_in_a_later_block_stops_reading_with_its_line_number(tmp_path, monkeypatch):
    akas = [*AKAS[:30], AKAS[2], *AKAS[30:]]  # line 32 (after the header) goes back to the first title
    datasets_write_sample(tmp_path, title_basics=BASICS, title_principals=PRINCIPALS, title_akas=akas)
    monkeypatch.setattr(imdb_datasets, "BLOCK_CHARS", 100)

    with pytest.raises(DatasetOutOfOrder, match=r"title\.akas is not sorted by titleId at line 32"):
        records(tmp_path)
