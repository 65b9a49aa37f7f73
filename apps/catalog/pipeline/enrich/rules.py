"""The per-title rules: themes and plot sentiment (the decade is `apps.catalog.decades`).

- `genre_categories`: themes by the rules in THEMES: a theme applies when the title has
  one of its genres, one of its keywords, or one of its plot words.
- `sentiment_analysis`: a word-list score of every plot the title has (the English `plot`
  and each `translations[language].overview`), deterministic: each word is looked up in
  the lexicon of English, Ukrainian and Russian (`lexicon`, whole words and stems);
  `keyword_score` = positive / (positive + negative) words (0.5 with neither),
  `plot_tone` Hopeful above 0.6, Dark below 0.4, otherwise Balanced. A title with no
  plot in any language has none: {} (the page hides the tile).
- `director_stats`' average rating is rounded half up to one decimal.
- `name_uk`, `name_ru`, `name_en`: the name shown in each language (apps/catalog/names.py),
  stored so that lists sort by it in index order.
"""

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from apps.catalog.names import NAME_FIELDS
from apps.catalog.pipeline.enrich import lexicon

# The fields enrichment derives, in the order they are written.
DERIVED = (
    "decade_category",
    "genre_categories",
    "sentiment_analysis",
    "director_stats",
    "recommendations",
    *NAME_FIELDS.values(),
)

THEMES: dict[str, dict[str, frozenset[str]]] = {
    "Prison": {
        "genres": frozenset(),
        "words": frozenset({"prison", "inmate", "inmates", "jail", "penitentiary"}),
    },
    "Space": {
        "genres": frozenset(),
        "words": frozenset({"space", "astronaut", "spaceship", "galaxy", "planet"}),
    },
    "Adaptation": {
        "genres": frozenset(),
        "words": frozenset({"based on novel", "based on book", "based on comic", "based on play", "novel"}),
    },
    "True story": {
        "genres": frozenset({"Biography"}),
        "words": frozenset({"based on true story", "true story"}),
    },
    "War": {"genres": frozenset({"War"}), "words": frozenset({"war", "soldier", "soldiers", "battle"})},
    "Crime": {
        "genres": frozenset({"Crime", "Film-Noir"}),
        "words": frozenset({"murder", "heist", "gangster"}),
    },
    "Love": {"genres": frozenset({"Romance"}), "words": frozenset({"love", "romance", "wedding"})},
    "Family": {"genres": frozenset({"Family", "Animation"}), "words": frozenset()},
    "Fear": {"genres": frozenset({"Horror"}), "words": frozenset({"haunted", "ghost", "demon", "killer"})},
    "Dreams & minds": {"genres": frozenset(), "words": frozenset({"dream", "dreams", "memory", "mind"})},
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def plot_words(plot: str) -> list[str]:
    return _WORD.findall(plot.casefold())


def themes_of(*, genres: Iterable[str], keywords: Iterable[str], words: Iterable[str]) -> list[str]:
    """The themes of a title of these genres, keywords and plot words (`plot_words`)."""
    genres, keywords, words = set(genres), {keyword.casefold() for keyword in keywords}, set(words)
    return [
        theme
        for theme, rule in THEMES.items()
        if rule["genres"] & genres or rule["words"] & keywords or rule["words"] & words
    ]


def _entries(lexicon: dict[str, str], polarity: int) -> tuple[dict[str, int], dict[str, int]]:
    words: dict[str, int] = {}
    stems: dict[str, int] = {}
    for entries in lexicon.values():
        for entry in entries.split():
            if entry.endswith("*"):
                stems[entry[:-1]] = polarity
            else:
                words[entry] = polarity
    return words, stems


def _polarities() -> tuple[dict[str, int], dict[str, int]]:
    positive_words, positive_stems = _entries(lexicon.POSITIVE, 1)
    negative_words, negative_stems = _entries(lexicon.NEGATIVE, -1)
    both = (positive_words.keys() & negative_words.keys()) | (positive_stems.keys() & negative_stems.keys())
    if both:
        raise ValueError(f"plot-tone lexicon: both positive and negative: {sorted(both)}")
    return positive_words | negative_words, positive_stems | negative_stems


_TONE_WORDS, _TONE_STEMS = _polarities()
_SHORTEST_STEM = min(map(len, _TONE_STEMS))
# Ukrainian writes its apostrophe (сім'я, в'язниця) as ’ or ʼ as often as '.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def polarity_of(word: str) -> int:
    """1 for a warm word, -1 for a dark one, 0 for neither: the whole word, else its longest stem."""
    if word in _TONE_WORDS:
        return _TONE_WORDS[word]
    for end in range(len(word), _SHORTEST_STEM - 1, -1):
        polarity = _TONE_STEMS.get(word[:end])
        if polarity is not None:
            return polarity
    return 0


def sentiment_of(plots: Iterable[str]) -> dict:
    """The tone of a title's plots, in whatever of English, Ukrainian and Russian; {} without a plot."""
    plots = [plot for plot in plots if plot and plot.strip()]
    if not plots:
        return {}
    polarities = [polarity_of(word) for plot in plots for word in plot_words(plot.translate(_APOSTROPHES))]
    positive, negative = polarities.count(1), polarities.count(-1)
    score = round(positive / (positive + negative), 2) if positive + negative else 0.5
    tone = "Hopeful" if score > 0.6 else "Dark" if score < 0.4 else "Balanced"
    return {"plot_tone": tone, "keyword_score": score}


def plots_of(*, plot: str, translations: Mapping) -> list[str]:
    """Every plot a title has: IMDb's (English) and each translation's overview."""
    overviews = [
        entry.get("overview") or ""
        for entry in (translations if isinstance(translations, Mapping) else {}).values()
        if isinstance(entry, Mapping)
    ]
    return [plot, *(overview for overview in overviews if isinstance(overview, str))]


def one_decimal(value: float | Decimal | None) -> float | None:
    # Half up, as people round ratings (8.95 → 9.0); str() keeps a float's shortest form.
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))
