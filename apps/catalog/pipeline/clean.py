"""Clean: tidy text and keep numbers inside their real-world ranges.

Text loses surrounding and repeated whitespace, is NFC-normalized, and HTML entities
left in by sources (`&apos;` inside IMDb's JSON-LD) are decoded. A value outside its
range (a rating of 11, a year 3024, a runtime of 0) moves to `rescued` with the reason.
Text longer than its column is cut to fit, the whole value kept in `rescued`; names of
people and localized titles are cut too, and a region or language code that is not one
becomes unknown.
"""

import html
import unicodedata
from datetime import date
from typing import Any

from apps.catalog.models import LocalizedTitle, Person, Title
from apps.scraping.records import TitleRecord

TEXT_LIMITS = {
    name: Title._meta.get_field(name).max_length
    for name in ("primary_title", "original_title", "certificate", "poster_url", "source_url")
}
NAME_LIMIT = Person._meta.get_field("name").max_length
AKA_LIMITS = {
    name: LocalizedTitle._meta.get_field(name).max_length for name in ("name", "region", "language")
}

FIRST_FILM_YEAR = 1870
RANGES: dict[str, tuple[float, float]] = {
    "rating": (0, 10),
    "votes": (0, 2_147_483_647),  # the column is a 32-bit integer on PostgreSQL
    "runtime_minutes": (1, 60_000),
}


def text_clean(value: str | None) -> str | None:
    """Decoded, NFC, single-spaced text, or None when nothing is left."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", html.unescape(value)).split())
    return text or None


def _aka_fit(aka, name: str):
    update = {}
    if name[: AKA_LIMITS["name"]] != aka.name:
        update["name"] = name[: AKA_LIMITS["name"]]
    for code in ("region", "language"):
        if len(getattr(aka, code)) > AKA_LIMITS[code]:
            update[code] = ""
    return aka.model_copy(update=update) if update else aka


def _years() -> tuple[int, int]:
    return FIRST_FILM_YEAR, date.today().year + 10


def record_clean(record: TitleRecord) -> TitleRecord:
    rescued = dict(record.rescued)
    changes: dict[str, Any] = {}

    for field in ("primary_title", "original_title", "plot", "certificate", "poster_url", "source_url"):
        changes[field] = text_clean(getattr(record, field))
    for field, limit in TEXT_LIMITS.items():
        value = changes[field]
        if value is not None and len(value) > limit:
            rescued[field] = {"value": value, "error": f"longer than {limit} characters"}
            changes[field] = value[:limit]

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
            changes[field] = tuple(text for text in map(text_clean, values) if text)
    for field in ("directors", "writers", "stars"):
        credits = getattr(record, field)
        if credits is not None:
            changes[field] = tuple(
                credit if name == credit.name else credit.model_copy(update={"name": name})
                for credit, name in (
                    (credit, (text_clean(credit.name) or "")[:NAME_LIMIT]) for credit in credits
                )
                if name or credit.imdb_id
            )
    if record.akas is not None:
        changes["akas"] = tuple(
            _aka_fit(aka, name) for aka, name in ((aka, text_clean(aka.name)) for aka in record.akas) if name
        )
    return record.model_copy(update={**changes, "rescued": rescued})
