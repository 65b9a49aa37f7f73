"""IMDb pages (HTML) into raw title records: title pages, charts, searches and lists.

A title page carries its data three times: a JSON-LD block, Next.js's `__NEXT_DATA__` and
the visible DOM. Each field is read from the first of them that has it, in that order, so
any one alone still yields a record; the record's `rescued["imdb_page"]` says which part
gave each field and which fields no part had. The exceptions to JSON-LD first are where
it is known to be weaker: people (absent since late 2025, so `principalCreditsV2`, then
the DOM's principal-credit rows, then 2024 JSON-LD people), the release year (JSON-LD has
only the visitor's country's release date, so it gives none), a plot it cut short with "...", and the
display title on a localized page (JSON-LD describes the title, the hero what a visitor
of that language reads).

The DOM is read only through `data-testid` hooks, IMDb's structural `ipc-*`/`cli-*`/`dli-*`
classes and link shapes (`/name/nm…`), never hashed `sc-*` class names. Localized pages
(/uk/, /ru/, …) write numbers as "8,7" and "2,8 млн": the number readers take both.

Pure functions over HTML text, no browser: the Selenium client (imdb_client.py) renders
pages and hands `page_source` here; the same functions read saved pages in tests.
"""

import contextlib
import html as html_lib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from pydantic import BaseModel, ConfigDict

SOURCE = "imdb_page"
JSON_LD, NEXT_DATA, DOM = "json_ld", "next_data", "dom"

# The fields a title page is expected to carry; `missing` lists those no part had.
TITLE_PAGE_FIELDS = (
    "title_type",
    "primary_title",
    "original_title",
    "start_year",
    "release_date",
    "runtime_minutes",
    "rating",
    "votes",
    "plot",
    "poster_url",
    "certificate",
    "genres",
    "keywords",
    "directors",
    "writers",
    "stars",
)

IMDB_GENRES = (
    "Action",
    "Adult",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Film-Noir",
    "Game-Show",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "News",
    "Reality-TV",
    "Romance",
    "Sci-Fi",
    "Short",
    "Sport",
    "Talk-Show",
    "Thriller",
    "War",
    "Western",
)
# Genre chip texts on localized pages, to IMDb's English genre names.
_GENRE_TRANSLATIONS = {
    "бойовик": "Action",
    "боевик": "Action",
    "пригоди": "Adventure",
    "приключения": "Adventure",
    "анімація": "Animation",
    "анимация": "Animation",
    "мультфільм": "Animation",
    "мультфильм": "Animation",
    "біографія": "Biography",
    "биография": "Biography",
    "комедія": "Comedy",
    "комедия": "Comedy",
    "кримінал": "Crime",
    "криминал": "Crime",
    "документальний": "Documentary",
    "документальный": "Documentary",
    "драма": "Drama",
    "сімейний": "Family",
    "семейный": "Family",
    "фентезі": "Fantasy",
    "фэнтези": "Fantasy",
    "історичний": "History",
    "історія": "History",
    "история": "History",
    "жахи": "Horror",
    "ужасы": "Horror",
    "музика": "Music",
    "музыка": "Music",
    "мюзикл": "Musical",
    "детектив": "Mystery",
    "мелодрама": "Romance",
    "фантастика": "Sci-Fi",
    "спорт": "Sport",
    "трилер": "Thriller",
    "триллер": "Thriller",
    "військовий": "War",
    "военный": "War",
    "вестерн": "Western",
}
_GENRE_KEYS = {name.casefold(): name for name in IMDB_GENRES} | _GENRE_TRANSLATIONS

