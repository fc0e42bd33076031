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
]
