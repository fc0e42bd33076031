"""Handover capabilities. The personnel side of the system administrator (001 公司客户信息管理办法 五:
"其业务部门会同信息部将其客户资料接收、整理、归档") carries out handovers; managers and the credit office
read them; every party reads the handovers they sign."""

from django.db import models

from xindang.accounts.roles import Role


class HandoverPermission(models.TextChoices):
    VIEW = "handovers.view_handover"
    HAND_OVER = "handovers.hand_over"


_VIEW = ["view_handover"]

ROLE_GRANTS = {
    Role.SYSTEM_ADMIN: [*_VIEW, "hand_over"],
    Role.DEPARTMENT_MANAGER: _VIEW,
    Role.CREDIT_MANAGER: _VIEW,
    Role.GENERAL_MANAGER: _VIEW,
    Role.OFFICE_DIRECTOR: _VIEW,
}


def can_hand_over(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(HandoverPermission.HAND_OVER)
    )
