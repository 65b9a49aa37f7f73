"""Writes for the accounts app: preferences, marks on titles, the watchlist."""

import structlog
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.errors import RatingOutOfRange
from apps.accounts.models import RATING_MAX, RATING_MIN, TitleMark, User
from apps.catalog.models import Genre, Title
from apps.showtimes.models import Location
from apps.showtimes.remembered import CITY_SESSION_KEY
from apps.trends.counters import CounterUnavailable
from apps.trends.services import member_rating_change, view_count
from cinestream.language import SESSION_LANGUAGE_KEY

logger = structlog.get_logger(__name__)


def session_preferences_apply(*, session: SessionBase, user: User) -> None:
    """The session speaks the person's language and opens showtimes in their home city."""
    session[SESSION_LANGUAGE_KEY] = user.language
    if user.home_city_id is not None:
        session[CITY_SESSION_KEY] = user.home_city.slug


def profile_update(
    *,
    user: User,
    session: SessionBase,
    language: str,
    home_city: Location | None,
    favourite_genres: list[Genre],
    is_trends_report_on: bool = False,
) -> None:
    user.language = language
    user.home_city = home_city
    user.is_trends_report_on = is_trends_report_on
    user.save(update_fields=["language", "home_city", "is_trends_report_on"])
    user.favourite_genres.set(favourite_genres)
    session_preferences_apply(session=session, user=user)


def user_language_set(*, user: User, session: SessionBase, language: str) -> None:
    """Store a language the site speaks as the person's; anything else is ignored."""
    if language not in User.Language.values:
        return
    user.language = language
    user.save(update_fields=["language"])
    session[SESSION_LANGUAGE_KEY] = language


# --- Marks on titles: rating, seen, watchlist ------------------------------------


def _mark_for_update(*, user: User, title: Title) -> TitleMark:
    mark, _created = TitleMark.objects.select_for_update().get_or_create(user=user, title=title)
    return mark


def _mark_save(mark: TitleMark) -> None:
    """Keep a row only while it says something (a counted "seen" must be remembered, so that
    unmarking and marking again does not count another view)."""
    if (
        mark.rating is None
        and mark.seen_at is None
        and mark.watchlisted_at is None
        and not mark.is_seen_counted
    ):
        mark.delete()
    else:
        mark.save()


@transaction.atomic
def title_rate(*, user: User, title: Title, rating: int | None) -> TitleMark:
    """Rate a title 1–10 (None takes the rating back); the title's trend score follows."""
    if rating is not None and not RATING_MIN <= rating <= RATING_MAX:
        raise RatingOutOfRange(_("A rating is a whole number from 1 to 10."))
    mark = _mark_for_update(user=user, title=title)
    before = mark.rating
    mark.rating = rating
    _mark_save(mark)
    member_rating_change(title_id=title.pk, before=before, after=rating)
    return mark


@transaction.atomic
def title_seen_set(*, user: User, title: Title, is_seen: bool) -> TitleMark:
    """Mark a title seen or not; the first time counts as one view for the trend score."""
    mark = _mark_for_update(user=user, title=title)
    if is_seen and mark.seen_at is None:
        mark.seen_at = timezone.now()
        if not mark.is_seen_counted:
            mark.is_seen_counted = _seen_view_count(title_id=title.pk)
    elif not is_seen:
        mark.seen_at = None
    _mark_save(mark)
    return mark


def _seen_view_count(*, title_id: int) -> bool:
    try:
        view_count(title_id=title_id)
    except CounterUnavailable:
        logger.warning("seen_view_not_counted", title_id=title_id)
        return False  # counted on the next "seen" instead
    return True


@transaction.atomic
def watchlist_set(*, user: User, title: Title, is_listed: bool) -> TitleMark:
    mark = _mark_for_update(user=user, title=title)
    if is_listed and mark.watchlisted_at is None:
        mark.watchlisted_at = timezone.now()
    elif not is_listed:
        mark.watchlisted_at = None
    _mark_save(mark)
    return mark
