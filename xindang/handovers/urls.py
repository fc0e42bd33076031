from django.urls import path

from . import views

app_name = "handovers"

urlpatterns = [
    path("", views.handover_list, name="list"),
    path("new/", views.handover_new, name="new"),
    path("<int:pk>/", views.handover_detail, name="detail"),
    path("<int:pk>/sign/", views.handover_sign, name="sign"),
    path("<int:pk>/pdf/", views.handover_pdf, name="pdf"),
]
