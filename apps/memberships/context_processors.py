from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .providers import providers_configured


def donation_link() -> dict | None:
    """Where the footer's donation button goes: our donation page when a provider is
    configured, else DONATION_URL (external), else nowhere (the button is hidden)."""
    if providers_configured():
        return {"url": reverse("memberships:donate"), "is_external": False}
    if settings.DONATION_URL:
        return {"url": settings.DONATION_URL, "is_external": True}
    return None


def donation(request: HttpRequest) -> dict:
    # Lazy: the template calls it only where the footer is rendered.
    return {"donation_link": donation_link}
