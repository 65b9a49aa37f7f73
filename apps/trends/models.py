"""Registrations of titles to follow on TMDB, daily view counts, trend scores and their history.

Views are counted in Redis (or in memory) and reach `TitleViews` in batches; a batch's key
is recorded in `AppliedFlush` in the same transaction, so a batch applied once is never
applied again (apps/trends/counters.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

IMDB_ID_PATTERN = r"^tt[0-9]{7,9}$"


class Registration(models.Model):
    """A title someone asked to follow by its TMDB or IMDb id; TMDB is asked by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        READY = "ready", _("ready")
        # Kept as a tombstone: TMDB does not know the id, and polling says so instead of 404.
        MISSING = "missing", _("missing at TMDB")
        FAILED = "failed", _("failed")

    title = models.ForeignKey(
        "catalog.Title",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trend_registrations",
        verbose_name=_("title"),
    )
    tmdb_id = models.PositiveIntegerField(_("TMDB id"), null=True, blank=True, unique=True)
    imdb_id = models.CharField(_("IMDb id"), max_length=12, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tmdb_id__isnull=False) | models.Q(imdb_id__isnull=False),
                name="trends_registration_has_id",
            )
        ]

    def __str__(self) -> str:
        return f"tmdb:{self.tmdb_id}" if self.tmdb_id else f"imdb:{self.imdb_id}"


class TitleViews(models.Model):
    """Views of one title on one day (UTC), as flushed from the counters."""

    title = models.ForeignKey("catalog.Title", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("views of a day")
        verbose_name_plural = _("views by day")
        constraints = [models.UniqueConstraint(fields=["title", "day"], name="trends_titleviews_unique")]
        indexes = [models.Index(fields=["day"], name="trends_titleviews_day")]

    def __str__(self) -> str:
        return f"{self.title_id} {self.day}: {self.views}"


class AppliedFlush(models.Model):
    """A batch of counted views already added to TitleViews: applying it again is a no-op."""

    key = models.CharField(max_length=100, primary_key=True)
    views = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class TrendScore(models.Model):
    """A title's current trend score and the components it was computed from."""

    title = models.OneToOneField(
        "catalog.Title", on_delete=models.CASCADE, related_name="trend_score", primary_key=True
    )
    score = models.FloatField(_("score"), default=0.0, db_index=True)
    recent_views = models.FloatField(_("recent views (decayed)"), default=0.0)
    weighted_rating = models.FloatField(_("weighted rating"), null=True, blank=True)
    popularity = models.FloatField(_("TMDB popularity"), default=0.0)
    sessions = models.PositiveIntegerField(_("sessions this week"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-score", "title_id"]
        verbose_name = _("trend score")
        verbose_name_plural = _("trend scores")

    def __str__(self) -> str:
        return f"{self.title_id}: {self.score:.3f}"


class TrendSnapshot(models.Model):
    """A title's score and views on one day, the history its chart is drawn from."""

    title = models.ForeignKey("catalog.Title", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("day"))
    score = models.FloatField(_("score"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("score of a day")
        verbose_name_plural = _("scores by day")
        constraints = [models.UniqueConstraint(fields=["title", "day"], name="trends_trendsnapshot_unique")]

    def __str__(self) -> str:
        return f"{self.title_id} {self.day}: {self.score:.3f}"


class MemberRatings(models.Model):
    """CineStream members' ratings of one title, summed: the third source of the weighted rating.

    Anonymous by construction (a count and a sum), so a deleted account's ratings stay counted.
    """

    title = models.OneToOneField(
        "catalog.Title", on_delete=models.CASCADE, related_name="member_ratings", primary_key=True
    )
    votes = models.PositiveIntegerField(_("members' votes"), default=0)
    total = models.PositiveIntegerField(_("sum of members' ratings"), default=0)

    class Meta:
        verbose_name = _("members' ratings")
        verbose_name_plural = _("members' ratings")

    def __str__(self) -> str:
        return f"{self.title_id}: {self.votes} votes"
