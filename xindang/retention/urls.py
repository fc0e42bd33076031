from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.appraisal, name="appraisal"),
    path("appraise/<int:document_pk>/", views.appraise, name="appraise"),
    path("holds/", views.hold_list, name="holds"),
    path("holds/<int:pk>/", views.hold_detail, name="hold"),
    path("holds/new/<int:customer_pk>/", views.hold_new, name="hold_new"),
    path("disposals/", views.disposal_list, name="disposals"),
    path("disposals/new/", views.disposal_request, name="disposal_request"),
    path("disposals/<int:pk>/", views.disposal_detail, name="disposal"),
    path("register/", views.register, name="register"),
    path("register.pdf", views.register_pdf_view, name="register_pdf"),
    path("register.xlsx", views.register_xlsx_view, name="register_xlsx"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
]
