from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("new/", views.create_draft, name="create"),
    path("<int:pk>/", views.version_detail, name="detail"),
    path("<int:pk>/sections/<slug:section>/", views.edit_section, name="edit"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/activate/", views.activate, name="activate"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
