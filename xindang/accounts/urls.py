from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.otp_setup_view, name="otp_setup"),
    path("two-factor/code/", views.otp_verify_view, name="otp_verify"),
    path("language/", views.set_language_view, name="set_language"),
    path("clearances/", views.clearance_list, name="clearances"),
    path("clearances/<int:pk>/", views.clearance_detail, name="clearance_detail"),
]
