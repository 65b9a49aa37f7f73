"""Charts, searches and lists into raw title records, in page order.

A listing's rows are read from the DOM (chart rows are `cli-*`, search and list rows
`dli-*`) and from `__NEXT_DATA__`: the DOM gives the order and every row the browser
rendered, `__NEXT_DATA__` exact numbers and the rows the DOM has not rendered. The row
selectors here are the ones the client (imdb_client.py) waits and scrolls on.
"""

import re
from typing import Any

from apps.scraping.imdb_pages.documents import (
    ImdbLayoutChanged,
    ImdbPageBlocked,
    clean,
    css,
    dig,
    document_read,
    first,
    is_challenge_body,
    next_data_read,
    text_of,
)
from apps.scraping.imdb_pages.title import SOURCE
from apps.scraping.imdb_pages.values import (
    TITLE_ID,
    YEARS,
    count_parse,
    duration_minutes,
    genre_name,
    poster_full_size,
    rating_parse,
)
from apps.scraping.imdb_vocabulary import EPISODE_COUNT

CHART_ROWS = (
    '[data-testid="chart-layout-main-column"] ul.ipc-metadata-list > li.ipc-metadata-list-summary-item'
)
LIST_ROWS = "ul.ipc-metadata-list > li.ipc-metadata-list-summary-item"

_RANK_PREFIX = re.compile(r"^\s*\d{1,4}\.\s+")


def _row_values(row: Any, prefix: str) -> dict[str, Any]:
    """A chart (`cli-*`) or search/list (`dli-*`) row's visible values."""
    link = first(row, "a.ipc-title-link-wrapper")
    if link is None:
        link = first(row, 'a[href*="/title/tt"]')
    match = TITLE_ID.search(link.get("href", "")) if link is not None else None
    if match is None:
        return {}
    values: dict[str, Any] = {"imdb_id": match.group(1)}
    heading = first(row, "h3.ipc-title__text")
    title = _RANK_PREFIX.sub("", text_of(heading if heading is not None else link), count=1)
    if title:
        values["primary_title"] = title
    for item in css(row, f".{prefix}-title-metadata-item"):
        text = text_of(item)
        years = YEARS.match(text)
        if years:
            values.setdefault("start_year", int(years.group(1)))
            if years.group(2):
                values.setdefault("end_year", int(years.group(2)))
        elif duration_minutes(text) and re.search(r"\d\s*[^\d\s]", text):
            values.setdefault("runtime_minutes", duration_minutes(text))
        elif re.search(EPISODE_COUNT, text, re.IGNORECASE):
            continue
        elif text:
            values.setdefault("certificate", text)
    rating = first(row, '[data-testid="ratingGroup--imdb-rating"]')
    if rating is not None:
        value = first(rating, ".ipc-rating-star--rating")
        number = rating_parse(text_of(value)) if value is not None else None
        if number is None:
            number = rating_parse((rating.get("aria-label") or "").rpartition(":")[2])
        if number is None:
            own = (rating.text or "").strip()
            number = rating_parse(own)
        if number is not None:
            values["rating"] = number
        votes = first(rating, ".ipc-rating-star--voteCount")
        if votes is not None:
            values["votes"] = count_parse(text_of(votes))
    plot = first(row, ".dli-plot-container")
    if plot is not None and text_of(plot):
        values["plot"] = text_of(plot)
    image = first(row, "img.ipc-image")
    if image is not None and image.get("src"):
        values["poster_url"] = poster_full_size(image.get("src"))
    return {key: value for key, value in values.items() if value is not None}


def _chart_edge_values(edge: dict[str, Any]) -> dict[str, Any]:
    node = edge.get("node") or {}
    genres = [dig(item, "genre", "text") for item in dig(node, "titleGenres", "genres") or []]
    seconds = dig(node, "runtime", "seconds")
    values = {
        "imdb_id": node.get("id"),
        "title_type": dig(node, "titleType", "id"),
        "primary_title": dig(node, "titleText", "text"),
        "original_title": dig(node, "originalTitleText", "text"),
        "start_year": dig(node, "releaseYear", "year"),
        "end_year": dig(node, "releaseYear", "endYear"),
        "runtime_minutes": round(seconds / 60) if isinstance(seconds, int | float) and seconds else None,
        "rating": rating_parse(dig(node, "ratingsSummary", "aggregateRating")),
        "votes": count_parse(dig(node, "ratingsSummary", "voteCount")) or None,
        "certificate": dig(node, "certificate", "rating"),
        "genres": [name for name in (genre_name(text) for text in genres if text) if name] or None,
        "plot": dig(node, "plot", "plotText", "plainText"),
        "poster_url": dig(node, "primaryImage", "url"),
    }
    return {key: value for key, value in values.items() if clean(value) is not None}