# Principal-credit group labels (English, Ukrainian, Russian, German) to roles.
_ROLE_LABELS = {
    "director": (
        "director",
        "directors",
        "режисер",
        "режисери",
        "режисерка",
        "режиссер",
        "режиссёр",
        "режиссеры",
        "режиссёры",
        "regie",
        "regisseur",
    ),
    "creator": (
        "creator",
        "creators",
        "created by",
        "автор",
        "автори",
        "творець",
        "творці",
        "создатель",
        "создатели",
        "автор идеи",
        "idee",
        "schöpfer",
    ),
    "writer": (
        "writer",
        "writers",
        "сценарист",
        "сценаристи",
        "сценаристка",
        "сценаристы",
        "сценарий",
        "drehbuch",
        "autor",
        "autoren",
    ),
    "star": (
        "star",
        "stars",
        "зірки",
        "у головних ролях",
        "в головних ролях",
        "в главных ролях",
        "в ролях",
        "актори",
        "актеры",
        "cast",
        "hauptbesetzung",
        "stars:",
    ),
}
_LABEL_ROLES = {label: role for role, labels in _ROLE_LABELS.items() for label in labels}
# principalCredits (2024) category ids and ref_ link codes to roles.
_CATEGORY_ROLES = {
    "director": "director",
    "writer": "writer",
    "creator": "creator",
    "cast": "star",
    "star": "star",
}
_REF_ROLES = {"dr": "director", "wr": "writer", "cr": "creator", "st": "star"}
_LD_TYPES = {
    "movie": "movie",
    "tvseries": "tvSeries",
    "tvminiseries": "tvMiniSeries",
    "tvepisode": "tvEpisode",
    "tvmovie": "tvMovie",
    "tvspecial": "tvSpecial",
    "videogame": "videoGame",
    "videoobject": "video",
    "shortfilm": "short",
}
_ORIGINAL_LABELS = (
    "original title",
    "оригінальна назва",
    "оригинальное название",
    "originaltitel",
    "titre original",
)
_MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "januar februar märz april mai juni juli august september oktober november dezember",
    )
    for number, name in enumerate(names.split(), start=1)
}
_MULTIPLIERS = {
    "k": 1_000,
    "тис": 1_000,
    "тыс": 1_000,
    "tsd": 1_000,
    "m": 1_000_000,
    "млн": 1_000_000,
    "mio": 1_000_000,
    "b": 1_000_000_000,
    "млрд": 1_000_000_000,
    "mrd": 1_000_000_000,
}
_TITLE_ID = re.compile(r"\b(tt\d{7,8})\b")
_NAME_ID = re.compile(r"/name/(nm\d{7,8})")
_RANK_PREFIX = re.compile(r"^\s*\d{1,4}\.\s+")
_YEARS = re.compile(r"^(\d{4})(?:\s*[–—-]\s*(\d{4})?)?\s*$")
_ISO_DURATION = re.compile(r"^P(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)$", re.IGNORECASE)
_TOTAL_MINUTES = re.compile(r"\((\d+)\s*(?:min|мин|хв|Min)\.?\)", re.IGNORECASE)
_HOURS = re.compile(r"(\d+)\s*(?:h|hr|hrs|hour|hours|год|ч|час|часа|часов|std)\b\.?", re.IGNORECASE)
_MINUTES = re.compile(r"(\d+)\s*(?:m|min|mins|minute|minutes|хв|мин|min\.)(?![a-zа-я])", re.IGNORECASE)
_CHALLENGE_MARKERS = ("window.gokuProps", "awswaf.com", "AwsWafIntegration", "/challenge.js", "captcha.js")


class ImdbPageBlocked(Exception):
    """The HTML is IMDb's WAF challenge, captcha or block page: there is no data in it."""


class ImdbLayoutChanged(Exception):
    """No part of the page (JSON-LD, __NEXT_DATA__, DOM) had what a record needs."""


class TitlePage(BaseModel):
    """A parsed title page: the raw record for the catalog pipeline and how it was read.

    `record` has the keys of `apps.scraping.records.TitleRecord`; `sources` maps each field
    to the part it came from (json_ld, next_data, dom); `parts` says whether each part was
    there ("ok"), missing ("absent") or unreadable ("broken").
    """

    model_config = ConfigDict(frozen=True)

    imdb_id: str
    record: dict[str, Any]
    sources: dict[str, str]
    missing: tuple[str, ...]
    parts: dict[str, str]


# ---------------------------------------------------------------- blocking


def page_blocked(
    *, status: int | None = None, headers: Mapping[str, str] | None = None, html: str | None = None
) -> str | None:
    """Why this response is a WAF block rather than a page, or None when it is a page.

    202 (a challenge), 405 (a captcha), 403, an `x-amzn-waf-action` header or a body that is
    the challenge page (`window.gokuProps`, the awswaf challenge script) are blocks.
    """
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    action = (lowered.get("x-amzn-waf-action") or "").strip().lower()
    if action:
        return f"waf {action}" + (f" (HTTP {status})" if status else "")
    if status == 202:
        return "waf challenge (HTTP 202)"
    if status == 405:
        return "waf captcha (HTTP 405)"
    if status == 403:
        return "forbidden (HTTP 403)"
    if html and _is_challenge_body(html):
        return "waf challenge page" + (f" (HTTP {status})" if status else "")
    return None


def _is_challenge_body(text: str) -> bool:
    # A real page is large and has __NEXT_DATA__; the challenge page is a few KB of script.
    head = text[:20_000]
    if "__NEXT_DATA__" in text and 'property="imdb:pageConst"' in text:
        return False
    return any(marker in head for marker in _CHALLENGE_MARKERS)


