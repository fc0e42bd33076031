from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("settings/", views.preferences, name="settings"),
    path("team/", views.team, name="team"),
    path("work/<str:key>/", views.work, name="work"),
]
