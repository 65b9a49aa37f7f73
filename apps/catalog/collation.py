"""Alphabetical order of names per site language, alike on PostgreSQL and SQLite.

PostgreSQL sorts with its ICU collations (`uk-x-icu`, `ru-x-icu`, `en-x-icu`). SQLite has
none, so each connection gets a collation of the same name rule (`sort_key`), registered
when it opens (CatalogConfig.ready). The rule is ICU's for these languages, as far as
titles need it:
- Ukrainian: а б в г ґ д е є ж з и і ї й … ь ю я (ґ, є, ї letters of their own), then Latin;
- Russian: а б в г д е ё ж … я, ё sorting with е (an accent: Ежи < Ёлка < Жара, as
  ICU does), then Latin;
- English: A–Z (accented letters with their base letter), then Cyrillic;
- spaces and punctuation before digits before letters; on equal letters the unaccented
  first, then the lower-case.
"""

import unicodedata
from functools import lru_cache

from django.db.backends.base.base import BaseDatabaseWrapper

# ICU's (CLDR root) order of Cyrillic letters, Ukrainian's own inserted (ґ after г, ї after і).
_CYRILLIC = "абвгґдђѓеєжзѕиіїйјклљмнњопрстћќуўфхцчџшщъыьэюя"
_LATIN = "abcdefghijklmnopqrstuvwxyz"
# Letters a language sorts as another one with an accent (a secondary difference in ICU).
_ACCENTED = {
    "uk": {"ё": "е"},
    "ru": {"ё": "е", "ґ": "г", "ї": "і"},
    "en": {"ё": "е", "ґ": "г", "ї": "і"},
}
# Which script's letters come first: classes 2 and 3; other letters 4.
_SCRIPT_FIRST = {"uk": "cyrillic", "ru": "cyrillic", "en": "latin"}
# Ligatures ICU sorts as their letters.
_EXPANSIONS = {"æ": "ae", "œ": "oe", "ß": "ss"}
_CYRILLIC_RANK = {letter: rank for rank, letter in enumerate(_CYRILLIC)}
_LATIN_RANK = {letter: rank for rank, letter in enumerate(_LATIN)}

POSTGRES_COLLATIONS = {"uk": "uk-x-icu", "ru": "ru-x-icu", "en": "en-x-icu"}
SQLITE_COLLATIONS = {language: f"catalog_{language}" for language in POSTGRES_COLLATIONS}

SortKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


@lru_cache(maxsize=65536)
def sort_key(text: str, language: str) -> SortKey:
    """A key that orders names as the language's ICU collation does (see the module)."""
    accented = _ACCENTED.get(language, _ACCENTED["en"])
    cyrillic_class, latin_class = (2, 3) if _SCRIPT_FIRST.get(language) == "cyrillic" else (3, 2)
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in "".join(_EXPANSIONS.get(char.lower(), char) for char in text):
        lower = char.lower()
        accent = 0
        if lower in accented:
            lower, accent = accented[lower], 1
        elif lower not in _CYRILLIC_RANK:
            decomposed = unicodedata.normalize("NFD", lower)
            if len(decomposed) > 1 and decomposed[0] in _LATIN_RANK | _CYRILLIC_RANK:
                lower, accent = decomposed[0], sum(map(ord, decomposed[1:]))
        if lower in _CYRILLIC_RANK:
            primary.append((cyrillic_class, _CYRILLIC_RANK[lower]))
        elif lower in _LATIN_RANK:
            primary.append((latin_class, _LATIN_RANK[lower]))
        elif lower.isdigit():
            primary.append((1, unicodedata.digit(lower, ord(lower))))
        elif lower.isalpha():
            primary.append((4, ord(lower)))
        else:  # spaces, punctuation, symbols
            primary.append((0, ord(lower)))
        secondary.append(accent)
        tertiary.append(0 if char == lower or not char.isupper() else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _comparer(language: str):
    def compare(first: str, second: str) -> int:
        first_key, second_key = sort_key(first, language), sort_key(second, language)
        return (first_key > second_key) - (first_key < second_key)

    return compare


def collation_name(vendor: str, language: str) -> str:
    """The collation to sort names of `language` with on this database vendor."""
    language = language if language in POSTGRES_COLLATIONS else "en"
    return POSTGRES_COLLATIONS[language] if vendor == "postgresql" else SQLITE_COLLATIONS[language]


def sqlite_collations_register(*, connection: BaseDatabaseWrapper, **_kwargs: object) -> None:
    """Give a new SQLite connection the collations (a connection_created receiver)."""
    if connection.vendor != "sqlite":
        return
    for language, name in SQLITE_COLLATIONS.items():
        connection.connection.create_collation(name, _comparer(language))
