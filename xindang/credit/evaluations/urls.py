from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("export/", views.export, name="export"),
    path("generate/", views.generate, name="generate"),
    path("quarter/", views.quarter, name="quarter"),
    path("customer/<int:pk>/", views.customer_evaluations, name="customer"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/print/", views.evaluation_print, name="print"),
    path("<int:pk>/pdf/", views.evaluation_pdf, name="pdf"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/vp-opinion/", views.vp_opinion, name="vp_opinion"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
]
