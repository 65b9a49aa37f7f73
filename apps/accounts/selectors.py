"""Reads for the accounts app: two-factor state, a person's marks, watchlist and profile."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from apps.accounts.models import FilmAlert, TitleMark, User
from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name, titles_by_ids


def user_has_totp(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_totp(*, request: HttpRequest) -> bool:
    """Whether this session's person entered a two-factor code (TOTP or a recovery code)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def title_mark_get(*, user: User, title_id: int) -> TitleMark | None:
    return TitleMark.objects.filter(user=user, title_id=title_id).first()


def watchlist(*, user: User, language: str) -> list[tuple[Title, str]]:
    """The person's watchlist, newest first, each title with its name in `language`."""
    imdb_ids = (
        TitleMark.objects.filter(user=user, watchlisted_at__isnull=False)
        .order_by("-watchlisted_at")
        .values_list("title__imdb_id", flat=True)
    )
    titles = titles_by_ids(imdb_ids=list(imdb_ids))
    return [(title, title_display_name(title=title, language=language)) for title in titles]


def film_alert_get(*, user: User, title_id: int) -> FilmAlert | None:
    """The person's alert for the title in their home city, if any."""
    return FilmAlert.objects.filter(user=user, title_id=title_id, location_id=user.home_city_id).first()
