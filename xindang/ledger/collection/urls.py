from django.urls import path

from . import views, views_ageing, views_reports

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
]
