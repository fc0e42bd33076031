from django.urls import path

from . import views, views_ageing, views_reports, views_statements

app_name = "collection"
urlpatterns = [
    path("", views.collection_list, name="list"),
    path("export.xlsx", views.collection_export, name="export"),
    path("ageing/", views_ageing.ageing_view, name="ageing"),
    path("ageing/export.xlsx", views_ageing.ageing_export, name="ageing_export"),
    path("ageing/customer/<int:pk>/", views_ageing.ageing_entries, name="ageing_entries"),
    path("customer/<int:pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:pk>/record/", views.record_create, name="record_create"),
    path("customer/<int:pk>/promise/", views.promise_create, name="promise_create"),
    path("customer/<int:pk>/danger/", views_reports.danger_create, name="danger_create"),
    path("customer/<int:pk>/suspend/", views.suspension, {"action": "suspend"}, name="suspend"),
    path("customer/<int:pk>/resume/", views.suspension, {"action": "resume"}, name="resume"),
    path("record/<int:pk>/done/", views.record_done, name="record_done"),
    path("promise/<int:pk>/cancel/", views.promise_cancel, name="promise_cancel"),
    path("anomaly/<int:pk>/", views_reports.anomaly_detail, name="anomaly"),
    path("anomaly/<int:pk>/print/", views_reports.anomaly_print, name="anomaly_print"),
    path("anomaly/<int:pk>/sign/", views_reports.anomaly_sign, name="anomaly_sign"),
    path("problem/<int:pk>/sign/", views_reports.problem_sign, name="problem_sign"),
    path("problem/<int:pk>/", views_reports.problem_detail, name="problem"),
    path("problem/<int:pk>/print/", views_reports.problem_print, name="problem_print"),
    path("danger/<int:pk>/", views_reports.danger_detail, name="danger"),
    path("customer/<int:pk>/statements/", views_statements.statements_section, name="statements_section"),
    path("customer/<int:pk>/statement/", views_statements.statement_issue, name="statement_issue"),
    path("statement/<int:pk>/", views_statements.statement_detail, name="statement"),
    path("statement/<int:pk>/pdf/", views_statements.statement_pdf, name="statement_pdf"),
    path("statement/<int:pk>/export.xlsx", views_statements.statement_export, name="statement_export"),
]
