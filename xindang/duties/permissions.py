"""Duty capabilities, in one place. Whose duties a user sees: their own always; a department
manager the overdue ones of the department's members; whoever keeps the whole company in view
(credit manager, marketing manager, the GM…) those of every department."""

from django.db import models

from xindang.accounts.roles import Role


class DutyPermission(models.TextChoices):
    VIEW_TEAM = "duties.view_team_duties"
    VIEW_ALL = "duties.view_all_duties"
    REVIEW_FILES = "duties.review_files"
    FILE_REPORTS = "duties.file_reports"


# 001 客户档案管理: the file review is the credit (archive) office's work; the reports are sent by the
# credit (contract) manager (001 客户信用档案建立与管理制度 2, 4).
ROLE_GRANTS = {
    Role.DEPARTMENT_MANAGER: ["view_team_duties"],
    Role.CREDIT_MANAGER: ["view_team_duties", "view_all_duties", "review_files", "file_reports"],
    Role.MARKETING_MANAGER: ["view_team_duties", "view_all_duties"],
    Role.VP_MARKETING: ["view_team_duties", "view_all_duties"],
    Role.GENERAL_MANAGER: ["view_team_duties", "view_all_duties"],
}


def can_see_team(user) -> bool:
    return user.has_perm(DutyPermission.VIEW_ALL) or (
        user.has_perm(DutyPermission.VIEW_TEAM) and bool(user.department_id)
    )
