"""The payment providers this installation has keys for.

A provider module exposes `provider_from_settings()`, which returns a ready client, or None
when its keys are not set: an unconfigured provider is hidden everywhere.
"""

from importlib import import_module

from .base import PaymentProvider

_MODULES = ("apps.memberships.providers.stripe", "apps.memberships.providers.monobank")


def providers_configured() -> dict[str, PaymentProvider]:
    found: dict[str, PaymentProvider] = {}
    for path in _MODULES:
        provider = import_module(path).provider_from_settings()
        if provider is not None:
            found[provider.name] = provider
    return found


def provider_get(name: str) -> PaymentProvider | None:
    return providers_configured().get(name)
