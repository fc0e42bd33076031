"""Relationship capabilities (complaints, visits, surveys). Which records a user sees follows the
customer file: a complaint or a visit is visible iff its customer is (customers.selectors)."""

from django.db import models

from xindang.accounts.roles import Role


class RelationsPermission(models.TextChoices):
    VIEW_COMPLAINT = "relations.view_complaint"
    HANDLE_COMPLAINT = "relations.change_complaint"
    COMPLAINT_STATISTICS = "relations.view_complaint_statistics"
    VIEW_VISIT = "relations.view_visit"
    PLAN_VISIT = "relations.add_visit"
    RECORD_VISIT = "relations.change_visit"
    REVIEW_VISIT = "relations.review_visit"
    VIEW_SURVEY = "relations.view_surveycampaign"
    MANAGE_SURVEY = "relations.change_surveycampaign"


_COMPLAINT_WORK = ["view_complaint", "add_complaint", "change_complaint"]
_VISIT_WORK = ["view_visit", "add_visit", "change_visit", "view_developmentplan", "add_developmentplan"]
_READ = [
    "view_complaint",
    "view_complaint_statistics",
    "view_visit",
    "view_surveycampaign",
    "view_developmentplan",
]
_SURVEY = [
    "view_surveycampaign",
    "add_surveycampaign",
    "change_surveycampaign",
    "view_questionnaire",
    "add_questionnaire",
    "change_questionnaire",
]

# 000 7 5.4.1: the business departments receive and handle complaints; 5.4.2/5.4.3 the office feeds
# the approved result back; 000 5.1.1/6 b: the office runs relationship care and the surveys;
# 002 篇三: service agents visit, the service supervisor reviews their reports. The GM approves
# resolutions and survey reports (through the approvals engine) and reads everything.
ROLE_GRANTS = {
    Role.SALESPERSON: [*_COMPLAINT_WORK, *_VISIT_WORK],
    Role.DEPARTMENT_MANAGER: [
        *_COMPLAINT_WORK,
        *_VISIT_WORK,
        "view_complaint_statistics",
        "view_surveycampaign",
    ],
    Role.CREDIT_MANAGER: _READ,
    Role.MARKETING_MANAGER: [*_COMPLAINT_WORK, *_VISIT_WORK, *_READ],
    Role.FINANCE_CREDIT_CONTROLLER: ["view_complaint", "view_visit"],
    Role.SERVICE_AGENT: [*_COMPLAINT_WORK, *_VISIT_WORK],
    Role.SERVICE_SUPERVISOR: [*_COMPLAINT_WORK, *_VISIT_WORK, *_READ, "review_visit"],
    Role.OFFICE_DIRECTOR: [*_COMPLAINT_WORK, *_VISIT_WORK, *_READ, *_SURVEY],
    Role.VP_MARKETING: _READ,
    Role.CFO: ["view_complaint", "view_visit"],
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
}

# The service roles hold no customer capability of their own (customers.permissions): they read the
# files they serve, with the contacts to call. Service agents see the files of their visits
# (selectors.served_customers, 002 篇三 二: 根据客户资料库); the service supervisor, who plans the agents'
# visits and reviews their reports (五.2), and the office director, who runs relationship care, answers
# complaints and sends the surveys to every customer (000 5.1.1, 6 b, 7 5.4.2), hold view_all_customers
# but custody limits it: by default they open the header and the relationship records of every file
# (customers scope "relations", used by this app's lists, pages and services); the whole of every file
# only as custody's labelled policy departure (wide_standing_roles, 001 六 2).
CUSTOMER_GRANTS = {
    Role.SERVICE_AGENT: ["view_customer", "view_contact"],
    Role.SERVICE_SUPERVISOR: ["view_customer", "view_contact", "view_all_customers"],
    Role.OFFICE_DIRECTOR: ["view_customer", "view_contact", "view_all_customers"],
}
