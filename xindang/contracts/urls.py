from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/<int:pk>/hand/", views.handover_hand, name="handover_hand"),
    path("handovers/<int:pk>/receive/", views.handover_receive, name="handover_receive"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:customer_pk>/new/", views.contract_create, name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/status/", views.contract_status, name="status"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/version/", views.document_version, name="document_version"),
]
