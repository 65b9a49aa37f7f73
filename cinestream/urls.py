from django.contrib import admin
from django.urls import include, path

from apps.accounts.views import language_switch
from apps.analytics import views as analytics_views
from cinestream import views
from cinestream.api import api
from core.health import healthz

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", include("apps.catalog.urls")),
    path("people/", include("apps.catalog.people_urls")),
    path("showtimes/", include("apps.showtimes.urls")),
    path("trends/", include("apps.trends.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("memberships/", include("apps.memberships.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    # Through the admin site's own check: staff who passed TOTP in this session.
    path(
        "admin/analytics/dashboard/",
        admin.site.admin_view(analytics_views.dashboard),
        name="analytics_dashboard",
    ),
    path("admin/", admin.site.urls),
]
