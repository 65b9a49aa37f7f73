"""TMDB's departments (a person's `known_for_department`), translated, and the credit role of each."""

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from apps.catalog.models import CreditRole

DEPARTMENT_LABELS: dict[str, Promise] = {
    "Acting": pgettext_lazy("department", "Acting"),
    "Directing": pgettext_lazy("department", "Directing"),
    "Writing": pgettext_lazy("department", "Writing"),
    "Production": pgettext_lazy("department", "Production"),
    "Camera": pgettext_lazy("department", "Camera"),
    "Editing": pgettext_lazy("department", "Editing"),
    "Sound": pgettext_lazy("department", "Sound"),
    "Art": pgettext_lazy("department", "Art"),
    "Costume & Make-Up": pgettext_lazy("department", "Costume & make-up"),
    "Visual Effects": pgettext_lazy("department", "Visual effects"),
    "Lighting": pgettext_lazy("department", "Lighting"),
    "Crew": pgettext_lazy("department", "Crew"),
    "Creator": pgettext_lazy("department", "Creator"),
}

# The department a credit role belongs to: filmography groups are headed by it.
ROLE_DEPARTMENTS: dict[str, str] = {
    CreditRole.STAR: "Acting",
    CreditRole.DIRECTOR: "Directing",
    CreditRole.WRITER: "Writing",
}


def department_label(department: str) -> str:
    """A department in the active language; one TMDB adds later shows as TMDB names it."""
    label = DEPARTMENT_LABELS.get(department)
    return str(label) if label is not None else department
