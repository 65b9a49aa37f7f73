"""Values as IMDb writes them, in any of its languages: ratings, counts, durations, dates,
poster URLs and genre names. Localized pages write "8,7" and "2,8 млн": every number
reader takes both. The words themselves are in apps/scraping/imdb_vocabulary.py.
"""

import html as html_lib
import re
from datetime import date
from typing import Any

from apps.scraping.imdb_vocabulary import (
    COUNT_UNITS,
    GENRE_TRANSLATIONS,
    GENRES,
    HOUR_UNITS,
    MINUTE_UNITS,
    MONTHS,
    TOTAL_MINUTE_UNITS,
)

TITLE_ID = re.compile(r"\b(tt\d{7,8})\b")
NAME_ID = re.compile(r"/name/(nm\d{7,8})")
YEARS = re.compile(r"^(\d{4})(?:\s*[–—-]\s*(\d{4})?)?\s*$")

_GENRE_KEYS = {name.casefold(): name for name in GENRES} | GENRE_TRANSLATIONS
_ISO_DURATION = re.compile(r"^P(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)$", re.IGNORECASE)


def _units(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in words)


_TOTAL_MINUTES = re.compile(rf"\((\d+)\s*(?:{_units(TOTAL_MINUTE_UNITS)})\.?\)", re.IGNORECASE)
_HOURS = re.compile(rf"(\d+)\s*(?:{_units(HOUR_UNITS)})\b\.?", re.IGNORECASE)
_MINUTES = re.compile(rf"(\d+)\s*(?:{_units(MINUTE_UNITS)})(?![a-zа-я])", re.IGNORECASE)


def number_parse(text: str | None) -> float | None:
    """A decimal written either way: "8.7", "8,7" -> 8.7."""
    if text is None:
        return None
    match = re.search(r"\d+(?:[.,]\d+)?", str(text))
    return float(match.group(0).replace(",", ".")) if match else None


def rating_parse(value: Any) -> float | None:
    """A rating out of 10 from an int, float or text ("8", 8, "8,7"); None when out of range."""
    if isinstance(value, bool) or value is None:
        return None
    number = float(value) if isinstance(value, int | float) else number_parse(str(value))
    return round(number, 1) if number is not None and 0 < number <= 10 else None


def count_parse(value: Any) -> int | None:
    """A count written any way IMDb writes one: 2753539, "2.8M", "2,8 млн", "646K", "646.623", "(1 234)"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = (
        html_lib.unescape(str(value)).replace("\xa0", " ").replace("\u202f", " ").strip().strip("()").strip()
    )
    match = re.match(r"^(\d[\d.,' ]*)\s*([^\d\s.,]*)\.?$", text)
    if not match:
        return None
    digits, unit = match.group(1).strip(), match.group(2).casefold().rstrip(".")
    if unit:
        multiplier = COUNT_UNITS.get(unit)
        if multiplier is None:
            return None
        number = number_parse(digits.replace(" ", ""))
        return round(number * multiplier) if number is not None else None
    if re.fullmatch(r"\d{1,3}(?:([.,' ])\d{3})(?:\1\d{3})*", digits) or digits.isdigit():
        return int(re.sub(r"\D", "", digits))
    number = number_parse(digits)
    return int(number) if number is not None else None


def duration_minutes(value: Any) -> int | None:
    """Minutes from "PT2H28M", seconds-free text like "2h 28m", "2 год 28 хв", "2h 28m (148 min)"."""
    if value is None:
        return None
    text = str(value).strip()
    iso = _ISO_DURATION.match(text)
    if iso and any(iso.groups()):
        hours, minutes, seconds = (int(part or 0) for part in iso.groups())
        total = hours * 60 + minutes + round(seconds / 60)
        return total or None
    total = _TOTAL_MINUTES.search(text)
    if total:
        return int(total.group(1)) or None
    hours, minutes = _HOURS.search(text), _MINUTES.search(text)
    if not hours and not minutes:
        return None
    return (int(hours.group(1)) * 60 if hours else 0) + (int(minutes.group(1)) if minutes else 0) or None


def date_parse(text: str | None) -> date | None:
    """ "July 16, 2010 (United States)", "16 липня 2010 р. (Україна)" or "2010-07-16"; None for a bare year."""
    if not text:
        return None
    text = re.sub(r"\(.*?\)", "", str(text)).strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if iso:
            return date(*(int(part) for part in iso.groups()))
        words = re.findall(r"\d+|[^\W\d_]+", text.casefold())
        numbers = [int(word) for word in words if word.isdigit()]
        months = [MONTHS[word] for word in words if word in MONTHS]
        years = [number for number in numbers if number > 31]
        days = [number for number in numbers if number <= 31]
        if months and years and days:
            return date(years[0], months[0], days[0])
    except ValueError:
        return None
    return None


def poster_full_size(url: str | None) -> str | None:
    """A poster URL without IMDb's resize suffix (`._V1_QL75_UY281_….jpg` -> `._V1_.jpg`)."""
    if not url:
        return None
    return re.sub(r"\._V1_[^/]*?\.(jpe?g|png|webp)$", r"._V1_.\1", url)


def genre_name(text: str) -> str | None:
    """IMDb's English genre name for a genre or localized chip text; None for sub-genres and others."""
    return _GENRE_KEYS.get(" ".join(text.split()).casefold())
