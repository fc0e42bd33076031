from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:pk>/header/", views.customer_header, name="customer_header"),
    path("customer/<int:customer_pk>/card/", views.card, name="card"),
    path("customer/<int:customer_pk>/card.pdf", views.card_pdf, name="card_pdf"),
    path("customer/<int:customer_pk>/submit/", views.submit, name="submit"),
    path("customer/<int:customer_pk>/conditions/", views.conditions, name="conditions"),
    path("customer/<int:customer_pk>/staff-contacts/", views.staff_contact, name="staff_contact"),
    path("customer/<int:customer_pk>/contact-reports/", views.contact_report, name="contact_report"),
    path("customer/<int:customer_pk>/code/", views.give_code, name="give_code"),
]