def _search_item_values(item: dict[str, Any]) -> dict[str, Any]:
    genres = item.get("genres") or []
    seconds = item.get("runtime")
    title_type = item.get("titleType")
    summary = item.get("ratingSummary") or item.get("ratingsSummary") or {}
    values = {
        "imdb_id": item.get("titleId") or item.get("id"),
        "title_type": title_type.get("id") if isinstance(title_type, dict) else None,
        "primary_title": item.get("titleText")
        if isinstance(item.get("titleText"), str)
        else dig(item, "titleText", "text"),
        "original_title": item.get("originalTitleText")
        if isinstance(item.get("originalTitleText"), str)
        else dig(item, "originalTitleText", "text"),
        "start_year": item.get("releaseYear")
        if isinstance(item.get("releaseYear"), int)
        else dig(item, "releaseYear", "year"),
        "end_year": item.get("endYear"),
        "runtime_minutes": round(seconds / 60) if isinstance(seconds, int | float) and seconds else None,
        "rating": rating_parse(summary.get("aggregateRating")),
        "votes": count_parse(summary.get("voteCount")) or None,
        "certificate": item.get("certificate") if isinstance(item.get("certificate"), str) else None,
        "genres": [name for name in (genre_name(str(text)) for text in genres) if name] or None,
        "plot": item.get("plot") if isinstance(item.get("plot"), str) else None,
        "poster_url": dig(item, "primaryImage", "url"),
    }
    return {key: value for key, value in values.items() if clean(value) is not None}


def _listing(
    html: str,
    *,
    url: str | None,
    rows_selector: str,
    prefix: str,
    data_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Rows in page order: the DOM's rows, each completed from `__NEXT_DATA__`, then any
    `__NEXT_DATA__` rows the DOM has not rendered."""
    document = document_read(html)
    dom_rows = [_row_values(row, prefix) for row in css(document, rows_selector)]
    by_id = {values["imdb_id"]: values for values in data_rows if values.get("imdb_id")}
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()
    for values in dom_rows:
        imdb_id = values.get("imdb_id")
        if not imdb_id or imdb_id in seen:
            continue
        seen.add(imdb_id)
        # __NEXT_DATA__ has exact numbers; the DOM's votes are rounded ("2.9M").
        ordered.append({**values, **by_id.get(imdb_id, {})})
    ordered += [values for imdb_id, values in by_id.items() if imdb_id not in seen]
    return [{**values, "source": SOURCE, "source_url": url} for values in ordered]


def chart_page_parse(html: str, *, url: str | None = None, language: str = "en") -> list[dict[str, Any]]:
    """Every row of a chart (/chart/top/, /chart/moviemeter/, /chart/toptv/) as a raw record, in rank order.

    The server's HTML renders 25 rows; `__NEXT_DATA__` holds them all, so the whole chart
    is read even when the browser rendered no more rows. Titles are in the page's
    `language`; numbers and genres are read in any language.
    """
    if is_challenge_body(html or ""):
        raise ImdbPageBlocked(f"{url or 'chart'}: the WAF challenge page, not a chart")
    data, _ = next_data_read(document_read(html))
    edges = dig(data, "props", "pageProps", "pageData", "chartTitles", "edges") or []
    edges = sorted(
        (edge for edge in edges if isinstance(edge, dict)), key=lambda edge: edge.get("currentRank") or 0
    )
    data_rows = [_chart_edge_values(edge) for edge in edges]
    records = _listing(html, url=url, rows_selector=CHART_ROWS, prefix="cli", data_rows=data_rows)
    if not records and "chart" in (url or ""):
        raise ImdbLayoutChanged(f"{url}: no chart rows in the DOM or __NEXT_DATA__")
    return records


def list_page_parse(html: str, *, url: str | None = None, language: str = "en") -> list[dict[str, Any]]:
    """Every row shown on a search (/search/title/?…) or list (/list/ls…/) page, in page order.

    Rows added by "50 more" are only in the DOM; `__NEXT_DATA__` completes the first 50.
    """
    if is_challenge_body(html or ""):
        raise ImdbPageBlocked(f"{url or 'list'}: the WAF challenge page, not a list")
    data, _ = next_data_read(document_read(html))
    page = dig(data, "props", "pageProps") or {}
    items = dig(page, "searchResults", "titleResults", "titleListItems") or [
        edge.get("listItem") or edge.get("node") or {}
        for edge in dig(page, "mainColumnData", "list", "titleListItemSearch", "edges") or []
        if isinstance(edge, dict)
    ]
    data_rows = [_search_item_values(item) for item in items if isinstance(item, dict)]
    return _listing(html, url=url, rows_selector=LIST_ROWS, prefix="dli", data_rows=data_rows)


def listing_total(html: str) -> int | None:
    """How many results a search or list has in all ("1-50 of 2,222", or `__NEXT_DATA__`'s total)."""
    document = document_read(html)
    data, _ = next_data_read(document)
    page = dig(data, "props", "pageProps") or {}
    total = dig(page, "searchResults", "titleResults", "total") or dig(
        page, "mainColumnData", "list", "titleListItemSearch", "total"
    )
    if isinstance(total, int):
        return total
    match = re.search(
        r"\b1\s*[-–]\s*[\d.,\s]+\s+\S+\s+([\d.,\s\xa0]+\d)",
        text_of(document.body) if document.body is not None else "",
    )
    return count_parse(match.group(1)) if match else None