# ---------------------------------------------------------------- value readers


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
        multiplier = _MULTIPLIERS.get(unit)
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
        months = [_MONTHS[word] for word in words if word in _MONTHS]
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


def _unescape(value: Any) -> Any:
    """HTML entities left inside JSON-LD strings (`&apos;`, `&amp;`) turned into characters."""
    if isinstance(value, str):
        return html_lib.unescape(value)
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    if isinstance(value, dict):
        return {key: _unescape(item) for key, item in value.items()}
    return value


def _dig(data: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, list) or len(data) <= key:
                return None
            data = data[key]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(key)
    return data


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _clean(value: Any) -> Any:
    """None for blank strings and empty collections."""
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, list | tuple) and not value:
        return None
    return value


# ---------------------------------------------------------------- documents


def _document(html: str) -> Any:
    if not html or not html.strip():
        raise ImdbLayoutChanged("empty page")
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ImdbLayoutChanged(f"unreadable HTML: {exc}") from exc


def _json_ld_blocks(document: Any) -> tuple[list[dict[str, Any]], str]:
    """The page's JSON-LD objects (entities unescaped) and the part's state."""
    scripts = document.xpath('//script[@type="application/ld+json"]')
    if not scripts:
        return [], "absent"
    blocks: list[dict[str, Any]] = []
    broken = False
    for script in scripts:
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            broken = True
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                blocks.append(_unescape(item))
    return blocks, "ok" if blocks else ("broken" if broken else "absent")


def _next_data(document: Any) -> tuple[dict[str, Any], str]:
    scripts = document.xpath('//script[@id="__NEXT_DATA__"]')
    if not scripts:
        return {}, "absent"
    try:
        data = json.loads(scripts[0].text or "")
    except ValueError:
        return {}, "broken"
    return (data, "ok") if isinstance(data, dict) else ({}, "broken")


def _css(element: Any, selector: str) -> list[Any]:
    return element.cssselect(selector)


def _first(element: Any, selector: str) -> Any:
    found = element.cssselect(selector)
    return found[0] if found else None


# ---------------------------------------------------------------- title pages


class _Fields:
    """Field values with the part each came from; the first part to give a value wins."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}

    def offer(self, field: str, value: Any, part: str) -> None:
        value = _clean(value)
        if value is None or field in self.values:
            return
        self.values[field] = value
        self.sources[field] = part


def _credit(imdb_id: str | None, name: str, ordering: int) -> dict[str, Any]:
    return {"imdb_id": imdb_id, "name": name, "ordering": ordering}


def _credit_groups_add(
    groups: dict[str, list[dict[str, Any]]], role: str, people: Iterable[tuple[str | None, str]]
) -> None:
    kept = groups.setdefault(role, [])
    seen = {credit["imdb_id"] or credit["name"].casefold() for credit in kept}
    for imdb_id, name in people:
        key = imdb_id or name.casefold()
        if name and key not in seen:
            seen.add(key)
            kept.append(_credit(imdb_id, name, len(kept)))


def _role_of_label(label: str) -> str | None:
    key = " ".join(label.split()).casefold().rstrip(":")
    return _LABEL_ROLES.get(key)


def _people_store(fields: _Fields, groups: dict[str, list[dict[str, Any]]], part: str) -> None:
    """Directors, writers and stars; a series' creators lead its writers."""
    writers: dict[str, list[dict[str, Any]]] = {}
    for role in ("creator", "writer"):
        people = ((credit["imdb_id"], credit["name"]) for credit in groups.get(role, []))
        _credit_groups_add(writers, "writer", people)
    fields.offer("directors", groups.get("director"), part)
    fields.offer("writers", writers.get("writer"), part)
    fields.offer("stars", groups.get("star"), part)


