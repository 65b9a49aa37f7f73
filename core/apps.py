from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared library; registers the lookups it provides."""

    name = "core"

    def ready(self) -> None:
        from core import lookups  # noqa: F401  (registers `__any` on every field)
