"""Pages of a signed-in person: profile, saved cities, watchlist, "playing near you", alerts, the
calendar feed, their data and deleting the account; marks on titles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from apps.accounts.alerts import film_alert_set
from apps.accounts.calendar_feed import (
    calendar_feed_ics,
    calendar_feed_included,
    calendar_token_issue,
    calendar_token_revoke,
    marked_sessions,
    session_mark_set,
)
from apps.accounts.errors import HomeCityMissing, PerkLimitReached, PerkNotIncluded, RatingOutOfRange
from apps.accounts.forms import AccountDeleteForm, ProfileForm
from apps.accounts.nearby import near_you
from apps.accounts.plans import limit_notice, plans_url
from apps.accounts.privacy import user_data_export, user_delete
from apps.accounts.saved_cities import city_save, city_unsave, my_cities
from apps.accounts.selectors import watchlist
from apps.accounts.services import (
    profile_update,
    title_rate,
    title_seen_set,
    user_language_set,
    watchlist_set,
)
from apps.catalog.errors import TitleNotFound
from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name, title_get
from apps.memberships import perks
from apps.showtimes.selectors import location_find, location_suggestions, session_find


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(
            user=request.user,
            session=request.session,
            language=form.cleaned_data["language"],
            home_city=form.cleaned_data["home_city"],
            favourite_genres=list(form.cleaned_data["favourite_genres"]),
            is_trends_report_on=form.cleaned_data["is_trends_report_on"],
        )
        translation.activate(request.user.language)  # the confirmation in the language just chosen
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    cities = my_cities(user=request.user)
    kept = {city.location.pk for city in cities}
    context = {
        "form": form,
        "my_cities": cities,
        "cities_max": perks.perks_for(request.user).saved_cities_max,
        "cities_to_add": [location for location in location_suggestions() if location.pk not in kept],
        "is_feed_included": calendar_feed_included(user=request.user),
        "plans_url": plans_url(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def city_save_toggle(request: HttpRequest) -> HttpResponse:
    """Save a city among the person's cities (or remove it), from its showtimes page or the profile."""
    location = location_find(slug=request.POST.get("city", ""))
    if location is None:
        messages.error(request, _("Choose a city from the list."))
    elif request.POST.get("saved") == "0":
        city_unsave(user=request.user, location=location)
    else:
        try:
            city_save(user=request.user, location=location)
        except PerkLimitReached as exc:
            messages.error(request, limit_notice(str(exc)))
        else:
            messages.success(request, _("%(city)s is saved among your cities.") % {"city": location.city})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("accounts:profile")
    return redirect(back)


@csrf_exempt
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The header's UA/EN/RU switch: Django's cookie, and a signed-in person's profile too.

    A visitor's switch carries no CSRF token, so that an anonymous page holds nothing
    per-visitor and the page cache (core/page_cache.py) can serve it to everyone; another
    site forcing a visitor's language is a nuisance at most. A signed-in person's switch also
    writes their profile, so it is checked like every other form."""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    response = set_language(request)
    if request.user.is_authenticated:
        user_language_set(
            user=request.user, session=request.session, language=request.POST.get("language", "")
        )
    return response


def _title_or_404(imdb_id: str) -> Title:
    try:
        return title_get(imdb_id=imdb_id)
    except TitleNotFound as exc:
        raise Http404(str(exc)) from exc


def _back_to_title(request: HttpRequest, title: Title) -> HttpResponse:
    """Back where the form was (the title page or the watchlist), never to another site."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("catalog:detail", args=[title.imdb_id])
    return redirect(back)


@login_required
@require_POST
def rate(request: HttpRequest, imdb_id: str) -> HttpResponse:
    title = _title_or_404(imdb_id)
    raw = request.POST.get("rating", "")
    if raw == "":  # "take my rating back"
        title_rate(user=request.user, title=title, rating=None)
        return _back_to_title(request, title)
    try:
        title_rate(user=request.user, title=title, rating=int(raw))
    except (ValueError, RatingOutOfRange):
        messages.error(request, _("A rating is a whole number from 1 to 10."))
    return _back_to_title(request, title)


@login_required
@require_POST
def seen(request: HttpRequest, imdb_id: str) -> HttpResponse:
    title = _title_or_404(imdb_id)
    title_seen_set(user=request.user, title=title, is_seen=request.POST.get("seen") == "1")
    return _back_to_title(request, title)


@login_required
@require_POST
def watchlist_toggle(request: HttpRequest, imdb_id: str) -> HttpResponse:
    title = _title_or_404(imdb_id)
    watchlist_set(user=request.user, title=title, is_listed=request.POST.get("listed") == "1")
    return _back_to_title(request, title)


@login_required
def near_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/near.html", {"near": near_you(user=request.user, language=get_language())}
    )


@login_required
def watchlist_page(request: HttpRequest) -> HttpResponse:
    titles = watchlist(user=request.user, language=get_language())
    return render(request, "accounts/watchlist.html", {"results": titles})


@login_required
@require_POST
def alert_toggle(request: HttpRequest, imdb_id: str) -> HttpResponse:
    title = _title_or_404(imdb_id)
    try:
        film_alert_set(user=request.user, title=title, is_on=request.POST.get("alert") == "1")
    except HomeCityMissing as exc:
        messages.error(request, str(exc))
    except PerkLimitReached as exc:
        messages.error(request, limit_notice(str(exc)))
    return _back_to_title(request, title)


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    token = request.user.calendar_token
    feed_url = request.build_absolute_uri(reverse("accounts:calendar-feed", args=[token])) if token else ""
    language = get_language()
    context = {
        "sessions": [
            (session, title_display_name(title=session.movie.title, language=language))
            for session in marked_sessions(user=request.user, upcoming_only=True)
        ],
        "feed_url": feed_url,
        "is_feed_included": calendar_feed_included(user=request.user),
        "plans_url": plans_url(),
        "webcal_url": feed_url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
    }
    return render(request, "accounts/calendar.html", context)


@login_required
@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        calendar_token_revoke(user=request.user)
        messages.success(
            request, _("The calendar link is turned off; calendars subscribed to it get nothing more.")
        )
    else:
        had_link = request.user.calendar_token is not None
        try:
            calendar_token_issue(user=request.user)
        except PerkNotIncluded as exc:
            messages.error(request, limit_notice(str(exc)))
            return redirect("accounts:calendar")
        if had_link:
            messages.success(request, _("A new calendar link is ready; the old one stopped working."))
        else:
            messages.success(request, _("Your calendar link is ready."))
    return redirect("accounts:calendar")


@login_required
@require_POST
def session_toggle(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_find(session_id=session_id)
    if session is None:
        raise Http404(_("This session is no longer listed."))
    session_mark_set(user=request.user, session=session, is_marked=request.POST.get("marked") == "1")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("accounts:calendar")
    return redirect(back)


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar apps fetch; the token in the URL is its only credential."""
    body = calendar_feed_ics(token=token, domain=request.get_host().split(":")[0])
    if body is None:
        raise Http404(_("This calendar link does not exist or was turned off."))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        user_data_export(user=request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="cinestream-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """A page that asks for the password, then deletes the account and signs out."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_delete(user=request.user, session=request.session)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