def _from_json_ld(fields: _Fields, block: dict[str, Any], *, language: str) -> None:
    kind = str(block.get("@type") or "")
    fields.offer("title_type", _LD_TYPES.get(kind.casefold()), JSON_LD)
    name = block.get("name")
    display = block.get("alternateName") or name
    if language == "en" and isinstance(display, str):
        fields.offer("primary_title", display, JSON_LD)
    fields.offer("original_title", name if isinstance(name, str) else None, JSON_LD)
    description = block.get("description")
    if isinstance(description, str) and not description.rstrip().endswith(("...", "…")):
        fields.offer("plot", description, JSON_LD)
    image = block.get("image")
    fields.offer("poster_url", image if isinstance(image, str) else _dig(image, "url"), JSON_LD)
    rating = block.get("aggregateRating") or {}
    if isinstance(rating, dict):
        fields.offer("rating", rating_parse(rating.get("ratingValue")), JSON_LD)
        fields.offer("votes", count_parse(rating.get("ratingCount")), JSON_LD)
    certificate = block.get("contentRating")
    fields.offer("certificate", certificate if isinstance(certificate, str) else None, JSON_LD)
    genres = block.get("genre")
    genres = [genres] if isinstance(genres, str) else genres
    if isinstance(genres, list):
        fields.offer("genres", [str(genre) for genre in genres if genre], JSON_LD)
    fields.offer("release_date", date_parse(block.get("datePublished")), JSON_LD)
    keywords = block.get("keywords")
    if isinstance(keywords, str):
        fields.offer("keywords", [word.strip() for word in keywords.split(",") if word.strip()], JSON_LD)
    fields.offer("runtime_minutes", duration_minutes(block.get("duration")), JSON_LD)


