"""Scraping workflows: IMDb pages through the browser client, parsed, handed to a store step.

The caller passes the store step (`store`): it takes a batch of raw records (the shape of
apps/scraping/records.py) and reports what it kept, so this app imports no app of ours.
Pages are fetched by up to SCRAPER_BROWSERS browsers at once (worker threads, one browser
each); everything that touches the database (the circuit breaker, run records, the store
step) stays in the calling thread.

Blocked pages feed the circuit breaker (apps/scraping/circuit.py), which every worker
process shares.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.utils import timezone

from apps.scraping import imdb_pages
from apps.scraping.circuit import CircuitOpen, circuit_block, circuit_check, circuit_get, circuit_success
from apps.scraping.imdb_client import (
    LANGUAGES,
    ImdbBadRequest,
    ImdbBlocked,
    ImdbClient,
    ImdbPage,
    ImdbUnavailable,
    chart_url,
    list_url,
    list_url_check,
    title_url,
)
from apps.scraping.models import ScrapeRun
from core.errors import DomainError

logger = structlog.get_logger(__name__)

SOURCE = "imdb_page"
# The region a language's display title is shown in (the catalog shows akas by region).
REGIONS = {"uk": "UA", "ru": "RU", "en": ""}
# Titles whose pages are all in are handed to the store step this many at a time, so an
# interrupted run keeps what it already read.
STORE_BATCH = 25


class ScrapeInputError(DomainError, ValueError):
    """A title id, chart, language or URL the scraper cannot read."""

    code = "scrape_bad_input"


@dataclass(frozen=True)
class StoreReport:
    """What a store step did with one batch of records."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    rejected: int = 0


Store = Callable[[list[dict[str, Any]]], StoreReport]


@dataclass
class ScrapeSummary:
    pages: int = 0
    records: int = 0
    blocked: int = 0
    failed: int = 0
    total_pages: int | None = None
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    circuit: CircuitOpen | None = None
    run_id: int | None = None

    @property
    def is_circuit_open(self) -> bool:
        return self.circuit is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "records": self.records,
            "blocked": self.blocked,
            "failed": self.failed,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "events": self.events,
            "rejected": self.rejected,
            "circuit_open": self.is_circuit_open,
            "circuit": str(self.circuit) if self.circuit else None,
            "run_id": self.run_id,
        }


Progress = Callable[[ScrapeSummary], None]


# --- Input -----------------------------------------------------------------------


def languages_parse(value: str | Sequence[str]) -> tuple[str, ...]:
    """'uk,en' or ["uk", "en"] → ("uk", "en"); unknown codes are an error."""
    items = value.split(",") if isinstance(value, str) else list(value)
    languages = tuple(dict.fromkeys(item.strip().lower() for item in items if item.strip()))
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown or not languages:
        raise ScrapeInputError(
            f"unknown language {', '.join(unknown) or '(none)'}: expected {', '.join(LANGUAGES)}"
        )
    return languages


def _checked(check: Callable[..., str], *args: Any, **kwargs: Any) -> str:
    try:
        return check(*args, **kwargs)
    except ImdbBadRequest as exc:
        raise ScrapeInputError(str(exc)) from None


# --- Parsing (apps.scraping.imdb_pages) and records -------------------------------


def _title_record(page: ImdbPage, imdb_id: str) -> dict[str, Any]:
    try:
        parsed = imdb_pages.title_page_parse(page.html, url=page.url, language=page.language)
    except imdb_pages.ImdbPageBlocked as exc:
        raise ImdbBlocked(page.url, str(exc), page.status) from exc
    record = dict(parsed.record)
    record.setdefault("imdb_id", imdb_id)
    return record


def _list_records(page: ImdbPage, kind: str, limit: int | None) -> list[dict[str, Any]]:
    parse = imdb_pages.chart_page_parse if kind == "chart" else imdb_pages.list_page_parse
    try:
        records = [dict(record) for record in parse(page.html, url=page.url, language=page.language)]
    except imdb_pages.ImdbPageBlocked as exc:
        raise ImdbBlocked(page.url, str(exc), page.status) from exc
    return records[:limit] if limit is not None else records


