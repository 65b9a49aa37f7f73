"""What the scrapers record about their own work: runs and the circuit breaker's state.

The scraped data itself belongs to the catalog; these rows say how scraping went, so
the admin can show whether IMDb is blocking and when scraping resumes.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScrapeCircuit(models.Model):
    """A circuit breaker shared by every worker process: open means nobody scrapes."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    consecutive_blocks = models.PositiveIntegerField(_("consecutive blocks"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    reopens_at = models.DateTimeField(_("reopens at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scrape circuit")
        verbose_name_plural = _("scrape circuits")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.reopens_at is not None and self.reopens_at > timezone.now()


class ScrapeRun(models.Model):
    """One scrape (command or task): what it asked for and how it went."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        CIRCUIT_OPEN = "circuit_open", _("circuit open")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted")

    kind = models.CharField(max_length=16)  # titles, chart, url
    target = models.CharField(max_length=500)
    languages = models.CharField(max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    records = models.PositiveIntegerField(_("records"), default=0)
    blocked = models.PositiveIntegerField(_("blocked"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("scrape run")
        verbose_name_plural = _("scrape runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.target}"
