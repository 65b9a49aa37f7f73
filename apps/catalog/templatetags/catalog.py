"""Template tags for catalog pages: labels in the active language, display names, TMDB images."""

from collections.abc import Mapping

from django import template
from django.utils.translation import get_language

from apps.catalog import images
from apps.catalog.countries import country_name as _country_name
from apps.catalog.decades import Decade
from apps.catalog.departments import ROLE_DEPARTMENTS
from apps.catalog.departments import department_label as _department_label
from apps.catalog.labels import GENRE_LABELS
from apps.catalog.labels import decade_label as _decade_label
from apps.catalog.labels import genre_label as _genre_label
from apps.catalog.labels import plot_tone_label as _plot_tone_label
from apps.catalog.labels import theme_label as _theme_label
from apps.catalog.models import Title
from apps.catalog.names import language_base
from apps.catalog.selectors import title_display_name

# The sizes each kind of image comes in, smallest first (TMDB's /3/configuration lists them).
_SRCSET_SIZES = {"poster": images.POSTER_SIZES, "backdrop": images.BACKDROP_SIZES}

register = template.Library()


@register.filter
def genre_label(genre: object) -> str:
    """`{{ genre|genre_label }}` for a Genre or a genre name."""
    return _genre_label(str(genre))


@register.filter
def plot_tone_label(tone: object) -> str:
    return _plot_tone_label(str(tone))


@register.filter
def decade_label(decade: object) -> str:
    """`{{ title.decade_category|decade_label }}`; text that is no decade shows as stored."""
    try:
        return _decade_label(decade if isinstance(decade, Decade) else Decade.parse(str(decade)))
    except ValueError:
        return str(decade)


@register.filter
def theme_label(theme: object) -> str:
    return _theme_label(str(theme))


@register.filter
def country_name(code: object) -> str:
    """`{{ "UA"|country_name }}`: "Україна" for a visitor reading Ukrainian."""
    return _country_name(str(code), get_language() or "en")


@register.filter
def department_label(department: object) -> str:
    """A TMDB department ("Acting") or a credit role ("star") as its department, translated."""
    department = str(department)
    return _department_label(ROLE_DEPARTMENTS.get(department, department))


@register.filter
def display_name(title: Title) -> str:
    """The title's name for the active language (see selectors.title_display_name)."""
    return title_display_name(title=title, language=get_language() or "en")


@register.simple_tag
def tmdb_image(path: str, size: str) -> str:
    """`{% tmdb_image title.poster_path "w342" %}`: the URL, or "" without a path."""
    return images.tmdb_image_url(path, size)


@register.simple_tag
def tmdb_srcset(path: str, kind: str) -> str:
    """`{% tmdb_srcset title.poster_path "poster" %}`: every size of a poster or backdrop."""
    return images.tmdb_srcset(path, _SRCSET_SIZES[kind])


@register.filter
def movie_name(movie: object) -> str:
    """`{{ event.payload|movie_name }}`: a `movie` event's name in the active language, as the feed's script picks it."""
    if not isinstance(movie, Mapping):
        return ""
    titles = movie.get("titles")
    language = language_base(get_language() or "")
    name = titles.get(language) if isinstance(titles, Mapping) else None
    return str(name or movie.get("title") or movie.get("id") or "")


@register.simple_tag
def genre_labels() -> dict[str, str]:
    """Every genre's label in the active language, for scripts (`json_script`)."""
    return {genre: str(label) for genre, label in GENRE_LABELS.items()}
