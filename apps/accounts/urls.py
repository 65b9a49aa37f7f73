from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("cities/", views.city_save_toggle, name="city-save"),
    path("watchlist/", views.watchlist_page, name="watchlist"),
    path("near/", views.near_page, name="near"),
    path("titles/<str:imdb_id>/rating/", views.rate, name="rate"),
    path("titles/<str:imdb_id>/seen/", views.seen, name="seen"),
    path("titles/<str:imdb_id>/watchlist/", views.watchlist_toggle, name="watchlist-toggle"),
    path("titles/<str:imdb_id>/alert/", views.alert_toggle, name="alert-toggle"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/link/", views.calendar_token, name="calendar-token"),
    path("calendar/sessions/<int:session_id>/", views.session_toggle, name="session-toggle"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("my-data.json", views.data_export, name="export"),
    path("delete/", views.account_delete, name="delete"),
]
