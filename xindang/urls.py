from django.contrib import admin
from django.urls import include, path

from xindang.api.api import api

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("xindang.accounts.urls")),
    path("customers/", include("xindang.customers.urls")),
    path("documents/", include("xindang.documents.urls")),
    path("contracts/", include("xindang.contracts.urls")),
    path("audit/", include("xindang.audit.urls")),
    path("policy/", include("xindang.policy.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