def records_localize(pages: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One record per title from the same title's records in several languages.

    The English page gives the record; every other language adds its display title as a
    localized title (aka) for its region. Without an English page, the first language's
    record is kept but its display title becomes an aka only (IMDb's primary title is
    English) and its plot is dropped (the language it is in is not known for sure).
    """
    by_id: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    order: list[str] = []
    for language, records in pages.items():
        for record in records:
            imdb_id = record.get("imdb_id")
            if not imdb_id:
                continue
            if imdb_id not in by_id:
                order.append(imdb_id)
            by_id[imdb_id][language] = record
    merged = []
    for imdb_id in order:
        versions = by_id[imdb_id]
        if "en" in versions:
            record = dict(versions["en"])
        else:
            record = dict(next(iter(versions.values())))
            record.pop("primary_title", None)
            record.pop("plot", None)
        akas = list(record.get("akas") or [])
        for language, version in versions.items():
            name = version.get("primary_title")
            if language == "en" or not name:
                continue
            akas.append({"name": name, "region": REGIONS[language], "language": language})
        if akas:
            record["akas"] = akas
        record["source"] = SOURCE
        merged.append(record)
    return merged


# --- Runs ---------------------------------------------------------------------------


class _Run:
    """Counts, circuit accounting, batched storing and the ScrapeRun row of one scrape."""

    def __init__(
        self,
        *,
        kind: str,
        target: str,
        languages: Sequence[str],
        store: Store,
        progress: Progress | None,
    ) -> None:
        self.summary = ScrapeSummary()
        self._store = store
        self.progress = progress
        self.row = ScrapeRun.objects.create(kind=kind, target=target[:500], languages=",".join(languages))
        self.summary.run_id = self.row.pk
        self.log = logger.bind(run_id=self.row.pk, kind=kind, target=target[:200])
        self.log.info("scrape_started", languages=list(languages))

    def check_circuit(self) -> bool:
        """False (and noted) when the circuit is open."""
        try:
            circuit_check()
        except CircuitOpen as exc:
            self.summary.circuit = exc
            return False
        return True

    def page_done(self, *, records: int = 0) -> None:
        self.summary.pages += 1
        self.summary.records += records
        circuit_success()
        self._report()

    def page_blocked(self, exc: ImdbBlocked) -> None:
        self.summary.blocked += 1
        self.summary.problems.append(str(exc))
        if circuit_block(reason=f"{exc.reason} at {exc.url}"):
            circuit = circuit_get()
            self.summary.circuit = CircuitOpen(circuit.reason, circuit.reopens_at)
        self._report()

    def page_failed(self, what: str, exc: BaseException) -> None:
        self.summary.failed += 1
        self.summary.problems.append(f"{what}: {exc}")
        self.log.warning("scrape_page_failed", page=what, error=str(exc))
        self._report()

    def store(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        report = self._store(records)
        summary = self.summary
        summary.inserted += report.inserted
        summary.updated += report.updated
        summary.unchanged += report.unchanged
        summary.events += report.events
        summary.rejected += report.rejected

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.summary)

    def finish(self, status: str, message: str = "") -> ScrapeSummary:
        summary, row = self.summary, self.row
        if summary.circuit is not None and status == ScrapeRun.Status.DONE:
            status, message = ScrapeRun.Status.CIRCUIT_OPEN, str(summary.circuit)
        for name in ("pages", "records", "blocked", "failed", "inserted", "updated", "events"):
            setattr(row, name, getattr(summary, name))
        row.status, row.message, row.finished_at = status, message[:2000], timezone.now()
        row.save()
        self.log.info("scrape_finished", status=status, **summary.as_dict())
        return summary


def _run(
    run: _Run, work: Callable[[_Run], None], client: ImdbClient | None, make_client: bool
) -> ScrapeSummary:
    try:
        work(run)
    except (KeyboardInterrupt, SystemExit):
        run.finish(ScrapeRun.Status.INTERRUPTED, "interrupted")
        raise
    except Exception as exc:
        run.finish(ScrapeRun.Status.FAILED, str(exc))
        raise
    finally:
        if make_client and client is not None:
            client.close()
    return run.finish(ScrapeRun.Status.DONE)


def _pages_fetch(
    run: _Run, client: ImdbClient, jobs: Iterable[tuple[Any, Callable[[], Any]]]
) -> Iterator[tuple[Any, Any]]:
    """Run page jobs on at most pool-size threads; yield (key, result) for each page that loaded.

    Blocks and failures are counted here; no new page starts once the circuit is open.
    """
    pending: dict[Future, Any] = {}
    jobs = iter(jobs)
    with ThreadPoolExecutor(max_workers=client.pool.size, thread_name_prefix="scrape") as executor:
        try:
            while True:
                while len(pending) < client.pool.size and run.check_circuit():
                    job = next(jobs, None)
                    if job is None:
                        break
                    key, fetch = job
                    pending[executor.submit(fetch)] = key
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    key = pending.pop(future)
                    try:
                        result = future.result()
                    except ImdbBlocked as exc:
                        run.page_blocked(exc)
                        continue
                    except (
                        ImdbUnavailable,
                        imdb_pages.ImdbLayoutChanged,
                        ValueError,
                        KeyError,
                        TypeError,
                    ) as exc:
                        run.page_failed(str(key), exc)
                        continue
                    yield key, result
        finally:
            for future in pending:
                future.cancel()
            # Busy browsers are killed so that threads still waiting on a page return now.
            if pending:
                client.pool.close()


def scrape_titles(
    *,
    ids: Sequence[str],
    store: Store,
    languages: Sequence[str] = ("en",),
    client: ImdbClient | None = None,
    progress: Progress | None = None,
) -> ScrapeSummary:
    """Title pages in each language → one record per title (localized titles as akas) → `store`."""
    ids = list(dict.fromkeys(ids))
    for imdb_id in ids:
        _checked(title_url, imdb_id)
    languages = languages_parse(languages)
    make_client = client is None
    client = client or ImdbClient()
    run = _Run(kind="titles", target=" ".join(ids), languages=languages, store=store, progress=progress)
    run.summary.total_pages = len(ids) * len(languages)

    def work(run: _Run) -> None:
        def fetch(imdb_id: str, language: str) -> dict[str, Any]:
            return _title_record(client.title_page(imdb_id, language=language), imdb_id)

        jobs = (
            ((imdb_id, language), lambda i=imdb_id, lang=language: fetch(i, lang))
            for imdb_id in ids
            for language in languages
        )
        collected: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        answered: dict[str, int] = defaultdict(int)
        ready: list[str] = []

        def flush() -> None:
            records = []
            for imdb_id in ready:
                records.extend(records_localize(collected.pop(imdb_id, {})))
            ready.clear()
            run.store(records)

        try:
            for (imdb_id, language), record in _pages_fetch(run, client, jobs):
                collected[imdb_id][language].append(record)
                run.page_done(records=1)
                answered[imdb_id] += 1
                if answered[imdb_id] == len(languages):
                    ready.append(imdb_id)
                if len(ready) >= STORE_BATCH:
                    flush()
        finally:
            # Whatever was read is stored, even if some languages of a title were not.
            ready.extend(imdb_id for imdb_id in collected if imdb_id not in ready)
            flush()

    return _run(run, work, client, make_client)


def _scrape_list(
    *,
    kind: str,
    url_of: Callable[[str], str],
    target: str,
    limit: int | None,
    languages: Sequence[str],
    store: Store,
    client: ImdbClient | None,
    progress: Progress | None,
) -> ScrapeSummary:
    languages = languages_parse(languages)
    if limit is not None and limit < 1:
        raise ScrapeInputError("--limit: expected a number >= 1")
    make_client = client is None
    client = client or ImdbClient()
    run = _Run(kind=kind, target=target, languages=languages, store=store, progress=progress)
    run.summary.total_pages = len(languages)
    parse_kind = "chart" if kind == "chart" or "/chart/" in target else "list"

    def work(run: _Run) -> None:
        def fetch(language: str) -> list[dict[str, Any]]:
            page = client.list_page(url_of(language), language=language, limit=limit)
            return _list_records(page, parse_kind, limit)

        jobs = ((language, lambda lang=language: fetch(lang)) for language in languages)
        pages: dict[str, list[dict[str, Any]]] = {}
        try:
            for language, records in _pages_fetch(run, client, jobs):
                pages[language] = records
                run.page_done(records=len(records))
        finally:
            run.store(records_localize(pages))

    return _run(run, work, client, make_client)


def scrape_chart(
    *,
    name: str,
    store: Store,
    limit: int | None = None,
    languages: Sequence[str] = ("en",),
    client: ImdbClient | None = None,
    progress: Progress | None = None,
) -> ScrapeSummary:
    """Every row of an IMDb chart (top, moviemeter, toptv), or the first `limit`, into `store`."""
    _checked(chart_url, name)
    return _scrape_list(
        kind="chart",
        url_of=lambda language: chart_url(name, language=language),
        target=name,
        limit=limit,
        languages=languages,
        store=store,
        client=client,
        progress=progress,
    )


def scrape_url(
    *,
    url: str,
    store: Store,
    limit: int | None = None,
    languages: Sequence[str] = ("en",),
    client: ImdbClient | None = None,
    progress: Progress | None = None,
) -> ScrapeSummary:
    """The titles of an IMDb search or list page ("50 more" clicked up to `limit`) into `store`."""
    _checked(list_url_check, url)
    return _scrape_list(
        kind="url",
        url_of=lambda language: list_url(url, language=language),
        target=url,
        limit=limit,
        languages=languages,
        store=store,
        client=client,
        progress=progress,
    )
