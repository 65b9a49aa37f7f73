"""The durable event log behind every live stream."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One published change. Ids are gapless and become visible in id order (see services)."""

    id = models.BigIntegerField(primary_key=True)
    type = models.CharField(_("type"), max_length=32)
    payload = models.JSONField(_("payload"))
    # Filter tags as the publisher passed them ({"genre": ["Drama"], ...}; see registry.py).
    tags = models.JSONField(_("tags"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"#{self.id} {self.type}"


class EventCounter(models.Model):
    """A single row holding the last id handed out.

    Publishers update it inside their transaction, so its row lock orders them: an
    id is taken only after every transaction holding a smaller id has committed or
    rolled back (and a rollback gives its ids back). Readers that follow ids in order
    therefore never skip one.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("event counter")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="stream_single_counter")]

    def __str__(self) -> str:
        return str(self.last_id)
