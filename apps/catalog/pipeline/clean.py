"""Clean: tidy text and keep numbers inside their real-world ranges.

Text loses surrounding and repeated whitespace and control characters, is NFC-normalized,
and HTML entities left in by sources (`&apos;` inside IMDb's JSON-LD) are decoded. A value
outside its range (a rating of 11, a year 3024, a runtime of 0) moves to `rescued` with the
reason. Text is held to apps/catalog/pipeline/limits.py: longer than its limit, it is cut
there (the rest kept in `rescued`; names of people and localized titles, characters and
keywords are cut only); far beyond it, the whole record is rejected. A region or language
code that is not one becomes unknown.
"""

import html
import re
import unicodedata
from datetime import date
from typing import Any

from apps.catalog.models import LocalizedTitle
from apps.catalog.pipeline import limits
from apps.catalog.pipeline.errors import RecordRejected
from apps.scraping.records import TitleRecord

AKA_LIMITS = {"name": limits.AKA_NAME} | {
    name: LocalizedTitle._meta.get_field(name).max_length for name in ("region", "language")
}
# Control characters but those str.split() takes for whitespace (turned into spaces).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")

FIRST_FILM_YEAR = 1870
RANGES: dict[str, tuple[float, float]] = {
    "rating": (0, 10),
    "votes": (0, 2_147_483_647),  # the column is a 32-bit integer on PostgreSQL
    "runtime_minutes": (1, 60_000),
    "tmdb_vote_average": (0, 10),
    "tmdb_vote_count": (0, 2_147_483_647),
    "tmdb_popularity": (0, 1e9),
    "number_of_seasons": (1, 32_767),
    "tmdb_id": (1, 2_147_483_647),
}


