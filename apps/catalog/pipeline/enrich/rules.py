"""The per-title rules: themes and plot sentiment (the decade is `apps.catalog.decades`).

- `genre_categories`: themes by the rules in THEMES: a theme applies when the title has
  one of its genres, one of its keywords, or one of its plot words.
- `sentiment_analysis`: a word-list score of the plot, deterministic: `keyword_score` =
  positive / (positive + negative) plot words (0.5 with neither), `plot_tone` Hopeful
  above 0.6, Dark below 0.4, otherwise Balanced.
- `director_stats`' average rating is rounded half up to one decimal.
"""

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

# The fields enrichment derives, in the order they are written.
DERIVED = ("decade_category", "genre_categories", "sentiment_analysis", "director_stats", "recommendations")

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
POSITIVE = frozenset(
    [
        "hope",
        "hopeful",
        "love",
        "friendship",
        "friend",
        "friends",
        "triumph",
        "redemption",
        "freedom",
        "joy",
        "happy",
        "brave",
        "courage",
        "kind",
        "rescue",
        "save",
        "saves",
        "heal",
        "peace",
        "dream",
        "dreams",
        "win",
        "wins",
        "family",
        "together",
        "inspire",
    ]
)
NEGATIVE = frozenset(
    [
        "murder",
        "murdered",
        "death",
        "die",
        "dies",
        "dead",
        "kill",
        "kills",
        "killer",
        "war",
        "crime",
        "revenge",
        "fear",
        "terror",
        "violent",
        "corrupt",
        "betrayal",
        "prison",
        "lonely",
        "grief",
        "tragic",
        "destroy",
        "evil",
        "haunted",
    ]
)
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


def sentiment_of(words: Sequence[str]) -> dict:
    """The tone of a plot of these words (`plot_words`)."""
    positive = sum(word in POSITIVE for word in words)
    negative = sum(word in NEGATIVE for word in words)
    score = round(positive / (positive + negative), 2) if positive + negative else 0.5
    tone = "Hopeful" if score > 0.6 else "Dark" if score < 0.4 else "Balanced"
    return {"plot_tone": tone, "keyword_score": score}


def one_decimal(value: float | Decimal | None) -> float | None:
    # Half up, as people round ratings (8.95 → 9.0); str() keeps a float's shortest form.
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))
