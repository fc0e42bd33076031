from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_index, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/status/", views.import_status, name="import_status"),
    path("customer/<int:pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:pk>/prepayments/", views.prepayments_section, name="prepayments_section"),
    path("customer/<int:pk>/", views.customer_ledger, name="customer"),
    path("customer/<int:pk>/new/", views.entry_create, name="create"),
    path("customer/<int:pk>/write-off/", views.write_off, name="write_off"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="reverse"),
]
