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


class GeminiCall(models.Model):
    """One request to Gemini (each retry and corrective follow-up is its own row): the ledger
    the daily budget is counted from and the admin's cost report."""

    class Purpose(models.TextChoices):
        CINEMAS = "cinemas", _("cinemas")
        MOVIES = "movies", _("movies")
        SESSIONS = "sessions", _("sessions")

    class Outcome(models.TextChoices):
        OK = "ok", _("ok")
        INVALID = "invalid", _("invalid, asked again")
        REJECTED = "rejected", _("rejected")
        UNAVAILABLE = "unavailable", _("unavailable")
        CONFIG = "config", _("configuration error")
        BLOCKED = "blocked", _("blocked or cut off")

    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    city = models.CharField(_("city"), max_length=200, blank=True)
    # What the caller asked this for (a Location's slug, a run id), so its calls can be found.
    purpose_key = models.CharField(_("purpose key"), max_length=200, blank=True)
    model = models.CharField(_("model"), max_length=100)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    output_tokens = models.PositiveIntegerField(_("output tokens"), default=0)
    thinking_tokens = models.PositiveIntegerField(_("thinking tokens"), default=0)
    total_tokens = models.PositiveIntegerField(_("total tokens"), default=0)
    grounded = models.BooleanField(_("grounded"), default=False)
    latency_ms = models.PositiveIntegerField(_("latency, ms"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    error = models.TextField(_("error"), blank=True)
    cost_usd = models.DecimalField(_("cost, USD"), max_digits=12, decimal_places=6, default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Gemini call")
        verbose_name_plural = _("Gemini calls")

    def __str__(self) -> str:
        return f"{self.purpose} {self.city} {self.outcome}"


class TmdbCallDay(models.Model):
    """TMDB requests per day and endpoint (TMDB charges nothing; the admin watches the volume
    and the failures against its ~40 requests/s rule). One upsert per request."""

    day = models.DateField(_("day"))
    endpoint = models.CharField(_("endpoint"), max_length=32)  # find, movie, tv, search, …
    calls = models.PositiveIntegerField(_("calls"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "endpoint"], name="scraping_tmdb_call_day")]
        ordering = ["-day", "endpoint"]
        verbose_name = _("TMDB calls on a day")
        verbose_name_plural = _("TMDB calls")

    def __str__(self) -> str:
        return f"{self.day} {self.endpoint}: {self.calls}"
