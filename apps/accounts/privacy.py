"""A person's own data: all of it as JSON, and deleting the account.

Deleting removes the user row and everything that names the person (marks, alerts, calendar
marks, saved cities, the record of trends e-mails sent, e-mail addresses, two-factor devices, sessions, axes' sign-in records). What stays is
anonymous: members' ratings counted in the trend score (apps/trends MemberRatings keeps only
a count and a sum per title) and the views their "seen" marks added.
"""

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from apps.accounts.models import FilmAlert, SavedCity, SessionMark, TitleMark, TrendsReportSent, User

EXPORT_FORMAT = 1


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything CineStream keeps about the person, as plain JSON-ready data."""
    marks = TitleMark.objects.filter(user=user).select_related("title").order_by("title__imdb_id")
    alerts = FilmAlert.objects.filter(user=user).select_related("title", "location").order_by("created_at")
    session_marks = SessionMark.objects.filter(user=user).select_related(
        "session__movie__title", "session__theater", "session__movie__location"
    )
    return {
        "format": EXPORT_FORMAT,
        "account": {
            "email": user.email,
            "joined_at": _when(user.date_joined),
            "last_sign_in_at": _when(user.last_login),
            "is_staff": user.is_staff,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
            "two_factor": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
            "has_calendar_feed": user.calendar_token is not None,
        },
        "profile": {
            "language": user.language,
            "home_city": user.home_city.slug if user.home_city else None,
            "favourite_genres": sorted(user.favourite_genres.values_list("name", flat=True)),
            "saved_cities": list(
                SavedCity.objects.filter(user=user)
                .order_by("created_at", "pk")
                .values_list("location__slug", flat=True)
            ),
            "trends_report": user.is_trends_report_on,
            "trends_reports_sent": [
                week.isoformat()
                for week in TrendsReportSent.objects.filter(user=user)
                .order_by("week")
                .values_list("week", flat=True)
            ],
        },
        "titles": [
            {
                "imdb_id": mark.title.imdb_id,
                "title": mark.title.primary_title,
                "rating": mark.rating,
                "seen_at": _when(mark.seen_at),
                "watchlisted_at": _when(mark.watchlisted_at),
            }
            for mark in marks
        ],
        "film_alerts": [
            {
                "imdb_id": alert.title.imdb_id,
                "city": alert.location.slug,
                "created_at": _when(alert.created_at),
                "sent_at": _when(alert.sent_at),
            }
            for alert in alerts
        ],
        "calendar_sessions": [
            {
                "imdb_id": mark.session.movie.title.imdb_id if mark.session.movie.title else None,
                "city": mark.session.movie.location.slug,
                "cinema": mark.session.theater.name,
                "starts_at": _when(mark.session.starts_at),
            }
            for mark in session_marks
        ],
    }


@transaction.atomic
def user_delete(*, user: User, session: SessionBase) -> None:
    """Delete the account and the person's data; anonymous aggregates stay (see the module)."""
    email = user.email
    # Cascades: marks, alerts, calendar marks, e-mail addresses (and their confirmations),
    # authenticators, the admin's log entries.
    user.delete()
    # axes keeps the e-mail address that was typed, with no link to the row.
    AccessAttempt.objects.filter(username__iexact=email).delete()
    AccessLog.objects.filter(username__iexact=email).delete()
    AccessFailureLog.objects.filter(username__iexact=email).delete()
    session.flush()
