"""Country names in the visitor's language, from ISO 3166-1 codes (TMDB's production countries).

Django ships no country names; pycountry keeps the ISO list and the iso-codes project's
gettext catalogs, Ukrainian and Russian included.
"""

import gettext
from functools import cache

import pycountry

# Where the iso-codes catalog's name is not the one readers use.
_USUAL_NAMES: dict[tuple[str, str], str] = {
    ("ru", "US"): "США",
    ("ru", "GB"): "Великобритания",
}


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str) -> str:
    """The country's common name in `language` ("US" → "США"); an unknown code shows as given."""
    code, language = code.upper(), language.split("-")[0].lower()
    if (language, code) in _USUAL_NAMES:
        return _USUAL_NAMES[language, code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return code
    # The common name where ISO has a shorter one ("Bolivia" for "Bolivia, Plurinational State of").
    name = getattr(country, "common_name", None) or country.name
    return _catalog(language).gettext(name)
