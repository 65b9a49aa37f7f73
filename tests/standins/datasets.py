"""A stand-in for datasets.imdbws.com: real-format .tsv.gz files served over loopback HTTP."""

import functools
import gzip
import hashlib
import random
import threading
from collections.abc import Iterator, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HEADERS = {
    "title.basics": (
        [
            "tconst",
            "titleType",
            "primaryTitle",
            "originalTitle",
            "isAdult",
            "startYear",
            "endYear",
            "runtimeMinutes",
            "genres",
        ]
    ),
    "title.ratings": ["tconst", "averageRating", "numVotes"],
    "title.crew": ["tconst", "directors", "writers"],
    "title.principals": ["tconst", "ordering", "nconst", "category", "job", "characters"],
    "title.akas": [
        "titleId",
        "ordering",
        "title",
        "region",
        "language",
        "types",
        "attributes",
        "isOriginalTitle",
    ],
    "name.basics": ["nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"],
}
N = "\\N"


def dataset_write(folder: Path, name: str, rows: Sequence[Sequence[str]]) -> None:
    """Write `name`.tsv.gz as IMDb does: header, tabs, \\N for null, no quoting."""
    lines = ["\t".join(HEADERS[name])] + ["\t".join(row) for row in rows]
    # mtime=0: gzip stamps the write time otherwise, so the same rows written a second later
    # would be a different file (different SHA-256 and ETag).
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    (folder / f"{name}.tsv.gz").write_bytes(data)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Files with an ETag (the content's MD5, as S3 behind IMDb's dataset host sends)."""

    def end_headers(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_file():
            self.send_header("ETag", f'"{hashlib.md5(path.read_bytes()).hexdigest()}"')
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def datasets_serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on a loopback port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# A small catalog in the real format, with the awkward cases the importer must survive.
TWELVE_DIRECTORS = [f"nm90000{n:02d}" for n in range(12)]
BASICS = [
    ["tt0000001", "short", "Carmencita", "Carmencita", "0", "1894", N, "1", "Documentary,Short"],
    ["tt0079944", "movie", "Stalker", "Сталкер", "0", "1979", N, "162", "Drama,Sci-Fi"],
    [
        "tt0090555",
        "movie",
        '"Crocodile" Dundee',
        '"Crocodile" Dundee',
        "0",
        "1986",
        N,
        "97",
        "Adventure,Comedy",
    ],
    [
        "tt0111161",
        "movie",
        "The Shawshank Redemption",
        "The Shawshank Redemption",
        "0",
        "1994",
        N,
        "142",
        "Drama",
    ],
    ["tt0120689", "movie", "The Green Mile", "The Green Mile", "0", "1999", N, "189", "Crime,Drama,Fantasy"],
    ["tt0401711", "movie", "Paris, je t'aime", "Paris, je t'aime", "0", "2006", N, N, "Comedy,Drama,Romance"],
    ["tt0500000", "movie", "Broken row", "0", "2001"],
    [
        "tt0903747",
        "tvSeries",
        "Breaking Bad",
        "Breaking Bad",
        "0",
        "2008",
        "2013",
        "45",
        "Crime,Drama,Thriller",
    ],
]
RATINGS = [
    ["tt0000001", "5.7", "2100"],
    ["tt0079944", "8.1", "150000"],
    ["tt0090555", "6.6", "110000"],
    ["tt0111161", "9.3", "2900000"],
    ["tt0120689", "8.6", "1400000"],
    ["tt0401711", "7.2", "80000"],
    ["tt0903747", "9.5", "2200000"],
]
CREW = [
    ["tt0000001", "nm0005690", N],
    ["tt0079944", "nm0853546", "nm0853546"],
    ["tt0090555", "nm0159529", N],
    ["tt0111161", "nm0001104", "nm0000175,nm0001104"],
    ["tt0120689", "nm0001104", "nm0000175,nm0001104"],
    ["tt0401711", ",".join(TWELVE_DIRECTORS), N],
    ["tt0903747", N, "nm0319213"],
]
PRINCIPALS = [
    ["tt0111161", "1", "nm0000209", "actor", N, '["Andy Dufresne"]'],
    ["tt0111161", "2", "nm0000151", "actor", N, "[\"Ellis Boyd 'Red' Redding\"]"],
    ["tt0111161", "3", "nm0001104", "director", N, N],
    ["tt0120689", "1", "nm0000158", "actor", N, '["Paul Edgecomb"]'],
    ["tt0903747", "1", "nm0186505", "actor", N, '["Walter White"]'],
]
AKAS = [
    ["tt0079944", "1", "Сталкер", "SUHH", "ru", N, N, "0"],
    ["tt0079944", "2", "Сталкер", "UA", "uk", "imdbDisplay", N, "0"],
    ["tt0111161", "1", "The Shawshank Redemption", N, N, "original", N, "1"],
    ["tt0111161", "2", "Втеча з Шоушенка", "UA", "uk", "imdbDisplay", N, "0"],
    ["tt0111161", "3", "Побег из Шоушенка", "RU", "ru", "imdbDisplay", N, "0"],
]
NAMES = [
    ["nm0000151", "Morgan Freeman", "1937", N, "actor,producer", "tt0111161"],
    ["nm0000158", "Tom Hanks", "1956", N, "actor,producer", "tt0120689"],
    ["nm0000175", "Stephen King", "1947", N, "writer", "tt0111161"],
    ["nm0000209", "Tim Robbins", "1958", N, "actor", "tt0111161"],
    ["nm0001104", "Frank Darabont", "1959", N, "director,writer", "tt0111161"],
    ["nm0005690", "William K.L. Dickson", "1860", "1935", "director", "tt0000001"],
    ["nm0159529", "Peter Faiman", N, N, "director", "tt0090555"],
    ["nm0186505", "Bryan Cranston", "1956", N, "actor", "tt0903747"],
    ["nm0319213", "Vince Gilligan", "1967", N, "writer", "tt0903747"],
    ["nm0853546", "Андрей Тарковский", "1932", "1986", "director", "tt0079944"],
    *[
        [nconst, f"Paris Director {n}", N, N, "director", "tt0401711"]
        for n, nconst in enumerate(TWELVE_DIRECTORS)
    ],
]


def datasets_write_sample(folder: Path, **overrides: Sequence[Sequence[str]]) -> None:
    files = {
        "title.basics": BASICS,
        "title.ratings": RATINGS,
        "title.crew": CREW,
        "title.principals": PRINCIPALS,
        "title.akas": AKAS,
        "name.basics": NAMES,
    }
    for name, rows in {**files, **{key.replace("_", "."): rows for key, rows in overrides.items()}}.items():
        dataset_write(folder, name, rows)


def datasets_shuffle(source: Path, target: Path, *, seed: int = 13) -> None:
    """Copy every file of `source` into `target` with its data lines shuffled, header first,
    as a file cut or edited by hand may come."""
    target.mkdir()
    for path in sorted(source.glob("*.tsv.gz")):
        header, *lines = gzip.decompress(path.read_bytes()).decode().splitlines()
        shuffled = random.Random(seed).sample(lines, len(lines))
        while len(lines) > 1 and shuffled == lines:
            seed += 1
            shuffled = random.Random(seed).sample(lines, len(lines))
        data = "\n".join([header, *shuffled]) + "\n"
        (target / path.name).write_bytes(gzip.compress(data.encode(), mtime=0))
