"""The private calendar feed: the sessions a person marked, at a URL with a revocable token.

Phones' calendars subscribe to the URL and fetch it again by themselves, so the token is the
only credential: a new one replaces the old (whose URL then answers 404), revoking removes it.

The feed is a supporter perk (`calendar_feed` in apps.memberships.perks). A plan's end does not
revoke the token: its URL keeps answering a valid calendar whose one all-day event (today)
says the feed is paused and where to renew, and the sessions come back with a renewal, in
the same subscription. Phones' calendars handle an error badly: iOS keeps the old events
and shows an unexplained "account error", Google Calendar silently stops syncing, and some
apps drop the subscription after a few failures, so a 403 would leave a person with stale
sessions and no reason where they look, which is in their calendar.
"""

import datetime
import secrets

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event

from apps.accounts.errors import PerkNotIncluded
from apps.accounts.models import SessionMark, User
from apps.accounts.plans import plans_url
from apps.catalog.selectors import title_display_name
from apps.memberships import perks
from apps.showtimes.ics import calendar_ics, session_event
from apps.showtimes.models import Session

TOKEN_BYTES = 32


def calendar_feed_included(*, user: User) -> bool:
    return perks.perks_for(user).calendar_feed


def calendar_token_issue(*, user: User) -> str:
    """A new feed token; the previous URL stops working. PerkNotIncluded without the perk."""
    if not calendar_feed_included(user=user):
        raise PerkNotIncluded(_("The calendar feed comes with a supporter plan."))
    user.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_token_revoke(*, user: User) -> None:
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])


def session_mark_set(*, user: User, session: Session, is_marked: bool) -> None:
    if is_marked:
        SessionMark.objects.get_or_create(user=user, session=session)
    else:
        SessionMark.objects.filter(user=user, session=session).delete()


def marked_sessions(*, user: User, upcoming_only: bool = False) -> list[Session]:
    """The person's marked sessions that are still listed, soonest first."""
    sessions = Session.objects.filter(
        pk__in=SessionMark.objects.filter(user=user).values("session_id"), cancelled_at__isnull=True
    )
    if upcoming_only:
        sessions = sessions.filter(starts_at__gte=timezone.now())
    return list(
        sessions.select_related("movie__title", "movie__location", "theater").order_by("starts_at", "pk")
    )


def marked_session_ids(*, user: User) -> set[int]:
    return set(SessionMark.objects.filter(user=user).values_list("session_id", flat=True))


def calendar_feed_ics(*, token: str, domain: str) -> bytes | None:
    """The feed of the person holding this token, in their language; None for an unknown token."""
    user = User.objects.filter(calendar_token=token, is_active=True).first() if token else None
    if user is None:
        return None
    if not calendar_feed_included(user=user):
        return calendar_ics(events=[_paused_event(user=user, domain=domain)], name="CineStream")
    events = [
        session_event(
            session=session,
            name=title_display_name(title=session.movie.title, language=user.language),
            domain=domain,
        )
        for session in marked_sessions(user=user)
        if session.movie.title is not None
    ]
    return calendar_ics(events=events, name="CineStream")


def _paused_event(*, user: User, domain: str) -> Event:
    """Today's all-day note that the feed is paused; one UID, so calendars keep one copy."""
    today = timezone.localdate()
    plans = settings.SITE_URL + plans_url()
    with translation.override(user.language):
        summary = _("CineStream: your calendar feed is paused")
        description = _(
            "Your supporter plan has ended, so this feed shows no sessions. Your marked sessions "
            "are kept: renew and they appear here again, in this same subscription. Plans: %(url)s"
        ) % {"url": plans}
    event = Event()
    event.add("uid", f"feed-paused-{user.pk}@{domain}")
    event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    event.add("dtstart", today)
    event.add("dtend", today + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", plans)
    return event
