from django.urls import path

from . import views

app_name = "suppliers"

urlpatterns = [
    path("", views.supplier_list, name="list"),
    path("customer/<int:pk>/", views.selection, name="selection"),
    path("customer/<int:pk>/step/<str:step>/", views.save_step, name="step"),
    path("customer/<int:pk>/application.pdf", views.selection_pdf, name="pdf"),
    path("customer/<int:pk>/noted/", views.acknowledge, name="acknowledge"),
    path("customer/<int:pk>/submit/", views.submit, name="submit"),
    path("customer/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("selection/<int:pk>/", views.selection_by_id, name="selection_by_id"),
    path("customer/<int:pk>/section/", views.customer_section, name="customer_section"),
]
