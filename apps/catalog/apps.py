from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Movies and series, people, genres, the ETL pipeline and the data-lake export."""

    name = "apps.catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from apps.catalog.events import movie_event_register

        movie_event_register()
