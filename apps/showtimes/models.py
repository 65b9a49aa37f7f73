"""Cities, their cinemas and the sessions of the movies they play, found on demand by Gemini.

Movie-centric, as visitors read it: a city's movie is stored once (`CityMovie`, linked to
the catalog title whose poster and facts the pages show), and sessions hang under it.
Rows are written by apps/showtimes/services.py only; pages read them through selectors.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Location(models.Model):
    """A city CineStream keeps showtimes for, and how far ahead they are known."""

    class Status(models.TextChoices):
        IDLE = "idle", _("idle")
        QUEUED = "queued", _("queued")
        SCRAPING = "scraping", _("scraping")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100, default="Ukraine")
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Kyiv")  # IANA
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IDLE)
    # Every (movie, day) up to this day of the city's calendar has been asked for.
    covered_until = models.DateField(_("covered until"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    # For admins; visitors see a friendly line and `retry_at`.
    last_error = models.TextField(_("last error"), blank=True)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    # The nightly extension keeps only the cities people opened lately.
    last_visited_at = models.DateTimeField(_("last visited"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["city"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return f"{self.city}, {self.country}"


class Theater(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="theaters")
    name = models.CharField(_("name"), max_length=200)
    chain = models.CharField(_("chain"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = _("cinema")
        verbose_name_plural = _("cinemas")
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="showtimes_theater_unique")]

    def __str__(self) -> str:
        return self.name


class CityMovie(models.Model):
    """A movie playing in a city: stored once, linked to the catalog, sessions under it."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="movies")
    # Null while unmatched: the run's summary lists it, pages do not show it.
    title = models.ForeignKey(
        "catalog.Title", on_delete=models.SET_NULL, null=True, blank=True, related_name="city_movies"
    )
    name = models.CharField(_("name as found"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = _("city movie")
        verbose_name_plural = _("city movies")
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="showtimes_citymovie_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SessionFormat(models.TextChoices):
    TWO_D = "2D", "2D"
    THREE_D = "3D", "3D"
    IMAX = "IMAX", "IMAX"
    IMAX_3D = "IMAX 3D", "IMAX 3D"
    FOUR_DX = "4DX", "4DX"
    SCREEN_X = "ScreenX", "ScreenX"
    OTHER = "other", _("other")


class Session(models.Model):
    """One screening. Start and end are aware datetimes; pages show them in the city's zone."""

    movie = models.ForeignKey(CityMovie, on_delete=models.CASCADE, related_name="sessions")
    theater = models.ForeignKey(Theater, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)  # from the runtime
    format = models.CharField(
        _("format"), max_length=16, choices=SessionFormat.choices, default=SessionFormat.TWO_D
    )
    # ISO 639-1 codes: original with Ukrainian subtitles ("en" + "uk") versus a Ukrainian dub ("uk").
    audio_language = models.CharField(_("audio language"), max_length=8, blank=True)
    subtitles = models.CharField(_("subtitles"), max_length=8, blank=True)
    hall = models.CharField(_("hall"), max_length=100, blank=True)
    booking_url = models.URLField(_("booking URL"), max_length=500, blank=True)
    price = models.DecimalField(
        _("price (UAH)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Provenance: the pages Gemini's Google Search grounding cited ([{"uri", "title"}]).
    # Without any the session is unverified and hidden by default.
    sources = models.JSONField(_("sources"), default=list, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    model = models.CharField(_("model"), max_length=64, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "theater_id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["movie", "theater", "starts_at", "hall"], name="showtimes_session_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.movie} @ {self.theater} {self.starts_at:%Y-%m-%d %H:%M}"


class CoveredDay(models.Model):
    """A (movie, day) Gemini was asked about, found sessions or not: the planner's memory."""

    movie = models.ForeignKey(CityMovie, on_delete=models.CASCADE, related_name="covered_days")
    day = models.DateField(_("day"))
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    asked_at = models.DateTimeField(_("asked at"), auto_now=True)

    class Meta:
        ordering = ["movie", "day"]
        constraints = [models.UniqueConstraint(fields=["movie", "day"], name="showtimes_coveredday_unique")]

    def __str__(self) -> str:
        return f"{self.movie} {self.day}"


class ShowtimesRun(models.Model):
    """One run for a city (task or command): what it asked, what it stored, what it refused."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        BUDGET_SPENT = "budget_spent", _("budget spent")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    model = models.CharField(_("model"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    calls = models.PositiveIntegerField(_("calls"), default=0)
    tokens = models.PositiveIntegerField(_("tokens"), default=0)
    cinemas_found = models.PositiveIntegerField(_("cinemas found"), default=0)
    movies_found = models.PositiveIntegerField(_("movies found"), default=0)
    days_planned = models.PositiveIntegerField(_("days planned"), default=0)
    days_done = models.PositiveIntegerField(_("days done"), default=0)
    sessions_added = models.PositiveIntegerField(_("sessions added"), default=0)
    sessions_changed = models.PositiveIntegerField(_("sessions changed"), default=0)
    sessions_cancelled = models.PositiveIntegerField(_("sessions cancelled"), default=0)
    # {reason: count}: "date outside the window", "time outside 07:00-03:00", "unknown cinema", …
    rejected = models.JSONField(_("rejected"), default=dict, blank=True)
    unmatched = models.JSONField(_("unmatched movies"), default=list, blank=True)
    # What TMDB added (apps/showtimes/runs.py): {"skipped": why} without a key, else
    # {"created": [names], "unmatched_reasons": {name: why}, "now_playing": {…}}.
    tmdb = models.JSONField(_("TMDB"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("showtimes run")
        verbose_name_plural = _("showtimes runs")

    def __str__(self) -> str:
        return f"{self.location} {self.started_at:%Y-%m-%d %H:%M}"


class SessionReport(models.Model):
    """A visitor saying a session is wrong; admins see and resolve them."""

    class Reason(models.TextChoices):
        NOT_PLAYING = "not_playing", _("This session does not exist")
        WRONG_TIME = "wrong_time", _("The time is wrong")
        WRONG_DETAILS = "wrong_details", _("Format, language or price is wrong")
        OTHER = "other", _("Something else")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("session report")
        verbose_name_plural = _("session reports")

    def __str__(self) -> str:
        return f"{self.session}: {self.get_reason_display()}"
