"""A title's name in each of the site's languages: one rule for pages, lists and `movie` events.

In order: TMDB's translated title for the language (`Title.translations[language]["title"]`),
else the IMDb aka of the language's region (UA for Ukrainian, RU for Russian; an aka
marked with the language before one whose language IMDb left blank, as most are, then
IMDb's aka order), else the primary title.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

# The region whose name a visitor reading a language sees, and the aka languages accepted
# there, best first.
DISPLAY_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "uk": ("UA", ("uk", "")),
    "ru": ("RU", ("ru", "")),
}
SITE_LANGUAGES = ("uk", "ru", "en")
# Each language's name as stored for sorting (Title.name_uk, …), and the columns' length.
NAME_FIELDS = {language: f"name_{language}" for language in SITE_LANGUAGES}
NAME_MAX_LENGTH = 500


class Aka(Protocol):
    name: str
    region: str
    language: str
    ordering: int
    pk: Any


def language_base(language: str) -> str:
    """ "uk" of "uk-UA" or "UK"."""
    return language.split("-")[0].lower()


def translated_title(translations: Any, language: str) -> str:
    """TMDB's title for the language, "" when it has none (or the field holds something else)."""
    entry = translations.get(language) if isinstance(translations, Mapping) else None
    title = entry.get("title") if isinstance(entry, Mapping) else None
    return title.strip() if isinstance(title, str) else ""


def localized_name(*, language: str, primary: str, translations: Any, akas: Iterable[Aka]) -> str:
    """The name a visitor reading `language` knows the title by (see the module's rule)."""
    language = language_base(language)
    translated = translated_title(translations, language)
    if translated:
        return translated
    wanted = DISPLAY_REGIONS.get(language)
    if wanted is None:
        return primary
    region, languages = wanted
    candidates = [aka for aka in akas if aka.region == region and aka.language in languages]
    if not candidates:
        return primary
    best = min(candidates, key=lambda aka: (languages.index(aka.language), aka.ordering, aka.pk))
    return best.name


def names_of(*, primary: str, translations: Any, akas: Iterable[Aka]) -> dict[str, str]:
    """Every site language's name, by the field that stores it, cut to the column's length."""
    akas = list(akas)
    return {
        field: localized_name(language=language, primary=primary, translations=translations, akas=akas)[
            :NAME_MAX_LENGTH
        ]
        for language, field in NAME_FIELDS.items()
    }