def _json_ld_people(block: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """People as 2024 pages listed them (director[], actor[], Person entries in creator[])."""

    def persons(value: Any) -> list[tuple[str | None, str]]:
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        found = []
        for item in items:
            if isinstance(item, dict) and item.get("@type") == "Person" and item.get("name"):
                match = _NAME_ID.search(str(item.get("url") or ""))
                found.append((match.group(1) if match else None, str(item["name"])))
        return found

    groups: dict[str, list[dict[str, Any]]] = {}
    for role, key in (("director", "director"), ("creator", "creator"), ("star", "actor")):
        people = persons(block.get(key))
        if people:
            _credit_groups_add(groups, role, people)
    return groups


def _from_next_data(fields: _Fields, data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    page = _dig(data, "props", "pageProps") or {}
    above = page.get("aboveTheFoldData") or {}
    main = page.get("mainColumnData") or {}
    fields.offer("title_type", _dig(above, "titleType", "id") or _dig(main, "titleType", "id"), NEXT_DATA)
    fields.offer(
        "primary_title", _dig(above, "titleText", "text") or _dig(main, "titleText", "text"), NEXT_DATA
    )
    fields.offer(
        "original_title",
        _dig(above, "originalTitleText", "text") or _dig(main, "originalTitleText", "text"),
        NEXT_DATA,
    )
    years = above.get("releaseYear") or main.get("releaseYear") or {}
    fields.offer("start_year", _dig(years, "year"), NEXT_DATA)
    fields.offer("end_year", _dig(years, "endYear"), NEXT_DATA)
    released = above.get("releaseDate") or main.get("releaseDate") or {}
    if isinstance(released, dict) and released.get("year") and released.get("month") and released.get("day"):
        with contextlib.suppress(TypeError, ValueError):
            fields.offer(
                "release_date", date(released["year"], released["month"], released["day"]), NEXT_DATA
            )
    seconds = _dig(above, "runtime", "seconds") or _dig(main, "runtime", "seconds")
    if isinstance(seconds, int | float) and seconds > 0:
        fields.offer("runtime_minutes", round(seconds / 60), NEXT_DATA)
    summary = above.get("ratingsSummary") or main.get("ratingsSummary") or {}
    fields.offer("rating", rating_parse(summary.get("aggregateRating")), NEXT_DATA)
    if summary.get("aggregateRating") is not None:
        fields.offer("votes", count_parse(summary.get("voteCount")), NEXT_DATA)
    fields.offer("plot", _dig(above, "plot", "plotText", "plainText"), NEXT_DATA)
    fields.offer(
        "poster_url", _dig(above, "primaryImage", "url") or _dig(main, "primaryImage", "url"), NEXT_DATA
    )
    fields.offer("certificate", _dig(above, "certificate", "rating"), NEXT_DATA)
    genres = _dig(above, "genres", "genres") or []
    fields.offer(
        "genres",
        [genre.get("id") or genre.get("text") for genre in genres if isinstance(genre, dict)],
        NEXT_DATA,
    )
    keywords = _dig(above, "keywords", "edges") or []
    fields.offer(
        "keywords", [_dig(edge, "node", "text") for edge in keywords if _dig(edge, "node", "text")], NEXT_DATA
    )
    if isinstance(main.get("isAdult"), bool):
        fields.offer("is_adult", main["isAdult"], NEXT_DATA)
    # No akas: __NEXT_DATA__ holds only the first one, an arbitrary pick; the datasets have
    # them all, and a localized page's display title is what the scraper adds per language.

    groups: dict[str, list[dict[str, Any]]] = {}
    for group in above.get("principalCreditsV2") or []:
        label = _dig(group, "grouping", "text") or ""
        grouping_id = str(_dig(group, "grouping", "groupingId") or "").casefold()
        role = _role_of_label(label) or next(
            (role for role in ("director", "creator", "writer", "star") if role in grouping_id), None
        )
        if role is None and "cast" in grouping_id:
            role = "star"
        people = [
            (_dig(c, "name", "id"), _dig(c, "name", "nameText", "text") or "")
            for c in group.get("credits") or []
        ]
        if role:
            _credit_groups_add(groups, role, people)
    if not groups:
        for group in above.get("principalCredits") or []:
            role = _CATEGORY_ROLES.get(str(_dig(group, "category", "id") or "")) or _role_of_label(
                _dig(group, "category", "text") or ""
            )
            people = [
                (_dig(c, "name", "id"), _dig(c, "name", "nameText", "text") or "")
                for c in group.get("credits") or []
            ]
            if role:
                _credit_groups_add(groups, role, people)
    return groups


def _hero_type(text: str) -> str | None:
    """The title type a hero line names ("TV Series", "Телесеріал", "TV Mini Series"), if any."""
    key = " ".join(text.replace("-", " ").split()).casefold()
    if re.search(r"mini ?series|мінісеріал|мини сериал|miniserie", key):
        return "tvMiniSeries"
    if re.search(r"series|серіал|сериал|serie", key):
        return "tvSeries"
    for words, kind in (
        (("tv movie", "телефільм", "телефильм", "fernsehfilm"), "tvMovie"),
        (("tv special", "спецвипуск", "спецвыпуск"), "tvSpecial"),
        (("episode", "епізод", "эпизод", "folge"), "tvEpisode"),
        (("video game", "відеогра", "видеоигра", "videospiel"), "videoGame"),
        (("tv short",), "tvShort"),
        (("video", "відео", "видео"), "video"),
        (("short", "короткометражка", "короткометражний", "короткометражный", "kurzfilm"), "short"),
    ):
        if key in words:
            return kind
    return None


def _dom_imdb_id(document: Any) -> str | None:
    for value in (
        *document.xpath('//meta[@property="imdb:pageConst"]/@content'),
        *document.xpath('//link[@rel="canonical"]/@href'),
    ):
        match = _TITLE_ID.search(value)
        if match:
            return match.group(1)
    return None


def _from_dom(fields: _Fields, document: Any) -> dict[str, list[dict[str, Any]]]:
    heading = _first(document, 'h1[data-testid="hero__pageTitle"]')
    display = _text(_first(document, '[data-testid="hero__primary-text"]')) or _text(heading)
    fields.offer("primary_title", display, DOM)
    original = None
    if heading is not None:
        following = heading.getnext()
        candidate = _text(following) if following is not None and following.tag == "div" else ""
        label, _, value = candidate.partition(":")
        if value.strip() and (label.strip().casefold() in _ORIGINAL_LABELS or len(label) < 40):
            original = value.strip()
    fields.offer("original_title", original or display, DOM)

    is_series = False
    metadata = (
        heading.getparent().cssselect("ul.ipc-inline-list > li.ipc-inline-list__item")
        if heading is not None
        else []
    )
    for item in metadata:
        text = _text(item)
        years = _YEARS.match(text)
        if years:
            fields.offer("start_year", int(years.group(1)), DOM)
            if years.group(2):
                fields.offer("end_year", int(years.group(2)), DOM)
        elif item.cssselect('a[href*="parentalguide"]'):
            fields.offer("certificate", text, DOM)
        elif duration_minutes(text):
            fields.offer("runtime_minutes", duration_minutes(text), DOM)
        elif _hero_type(text):
            is_series = _hero_type(text) in ("tvSeries", "tvMiniSeries")
            fields.offer("title_type", _hero_type(text), DOM)
    if heading is not None:
        fields.offer("title_type", "movie", DOM)  # films show no type in the hero

    score = _first(document, '[data-testid="hero-rating-bar__aggregate-rating__score"]')
    if score is not None:
        spans = score.cssselect("span")
        fields.offer("rating", rating_parse(_text(spans[0]) if spans else _text(score).split("/")[0]), DOM)
        votes = score.getnext()
        while votes is not None and not _text(votes):
            votes = votes.getnext()
        fields.offer("votes", count_parse(_text(votes)) if votes is not None else None, DOM)

    for testid in ("plot-xl", "plot-l", "plot-xs_to_m"):
        plot = _first(document, f'[data-testid="plot"] [data-testid="{testid}"]')
        text = _text(plot)
        for link in plot.cssselect("a") if plot is not None else []:
            text = text.replace(_text(link), "").strip()
        if text and not text.endswith(("...", "…")):
            fields.offer("plot", text, DOM)
            break
    poster = _first(document, '[data-testid="hero-media__poster"] img.ipc-image')
    fields.offer("poster_url", poster_full_size(poster.get("src")) if poster is not None else None, DOM)

    chips = _css(document, '[data-testid="interests"] a.ipc-chip .ipc-chip__text') or _css(
        document, '[data-testid="genres"] a.ipc-chip .ipc-chip__text'
    )
    genres = list(dict.fromkeys(name for name in (genre_name(_text(chip)) for chip in chips) if name))
    fields.offer("genres", genres, DOM)
    keywords = [_text(chip) for chip in _css(document, '[data-testid="storyline-plot-keywords"] a.ipc-chip')]
    fields.offer("keywords", keywords, DOM)

    released = _first(
        document, '[data-testid="title-details-releasedate"] .ipc-metadata-list-item__list-content-item'
    )
    fields.offer("release_date", date_parse(_text(released)), DOM)
    runtime = _first(
        document, '[data-testid="title-techspec_runtime"] .ipc-metadata-list-item__content-container'
    )
    fields.offer("runtime_minutes", duration_minutes(_text(runtime)), DOM)

    groups: dict[str, list[dict[str, Any]]] = {}
    rows = _css(document, '[data-testid="title-pc-principal-credit"]')
    unlabelled: list[list[tuple[str, str]]] = []
    for row in rows:
        label = _first(row, ".ipc-metadata-list-item__label")
        links = [link for link in row.cssselect("a[href]") if _NAME_ID.search(link.get("href", ""))]
        people = [(_NAME_ID.search(link.get("href", "")).group(1), _text(link)) for link in links]
        role = _role_of_label(_text(label)) if label is not None else None
        if role is None:
            for link in links:
                ref = re.search(r"ref_=tt_ov_([a-z]{2})", link.get("href", ""))
                role = _REF_ROLES.get(ref.group(1)) if ref else None
                if role:
                    break
        if role:
            _credit_groups_add(groups, role, people)
        elif people:
            unlabelled.append(people)
    if not groups and unlabelled:
        # Rows in IMDb's fixed order, each group twice: director(s), writers, stars.
        distinct = list(dict.fromkeys(tuple(people) for people in unlabelled))
        order = ("creator" if is_series else "director", "writer", "star")
        for role, people in zip(order, distinct, strict=False):
            _credit_groups_add(groups, role, people)
    return groups


def title_page_parse(html: str, *, url: str | None = None, language: str = "en") -> TitlePage:
    """Read a title page into a raw record (source "imdb_page"), JSON-LD first, then
    `__NEXT_DATA__`, then the DOM. Raises ImdbPageBlocked for a WAF page and
    ImdbLayoutChanged when no part yields an id and a title."""
    if _is_challenge_body(html or ""):
        raise ImdbPageBlocked(f"{url or 'page'}: the WAF challenge page, not a title page")
    document = _document(html)
    blocks, json_ld_state = _json_ld_blocks(document)
    block = next(
        (item for item in blocks if str(item.get("@type", "")).casefold() in _LD_TYPES and item.get("name")),
        None,
    )
    if blocks and block is None:
        json_ld_state = "absent"
    next_data, next_data_state = _next_data(document)
    if next_data_state == "ok" and not _dig(next_data, "props", "pageProps", "aboveTheFoldData"):
        next_data_state = "absent"
    has_dom = bool(_css(document, 'h1[data-testid="hero__pageTitle"]'))
    parts = {JSON_LD: json_ld_state, NEXT_DATA: next_data_state, DOM: "ok" if has_dom else "absent"}

    imdb_id = (
        _dom_imdb_id(document)
        or _dig(next_data, "props", "pageProps", "aboveTheFoldData", "id")
        or _dig(next_data, "props", "pageProps", "tconst")
    )
    for candidate in (str(block.get("url") or "") if block else "", url or ""):
        match = _TITLE_ID.search(candidate)
        if not imdb_id and match:
            imdb_id = match.group(1)

    fields = _Fields()
    is_localized = language != "en"
    if block:
        _from_json_ld(fields, block, language=language)
    next_groups = _from_next_data(fields, next_data) if next_data_state == "ok" else {}
    dom_groups = _from_dom(fields, document) if has_dom else {}
    if block and is_localized:
        # The display title on a localized page is what its hero shows; JSON-LD only as a last resort.
        fields.offer("primary_title", block.get("alternateName") or block.get("name"), JSON_LD)
    # No start year from JSON-LD's datePublished: that is the visitor's country's release
    # (1989 for a 1988 film), and this source outranks the datasets' true year in the merge.
    for groups, part in (
        (next_groups, NEXT_DATA),
        (dom_groups, DOM),
        (_json_ld_people(block) if block else {}, JSON_LD),
    ):
        if groups:
            _people_store(fields, groups, part)

    if not imdb_id or not (fields.values.get("primary_title") or fields.values.get("original_title")):
        raise ImdbLayoutChanged(
            f"{url or 'page'}: no id or title in JSON-LD ({parts[JSON_LD]}), __NEXT_DATA__ ({parts[NEXT_DATA]}) "
            f"or the DOM ({parts[DOM]})"
        )
    values = fields.values
    if values.get("title_type") == "movie":
        values.pop("end_year", None)
        fields.sources.pop("end_year", None)
    expected = [
        name
        for name in TITLE_PAGE_FIELDS
        if not (name == "directors" and values.get("title_type", "").startswith("tv"))
    ]
    missing = tuple(name for name in expected if name not in values)
    record: dict[str, Any] = {
        "imdb_id": imdb_id,
        "source": SOURCE,
        **{name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()},
        "source_url": url,
        "rescued": {
            "imdb_page": {
                "language": language,
                "sources": dict(fields.sources),
                "missing": list(missing),
                "parts": parts,
            }
        },
    }
    return TitlePage(
        imdb_id=imdb_id, record=record, sources=dict(fields.sources), missing=missing, parts=parts
    )


# ---------------------------------------------------------------- charts, searches, lists


def _row_values(row: Any, prefix: str) -> dict[str, Any]:
    """A chart (`cli-*`) or search/list (`dli-*`) row's visible values."""
    link = _first(row, "a.ipc-title-link-wrapper")
    if link is None:
        link = _first(row, 'a[href*="/title/tt"]')
    match = _TITLE_ID.search(link.get("href", "")) if link is not None else None
    if match is None:
        return {}
    values: dict[str, Any] = {"imdb_id": match.group(1)}
    heading = _first(row, "h3.ipc-title__text")
    title = _RANK_PREFIX.sub("", _text(heading if heading is not None else link), count=1)
    if title:
        values["primary_title"] = title
    for item in _css(row, f".{prefix}-title-metadata-item"):
        text = _text(item)
        years = _YEARS.match(text)
        if years:
            values.setdefault("start_year", int(years.group(1)))
            if years.group(2):
                values.setdefault("end_year", int(years.group(2)))
        elif duration_minutes(text) and re.search(r"\d\s*[^\d\s]", text):
            values.setdefault("runtime_minutes", duration_minutes(text))
        elif re.search(r"\beps?\b|епізод|эпизод|серій|серий", text, re.IGNORECASE):
            continue
        elif text:
            values.setdefault("certificate", text)
    rating = _first(row, '[data-testid="ratingGroup--imdb-rating"]')
    if rating is not None:
        value = _first(rating, ".ipc-rating-star--rating")
        number = rating_parse(_text(value)) if value is not None else None
        if number is None:
            number = rating_parse((rating.get("aria-label") or "").rpartition(":")[2])
        if number is None:
            own = (rating.text or "").strip()
            number = rating_parse(own)
        if number is not None:
            values["rating"] = number
        votes = _first(rating, ".ipc-rating-star--voteCount")
        if votes is not None:
            values["votes"] = count_parse(_text(votes))
    plot = _first(row, ".dli-plot-container")
    if plot is not None and _text(plot):
        values["plot"] = _text(plot)
    image = _first(row, "img.ipc-image")
    if image is not None and image.get("src"):
        values["poster_url"] = poster_full_size(image.get("src"))
    return {key: value for key, value in values.items() if value is not None}


def _chart_edge_values(edge: dict[str, Any]) -> dict[str, Any]:
    node = edge.get("node") or {}
    genres = [_dig(item, "genre", "text") for item in _dig(node, "titleGenres", "genres") or []]
    seconds = _dig(node, "runtime", "seconds")
    values = {
        "imdb_id": node.get("id"),
        "title_type": _dig(node, "titleType", "id"),
        "primary_title": _dig(node, "titleText", "text"),
        "original_title": _dig(node, "originalTitleText", "text"),
        "start_year": _dig(node, "releaseYear", "year"),
        "end_year": _dig(node, "releaseYear", "endYear"),
        "runtime_minutes": round(seconds / 60) if isinstance(seconds, int | float) and seconds else None,
        "rating": rating_parse(_dig(node, "ratingsSummary", "aggregateRating")),
        "votes": count_parse(_dig(node, "ratingsSummary", "voteCount")) or None,
        "certificate": _dig(node, "certificate", "rating"),
        "genres": [name for name in (genre_name(text) for text in genres if text) if name] or None,
        "plot": _dig(node, "plot", "plotText", "plainText"),
        "poster_url": _dig(node, "primaryImage", "url"),
    }
    return {key: value for key, value in values.items() if _clean(value) is not None}


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
        else _dig(item, "titleText", "text"),
        "original_title": item.get("originalTitleText")
        if isinstance(item.get("originalTitleText"), str)
        else _dig(item, "originalTitleText", "text"),
        "start_year": item.get("releaseYear")
        if isinstance(item.get("releaseYear"), int)
        else _dig(item, "releaseYear", "year"),
        "end_year": item.get("endYear"),
        "runtime_minutes": round(seconds / 60) if isinstance(seconds, int | float) and seconds else None,
        "rating": rating_parse(summary.get("aggregateRating")),
        "votes": count_parse(summary.get("voteCount")) or None,
        "certificate": item.get("certificate") if isinstance(item.get("certificate"), str) else None,
        "genres": [name for name in (genre_name(str(text)) for text in genres) if name] or None,
        "plot": item.get("plot") if isinstance(item.get("plot"), str) else None,
        "poster_url": _dig(item, "primaryImage", "url"),
    }
    return {key: value for key, value in values.items() if _clean(value) is not None}


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
    document = _document(html)
    dom_rows = [_row_values(row, prefix) for row in _css(document, rows_selector)]
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
    if _is_challenge_body(html or ""):
        raise ImdbPageBlocked(f"{url or 'chart'}: the WAF challenge page, not a chart")
    next_data, _ = _next_data(_document(html))
    edges = _dig(next_data, "props", "pageProps", "pageData", "chartTitles", "edges") or []
    edges = sorted(
        (edge for edge in edges if isinstance(edge, dict)), key=lambda edge: edge.get("currentRank") or 0
    )
    data_rows = [_chart_edge_values(edge) for edge in edges]
    records = _listing(
        html,
        url=url,
        rows_selector='[data-testid="chart-layout-main-column"] ul.ipc-metadata-list > li.ipc-metadata-list-summary-item',
        prefix="cli",
        data_rows=data_rows,
    )
    if not records and "chart" in (url or ""):
        raise ImdbLayoutChanged(f"{url}: no chart rows in the DOM or __NEXT_DATA__")
    return records


def list_page_parse(html: str, *, url: str | None = None, language: str = "en") -> list[dict[str, Any]]:
    """Every row shown on a search (/search/title/?…) or list (/list/ls…/) page, in page order.

    Rows added by "50 more" are only in the DOM; `__NEXT_DATA__` completes the first 50.
    """
    if _is_challenge_body(html or ""):
        raise ImdbPageBlocked(f"{url or 'list'}: the WAF challenge page, not a list")
    document = _document(html)
    next_data, _ = _next_data(document)
    page = _dig(next_data, "props", "pageProps") or {}
    items = _dig(page, "searchResults", "titleResults", "titleListItems") or [
        edge.get("listItem") or edge.get("node") or {}
        for edge in _dig(page, "mainColumnData", "list", "titleListItemSearch", "edges") or []
        if isinstance(edge, dict)
    ]
    data_rows = [_search_item_values(item) for item in items if isinstance(item, dict)]
    return _listing(
        html,
        url=url,
        rows_selector="ul.ipc-metadata-list > li.ipc-metadata-list-summary-item",
        prefix="dli",
        data_rows=data_rows,
    )


def listing_total(html: str) -> int | None:
    """How many results a search or list has in all ("1-50 of 2,222", or `__NEXT_DATA__`'s total)."""
    document = _document(html)
    next_data, _ = _next_data(document)
    page = _dig(next_data, "props", "pageProps") or {}
    total = _dig(page, "searchResults", "titleResults", "total") or _dig(
        page, "mainColumnData", "list", "titleListItemSearch", "total"
    )
    if isinstance(total, int):
        return total
    match = re.search(
        r"\b1\s*[-–]\s*[\d.,\s]+\s+\S+\s+([\d.,\s\xa0]+\d)",
        _text(document.body) if document.body is not None else "",
    )
    return count_parse(match.group(1)) if match else None
