from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:customer_pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/versions/", views.add_version, name="add_version"),
    path("version/<int:pk>/download/", views.download, name="download"),
    path("version/<int:pk>/preview/", views.preview, name="preview"),
    path("version/<int:pk>/inline/", views.inline, name="inline"),
    path("version/<int:pk>/print/", views.print_copy, name="print"),
    path("fixity/", views.fixity, name="fixity"),
    path("fixity/run/", views.fixity_run, name="fixity_run"),
]
