from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from xindang.api.api import api

from . import views

urlpatterns = [
    # The API first: Django tries the patterns in order, and an integration's calls (the credit check
    # before every shipment) are the most frequent requests; no page path starts with api/.
    path("api/", api.urls),
    path("", views.home, name="home"),
    path("todo-badge/", views.todo_badge, name="todo_badge"),
    path("accounts/", include("xindang.accounts.urls")),
    path("customers/", include("xindang.customers.urls")),
    path("documents/", include("xindang.documents.urls")),
    path("contracts/", include("xindang.contracts.urls")),
    path("approvals/", include("xindang.approvals.urls")),
    path("credit/", include("xindang.credit.urls")),
    path("credit/grants/", include("xindang.credit.grants.urls")),
    path("credit/control/", include("xindang.credit.control.urls")),
    path("credit/evaluations/", include("xindang.credit.evaluations.urls")),
    path("ledger/", include("xindang.ledger.urls")),
    path("ledger/collection/", include("xindang.ledger.collection.urls")),
    path("custody/", include("xindang.custody.urls")),
    path("lifecycle/", include("xindang.lifecycle.urls")),
    path("retention/", include("xindang.retention.urls")),
    path("privacy/", include("xindang.privacy.urls")),
    path("onboarding/", include("xindang.onboarding.urls")),
    path("suppliers/", include("xindang.suppliers.urls")),
    path("handovers/", include("xindang.handovers.urls")),
    path("duties/", include("xindang.duties.urls")),
    path("relations/", include("xindang.relations.urls")),
    path("reports/", include("xindang.reports.urls")),
    path("audit/", include("xindang.audit.urls")),
    path("policy/", include("xindang.policy.urls")),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached answers 503 with a message (xindang.core.errorpages).
handler500 = "xindang.core.errorpages.handler500"

if settings.XINDANG_BENCH_FLOOR:  # the load bench's HTTP floor (bench/load.py); off unless asked for
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench_floor"))
