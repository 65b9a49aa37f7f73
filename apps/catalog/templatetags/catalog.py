"""Template filters for catalog pages: genres, themes, decades and plot tones in the active language."""

from django import template

from apps.catalog.decades import Decade
from apps.catalog.labels import decade_label as _decade_label
from apps.catalog.labels import genre_label as _genre_label
from apps.catalog.labels import plot_tone_label as _plot_tone_label
from apps.catalog.labels import theme_label as _theme_label

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
