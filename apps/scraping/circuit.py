"""The circuit breaker that pauses all scraping while IMDb keeps blocking.

It is a database row, so every worker process sees the same state:
SCRAPER_BREAKER_BLOCKS blocked pages in a row open it for SCRAPER_BREAKER_PAUSE_SECONDS,
during which no process loads an IMDb page. After the pause the next page is a trial: a
block re-opens the circuit at once, a success closes it.
"""

from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.scraping.models import ScrapeCircuit
from core.errors import DomainError

logger = structlog.get_logger(__name__)

CIRCUIT = "imdb"


class CircuitOpen(DomainError):
    """IMDb kept blocking; scraping is paused until `reopens_at`."""

    code = "scrape_circuit_open"
    http_status = 503

    def __init__(self, reason: str, reopens_at: datetime | None) -> None:
        until = timezone.localtime(reopens_at).strftime("%Y-%m-%d %H:%M:%S %Z") if reopens_at else "?"
        super().__init__(f"scraping paused until {until}: IMDb blocked repeatedly ({reason})")
        self.reason, self.reopens_at = reason, reopens_at


def circuit_get(*, name: str = CIRCUIT) -> ScrapeCircuit:
    circuit, _ = ScrapeCircuit.objects.get_or_create(name=name)
    return circuit


def circuit_check(*, name: str = CIRCUIT) -> None:
    """Raise CircuitOpen while the circuit is open."""
    circuit = ScrapeCircuit.objects.filter(name=name).first()
    if circuit is not None and circuit.is_open:
        raise CircuitOpen(circuit.reason, circuit.reopens_at)


def circuit_block(*, reason: str, name: str = CIRCUIT) -> bool:
    """Count one blocked page; open the circuit at the threshold. Return whether it is open now."""
    circuit_get(name=name)
    with transaction.atomic():
        circuit = ScrapeCircuit.objects.select_for_update().get(name=name)
        circuit.consecutive_blocks += 1
        circuit.reason = reason[:200]
        opens = circuit.consecutive_blocks >= settings.SCRAPER_BREAKER_BLOCKS and not circuit.is_open
        if opens:
            now = timezone.now()
            circuit.opened_at = now
            circuit.reopens_at = now + timedelta(seconds=settings.SCRAPER_BREAKER_PAUSE_SECONDS)
        circuit.save()
    if opens:
        logger.error(
            "scrape_circuit_opened",
            circuit=name,
            reason=circuit.reason,
            blocks=circuit.consecutive_blocks,
            reopens_at=circuit.reopens_at.isoformat(),
        )
    return circuit.is_open


def circuit_success(*, name: str = CIRCUIT) -> None:
    """A page loaded: the run of blocks is over (and a trial after a pause closes the circuit)."""
    closed = ScrapeCircuit.objects.filter(name=name, consecutive_blocks__gt=0).update(
        consecutive_blocks=0, reopens_at=None, updated_at=timezone.now()
    )
    if closed:
        logger.info("scrape_circuit_reset", circuit=name)


def circuit_close(*, name: str = CIRCUIT) -> None:
    """Resume scraping now (the admin's action)."""
    ScrapeCircuit.objects.filter(name=name).update(
        consecutive_blocks=0, reopens_at=None, updated_at=timezone.now()
    )
    logger.info("scrape_circuit_closed", circuit=name)
