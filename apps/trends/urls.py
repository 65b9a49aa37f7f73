from django.urls import path

from apps.trends import views

app_name = "trends"
urlpatterns = [
    path("", views.index, name="index"),
]
