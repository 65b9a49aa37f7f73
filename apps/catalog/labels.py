"""How stored catalog values read to a visitor: genres, themes, decades and plot tones, translated.

Genres (IMDb's 28), themes and plot tones (apps/catalog/pipeline/enrich/rules.py) are closed
English vocabularies stored as data; a value outside them shows as stored.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from apps.catalog.decades import Decade

# IMDb's genre list (title.basics.tsv `genres`). The context keeps them apart from the same
# English words elsewhere: Django's own catalog translates the admin's "Action" as "Дія".
GENRE_LABELS: dict[str, Promise] = {
    "Action": pgettext_lazy("genre", "Action"),
    "Adult": pgettext_lazy("genre", "Adult"),
    "Adventure": pgettext_lazy("genre", "Adventure"),
    "Animation": pgettext_lazy("genre", "Animation"),
    "Biography": pgettext_lazy("genre", "Biography"),
    "Comedy": pgettext_lazy("genre", "Comedy"),
    "Crime": pgettext_lazy("genre", "Crime"),
    "Documentary": pgettext_lazy("genre", "Documentary"),
    "Drama": pgettext_lazy("genre", "Drama"),
    "Family": pgettext_lazy("genre", "Family"),
    "Fantasy": pgettext_lazy("genre", "Fantasy"),
    "Film-Noir": pgettext_lazy("genre", "Film noir"),
    "Game-Show": pgettext_lazy("genre", "Game show"),
    "History": pgettext_lazy("genre", "History"),
    "Horror": pgettext_lazy("genre", "Horror"),
    "Music": pgettext_lazy("genre", "Music"),
    "Musical": pgettext_lazy("genre", "Musical"),
    "Mystery": pgettext_lazy("genre", "Mystery"),
    "News": pgettext_lazy("genre", "News"),
    "Reality-TV": pgettext_lazy("genre", "Reality TV"),
    "Romance": pgettext_lazy("genre", "Romance"),
    "Sci-Fi": pgettext_lazy("genre", "Sci-fi"),
    "Short": pgettext_lazy("genre", "Short"),
    "Sport": pgettext_lazy("genre", "Sport"),
    "Talk-Show": pgettext_lazy("genre", "Talk show"),
    "Thriller": pgettext_lazy("genre", "Thriller"),
    "War": pgettext_lazy("genre", "War"),
    "Western": pgettext_lazy("genre", "Western"),
}

# Themes share some names with genres but not their translations ("War": a genre is an
# adjective in Ukrainian, a theme a noun), hence a context of their own.
THEME_LABELS: dict[str, Promise] = {
    "Prison": pgettext_lazy("theme", "Prison"),
    "Space": pgettext_lazy("theme", "Space"),
    "Adaptation": pgettext_lazy("theme", "Adaptation"),
    "True story": pgettext_lazy("theme", "True story"),
    "War": pgettext_lazy("theme", "War"),
    "Crime": pgettext_lazy("theme", "Crime"),
    "Love": pgettext_lazy("theme", "Love"),
    "Family": pgettext_lazy("theme", "Family"),
    "Fear": pgettext_lazy("theme", "Fear"),
    "Dreams & minds": pgettext_lazy("theme", "Dreams & minds"),
}

PLOT_TONE_LABELS: dict[str, Promise] = {
    "Hopeful": pgettext_lazy("plot tone", "Hopeful"),
    "Dark": pgettext_lazy("plot tone", "Dark"),
    "Balanced": pgettext_lazy("plot tone", "Balanced"),
}


def genre_label(name: str) -> str:
    """A genre's name in the active language."""
    return str(GENRE_LABELS.get(name, name))


def theme_label(theme: str) -> str:
    """A theme (`Title.genre_categories`) in the active language."""
    return str(THEME_LABELS.get(theme, theme))


def plot_tone_label(tone: str) -> str:
    """A plot tone (Hopeful, Dark, Balanced) in the active language."""
    return str(PLOT_TONE_LABELS.get(tone, tone))


def decade_label(decade: Decade) -> str:
    """A decade in the active language ("1990-ті")."""
    # Translators: a decade; %(year)s is its first year, e.g. "1990s".
    return gettext("%(year)ss") % {"year": decade.start}
