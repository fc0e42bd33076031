from django.urls import path

from . import views
from .views import importing

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("columns/", views.list_columns, name="list_columns"),
    path("bulk/owner/", views.bulk_reassign, name="bulk_reassign"),
    path("bulk/tag/", views.bulk_tag, name="bulk_tag"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/history/", views.customer_history, name="history"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/file.pdf", views.customer_pdf, name="pdf"),
    path("<int:pk>/status/", views.customer_status, name="status"),
    path("<int:pk>/not-related/", views.not_related_mark, name="not_related"),
    path(
        "<int:pk>/not-related/<int:finding_pk>/revoke/", views.not_related_revoke, name="not_related_revoke"
    ),
    path("child-row/<slug:key>/add/", views.child_row_add, name="child_row_add"),
    path("child-row/<slug:key>/remove/", views.child_row_remove, name="child_row_remove"),
    path("import/", importing.import_index, name="import"),
    path("import/template.xlsx", importing.import_template, name="import_template"),
    path("import/<int:pk>/", importing.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", importing.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", importing.import_progress, name="import_progress"),
    path("export.xlsx", importing.export, name="export"),
]
