"""Reads of the catalog a page at a time, for the API: the list's filters and orders, paged by
a cursor.

A cursor holds the last title's values of the order's columns (`title_sort_keys`, the IMDb
id last, so the order is total), and the next page is the titles that come after those
values (keyset paging). A title added or removed meanwhile moves nothing else: no title is
shown twice or skipped, however the catalog changes between pages, and reading page 1,000
costs what page 1 does. The cursor is opaque to clients (URL-safe base64 of JSON): its shape
may change, and one that does not decode is refused with CursorInvalid.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from apps.catalog.errors import CursorInvalid
from apps.catalog.models import Title
from apps.catalog.names import NAME_MAX_LENGTH, language_base
from apps.catalog.selectors.lists import SortKey, TitleSort, title_list, title_sort_keys
from apps.catalog.selectors.titles import IMDB_TITLE_ID

# A cursor longer than this was not made here (a real one is under 700 characters).
CURSOR_MAX_LENGTH = 2048

SortValue = int | str | Decimal | None


@dataclass(frozen=True)
class TitlePage:
    titles: list[Title]
    next_cursor: str | None  # None on the last page


def _sort_language(sort: TitleSort, language: str) -> str:
    # Only a title order depends on the language (which stored name it reads).
    return language_base(language) if sort == TitleSort.TITLE else ""


def _encode(sort: TitleSort, language: str, values: list[SortValue]) -> str:
    plain = [str(value) if isinstance(value, Decimal) else value for value in values]
    text = json.dumps({"sort": str(sort), "lang": _sort_language(sort, language), "after": plain})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _value_parse(key: SortKey, value: Any) -> SortValue:
    if value is None and key.is_nullable:
        return None
    if key.field in ("votes", "start_year"):
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
            return value
    elif key.field == "rating":
        if isinstance(value, str):
            try:
                rating = Decimal(value)
            except InvalidOperation:
                rating = None
            if rating is not None and rating.is_finite() and 0 <= rating <= 10:
                return rating
    elif key.field == "imdb_id":
        if isinstance(value, str) and IMDB_TITLE_ID.match(value):
            return value
    elif isinstance(value, str) and len(value) <= NAME_MAX_LENGTH:
        return value
    raise ValueError(key.field)


def _decode(cursor: str, sort: TitleSort, language: str, keys: list[SortKey]) -> list[SortValue]:
    """The sort values a cursor holds; CursorInvalid when it was not made for this order."""
    try:
        if len(cursor) > CURSOR_MAX_LENGTH:
            raise ValueError("too long")
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        if data.get("sort") != str(sort) or data.get("lang") != _sort_language(sort, language):
            raise CursorInvalid(
                gettext(
                    "This cursor belongs to another order or language: keep the sort and lang it came with."
                )
            )
        after = data.get("after")
        if not isinstance(after, list) or len(after) != len(keys):
            raise ValueError("wrong length")
        return [_value_parse(key, value) for key, value in zip(keys, after, strict=True)]
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise CursorInvalid(
            gettext("The cursor is not one this API gave: pass the `next` link's cursor unchanged.")
        ) from None


def _comes_after(name: str, key: SortKey, value: SortValue) -> Q:
    if value is None:  # nulls come last: nothing of this column comes after one
        return Q(pk__in=[])
    if not key.is_descending:
        return Q(**{f"{name}__gt": value})
    after = Q(**{f"{name}__lt": value})
    return after | Q(**{f"{name}__isnull": True}) if key.is_nullable else after


def _equals(name: str, value: SortValue) -> Q:
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


def _after(titles: QuerySet[Title], keys: list[SortKey], values: list[SortValue]) -> QuerySet[Title]:
    """Titles past `values` in the order of `keys`: for some column, equal on every column
    before it and past it on that one."""
    names = [f"page_key_{index}" for index in range(len(keys))]
    titles = titles.alias(**{name: key.expression for name, key in zip(names, keys, strict=True)})
    condition = Q(pk__in=[])
    for index, key in enumerate(keys):
        step = _comes_after(names[index], key, values[index])
        for earlier in range(index):
            step &= _equals(names[earlier], values[earlier])
        condition |= step
    return titles.filter(condition)


def title_page(
    *,
    sort: TitleSort = TitleSort.POPULAR,
    language: str = "en",
    cursor: str = "",
    limit: int = 20,
    **filters: Any,
) -> TitlePage:
    """A page of `title_list(**filters)` in `sort` order: the first, or the one after `cursor`.

    No free-text query: search (`search_suggest`) has its own ranked order and endpoint.
    """
    keys = title_sort_keys(sort, language)
    titles = title_list(sort=sort, language=language, **filters)
    if cursor:
        titles = _after(titles, keys, _decode(cursor, sort, language, keys))
    found = list(titles[: limit + 1])
    shown = found[:limit]
    if len(found) <= limit:
        return TitlePage(titles=shown, next_cursor=None)
    last = shown[-1]
    return TitlePage(
        titles=shown, next_cursor=_encode(sort, language, [getattr(last, key.field) for key in keys])
    )
