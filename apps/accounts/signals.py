"""Signing in brings the profile's preferences into the session; a city's stored sessions
send the film alerts waiting for it."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.services import session_preferences_apply
from apps.showtimes.models import Location
from apps.showtimes.signals import city_sessions_stored


@receiver(user_logged_in, dispatch_uid="accounts_preferences_on_sign_in")
def preferences_on_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_preferences_apply(session=request.session, user=user)


@receiver(city_sessions_stored, dispatch_uid="accounts_film_alerts_on_city_sessions")
def film_alerts_on_city_sessions(sender: Any, location: Location, **kwargs: Any) -> None:
    from apps.accounts.tasks import film_alerts_send_task

    location_id = location.pk
    transaction.on_commit(lambda: film_alerts_send_task.delay(location_id))
