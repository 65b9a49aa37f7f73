"""Import: lake files (ours or other tools') back into the catalog through `titles_ingest`.

A line maps back to the pipeline's raw records (title → primary_title, year → start_year,
scraped_at_utc → scraped_at). Unknown fields and values of the wrong type go to
`rescued_data`; the export-only fields are dropped. A line's `source` is kept when it is one
of ours (anything else imports as lake_import), and a line with `field_sources` replays as
one record per source and time its fields came from, so an export imported into an empty
database gives the same rows, provenance included, and later merges decide as they would
have. Re-importing a file changes nothing: the merge writes only values that differ.

A file is imported whole or not at all: it is read to its end before any of its lines goes
in. A line over LINE_MAX_BYTES is refused unread.
"""

import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from apps.catalog.lake.schema import (
    ALIASES,
    RECORD_FIELDS,
    CatalogLine,
    LineMalformed,
    catalog_line_parse,
)
from apps.catalog.lake.storage import LakeUnavailable, Store, storage_errors, store_open
from apps.catalog.models import Source
from apps.catalog.pipeline.clean import record_oversize
from apps.catalog.services import BATCH_SIZE, IngestReport, titles_ingest

# Kept for the report; a file of garbage must not fill memory with messages.
MALFORMED_KEPT = 1000
# A line longer than this is refused as malformed: no title comes near it (see
# apps/catalog/pipeline/limits.py), and reading it whole would let one line fill memory.
LINE_MAX_BYTES = 1 << 20
READ_CHUNK = 1 << 20


def _provenance(value: list[str]) -> tuple[str, datetime] | None:
    """A stored [source, ISO time] pair, or None when it is not one the merge could have written."""
    try:
        source, text = value
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return (source, when) if source in Source.values and when.tzinfo is not None else None


def line_records(line: CatalogLine, misfits: dict[str, Any]) -> list[dict[str, Any]]:
    """The pipeline's raw records for a parsed line, oldest first.

    A line with `field_sources` becomes one record per (source, time) its fields came from,
    the line's own source and time last, so the merge stores the same per-field provenance,
    `source` and `scraped_at` as the exporting catalog had. Otherwise (or when some text is
    far beyond its limit, which rejects the line whole): one record.
    """
    data = line.model_dump(exclude_none=True)
    values = {name: data[name] for name in RECORD_FIELDS if name in data}
    for alias, name in ALIASES.items():
        if name not in values and alias in data:
            values[name] = data[alias]
    rescued = {**(line.rescued_data or {}), **(line.model_extra or {}), **misfits}
    source = line.source if line.source in Source.values else Source.LAKE_IMPORT
    if line.source and source != line.source:
        rescued["source"] = {"value": line.source, "error": "unknown source"}

    groups: dict[str, tuple[str, datetime, dict[str, Any]]] = {}  # by the stored [source, time]
    # A line the pipeline rejects for its size goes as one record, so that none of it is stored.
    replayed = line.field_sources if record_oversize(line) is None else None
    for name, stored in (replayed or {}).items():
        provenance = _provenance(stored)
        if name in values and provenance is not None:
            key = json.dumps(stored)
            groups.setdefault(key, (*provenance, {}))[2][name] = values.pop(name)
    own = next(
        (
            key
            for key, (group_source, when, _) in groups.items()
            if (group_source, when) == (source, line.scraped_at_utc)
        ),
        None,
    )
    if own is None:
        own = ""
        groups[own] = (source, line.scraped_at_utc, {})
    # What carries no provenance of its own (akas, rescued values) comes with the last change.
    groups[own][2].update(values, rescued=rescued)
    earlier = sorted((key for key in groups if key != own), key=lambda key: groups[key][1])
    return [
        {"imdb_id": line.imdb_id, "source": group_source, "scraped_at": when, **fields}
        for group_source, when, fields in (groups[key] for key in [*earlier, own])
    ]


@dataclass
class LakeImport:
    files: list[str] = field(default_factory=list)
    lines: int = 0
    titles_read: int = 0  # lines that became titles (a line may replay as several records)
    titles: IngestReport = field(default_factory=IngestReport)
    malformed_count: int = 0
    malformed: list[str] = field(default_factory=list)  # "file:line: reason", the first MALFORMED_KEPT
    failed: list[str] = field(default_factory=list)  # "file: reason": files nothing was imported from

    def malformed_add(self, problem: str) -> None:
        self.malformed_count += 1
        if len(self.malformed) < MALFORMED_KEPT:
            self.malformed.append(problem)


