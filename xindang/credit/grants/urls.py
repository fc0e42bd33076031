from django.urls import path

from . import views

app_name = "grants"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.grant_detail, name="detail"),
    path("<int:pk>/notice.pdf", views.notice, name="notice"),
    path("<int:pk>/reply.pdf", views.reply_letter, name="reply_letter"),
    path("customer/<int:pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:pk>/header/", views.customer_header, name="customer_header"),
    path("customer/<int:pk>/new/", views.request_grant, name="request"),
    path("customer/<int:pk>/ceiling/", views.ceiling, name="ceiling"),
    path("contract/<int:pk>/badge/", views.contract_badge, name="contract_badge"),
    path("backtest/<int:pk>/", views.backtest, name="backtest"),
]
