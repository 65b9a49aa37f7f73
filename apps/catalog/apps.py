from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Movies and series, people, genres, the ETL pipeline and the data-lake export."""

    name = "apps.catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from apps.catalog.collation import sqlite_collations_register
        from apps.catalog.events import movie_event_register

        movie_event_register()
        connection_created.connect(sqlite_collations_register, dispatch_uid="catalog-collations")
        post_migrate.connect(_search_index_install, sender=self)


def _search_index_install(**kwargs: object) -> None:
    # SQLite drops a table's triggers when a migration remakes the table: put them back.
    from apps.catalog.search.index import search_index

    search_index().install()
