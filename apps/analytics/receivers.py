"""The audit trail listens to the apps it records (dependencies point from analytics to them)."""

import json
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.analytics.models import AuditEvent
from apps.analytics.services import audit_record
from apps.scraping.models import ScrapeRun
from apps.showtimes.models import ShowtimesRun
from apps.trends.models import Registration

_ADMIN_ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="analytics_admin_change")
def admin_change_recorded(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    AuditEvent.objects.create(
        actor_id=instance.user_id,
        actor=instance.user.get_username()[:254],
        action=_ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        object_type=instance.content_type.model_class()._meta.label_lower if instance.content_type else "",
        object_id=str(instance.object_id or "")[:64],
        object_repr=instance.object_repr[:200],
        # The stored message: field names untranslated, as Django keeps them.
        details={"change": _change_message(instance.change_message)},
    )


def _change_message(raw: str) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _finished_once(action: str, run: Any, outcome: str, details: dict) -> None:
    # A run is saved many times while it works; the trail keeps its end, once.
    if not AuditEvent.objects.filter(
        action=action, object_type=run._meta.label_lower, object_id=str(run.pk)
    ).exists():
        audit_record(action=action, actor="task", target=run, outcome=outcome, details=details)


@receiver(post_save, sender=ScrapeRun, dispatch_uid="analytics_scrape_run")
def scrape_run_recorded(sender: Any, instance: ScrapeRun, **kwargs: Any) -> None:
    if instance.status != ScrapeRun.Status.RUNNING:
        details = {
            "kind": instance.kind,
            "target": instance.target[:200],
            "pages": instance.pages,
            "records": instance.records,
            "failed": instance.failed,
            "message": instance.message[:500],
        }
        _finished_once("scrape.finished", instance, instance.status, details)


@receiver(post_save, sender=ShowtimesRun, dispatch_uid="analytics_showtimes_run")
def showtimes_run_recorded(sender: Any, instance: ShowtimesRun, **kwargs: Any) -> None:
    if instance.status != ShowtimesRun.Status.RUNNING:
        details = {
            "calls": instance.calls,
            "days_done": instance.days_done,
            "sessions_added": instance.sessions_added,
            "error": instance.error[:500],
        }
        _finished_once("showtimes.run.finished", instance, instance.status, details)


@receiver(post_save, sender=Registration, dispatch_uid="analytics_registration")
def registration_recorded(sender: Any, instance: Registration, created: bool, **kwargs: Any) -> None:
    ids = {"tmdb_id": instance.tmdb_id, "imdb_id": instance.imdb_id}
    if created:
        audit_record(
            action="trends.registered", actor="api", target=instance, outcome=instance.status, details=ids
        )
    elif instance.status != Registration.Status.PENDING:
        audit_record(
            action="trends.registration.checked",
            actor="task",
            target=instance,
            outcome=instance.status,
            details={**ids, "error": instance.last_error[:500]},
        )


@receiver(post_delete, sender=Registration, dispatch_uid="analytics_registration_removed")
def registration_removed(sender: Any, instance: Registration, **kwargs: Any) -> None:
    audit_record(
        action="trends.registration.removed",
        actor="task",
        target=instance,
        details={"tmdb_id": instance.tmdb_id, "imdb_id": instance.imdb_id},
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="analytics_account_created")
def account_created(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        # By id only: a deleted account's e-mail must not outlive it here.
        _account_event("account.created", instance)


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="analytics_account_deleted")
def account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _account_event("account.deleted", instance)


def _account_event(action: str, user: Any) -> None:
    AuditEvent.objects.create(
        actor_id=user.pk,
        actor=f"user #{user.pk}",
        action=action,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        object_repr=f"user #{user.pk}",
        details={"staff": bool(getattr(user, "is_staff", False))},
    )
