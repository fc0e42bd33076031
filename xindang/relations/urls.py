from django.urls import path

from . import views

app_name = "relations"
urlpatterns = [
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/statistics/", views.complaint_statistics, name="statistics"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/investigate/", views.complaint_investigate, name="complaint_investigate"),
    path("complaints/<int:pk>/propose/", views.complaint_propose, name="complaint_propose"),
    path("complaints/<int:pk>/feedback/", views.complaint_feedback, name="complaint_feedback"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("customer/<int:customer_pk>/section/", views.customer_section, name="customer_section"),
    path("customer/<int:customer_pk>/complaint/", views.complaint_create, name="complaint_create"),
    path("customer/<int:customer_pk>/visit/", views.visit_create, name="visit_create"),
    path("customer/<int:customer_pk>/plan/", views.plan_create, name="plan_create"),
    path("visits/", views.visits, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:pk>/report/", views.visit_report, name="visit_report"),
    path("visits/<int:pk>/review/", views.visit_review, name="visit_review"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/form.pdf", views.visit_pdf, name="visit_pdf"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/questionnaire/", views.questionnaire_edit, name="questionnaire_create"),
    path("surveys/questionnaire/<int:pk>/", views.questionnaire_edit, name="questionnaire_edit"),
    path("surveys/<int:pk>/", views.campaign_detail, name="campaign"),
    path("surveys/<int:pk>/answer/", views.campaign_answer, name="campaign_answer"),
    path("surveys/<int:pk>/import/", views.campaign_import, name="campaign_import"),
    path("surveys/<int:pk>/template.xlsx", views.import_template, name="import_template"),
    path("surveys/<int:pk>/report/", views.campaign_report, name="campaign_report"),
    path("surveys/<int:pk>/actions/", views.action_create, name="action_create"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
]
