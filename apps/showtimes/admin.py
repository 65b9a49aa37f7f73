"""Admin for the showtimes app: cities and their runs, cinemas, movies, sessions, reports."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.showtimes.models import CityMovie, Location, Session, SessionReport, ShowtimesRun, Theater
from apps.showtimes.services import session_reports_resolve
from core.admin import HTTPS_URL_FIELDS


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = [
        "city",
        "country",
        "slug",
        "status",
        "covered_until",
        "last_run_at",
        "retry_at",
        "last_error",
    ]
    list_filter = ["status", "country"]
    search_fields = ["city", "slug"]
    readonly_fields = ["status", "covered_until", "last_run_at", "last_error", "retry_at", "last_visited_at"]


@admin.register(Theater)
class TheaterAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "chain", "address", "last_verified_at"]
    list_filter = ["location", "chain"]
    search_fields = ["name", "address"]
    formfield_overrides = HTTPS_URL_FIELDS


class MatchedFilter(admin.SimpleListFilter):
    title = _("matched")
    parameter_name = "matched"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(title__isnull=self.value() == "no")
        return queryset


@admin.register(CityMovie)
class CityMovieAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "location", "title", "last_seen_at"]
    list_filter = [MatchedFilter, "location"]
    search_fields = ["name"]
    raw_id_fields = ["title"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "movie",
        "theater",
        "starts_at",
        "format",
        "audio_language",
        "subtitles",
        "verified",
        "cancelled_at",
    ]
    list_filter = ["verified", "format", "audio_language", "subtitles", "theater__location"]
    search_fields = ["movie__name", "theater__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["movie", "theater"]
    formfield_overrides = HTTPS_URL_FIELDS


@admin.register(ShowtimesRun)
class ShowtimesRunAdmin(admin.ModelAdmin):
    list_display = [
        "location",
        "started_at",
        "status",
        "model",
        "calls",
        "tokens",
        "days_done",
        "sessions_added",
        "sessions_changed",
        "sessions_cancelled",
    ]
    list_filter = ["status", "location"]
    readonly_fields = [
        *(field.name for field in ShowtimesRun._meta.fields if field.name != "tmdb"),
        "tmdb_lookups",
        "tmdb_now_playing",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("TMDB lookups"))
    def tmdb_lookups(self, run: ShowtimesRun) -> str:
        tmdb = run.tmdb or {}
        if "skipped" in tmdb:
            return tmdb["skipped"]
        created = ", ".join(tmdb.get("created", [])) or "—"
        reasons = format_html_join("", "<li>{}: {}</li>", tmdb.get("unmatched_reasons", {}).items())
        return format_html(
            "<p>{}: {}</p><p>{}:</p><ul>{}</ul>",
            _("Created from TMDB"),
            created,
            _("Left unmatched"),
            reasons,
        )

    @admin.display(description=_("TMDB now playing (Ukraine)"))
    def tmdb_now_playing(self, run: ShowtimesRun) -> str:
        tmdb = run.tmdb or {}
        if "skipped" in tmdb:
            return tmdb["skipped"]
        playing = tmdb.get("now_playing")
        if not playing:
            return "—"
        if "error" in playing:
            return playing["error"]
        rows = (
            (_("Found by Gemini and listed by TMDB"), ", ".join(playing["both"]) or "—"),
            (_("Found by Gemini only"), ", ".join(playing["gemini_only"]) or "—"),
            (_("Listed by TMDB only"), ", ".join(playing["tmdb_only"]) or "—"),
        )
        return format_html(
            "<p>{}</p><dl>{}</dl>",
            " – ".join(playing["dates"]),
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )


@admin.register(SessionReport)
class SessionReportAdmin(admin.ModelAdmin):
    list_display = ["session", "reason", "comment", "created_at", "resolved"]
    list_filter = ["resolved", "reason"]
    raw_id_fields = ["session"]
    actions = ["resolve"]

    @admin.action(description=_("Mark as resolved"))
    def resolve(self, request: HttpRequest, queryset: QuerySet[SessionReport]) -> None:
        count = session_reports_resolve(reports=queryset)
        self.message_user(
            request,
            ngettext("%(count)d report resolved.", "%(count)d reports resolved.", count) % {"count": count},
            messages.SUCCESS,
        )
