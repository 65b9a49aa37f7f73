from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from cinestream import views
from cinestream.api import api
from core.health import healthz

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", include("apps.catalog.urls")),
    path("showtimes/", include("apps.showtimes.urls")),
    path("trends/", include("apps.trends.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
