"""Sign-in protection: refused pages for a locked-out client and for a process busy hashing.

django-axes counts failures and locks out by address and by account (settings AXES_*); its
backend refuses a locked-out attempt before any password is hashed. What axes cannot bound
is the cost of the attempts it lets through: a password check is an Argon2 hash (about 0.1 s
of a core and 100 MB of memory; PBKDF2's 1,000,000 rounds before it), and 16 concurrent sign-in loops took /catalog/ from milliseconds to 2.3 s. So each
process checks at most LOGIN_CONCURRENT_CHECKS passwords at once and answers the rest at
once with 429 "busy, retry" instead of queueing them behind the pages.
"""

import math
import threading
from collections.abc import Awaitable, Callable
from datetime import timedelta
from inspect import iscoroutinefunction
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import sync_and_async_middleware
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cinestream.language import language_from_request

# Where a password is checked or hashed (allauth's pages; the admin's login only redirects there).
SIGN_IN_URL_NAMES = (
    "account_login",
    "account_signup",
    "account_reauthenticate",
    "account_change_password",
    "account_set_password",
)
BUSY_RETRY_AFTER_SECONDS = 2


def sign_in_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account an attempt names, as axes counts it (AXES_USERNAME_CALLABLE).

    allauth authenticates with `email=` (axes looks for `username`), and its form's field is
    `login`; letter case is folded, as allauth finds the account whatever the case.
    """
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username") or request.POST.get("login")
    return name.strip().lower() if isinstance(name, str) else None


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def lockout_response(request: HttpRequest, *_: Any) -> HttpResponse:
    """429 page for a client axes locked out (AXES_LOCKOUT_CALLABLE), saying when to try again.

    Every refused attempt restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT),
    so the wait is the whole cool-off from now.
    """
    retry_after = max(1, math.ceil((get_cool_off(request) or timedelta(0)).total_seconds()))
    context = {
        "wait": _wait_text(retry_after),
        "retry_at": timezone.localtime() + timedelta(seconds=retry_after),
    }
    response = render(request, "signin_locked.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _busy_response(request: HttpRequest) -> HttpResponse:
    # Plain text: a client that retries at once must cost as little as possible here.
    with translation.override(language_from_request(request)):
        message = _("Too many sign-ins at once. Nothing was checked; please retry in a few seconds.")
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


def _is_password_check(request: HttpRequest) -> bool:
    return request.method == "POST" and request.path in {reverse(name) for name in SIGN_IN_URL_NAMES}


Handler = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]


@sync_and_async_middleware
def sign_in_limit_middleware(get_response: Handler) -> Handler:
    """At most LOGIN_CONCURRENT_CHECKS sign-in POSTs per process; the rest get 429 at once.

    Outermost in MIDDLEWARE, so under ASGI a refused request is answered on the event loop
    without taking a thread, a database connection or a session read.
    """
    # Non-blocking acquire only, so one semaphore serves the event loop and threads alike.
    checks = threading.BoundedSemaphore(settings.LOGIN_CONCURRENT_CHECKS)

    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            if not _is_password_check(request):
                return await get_response(request)
            if not checks.acquire(blocking=False):
                return _busy_response(request)
            try:
                return await get_response(request)
            finally:
                checks.release()

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            if not _is_password_check(request):
                return get_response(request)
            if not checks.acquire(blocking=False):
                return _busy_response(request)
            try:
                return get_response(request)
            finally:
                checks.release()

    return middleware
