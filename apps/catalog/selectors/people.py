"""Reads of the catalog for a person's page: the person and their filmography."""

import re
from dataclasses import dataclass

from django.db.models import (
    Prefetch,
)
from django.utils.translation import gettext

from apps.catalog.departments import ROLE_DEPARTMENTS
from apps.catalog.errors import PersonNotFound
from apps.catalog.models import Credit, CreditRole, Person, Title
from apps.catalog.selectors.titles import DISPLAY_AKAS, display_akas

_IMDB_NAME_ID = re.compile(r"^nm\d{7,8}$")


# How many of a person's titles "known for" names.
_KNOWN_FOR_COUNT = 4


@dataclass(frozen=True)
class FilmographyRole:
    """A person's credits in one role, newest title first."""

    role: str
    credits: list[Credit]


@dataclass(frozen=True)
class Filmography:
    """A person's titles by role, and the most voted of them."""

    roles: list[FilmographyRole]
    known_for: list[Title]


def person_get(*, imdb_id: str) -> Person:
    """One person by IMDb id; PersonNotFound for an unknown or malformed id."""
    try:
        if not _IMDB_NAME_ID.match(imdb_id):
            raise Person.DoesNotExist
        return Person.objects.get(imdb_id=imdb_id)
    except Person.DoesNotExist:
        raise PersonNotFound(gettext("No person with the IMDb id %(id)s.") % {"id": imdb_id}) from None


def _newest_first(credit: Credit) -> tuple[bool, int, int, str]:
    title = credit.title
    return (title.start_year is None, -(title.start_year or 0), -title.votes, title.imdb_id)


def person_filmography(*, person: Person) -> Filmography:
    """A person's titles grouped by role, each newest first; the role they are known for first.

    Three queries whatever the count: the credits with their titles, and the titles' genres and
    display akas (what title cards show).
    """
    credits = list(
        Credit.objects.filter(person=person)
        .select_related("title")
        .prefetch_related(
            "title__genres",
            Prefetch(
                "title__localized_titles",
                queryset=display_akas().queryset,
                to_attr=DISPLAY_AKAS,
            ),
        )
    )
    by_role: dict[str, list[Credit]] = {}
    for credit in sorted(credits, key=_newest_first):
        by_role.setdefault(credit.role, []).append(credit)
    order = sorted(
        CreditRole.values, key=lambda role: ROLE_DEPARTMENTS.get(role) != person.known_for_department
    )
    roles = [FilmographyRole(role=role, credits=by_role[role]) for role in order if role in by_role]
    titles = {credit.title.pk: credit.title for credit in credits}
    known_for = sorted(titles.values(), key=lambda title: (-title.votes, title.imdb_id))[:_KNOWN_FOR_COUNT]
    return Filmography(roles=roles, known_for=known_for)
