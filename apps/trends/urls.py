from django.urls import path, re_path

from apps.trends import views

app_name = "trends"
urlpatterns = [
    path("", views.index, name="index"),
    path("about", views.about, name="about"),
    re_path(r"^(?P<imdb_id>tt[0-9]{7,9})/$", views.title_chart, name="title"),
]
