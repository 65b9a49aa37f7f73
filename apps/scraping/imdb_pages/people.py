"""Principal credits as role groups: {"director": [credit, …], "writer": …, "star": …}.

Each part of a title page yields such groups (its `people`); a person appears once per
role (by nm id, or by name when there is none) in credit order, and a series' creators
lead its writers. The field readers at the end read any part's groups.
"""

from collections.abc import Iterable
from typing import Any

from apps.scraping.imdb_vocabulary import ROLE_LABELS

Groups = dict[str, list[dict[str, Any]]]

_LABEL_ROLES = {label: role for role, labels in ROLE_LABELS.items() for label in labels}
# principalCredits (2024) category ids and ref_ link codes to roles.
CATEGORY_ROLES = {
    "director": "director",
    "writer": "writer",
    "creator": "creator",
    "cast": "star",
    "star": "star",
}
REF_ROLES = {"dr": "director", "wr": "writer", "cr": "creator", "st": "star"}


def credit_groups_add(groups: Groups, role: str, people: Iterable[tuple[str | None, str]]) -> None:
    """Add (nm id, name) pairs to the role's group, skipping people it already has."""
    kept = groups.setdefault(role, [])
    seen = {credit["imdb_id"] or credit["name"].casefold() for credit in kept}
    for imdb_id, name in people:
        key = imdb_id or name.casefold()
        if name and key not in seen:
            seen.add(key)
            kept.append({"imdb_id": imdb_id, "name": name, "ordering": len(kept)})


def role_of_label(label: str) -> str | None:
    """The role a credit group's label names, in any language the vocabulary knows."""
    key = " ".join(label.split()).casefold().rstrip(":")
    return _LABEL_ROLES.get(key)


def writers_of(groups: Groups) -> list[dict[str, Any]] | None:
    """The writers field: creators first, then writers, each person once."""
    writers: Groups = {}
    for role in ("creator", "writer"):
        people = ((credit["imdb_id"], credit["name"]) for credit in groups.get(role, []))
        credit_groups_add(writers, "writer", people)
    return writers.get("writer")


def directors(part: Any) -> list[dict[str, Any]] | None:
    return part.people.get("director")


def writers(part: Any) -> list[dict[str, Any]] | None:
    return writers_of(part.people)


def stars(part: Any) -> list[dict[str, Any]] | None:
    return part.people.get("star")
