"""Load settings at an entry point, so a configuration error is one clear line."""

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured


def settings_load_or_exit() -> None:
    """Import the settings module; on a bad environment value print why and exit 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as exc:
        print(f"CineStream configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
