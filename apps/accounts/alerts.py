"""Film alerts: "tell me when this film has sessions in my city", one e-mail per film and city.

An alert is claimed (sent_at set) before its mail goes out and released if sending fails, so
two runs of the task never both mail it; a failed mail is tried again after the city's next run.

How many alerts may wait at once is the plan's `alerts_max` (apps.memberships.perks); alerts
already mailed do not count. After a plan ends every waiting alert stays and is still mailed
(each was promised when it was set); only new ones wait until fewer than the limit are left.
"""

import smtplib

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from apps.accounts.errors import HomeCityMissing, PerkLimitReached
from apps.accounts.models import FilmAlert, User
from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name
from apps.memberships import perks
from apps.showtimes.models import Location
from apps.showtimes.selectors import TitleThisWeek, location_titles_this_week

logger = structlog.get_logger(__name__)


def film_alert_set(*, user: User, title: Title, is_on: bool) -> FilmAlert | None:
    """Ask for (or cancel) a mail when the title has sessions in the person's home city."""
    if user.home_city_id is None:
        raise HomeCityMissing()
    if not is_on:
        FilmAlert.objects.filter(user=user, title=title, location_id=user.home_city_id).delete()
        return None
    with transaction.atomic():
        # One person's alerts in a row (PostgreSQL), so two at once cannot both pass the count.
        User.objects.select_for_update().filter(pk=user.pk).first()
        alert = FilmAlert.objects.filter(user=user, title=title, location_id=user.home_city_id).first()
        if alert is not None:
            return alert
        limit = perks.perks_for(user).alerts_max
        if FilmAlert.objects.filter(user=user, sent_at__isnull=True).count() >= limit:
            raise PerkLimitReached(film_alerts_limit_message(limit))
        return FilmAlert.objects.create(user=user, title=title, location_id=user.home_city_id)


def film_alerts_limit_message(limit: int) -> str:
    return ngettext(
        "Your plan keeps %(count)d film alert waiting at a time.",
        "Your plan keeps %(count)d film alerts waiting at a time.",
        limit,
    ) % {"count": limit}


def film_alerts_send(*, location_id: int) -> int:
    """Mail every unsent alert of the city whose film now has sessions there; returns how many."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        return 0
    due = FilmAlert.objects.filter(location=location, sent_at__isnull=True)
    playing = location_titles_this_week(
        location=location,
        title_ids=list(due.values_list("title_id", flat=True).distinct()),
        days=settings.SHOWTIMES_HORIZON_DAYS + 1,
    )
    sent = 0
    for alert in due.filter(title_id__in=list(playing)).select_related("user", "title"):
        with transaction.atomic():
            claimed = FilmAlert.objects.filter(pk=alert.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
        if not claimed:
            continue  # another run of the task took it
        try:
            _alert_mail(alert=alert, location=location, playing=playing[alert.title_id])
        except (smtplib.SMTPException, OSError) as exc:
            FilmAlert.objects.filter(pk=alert.pk).update(sent_at=None)
            logger.warning("film_alert_mail_failed", alert=alert.pk, error=str(exc))
            continue
        sent += 1
    return sent


def _alert_mail(*, alert: FilmAlert, location: Location, playing: TitleThisWeek) -> None:
    user = alert.user
    with translation.override(user.language):
        context = {
            "name": title_display_name(title=alert.title, language=user.language),
            "city": location.city,
            "next_starts_at": timezone.localtime(playing.next_starts_at),
            "session_count": playing.session_count,
            "url": settings.SITE_URL + reverse("showtimes:movie", args=[location.slug, alert.title.imdb_id]),
        }
        subject = render_to_string("accounts/email/film_alert_subject.txt", context).strip()
        body = render_to_string("accounts/email/film_alert_message.txt", context)
    send_mail(subject, body, None, [user.email])
