"""Visitors and the audit trail."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DailyVisits(models.Model):
    """A day's page views and unique visitors (an estimate: Redis's HyperLogLog, ±1%)."""

    day = models.DateField(_("day"), primary_key=True)
    page_views = models.PositiveBigIntegerField(_("page views"), default=0)
    visitors = models.PositiveIntegerField(_("unique visitors"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("day's visits")
        verbose_name_plural = _("daily visits")

    def __str__(self) -> str:
        return f"{self.day}: {self.page_views}"


class PageViews(models.Model):
    """A page's views on a day (the path without its query)."""

    day = models.DateField(_("day"))
    path = models.CharField(_("path"), max_length=200)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="analytics_page_views_day_path")]
        verbose_name = _("page views")
        verbose_name_plural = _("page views")

    def __str__(self) -> str:
        return f"{self.day} {self.path}: {self.views}"


class AppliedVisitsBatch(models.Model):
    """Batches of counted page views already in the database (core.counting.batch_apply_once)."""

    key = models.CharField(max_length=100, primary_key=True)
    applied_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.key


class AuditEvent(models.Model):
    """Who did what, when: append-only (refused by the model, and by a trigger in PostgreSQL)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # The user's id and how they were known then; no foreign key, so the trail outlives them.
    actor_id = models.PositiveBigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor = models.CharField(_("actor"), max_length=254, default="system")
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="analytics_audit_object")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditTrailAppendOnly("an audit event cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailAppendOnly("an audit event cannot be deleted")


class AuditTrailAppendOnly(Exception):
    pass
