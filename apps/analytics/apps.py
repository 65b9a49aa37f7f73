from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Visitors and the audit trail."""

    name = "apps.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from apps.analytics import receivers  # noqa: F401  (connects the audit trail's receivers)
