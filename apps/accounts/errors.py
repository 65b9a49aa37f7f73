"""The accounts domain's errors; edges map them to HTTP once."""

from django.utils.translation import gettext

from core.errors import DomainError


class RatingOutOfRange(DomainError):
    code = "rating_out_of_range"
    http_status = 422


class HomeCityMissing(DomainError):
    code = "home_city_missing"
    http_status = 409

    def __init__(self) -> None:
        super().__init__(gettext("Choose your home city in your profile first."))


class PerkLimitReached(DomainError):
    """The person's plan allows no more of something (saved cities, film alerts); the message
    names the limit, and pages add the link to the plans."""

    code = "perk_limit_reached"
    http_status = 409


class PerkNotIncluded(DomainError):
    """The person's plan does not include this feature (the calendar feed)."""

    code = "perk_not_included"
    http_status = 403
