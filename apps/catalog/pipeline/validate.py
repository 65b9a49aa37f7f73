"""Validate: a raw dictionary from any source becomes a TitleRecord.

Schema evolution: an unknown key, or a value that does not fit its field's type, goes
to `rescued` with the reason instead of failing the record. Only a record without a
usable IMDb id is rejected.
"""

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from apps.catalog.pipeline.errors import RecordRejected
from apps.scraping.records import TITLE_FIELDS, TitleRecord

IMDB_TITLE_ID = re.compile(r"^tt\d{7,8}$")


@cache
def _adapter(field: str) -> TypeAdapter:
    return TypeAdapter(TitleRecord.model_fields[field].annotation)


def record_validate(raw: Mapping[str, Any], *, source: str | None = None) -> TitleRecord:
    """Type every known field; rescue the rest; reject a record without a valid IMDb id."""
    imdb_id = str(raw.get("imdb_id") or "").strip()
    if not IMDB_TITLE_ID.match(imdb_id):
        raise RecordRejected(f"imdb_id: expected tt followed by 7 or 8 digits, got {raw.get('imdb_id')!r}")
    values: dict[str, Any] = {"imdb_id": imdb_id, "source": source or str(raw.get("source") or "")}
    if not values["source"]:
        raise RecordRejected(f"source: missing for {imdb_id}")
    rescued: dict[str, Any] = dict(raw.get("rescued") or {})
    for key, value in raw.items():
        if key in ("imdb_id", "source", "rescued"):
            continue
        if key not in TITLE_FIELDS:
            rescued[key] = value
            continue
        if value is None:
            continue
        try:
            values[key] = _adapter(key).validate_python(value)
        except ValidationError as exc:
            rescued[key] = {"value": value, "error": exc.errors()[0]["msg"]}
    return TitleRecord(**values, rescued=rescued)
