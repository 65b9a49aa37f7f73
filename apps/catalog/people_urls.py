from django.urls import path

from apps.catalog import views

app_name = "people"
urlpatterns = [
    path("<str:imdb_id>/", views.person, name="person"),
]
