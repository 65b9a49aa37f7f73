from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScrapingConfig(AppConfig):
    """Clients of external systems (IMDb, Gemini, TMDB) and the typed records they yield."""

    name = "apps.scraping"
    verbose_name = _("Scraping")