class _FileUnreadable(Exception):
    """A lake file that does not read or decompress to its end: none of it is imported."""


def _content(file: IO[bytes], name: str) -> IO[bytes]:
    """The file's lines as bytes: decompressed when it is gzip (told by its first bytes)."""
    is_gzip = file.read(2) == b"\x1f\x8b"
    file.seek(0)
    if is_gzip:
        return gzip.GzipFile(fileobj=file, mode="rb")
    if name.endswith(".gz"):
        raise _FileUnreadable("not a gzip file")
    return file


def _gzip_problem(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, EOFError):
        reason = "truncated"
    elif text.startswith("CRC check failed"):
        reason = "CRC check failed"
    elif text.startswith("Incorrect length"):
        reason = "length check failed"
    else:
        reason = text or type(exc).__name__
    return f"not a complete gzip file ({reason})"


@contextmanager
def _read_errors() -> Iterator[None]:
    try:
        yield
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _FileUnreadable(_gzip_problem(exc)) from exc


def _verify(file: IO[bytes], name: str) -> None:
    """Read the whole file once, in bounded pieces, so that a broken one is found before
    any of its lines is stored (a file is imported whole or not at all)."""
    with _read_errors():
        content = _content(file, name)
        while content.read(READ_CHUNK):
            pass
    file.seek(0)


def _lines(content: IO[bytes]) -> Iterator[bytes | None]:
    """Each line, or None for one over LINE_MAX_BYTES, which is passed over piece by piece
    (never held whole)."""
    while line := content.readline(LINE_MAX_BYTES + 1):
        if len(line) > LINE_MAX_BYTES and not line.endswith(b"\n"):
            while (rest := content.readline(READ_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _file_records(store: Store, path: str, result: LakeImport) -> Iterator[dict[str, Any]]:
    name = store.name(path)
    with store.reader(path) as file:
        _verify(file, name)
        with _read_errors():
            for number, text in enumerate(_lines(_content(file, name)), start=1):
                if text is None:
                    result.malformed_add(f"{name}:{number}: line over {LINE_MAX_BYTES >> 20} MB")
                    result.lines += 1
                    continue
                if not text.strip():
                    continue
                result.lines += 1
                try:
                    line, misfits = catalog_line_parse(text)
                except LineMalformed as exc:
                    result.malformed_add(f"{name}:{number}: {exc}")
                    continue
                result.titles_read += 1
                yield from line_records(line, misfits)


def catalog_import(
    *,
    locations: Sequence[str],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[Iterator[dict[str, Any]]], Iterable[dict[str, Any]]] = lambda items: items,
) -> LakeImport:
    """Import lake files (files, folders searched for *.jsonl[.gz], s3:// prefixes) through the pipeline.

    A file is imported whole or not at all: it is read to its end (S3: downloaded to a
    temporary file) before any of its lines goes in, and one that does not read or
    decompress is listed in `failed` and left out while the others are imported. Each
    batch commits on its own: after a failure, running the import again finishes it.
    """
    result = LakeImport()
    sources: list[tuple[str, Store, str]] = []
    for location in locations:
        with storage_errors(location):
            store = store_open(location)
            paths = store.files()
        if not paths:
            raise LakeUnavailable(f"{location}: no .jsonl or .jsonl.gz file")
        sources += [(location, store, path) for path in paths]
    result.files = [store.name(path) for _location, store, path in sources]

    def records() -> Iterator[dict[str, Any]]:
        for location, store, path in sources:
            try:
                with storage_errors(location):
                    yield from _file_records(store, path, result)
            except _FileUnreadable as exc:
                result.failed.append(f"{store.name(path)}: {exc}; nothing imported from it")
            except LakeUnavailable as exc:
                reason = str(exc).removeprefix(f"{location}: ")
                result.failed.append(
                    f"{store.name(path)}: could not be read ({reason}); nothing imported from it"
                )

    titles = titles_ingest(progress(records()), batch_size=batch_size, read_state=lambda: result)
    result = titles.read_state  # counted where the files were read: titles_ingest's background process
    result.titles = titles
    return result
