"""The text side of search: one folding for stored names and queries, transliteration, trigrams.

Folding runs here, in Python, for both what is stored and what is asked, so that SQLite and
PostgreSQL compare identical strings (PostgreSQL's `unaccent` folds differently from
`unicodedata`, and is not immutable, so it cannot feed an index either).
"""

import unicodedata
from collections.abc import Iterable

# Combining marks are dropped after NFKD, which folds é→e, ё→е, й→и, ї→і alike: a visitor
# types them without the marks as often as with them, and both sides lose them the same way.
_KEPT_APART = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})

# Ukrainian and Russian letters to Latin as names are usually spelled in English (IMDb's
# people are named in Latin letters). Folded input only: й, ё and ї are и, е and і by then.
_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "ye",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "і": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "'": "",
        "’": "",
    }
)


def search_fold(text: str) -> str:
    """The form stored names and queries both take: no accents, case-folded, ё as е, single spaces."""
    if text.isascii():  # most names; the same result, several times faster for bulk imports
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", bare).translate(_KEPT_APART).split())


def search_text_build(names: Iterable[str]) -> str:
    """`Title.search_text` for a title known by these names (folded, duplicates dropped, order kept)."""
    folded = dict.fromkeys(search_fold(name) for name in names if name and name.strip())
    folded.pop("", None)
    return "\n".join(folded)


def transliterate(folded: str) -> str:
    """A folded Cyrillic text in Latin letters ("нолан" → "nolan"); Latin text comes back as it is."""
    return folded.translate(_TO_LATIN)


def query_forms(folded: str) -> list[str]:
    """The forms a folded query is searched in: itself, and in Latin letters when it has Cyrillic."""
    latin = transliterate(folded)
    return [folded] if latin == folded else [folded, latin]


def _word_trigrams(word: str) -> list[str]:
    padded = f"  {word} "
    return [padded[index : index + 3] for index in range(len(padded) - 2)]


def trigrams(text: str) -> list[str]:
    """pg_trgm's trigrams of a folded text, in order: each alphanumeric word padded "  w "."""
    words = "".join(char if char.isalnum() else " " for char in text).split()
    return [trigram for word in words for trigram in _word_trigrams(word)]


def word_similarity(query: str, text: str) -> float:
    """How well the query matches the best stretch of one of the text's lines, 0 to 1.

    pg_trgm's `word_similarity`: the query's trigrams against those of a contiguous stretch
    of the text, shared over both together, so a stretch wider than the query costs. The
    best stretch is searched for exhaustively, which pg_trgm approximates; equal or above.
    """
    wanted = set(trigrams(query))
    if not wanted:
        return 0.0
    best = 0.0
    for line in text.split("\n"):
        sequence = trigrams(line)
        for start, first in enumerate(sequence):
            if first not in wanted:
                continue  # a stretch starting on a trigram the query lacks is beaten by a shorter one
            seen: set[str] = set()
            for trigram in sequence[start:]:
                seen.add(trigram)
                if trigram in wanted:
                    shared = len(seen & wanted)
                    best = max(best, shared / len(seen | wanted))
    return best
