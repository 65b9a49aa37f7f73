"""A person's cities: the home city (the first) and the cities they saved beside it.

How many count is the plan's `saved_cities_max` (apps.memberships.perks). When a plan ends
nothing is deleted: the cities beyond the new limit stay saved but inactive (greyed on the
profile, left out of "your cities" on the showtimes index) and come back with a renewal.
Keeping them all active would make the perk outlive the subscription; deleting them would
lose a person's choices for good. The home city and then the oldest saves stay active.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import ngettext

from apps.accounts.errors import PerkLimitReached
from apps.accounts.models import SavedCity, User
from apps.memberships import perks
from apps.showtimes.models import Location


@dataclass(frozen=True)
class MyCity:
    location: Location
    is_home: bool
    is_active: bool  # within the plan's limit


def my_cities(*, user: User) -> list[MyCity]:
    """The home city first, then saved cities in the order they were saved."""
    limit = perks.perks_for(user).saved_cities_max
    locations: list[tuple[Location, bool]] = []
    if user.home_city_id is not None:
        locations.append((user.home_city, True))
    saved = (
        SavedCity.objects.filter(user=user)
        .exclude(location_id=user.home_city_id)
        .select_related("location")
        .order_by("created_at", "pk")
    )
    locations.extend((row.location, False) for row in saved)
    return [
        MyCity(location=location, is_home=is_home, is_active=index < limit)
        for index, (location, is_home) in enumerate(locations)
    ]


def saved_cities_limit_message(limit: int) -> str:
    return ngettext(
        "Your plan keeps %(count)d city (your home city counts as the first).",
        "Your plan keeps %(count)d cities (your home city counts as the first).",
        limit,
    ) % {"count": limit}


def city_save(*, user: User, location: Location) -> None:
    """Add the city to the person's cities; PerkLimitReached when the plan's count is reached."""
    with transaction.atomic():
        # One person's saves in a row (PostgreSQL), so two at once cannot both pass the count.
        User.objects.select_for_update().filter(pk=user.pk).first()
        cities = my_cities(user=user)
        if any(city.location.pk == location.pk for city in cities):
            return
        limit = perks.perks_for(user).saved_cities_max
        if len(cities) >= limit:
            raise PerkLimitReached(saved_cities_limit_message(limit))
        SavedCity.objects.create(user=user, location=location)


def city_unsave(*, user: User, location: Location) -> None:
    """Remove a saved city (the home city is changed on the profile, not here)."""
    SavedCity.objects.filter(user=user, location=location).delete()
