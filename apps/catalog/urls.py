from django.urls import path

from apps.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:imdb_id>/", views.detail, name="detail"),
]
