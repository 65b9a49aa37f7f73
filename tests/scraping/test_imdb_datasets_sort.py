"""Sorting a dataset file on disk: the reader's id order, in runs of bounded size."""

import gzip
import random
import tracemalloc

import pytest

from apps.scraping.imdb_datasets import DatasetFiles, DatasetHeaderMismatch, DatasetUnavailable, line_key
from apps.scraping.imdb_datasets_sort import dataset_sort
from tests.standins.datasets import HEADERS, N, dataset_write

pytestmark = pytest.mark.embedded

# 7- and 8-digit ids (text order would put tt10000000 before tt9999999), three lines a title.
IDS = [f"tt{number:07d}" for number in (*range(1, 400), 9_999_999, 10_000_000, 10_000_077, 123_456_789)]
PRINCIPALS = [
    [tconst, str(ordering), f"nm{ordering:07d}", "actor", N, N] for tconst in IDS for ordering in (1, 2, 3)
]


def sorted_lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_a_shuffled_file_is_sorted_by_numeric_id_in_many_small_runs(tmp_path):
    shuffled = random.Random(7).sample(PRINCIPALS, len(PRINCIPALS))
    dataset_write(tmp_path, "title.principals", shuffled)
    (tmp_path / "work").mkdir()

    copy = dataset_sort(DatasetFiles(folder=tmp_path), "title.principals", tmp_path / "work", chunk_lines=10)

    header, *lines = sorted_lines(copy.path)
    assert header == "\t".join(HEADERS["title.principals"])
    assert [line.split("\t")[0] for line in lines] == [tconst for tconst in IDS for _ in range(3)]
    assert lines[-3].startswith("tt123456789\t")  # after tt10000077: ids compare as numbers
    # A title's lines keep the order the file gave them (a stable sort).
    in_file = [row[1] for row in shuffled if row[0] == "tt0000042"]
    assert [line.split("\t")[1] for line in lines if line.startswith("tt0000042\t")] == in_file
    assert (copy.lines, copy.runs) == (len(PRINCIPALS), -(-len(PRINCIPALS) // 10))
    assert [path.name for path in (tmp_path / "work").iterdir()] == [copy.path.name]  # runs removed


def test_sorting_holds_one_run_of_lines_in_memory_not_the_file(tmp_path):
    rows = [
        [f"tt{number:07d}", str(number % 10), "Some title of a fair length", "UA", "uk", N, N, "0"]
        for number in range(20_000)
    ]
    dataset_write(tmp_path, "title.akas", random.Random(3).sample(rows, len(rows)))
    files = DatasetFiles(folder=tmp_path)

    def peak(chunk_lines: int) -> int:
        (tmp_path / str(chunk_lines)).mkdir()
        tracemalloc.start()
        try:
            dataset_sort(files, "title.akas", tmp_path / str(chunk_lines), chunk_lines=chunk_lines)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole, in_runs = peak(len(rows)), peak(500)

    assert in_runs < whole / 4


def test_a_file_without_a_final_newline_keeps_its_last_line_apart(tmp_path):
    data = "\t".join(HEADERS["title.ratings"]) + "\ntt0000003\t7.0\t10\ntt0000001\t5.0\t20"
    (tmp_path / "title.ratings.tsv.gz").write_bytes(gzip.compress(data.encode(), mtime=0))
    (tmp_path / "work").mkdir()

    copy = dataset_sort(DatasetFiles(folder=tmp_path), "title.ratings", tmp_path / "work", chunk_lines=1)

    assert sorted_lines(copy.path)[1:] == ["tt0000001\t5.0\t20", "tt0000003\t7.0\t10"]
    assert sorted(sorted_lines(copy.path)[1:], key=line_key) == sorted_lines(copy.path)[1:]


def test_a_file_whose_header_is_not_imdbs_is_not_sorted(tmp_path):
    data = "tconst\tnumVotes\taverageRating\ntt0000003\t10\t7.0\n"
    (tmp_path / "title.ratings.tsv.gz").write_bytes(gzip.compress(data.encode(), mtime=0))

    with pytest.raises(DatasetHeaderMismatch, match=r"^title\.ratings\.tsv\.gz: "):
        dataset_sort(DatasetFiles(folder=tmp_path), "title.ratings", tmp_path)


def test_a_copy_that_cannot_be_written_is_a_clear_error(tmp_path):
    dataset_write(tmp_path, "title.ratings", [["tt0000002", "7.0", "10"], ["tt0000001", "5.0", "20"]])

    with pytest.raises(
        DatasetUnavailable, match=r"^title\.ratings\.tsv\.gz is not sorted by id, and sorting it failed"
    ):
        dataset_sort(DatasetFiles(folder=tmp_path), "title.ratings", tmp_path / "gone")
