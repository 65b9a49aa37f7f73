"""The trigram index behind search: pg_trgm on PostgreSQL, FTS5's trigram tokenizer on SQLite.

Both index the folded names (`Title.search_text`, `Person.search_name`) and answer alike,
best first by `score`, in one of two ways:
- containing: the rows whose names contain every word of the query (substrings, any order);
- similar: the rows with a stretch of a name like the query (`word_similarity` at least
  `match_threshold`: higher for long queries), which forgives typos and word order.
Containing is the cheap one: every trigram of the query must be there, so a short query
of common letters does not make the index list most of the table. PostgreSQL computes the
similarity itself, through a GIN index; SQLite's FTS5 gives the rows sharing the query's
rarest trigrams, and Python scores those (apps/catalog/search/text.py).
"""

import math
from dataclasses import dataclass
from typing import Protocol

from django.db import connection

from apps.catalog.search.text import trigrams, word_similarity

# Low enough for a typo in a short word ("матрця" is 0.57 like "матриця"), high enough that
# a single shared syllable does not match.
MATCH_THRESHOLD = 0.45
# A long query (three words or so) keeps most of its trigrams through a typo or two, or its
# words in another order (one typo changes at most three of its 20-odd trigrams), so it is
# held to a higher similarity; on PostgreSQL that also prunes the index's candidates, which
# the trigrams of several words otherwise bring by the thousand.
LONG_QUERY_TRIGRAMS = 20
LONG_QUERY_THRESHOLD = 0.6
# Popularity breaks near-ties: ten million votes add at most this much to a similarity.
VOTES_WEIGHT = 0.1
_VOTES_SCALE = 7.0  # log10 of ten million
# FTS5 candidates scored in Python on SQLite: the rows sharing most of the query's rarest trigrams.
_SQLITE_CANDIDATES = 400


def match_threshold(form: str) -> float:
    """The `word_similarity` a name needs to count as like this folded query."""
    return LONG_QUERY_THRESHOLD if len(set(trigrams(form))) >= LONG_QUERY_TRIGRAMS else MATCH_THRESHOLD


def query_words(form: str) -> list[str]:
    """The words a containing lookup asks for, each somewhere in a title's names: a query's
    words in any order ("побег шоушенка" finds «Побег из Шоушенка») cost no similarity lookup."""
    return list(dict.fromkeys(form.split())) or [form]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def score(similarity: float, votes: int) -> float:
    """A match's rank: its similarity, then a little for popularity (the same formula in SQL)."""
    return similarity + VOTES_WEIGHT * math.log10(votes + 1) / _VOTES_SCALE


@dataclass(frozen=True)
class Match:
    pk: int
    score: float


class SearchIndex(Protocol):
    def install(self) -> None:
        """Create what the index needs (idempotent; run by the migration and after every migrate)."""

    def titles_match(self, *, form: str, limit: int, containing: bool) -> list[Match]:
        """Titles with a name containing (or like) this folded query, best first."""

    def people_match(self, *, form: str, limit: int, containing: bool) -> list[Match]:
        """People with a name containing (or like) this folded query, best first."""


