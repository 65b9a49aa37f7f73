"""Search that forgives: names folded alike for storage and queries, matched by trigrams.

`text` folds, transliterates and compares; `index` asks the database's trigram index
(pg_trgm on PostgreSQL, FTS5 on SQLite). Reads go through apps/catalog/selectors.py.
"""

from apps.catalog.search.text import query_forms, search_fold, search_text_build

__all__ = ["query_forms", "search_fold", "search_text_build"]
