from django.urls import path

from apps.showtimes import views

app_name = "showtimes"
urlpatterns = [
    path("", views.index, name="index"),
    path("pick/", views.pick, name="pick"),
    path("session/<int:session_id>.ics", views.session_calendar, name="session_ics"),
    path("session/<int:session_id>/report/", views.report, name="report"),
    path("<slug:slug>/", views.city, name="city"),
    path("<slug:slug>/<str:imdb_id>/", views.city, name="movie"),
]
