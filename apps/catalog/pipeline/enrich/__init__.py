"""Enrich: derived fields, computed in bulk after merges, and the one event per changed title.

Merging marks what it changed as pending (`Title.enrich_pending`, an `EnrichPending`:
TITLE = the title itself, NEIGHBOURS = also the titles it may now be recommended with).
`pending_enrich` then works from the catalog as it stands, so the result does not depend
on how records were batched or in which order they came, and publishes exactly one
`movie` event per title that changed:
- `decade_category`: the start year's decade ("1990s", `apps.catalog.decades.Decade`).
- `genre_categories`, `sentiment_analysis`: the per-title rules (`rules`).
- `director_stats`: the first director's `total_movies` and `average_rating` over the
  catalog; every title of a director of a pending title is refreshed.
- `recommendations` (`recommendations`): when a title's people, genres or year change,
  its recommendations and those of the titles sharing a person with it are recomputed;
  a title whose other fields changed (a new rating, a new title) keeps its
  recommendations, which do not depend on them (they weigh candidates by their rating
  as it was when they were computed). When a bucket's top 20 changes (votes
  move daily), its titles are refreshed by `recommendations_buckets_refresh`, a daily
  task of its own, so that an import costs in proportion to what it changed.

Modules: `rules` (per-title rules), `neighbourhood` (the catalog held compactly, and
candidate ranks), `recommendations` (buckets and scoring), `passes` (the pass itself and
its tuning constants), `payloads` (the `movie` event's data).
"""

from apps.catalog.pipeline.enrich.passes import ANALYZE_FROM, pending_enrich, recommendations_buckets_refresh
from apps.catalog.pipeline.enrich.payloads import movie_payloads
from apps.catalog.pipeline.enrich.rules import (
    DERIVED,
    THEMES,
    plot_words,
    plots_of,
    polarity_of,
    sentiment_of,
    themes_of,
)

__all__ = [
    "ANALYZE_FROM",
    "DERIVED",
    "THEMES",
    "movie_payloads",
    "pending_enrich",
    "plot_words",
    "plots_of",
    "polarity_of",
    "recommendations_buckets_refresh",
    "sentiment_of",
    "themes_of",
]
