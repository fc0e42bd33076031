from django.urls import path

from .views import ageing, reports, statements, work

app_name = "collection"
urlpatterns = [
    path("", work.collection_list, name="list"),
    path("export.xlsx", work.collection_export, name="export"),
    path("ageing/", ageing.ageing_view, name="ageing"),
    path("ageing/export.xlsx", ageing.ageing_export, name="ageing_export"),
    path("ageing/customer/<int:pk>/", ageing.ageing_entries, name="ageing_entries"),
    path("customer/<int:pk>/section/", work.customer_section, name="customer_section"),
    path("customer/<int:pk>/record/", work.record_create, name="record_create"),
    path("customer/<int:pk>/promise/", work.promise_create, name="promise_create"),
    path("customer/<int:pk>/danger/", reports.danger_create, name="danger_create"),
    path("customer/<int:pk>/suspend/", work.suspension, {"action": "suspend"}, name="suspend"),
    path("customer/<int:pk>/resume/", work.suspension, {"action": "resume"}, name="resume"),
    path("record/<int:pk>/done/", work.record_done, name="record_done"),
    path("promise/<int:pk>/cancel/", work.promise_cancel, name="promise_cancel"),
    path("anomaly/<int:pk>/", reports.anomaly_detail, name="anomaly"),
    path("anomaly/<int:pk>/print/", reports.anomaly_print, name="anomaly_print"),
    path("anomaly/<int:pk>/sign/", reports.anomaly_sign, name="anomaly_sign"),
    path("problem/<int:pk>/sign/", reports.problem_sign, name="problem_sign"),
    path("problem/<int:pk>/", reports.problem_detail, name="problem"),
    path("problem/<int:pk>/print/", reports.problem_print, name="problem_print"),
    path("danger/<int:pk>/", reports.danger_detail, name="danger"),
    path("customer/<int:pk>/statements/", statements.statements_section, name="statements_section"),
    path("customer/<int:pk>/statement/", statements.statement_issue, name="statement_issue"),
    path("statement/<int:pk>/", statements.statement_detail, name="statement"),
    path("statement/<int:pk>/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("statement/<int:pk>/export.xlsx", statements.statement_export, name="statement_export"),
]
