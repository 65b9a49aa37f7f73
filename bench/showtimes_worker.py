"""The measured runs of bench/showtimes.py, in a Django child process; prints one JSON document.

1. The first full run of an uncovered city (the project's plan: apps/showtimes/planner.py).
2. The next day's refresh: the stored days, sessions and cinemas are moved one day into the
   past, as if a day had gone by, and the city runs again.
3. The original plan, same stand-in, same parallelism: cinemas, movies, then one query per
   movie per day over the whole window, no early stop and no memory of days asked; its answers
   judged by the same trust rules, so "sessions" counts what it would have stored.
"""

import datetime as dt
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# This folder off the path (its http.py would shadow the standard library's), the repository on.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.catalog.models import Source, Title  # noqa: E402
from apps.catalog.search import search_text_build  # noqa: E402
from apps.scraping import gemini  # noqa: E402
from apps.showtimes import planner, trust  # noqa: E402
from apps.showtimes.models import CoveredDay, Location, Session, Theater  # noqa: E402
from apps.showtimes.services import location_claim, location_get_or_create, showtimes_city_run  # noqa: E402
from tests.standins.gemini import FakeCity  # noqa: E402


def catalog_seed(city: FakeCity) -> None:
    for movie in city.movie_list():
        names = [movie["original_title"], movie["title"]]
        Title.objects.get_or_create(
            imdb_id=movie["imdb_id"],
            defaults={
                "title_type": "movie",
                "primary_title": movie["original_title"],
                "original_title": movie["original_title"],
                "start_year": movie["year"],
                "runtime_minutes": 110,
                "source": Source.IMDB_DATASETS,
                "search_text": search_text_build(names),
            },
        )


def project_run(location: Location) -> dict:
    assert location_claim(location=location, status=Location.Status.SCRAPING, is_forced=True)
    started = time.monotonic()
    run = showtimes_city_run(location=location)
    seconds = time.monotonic() - started
    return {
        "status": run.status,
        "error": run.error,
        "calls": run.calls,
        "tokens": run.tokens,
        "seconds": round(seconds, 2),
        "days_planned": run.days_planned,
        "sessions_added": run.sessions_added,
        "sessions_stored": Session.objects.filter(
            movie__location=location, cancelled_at__isnull=True
        ).count(),
        "rejected": run.rejected,
    }


def a_day_passes(location: Location) -> None:
    # In two steps: each row is checked against the unique constraints as it is updated, so one
    # step of a day would collide with the row of the day before.
    far, day = dt.timedelta(days=1000), dt.timedelta(days=1)
    for shift in (far, -far - day):
        CoveredDay.objects.filter(movie__location=location).update(day=F("day") + shift)
        Session.objects.filter(movie__location=location).update(starts_at=F("starts_at") + shift)
    Theater.objects.filter(location=location).update(last_verified_at=F("last_verified_at") - day)


def original_plan(location: Location) -> dict:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(location.time_zone)
    today = timezone.now().astimezone(zone).date()
    window = planner.window_days(today=today, horizon=settings.SHOWTIMES_HORIZON_DAYS)
    started = time.monotonic()
    calls, tokens = 2, 0
    cinemas_reply = gemini.cinemas_find(city=location.city, country=location.country)
    cinemas = [cinema.name for cinema in cinemas_reply.answer.cinemas]
    movies_reply = gemini.movies_find(city=location.city, country=location.country, cinemas=cinemas)
    tokens += cinemas_reply.usage.total_tokens + movies_reply.usage.total_tokens

    def ask(pair) -> tuple[int, int]:
        movie, day = pair
        try:
            reply = gemini.sessions_find(
                city=location.city,
                country=location.country,
                movie=movie.title,
                year=movie.year,
                day=day,
                cinemas=cinemas,
            )
            verdict = trust.day_answer_judge(
                reply=reply, day=day, window=window, zone=zone, cinemas=cinemas, runtime_minutes=110
            )
            return reply.usage.total_tokens, len(verdict.sessions)
        finally:
            close_old_connections()

    pairs = [(movie, day) for movie in movies_reply.answer.movies for day in window]
    with ThreadPoolExecutor(max_workers=settings.SHOWTIMES_PARALLEL_MOVIES) as pool:
        results = list(pool.map(ask, pairs))
    calls += len(pairs)
    tokens += sum(spent for spent, _found in results)
    return {
        "calls": calls,
        "tokens": tokens,
        "seconds": round(time.monotonic() - started, 2),
        "sessions_stored": sum(found for _spent, found in results),
    }


def main() -> None:
    city = FakeCity(cinemas=int(os.environ["BENCH_CINEMAS"]), movies=int(os.environ["BENCH_MOVIES"]))
    catalog_seed(city)
    location = location_get_or_create(city="Kyiv")
    first = project_run(location)
    a_day_passes(location)
    refresh = project_run(location)
    original = original_plan(location)
    print(json.dumps({"first_run": first, "next_day_refresh": refresh, "original_plan": original}))


if __name__ == "__main__":
    main()
