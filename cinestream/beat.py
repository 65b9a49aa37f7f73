"""What Celery beat runs when (cinestream/celery.py sets it as beat_schedule)."""

from datetime import timedelta

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Counted page views and visitors into the database; the footer's counter reads them.
    "analytics-visits-flush": {
        "task": "apps.analytics.tasks.visits_flush_task",
        "schedule": timedelta(minutes=1),
    },
    "stream-events-prune": {"task": "apps.stream.tasks.events_prune_task", "schedule": timedelta(hours=1)},
    # IMDb refreshes its datasets daily; only titles that changed produce events.
    "catalog-imdb-datasets-refresh": {
        "task": "apps.catalog.tasks.imdb_datasets_refresh_task",
        "schedule": crontab(hour=5, minute=30),
    },
    # After the datasets refresh: the top chart, then the pages of the titles the site shows
    # most. No view counts exist yet, so "most shown" is the catalog's most voted titles
    # (apps.catalog.selectors.titles_most_shown) until the trends app counts views.
    "catalog-imdb-pages-daily-refresh": {
        "task": "apps.catalog.tasks.scrape_daily_refresh_task",
        "schedule": crontab(hour=6, minute=15),
    },
    # Vote counts move the (decade, genre) tops that recommendations draw on.
    "catalog-recommendations-buckets-refresh": {
        "task": "apps.catalog.tasks.recommendations_buckets_refresh_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # TMDB's posters, translations, ratings and providers for new and most shown titles;
    # does nothing without TMDB_API_KEY.
    "catalog-tmdb-daily-enrich": {
        "task": "apps.catalog.tasks.tmdb_daily_enrich_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # A safety net: an ingest that stopped half-way leaves titles pending enrichment.
    "catalog-pending-enrich": {
        "task": "apps.catalog.tasks.pending_enrich_task",
        "schedule": timedelta(minutes=15),
    },
    # Failed city runs whose retry_at has come (visitors are shown that time).
    "showtimes-retry-failed": {
        "task": "apps.showtimes.tasks.showtimes_retry_failed_task",
        "schedule": timedelta(minutes=5),
    },
    # Cities opened this week get their missing days before the morning's visitors.
    "showtimes-nightly-extend": {
        "task": "apps.showtimes.tasks.showtimes_extend_visited_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "showtimes-purge-expired": {
        "task": "apps.showtimes.tasks.showtimes_purge_expired_task",
        "schedule": crontab(hour=4, minute=0),
    },
    # Views counted in Redis reach the database in batches, then the touched titles' scores move.
    "trends-views-flush": {"task": "apps.trends.tasks.views_flush_task", "schedule": timedelta(minutes=1)},
    # Views age (the half-life) even when nobody looks, and the daily TMDB enrichment above
    # moves ratings and popularity: every score is recomputed once that is done.
    "trends-scores-refresh": {
        "task": "apps.trends.tasks.scores_refresh_task",
        "schedule": crontab(hour=8, minute=30),
    },
    # Webhooks are the truth, but one can be lost: each provider is asked about open
    # subscriptions once a day, then graces that ran out are closed.
    "memberships-reconcile": {
        "task": "apps.memberships.tasks.memberships_reconcile_task",
        "schedule": crontab(hour=4, minute=30),
    },
    # The weekly "What's trending" e-mail (beat runs in TIME_ZONE, Europe/Kyiv): supporters' a
    # day early on Sunday morning, everyone else's on Monday; a week is never mailed twice.
    "accounts-trends-report-early": {
        "task": "apps.accounts.tasks.trends_report_send_task",
        "schedule": crontab(hour=9, minute=0, day_of_week="sun"),
        "kwargs": {"early": True},
    },
    "accounts-trends-report": {
        "task": "apps.accounts.tasks.trends_report_send_task",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon"),
        "kwargs": {"early": False},
    },
}
