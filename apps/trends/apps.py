from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrendsConfig(AppConfig):
    """View counts, TMDB scores, trend scores and leaderboards."""

    name = "apps.trends"
    verbose_name = _("Trends")

    def ready(self) -> None:
        from apps.trends.events import trend_event_register

        trend_event_register()
