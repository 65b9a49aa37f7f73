"""Validate: a raw dictionary from any source becomes a TitleRecord.

Schema evolution: an unknown key, or a value that does not fit its field's type, goes
to `rescued` with the reason instead of failing the record. Only a record without a
usable IMDb id is rejected.
"""

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from apps.catalog.pipeline.errors import RecordRejected
from apps.scraping.records import TITLE_FIELDS, TitleRecord

IMDB_TITLE_ID = re.compile(r"^tt\d{7,8}$")


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
        elif value is not None:
            values[key] = value
    # The whole record is validated at once, as almost every record fits; the fields that
    # do not are rescued with the first reason given for each, and the rest validated again.
    while True:
        try:
            return TitleRecord.model_validate({**values, "rescued": rescued})
        except ValidationError as exc:
            failed: dict[str, str] = {}
            for error in exc.errors():
                failed.setdefault(str(error["loc"][0]) if error["loc"] else "", error["msg"])
            movable = failed.keys() & (values.keys() - {"imdb_id", "source"})
            if not movable:
                raise
            for key in movable:
                rescued[key] = {"value": values.pop(key), "error": failed[key]}
