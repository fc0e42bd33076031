from django.urls import path

from . import views, views_group

app_name = "credit_control"
urlpatterns = [
    path("reduction/", views.reduction, name="reduction"),
    path("reduction/export.xlsx", views.reduction_export, name="reduction_export"),
    path("customer/<int:pk>/", views.customer_control, name="customer"),
    path("customer/<int:pk>/check/", views.check, name="check"),
    path("customer/<int:pk>/over-limit/", views.over_limit_request, name="over_limit_request"),
    path("customer/<int:pk>/stop/", views.stop_shipments, name="stop_shipments"),
    path("customer/<int:pk>/stop/<str:action>/", views.decide_stop, name="decide_stop"),
    path("over-limit/<int:pk>/", views.over_limit_detail, name="over_limit_detail"),
    path("customer/<int:pk>/group/", views_group.group_section, name="group_section"),
]
