from django.urls import path

from . import views

app_name = "custody"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.print_form, name="pdf"),
    path("<int:pk>/export/", views.export, name="export"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
]
