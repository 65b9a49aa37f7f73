from django.urls import path

from apps.showtimes import views

app_name = "showtimes"
urlpatterns = [
    path("", views.index, name="index"),
]
