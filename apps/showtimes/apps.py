from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowtimesConfig(AppConfig):
    """Cities, theaters and showtimes found on demand."""

    name = "apps.showtimes"
    verbose_name = _("Showtimes")

    def ready(self) -> None:
        from apps.showtimes.events import showtimes_event_register

        showtimes_event_register()
