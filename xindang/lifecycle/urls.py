from django.urls import path

from . import views

app_name = "lifecycle"
urlpatterns = [
    path("loans/", views.loan_list, name="loans"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("loans/<int:pk>/report/", views.loan_report, name="loan_report"),
    path("loans/<int:pk>/slip.pdf", views.loan_slip, name="loan_slip"),
    path("customer/<int:customer_pk>/lend/", views.loan_create, name="loan_create"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/propose/", views.transfer_propose, name="transfer_propose"),
    path("transfers/<int:year>/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:year>/<int:customer_pk>/", views.transfer_act, name="transfer_act"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
]
