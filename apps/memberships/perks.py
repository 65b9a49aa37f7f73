"""What a user's plan gives them. Features ask `perks.perks_for(user)`, never the models."""

from pydantic import BaseModel, ConfigDict


class Perks(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan: str = "free"
    api_key: bool = False  # a personal key for the public API, with `api_write_rate`
    api_write_rate: str = ""  # "600/minute"; empty: the anonymous API_WRITE_RATE
    saved_cities_max: int = 1
    alerts_max: int = 5
    calendar_feed: bool = False
    trends_report_early: bool = False


FREE = Perks()


_CACHE_ATTRIBUTE = "_membership_perks"


def perks_for(user) -> Perks:
    """The perks of the user's active (or in-grace) subscription's plan, else FREE.

    A subscription gives perks while it is active, past due with its grace still running, or
    canceled at the end of a period that has not ended yet. One query, remembered on the user
    object (so for one request).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return FREE
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    from .selectors import subscription_with_perks  # models import this module

    subscription = subscription_with_perks(user=user)
    perks = subscription.plan.perks() if subscription is not None else FREE
    setattr(user, _CACHE_ATTRIBUTE, perks)
    return perks
