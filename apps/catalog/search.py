"""Title search that works alike for Cyrillic and Latin on SQLite and PostgreSQL.

SQLite's LIKE folds case for ASCII only, so every title a work is known by is stored
once, NFC-normalized and case-folded, in `Title.search_text`, and queries are folded
the same way before a plain `contains` lookup.
"""

import unicodedata
from collections.abc import Iterable


def search_fold(text: str) -> str:
    """The form both stored titles and queries take: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def search_text_build(names: Iterable[str]) -> str:
    """`Title.search_text` for a title known by these names (duplicates dropped, order kept)."""
    folded = dict.fromkeys(search_fold(name) for name in names if name and name.strip())
    return "\n".join(folded)
