"""A dataset file sorted on disk by its id, for files that are not (cut or made by hand).

The reader merge-joins the title files by id, so each must ascend in `line_key`'s order
(the id's digits compared as numbers: tt9999999 before tt10000000). Memory stays bounded
whatever the file's size: runs of at most `chunk_lines` lines are sorted and written to
temporary files, then merged (heapq.merge) into one plain-text copy, header first. The
sort is stable, so a title's lines keep the order the file gives them. The copy needs
about the file's uncompressed size on disk, twice while the runs are merged.
"""

import heapq
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from apps.scraping.imdb_datasets import DatasetFiles, DatasetUnavailable, header_check, line_key, lines_read

# Lines sorted at once: about 100 MB of memory for title.principals (2M lines in 4 runs: 220 MB
# peak RSS, 120 MB of it start-up; the whole file at once: 470 MB).
SORT_CHUNK_LINES = 500_000


@dataclass(frozen=True)
class SortedCopy:
    path: Path
    lines: int  # data lines, header excluded
    runs: int  # sorted runs of at most chunk_lines lines each


def dataset_sort(
    files: DatasetFiles, name: str, folder: Path, *, chunk_lines: int = SORT_CHUNK_LINES
) -> SortedCopy:
    """Write `name`'s lines sorted by id to a file in `folder` (its header checked, then first).

    A copy that cannot be written (the disk full, the folder gone) is DatasetUnavailable.
    """
    target = folder / f"{name}.sorted.tsv"
    try:
        with ExitStack() as stack:
            lines = lines_read(files.open(name, stack), name)
            header = next(lines, None)
            header_check(name, header)
            runs = _runs_write(lines, name, folder, chunk_lines)
        try:
            with ExitStack() as stack, target.open("w", encoding="utf-8", newline="") as out:
                out.write(header if header.endswith("\n") else f"{header}\n")
                readers = [stack.enter_context(run.open(encoding="utf-8", newline="")) for run in runs]
                out.writelines(heapq.merge(*readers, key=line_key))
        finally:
            for run in runs:
                run.unlink(missing_ok=True)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise DatasetUnavailable(f"{name}.tsv.gz is not sorted by id, and sorting it failed ({exc})") from exc
    return SortedCopy(path=target, lines=sum(runs.values()), runs=len(runs))


def _runs_write(lines: Iterator[str], name: str, folder: Path, chunk_lines: int) -> dict[Path, int]:
    """Sorted runs of the lines, each in its own file; -> {path: its line count}, in file order."""
    runs: dict[Path, int] = {}
    try:
        while chunk := list(islice(lines, chunk_lines)):
            if not chunk[-1].endswith("\n"):
                chunk[-1] += "\n"  # the file's last line: it must not run into the next run's
            chunk.sort(key=line_key)
            run = folder / f"{name}.run{len(runs)}"
            with run.open("w", encoding="utf-8", newline="") as file:
                file.writelines(chunk)
            runs[run] = len(chunk)
    except BaseException:
        for run in runs:
            run.unlink(missing_ok=True)
        raise
    return runs
