from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreamConfig(AppConfig):
    """The durable event log and its live SSE and WebSocket edges."""

    name = "apps.stream"
    verbose_name = _("Stream")
