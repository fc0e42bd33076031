from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.credit_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("customer/<int:pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:pk>/investigate/", views.investigation_create, name="investigation_create"),
    path("customer/<int:pk>/propose/", views.propose, name="propose"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation"),
    path("investigations/<int:pk>/edit/", views.investigation_edit, name="investigation_edit"),
    path("investigations/<int:pk>/sign/", views.investigation_sign, name="investigation_sign"),
    path("investigations/<int:pk>/review/", views.investigation_review, name="investigation_review"),
    path("investigations/<int:pk>/file/", views.investigation_file, name="investigation_file"),
    path("investigations/<int:pk>/form.pdf", views.investigation_pdf, name="investigation_pdf"),
    path("ratings/<int:pk>/", views.rating_detail, name="rating"),
    path("ratings/<int:pk>/submit/", views.rating_submit, name="rating_submit"),
    path("ratings/<int:pk>/opinion/", views.rating_opinion, name="rating_opinion"),
    path("ratings/<int:pk>/classification.pdf", views.rating_pdf, name="rating_pdf"),
]