class PostgresSearchIndex:
    _SCORES = {
        "catalog_title": f"word_similarity(%(q)s, search_text) + {VOTES_WEIGHT} * log(votes + 1) / {_VOTES_SCALE}",
        "catalog_person": "word_similarity(%(q)s, search_name)",
    }

    def _sql(self, table: str, column: str, words: int) -> str:
        # Containing: every word of the query somewhere in the names (the index intersects
        # their trigrams); similar: `<%` through the index.
        condition = " AND ".join(f"{column} LIKE %(word{i})s" for i in range(words)) or f"%(q)s <%% {column}"
        return (
            f"SELECT id, {self._SCORES[table]} AS score FROM {table} WHERE {condition}"
            " ORDER BY score DESC, id LIMIT %(limit)s"
        )

    def install(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS catalog_title_search_trgm"
                " ON catalog_title USING gin (search_text gin_trgm_ops)"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS catalog_person_search_trgm"
                " ON catalog_person USING gin (search_name gin_trgm_ops)"
            )

    def _match(self, table: str, column: str, form: str, limit: int, containing: bool) -> list[Match]:
        words = query_words(form) if containing else []
        patterns = {f"word{i}": "%" + _like_escape(word) + "%" for i, word in enumerate(words)}
        with connection.cursor() as cursor:
            if not containing:
                # `<%` compares with this setting: per session, so set on every search.
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                    [str(match_threshold(form))],
                )
            cursor.execute(self._sql(table, column, len(words)), {"q": form, "limit": limit, **patterns})
            return [Match(pk=pk, score=float(value)) for pk, value in cursor.fetchall()]

    def titles_match(self, *, form: str, limit: int, containing: bool) -> list[Match]:
        return self._match("catalog_title", "search_text", form, limit, containing)

    def people_match(self, *, form: str, limit: int, containing: bool) -> list[Match]:
        return self._match("catalog_person", "search_name", form, limit, containing)


# External-content FTS5 tables over the folded names, kept in step by triggers, so every
# writer (the pipeline's bulk statements, the admin, tests' factories) updates them alike.
# A migration that remakes one of these tables on SQLite drops its triggers: `install`
# runs after every migrate and puts them back.
_SQLITE_INDEXES = {"catalog_title": "search_text", "catalog_person": "search_name"}


def _sqlite_install_sql(table: str, column: str) -> list[str]:
    fts = f"{table}_search"
    delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"{column}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {column} ON {table}"
        f" BEGIN {delete} {insert} END",
    ]


def _fts_query(form: str, containing: bool) -> str:
    """An FTS5 query for rows containing the query, or sharing any three letters of a word of it."""
    if containing:
        # FTS5's trigram phrases need three letters: shorter words are checked by the scoring.
        words = [word for word in query_words(form) if len(word) >= 3]
        return " AND ".join(f'"{word.replace(chr(34), chr(34) * 2)}"' for word in words)
    pieces = {trigram for trigram in trigrams(form) if " " not in trigram}
    return " OR ".join(f'"{piece.replace(chr(34), chr(34) * 2)}"' for piece in sorted(pieces))


class SqliteSearchIndex:
    def install(self) -> None:
        with connection.cursor() as cursor:
            for table, column in _SQLITE_INDEXES.items():
                cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [f"{table}_search"])
                existed = cursor.fetchone() is not None
                for statement in _sqlite_install_sql(table, column):
                    cursor.execute(statement)
                if not existed:
                    cursor.execute(f"INSERT INTO {table}_search({table}_search) VALUES ('rebuild')")

    def _match(
        self, table: str, column: str, votes: str, form: str, limit: int, containing: bool
    ) -> list[Match]:
        match = _fts_query(form, containing)
        if not match:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id, t.{column}, {votes} FROM {table}_search s JOIN {table} t ON t.id = s.rowid"
                f" WHERE {table}_search MATCH %s ORDER BY s.rank LIMIT %s",
                [match, _SQLITE_CANDIDATES],
            )
            rows = cursor.fetchall()
        matches, threshold = [], match_threshold(form)
        words = query_words(form) if containing else []
        for pk, text, count in rows:
            similarity = word_similarity(form, text)
            if all(word in text for word in words) if containing else similarity >= threshold:
                matches.append(Match(pk=pk, score=score(similarity, count)))
        matches.sort(key=lambda match: (-match.score, match.pk))
        return matches[:limit]

    def titles_match(self, *, form: str, limit: int, containing: bool) -> list[Match]:
        return self._match("catalog_title", "search_text", "t.votes", form, limit, containing)

    def people_match(self, *, form: str, limit: int, containing: bool) -> list[Match]:
        return self._match("catalog_person", "search_name", "0", form, limit, containing)


def search_index() -> SearchIndex:
    """The index of the database in use."""
    return PostgresSearchIndex() if connection.vendor == "postgresql" else SqliteSearchIndex()