def text_clean(value: str | None) -> str | None:
    """Decoded, NFC, single-spaced text, or None when nothing is left."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", html.unescape(value))
    if not text.isprintable():
        text = _CONTROL.sub("", text)
    text = " ".join(text.split())
    return text or None


def _aka_fit(aka, name: str):
    update = {}
    if name[: AKA_LIMITS["name"]] != aka.name:
        update["name"] = name[: AKA_LIMITS["name"]]
    for code in ("region", "language"):
        if len(getattr(aka, code)) > AKA_LIMITS[code]:
            update[code] = ""
    return aka.model_copy(update=update) if update else aka


def _credit_fit(credit, name: str):
    characters = credit.characters
    if characters and (len(characters) > limits.CHARACTERS or max(map(len, characters)) > limits.CHARACTER):
        characters = tuple(text[: limits.CHARACTER] for text in characters[: limits.CHARACTERS])
    if name == credit.name and characters is credit.characters:
        return credit
    return credit.model_copy(update={"name": name, "characters": characters})


def _years() -> tuple[int, int]:
    return FIRST_FILM_YEAR, date.today().year + 10


def _cut(value: str | None, limit: int) -> str | None:
    cleaned = text_clean(value)
    return cleaned[:limit] if cleaned is not None else None


def record_oversize(record: Any) -> str | None:
    """Why the record (a TitleRecord, or anything with its fields) is rejected for its size, if it is."""
    far = limits.FAR_BEYOND
    for field, limit in limits.TEXT.items():
        value = getattr(record, field)
        if value is not None and len(value) > far * limit:
            return limits.oversize(field, value, limit)
    for field in ("keywords", "genres"):
        for value in getattr(record, field) or ():
            if len(value) > far * limits.KEYWORD:
                return limits.oversize(field, value, limits.KEYWORD)
    for field in limits.CREDITS:
        for credit in getattr(record, field) or ():
            if len(credit.name) > far * limits.PERSON_NAME:
                return limits.oversize(f"{field}.name", credit.name, limits.PERSON_NAME)
            for character in credit.characters:
                if len(character) > far * limits.CHARACTER:
                    return limits.oversize(f"{field}.characters", character, limits.CHARACTER)
    for aka in record.akas or ():
        if len(aka.name) > far * limits.AKA_NAME:
            return limits.oversize("akas.name", aka.name, limits.AKA_NAME)
    for language, texts in (getattr(record, "translations", None) or {}).items():
        for name, limit in limits.TRANSLATION.items():
            reason = limits.oversize(f"translations.{language}.{name}", getattr(texts, name), limit)
            if reason is not None:
                return reason
    return None


def _tmdb_fit(record: TitleRecord, changes: dict[str, Any], rescued: dict[str, Any]) -> None:
    """TMDB's texts tidied and cut to their limits, its codes checked (see the module's rules)."""
    for name, limit in limits.CODES.items():
        value = text_clean(getattr(record, name))
        if value is not None and len(value) > limit:
            rescued[name] = {"value": value, "error": f"not a code: longer than {limit} characters"}
            value = None
        changes[name] = value
    if record.countries is not None:
        changes["countries"] = tuple(
            dict.fromkeys(
                code.strip().upper() for code in record.countries if len(code.strip()) == limits.COUNTRY
            )
        )
    if record.translations is not None:
        translations = {}
        for language, texts in record.translations.items():
            fitted = {name: _cut(getattr(texts, name), limit) for name, limit in limits.TRANSLATION.items()}
            if any(fitted.values()) and len(language) <= limits.CODES["original_language"]:
                translations[language.lower()] = texts.model_copy(update=fitted)
        changes["translations"] = translations
    if record.trailers is not None:
        changes["trailers"] = tuple(
            trailer.model_copy(update={"name": _cut(trailer.name, limits.TRAILER_NAME) or ""})
            for trailer in record.trailers
            if trailer.key.strip()
        )
    if record.watch_providers is not None:
        offers = {
            offer: tuple(
                provider.model_copy(update={"name": _cut(provider.name, limits.PROVIDER_NAME) or ""})
                for provider in getattr(record.watch_providers, offer)
                if text_clean(provider.name)
            )
            for offer in ("flatrate", "rent", "buy")
        }
        changes["watch_providers"] = record.watch_providers.model_copy(update=offers)


def record_clean(record: TitleRecord) -> TitleRecord:
    """The record tidied and within its limits (RecordRejected when some text is far beyond one)."""
    reason = record_oversize(record)
    if reason is not None:
        raise RecordRejected(f"{reason} ({record.imdb_id})")
    rescued = dict(record.rescued)
    changes: dict[str, Any] = {}

    for field, limit in limits.TEXT.items():
        value = text_clean(getattr(record, field))
        if value is not None and len(value) > limit:
            rescued[field] = {
                "value": value[limit:],
                "error": f"longer than {limit} characters: the first {limit} stored, the rest here",
            }
            value = value[:limit]
        changes[field] = value

    def out_of_range(field: str, value: Any, reason: str) -> None:
        rescued[field] = {"value": value, "error": reason}
        changes[field] = None

    for field, (low, high) in RANGES.items():
        value = getattr(record, field)
        if value is not None and not low <= value <= high:
            out_of_range(field, value, f"outside {low}..{high}")
    first_year, last_year = _years()
    for field in ("start_year", "end_year"):
        value = getattr(record, field)
        if value is not None and not first_year <= value <= last_year:
            out_of_range(field, value, f"outside {first_year}..{last_year}")
    start, end = changes.get("start_year", record.start_year), changes.get("end_year", record.end_year)
    if start is not None and end is not None and end < start:
        out_of_range("end_year", end, f"before start_year {start}")
    if record.rating is not None and "rating" not in changes:
        changes["rating"] = round(record.rating, 1)

    for field in ("keywords", "genres"):
        values = getattr(record, field)
        if values is not None:
            # A "genre" that long is no genre: it becomes a keyword (normalize), cut as one.
            changes[field] = tuple(text for text in (_cut(value, limits.KEYWORD) for value in values) if text)
    for field in limits.CREDITS:
        credits = getattr(record, field)
        if credits is not None:
            fitted = []
            for credit in credits:
                name = (text_clean(credit.name) or "")[: limits.PERSON_NAME]
                if name or credit.imdb_id:
                    fitted.append(_credit_fit(credit, name))
            changes[field] = tuple(fitted)
    if record.akas is not None:
        changes["akas"] = tuple(
            _aka_fit(aka, name) for aka, name in ((aka, text_clean(aka.name)) for aka in record.akas) if name
        )
    _tmdb_fit(record, changes, rescued)
    return record.model_copy(update={**changes, "rescued": rescued})
