from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("request/<int:pk>/", views.request_detail, name="request_detail"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:customer_pk>/consent/", views.consent_new, name="consent_new"),
    path("consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("customer/<int:customer_pk>/<str:kind>/<int:pk>/", views.person_edit, name="person_edit"),
    path("customer/<int:customer_pk>/<str:kind>/<int:pk>/unmask/", views.unmask, name="unmask"),
    path("customer/<int:customer_pk>/<str:kind>/<int:pk>/request/", views.request_new, name="request_new"),
    path("customer/<int:customer_pk>/<str:kind>/<int:pk>/share/", views.person_share, name="person_share"),
]
