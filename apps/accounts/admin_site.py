"""The admin site: staff get in only after signing in with TOTP in this session.

Signing in happens on the site's own pages (allauth), which axes guards and which ask for
the TOTP code of an account that has one. The admin's login page only sends people there:
to sign in, to set up TOTP first (staff without it are refused until they do), or to enter
a code when this session signed in before TOTP was set up.
"""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from apps.accounts.selectors import session_passed_totp, user_has_totp


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_passed_totp(request=request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return _redirect("account_login", next_url)
        if not (user.is_active and user.is_staff):
            messages.error(request, _("This account cannot open the admin."))
            return HttpResponseRedirect(resolve_url("home"))
        if not user_has_totp(user=user):
            messages.warning(
                request, _("Staff must set up two-factor sign-in (TOTP) before opening the admin.")
            )
            return _redirect("mfa_activate_totp", next_url)
        if not session_passed_totp(request=request):
            return _redirect("mfa_reauthenticate", next_url)
        return HttpResponseRedirect(next_url)


def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
