"""Celery edges of the IMDb page scraper; the work is in apps.scraping.services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.scraping.browser import BrowserMissing, BrowserUnavailable
from apps.scraping.imdb_client import ImdbUnavailable
from apps.scraping.services import (
    CircuitOpen,
    circuit_check,
    scrape_chart,
    scrape_titles,
    scrape_url,
    titles_most_shown,
)

# Retried: a browser that would not start or a page that kept failing (not a missing
# Chromium). A blocked page is not retried here: the circuit breaker decides when IMDb may
# be asked again.
RETRY = {
    "autoretry_for": (BrowserUnavailable, ImdbUnavailable),
    "dont_autoretry_for": (BrowserMissing,),
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 4,
}


def _paused(task, exc: CircuitOpen) -> dict:
    """Try again when the circuit reopens (once), rather than asking IMDb while it blocks."""
    seconds = max(60, int((exc.reopens_at - timezone.now()).total_seconds()) + 60) if exc.reopens_at else 3600
    if task.request.retries < 1 and not task.request.is_eager:
        raise task.retry(countdown=seconds, exc=exc, max_retries=1)
    return {"circuit_open": True, "message": str(exc)}


@shared_task(bind=True, **RETRY)
def scrape_titles_task(self, ids: list[str], languages: list[str] | None = None) -> dict:
    """Title pages into the catalog; idempotent: unchanged titles store and publish nothing."""
    try:
        circuit_check()
    except CircuitOpen as exc:
        return _paused(self, exc)
    return scrape_titles(ids=ids, languages=languages or ["en"]).as_dict()


@shared_task(bind=True, **RETRY)
def scrape_chart_task(self, name: str, limit: int | None = None, languages: list[str] | None = None) -> dict:
    try:
        circuit_check()
    except CircuitOpen as exc:
        return _paused(self, exc)
    return scrape_chart(name=name, limit=limit, languages=languages or ["en"]).as_dict()


@shared_task(bind=True, **RETRY)
def scrape_url_task(self, url: str, limit: int | None = None, languages: list[str] | None = None) -> dict:
    try:
        circuit_check()
    except CircuitOpen as exc:
        return _paused(self, exc)
    return scrape_url(url=url, limit=limit, languages=languages or ["en"]).as_dict()


@shared_task(bind=True, **RETRY)
def scrape_daily_refresh_task(self) -> dict:
    """The top chart, then the pages of the titles the site shows most (SCRAPER_DAILY_*)."""
    try:
        circuit_check()
    except CircuitOpen as exc:
        return _paused(self, exc)
    chart = scrape_chart(name="top", languages=settings.SCRAPER_DAILY_LANGUAGES)
    if chart.is_circuit_open:
        return {"chart": chart.as_dict()}
    ids = titles_most_shown(count=settings.SCRAPER_DAILY_TITLES)
    titles = scrape_titles(ids=ids, languages=settings.SCRAPER_DAILY_LANGUAGES) if ids else None
    return {"chart": chart.as_dict(), "titles": titles.as_dict() if titles else None}
