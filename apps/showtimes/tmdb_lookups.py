"""What a showtimes run asks TMDB: the catalog title of a movie nothing in the catalog
matched (created when new), and TMDB's now-playing list for Ukraine as a cross-check of
Gemini's movies. Everything is recorded in the run's `tmdb` field (shown in its admin); TMDB
failing never fails the run."""

import structlog

from apps.catalog.models import Title
from apps.catalog.search import search_fold
from apps.catalog.tmdb_enrich import tmdb_movie_find, tmdb_title_add
from apps.scraping.gemini_records import MovieFound
from apps.scraping.tmdb import TmdbClient, TmdbError, TmdbNotConfigured

logger = structlog.get_logger(__name__)

TMDB_SKIPPED = "TMDB_API_KEY is not set: unmatched movies were not looked up, no now-playing cross-check"


class TmdbLookups:
    """A run's questions to TMDB, written into `record` (the run's `tmdb` field) as they go."""

    def __init__(self, *, record: dict, city: str) -> None:
        self.record = record
        self.city = city

    def unmatched(self, name: str, reason: str) -> None:
        self.record.setdefault("unmatched_reasons", {})[name] = reason

    def title_find(self, name: str, found: MovieFound) -> tuple[Title | None, str]:
        """The catalog title TMDB places this movie as, created when new; and, when TMDB refused
        the key, the reason to give the run's other movies without asking again."""
        try:
            movie = tmdb_movie_find(names=[name, found.original_title], year=found.year)
            if movie is None:
                self.unmatched(name, "TMDB found no movie of that name and year")
                return None, ""
            title = tmdb_title_add(kind="movie", tmdb_id=movie.id)
        except TmdbNotConfigured as error:
            self.unmatched(name, str(error))
            return None, str(error)
        except TmdbError as error:
            logger.warning("showtimes_tmdb_failed", city=self.city, movie=name, error=str(error))
            self.unmatched(name, f"TMDB failed: {error}")
            return None, ""
        if title is None:
            self.unmatched(name, f"TMDB's movie {movie.id} has no IMDb id")
            return None, ""
        self.record.setdefault("created", []).append(name)
        return title, ""

    def now_playing_compare(self, found_movies: list[tuple[MovieFound, Title | None]]) -> None:
        """Which of Gemini's movies TMDB also lists as now playing in Ukraine, and which TMDB
        lists that Gemini did not find (TMDB's list is the country's, so some are expected)."""
        try:
            with TmdbClient() as client:
                playing = client.now_playing(region="UA")
        except TmdbError as error:
            self.record["now_playing"] = {"error": str(error)}
            return
        tmdb_ids = {movie.id for movie in playing.results}
        tmdb_names = {
            movie.id: {search_fold(movie.title), search_fold(movie.original_title)} - {""}
            for movie in playing.results
        }
        seen_ids: set[int] = set()
        both: list[str] = []
        gemini_only: list[str] = []
        for found, title in found_movies:
            folded = {search_fold(found.title), search_fold(found.original_title)} - {""}
            ids = {title.tmdb_id} & tmdb_ids if title is not None and title.tmdb_id else set()
            ids |= {tmdb_id for tmdb_id, names in tmdb_names.items() if names & folded}
            seen_ids |= ids
            (both if ids else gemini_only).append(found.title.strip())
        self.record["now_playing"] = {
            "dates": [playing.dates.minimum, playing.dates.maximum],
            "listed": len(playing.results),
            "both": both,
            "gemini_only": gemini_only,
            "tmdb_only": [
                movie.title or movie.original_title for movie in playing.results if movie.id not in seen_ids
            ],
        }
