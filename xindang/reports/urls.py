from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("credit/", views.credit_dashboard, name="credit"),
    path("composition/", views.composition, name="composition"),
    path("abc/", views.abc, name="abc"),
    path("sales/", views.sales_analysis, name="sales"),
    path("yearly/", views.yearly, name="yearly"),
    path("customers/", views.drill_customers, name="customers"),
    path("home-section/", views.home_section, name="home_section"),
    path("<slug:slug>/export/", views.export, name="export"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
]
