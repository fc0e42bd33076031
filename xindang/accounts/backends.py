"""Django's ModelBackend with fewer queries per request: the request's user is read with their
department (the top bar shows it), and the user's own permissions, their roles' permissions, the
role names and whether they have a confirmed second-factor device in one query instead of four.
Same answers as ModelBackend (tests/test_backends.py compares them).

The user's row is read for every request (whether they are still active, their password's session
hash); what that one query gives (their "access": permissions, roles, second-factor device) is kept
in the shared cache (core.request_cache.shared) and still checked on every request. Every write that
changes it calls access_changed(): granting or revoking a role, a role's permissions (roles.py, the
role admin), a user's roles in the admin, confirming or removing a second-factor device."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from xindang.core import request_cache

from .models import User

ACCESS = "accounts.access"  # the shared cache's name of every user's permission rows
ACCESS_SECONDS = 300


def access_changed() -> None:
    """Every process reads every user's permissions, roles and second-factor device afresh (a
    change of one user's is rare enough that all are read again)."""
    request_cache.invalidate(ACCESS)


_SQL = """
SELECT 'u', ct.app_label, p.codename, NULL
FROM {user_perms} up
JOIN auth_permission p ON p.id = up.permission_id
JOIN django_content_type ct ON ct.id = p.content_type_id
WHERE up.user_id = %s
UNION ALL
SELECT 'g', ct.app_label, p.codename, g.name
FROM {user_groups} ug
JOIN auth_group g ON g.id = ug.group_id
LEFT JOIN auth_group_permissions gp ON gp.group_id = g.id
LEFT JOIN auth_permission p ON p.id = gp.permission_id
LEFT JOIN django_content_type ct ON ct.id = p.content_type_id
WHERE ug.user_id = %s
UNION ALL
SELECT 'o', NULL, NULL, NULL FROM {devices} d WHERE d.user_id = %s AND d.confirmed = %s
"""


def permission_rows(user_id: int) -> list[tuple]:
    """(kind, app_label, codename, role name): kind "u" the user's own permission, "g" a role's (a
    role without permissions gives one row with app_label and codename None), "o" a confirmed
    second-factor device (accounts.selectors.otp_step asks for it on every request)."""
    sql = _SQL.format(
        user_perms=User.user_permissions.through._meta.db_table,
        user_groups=User.groups.through._meta.db_table,
        devices=TOTPDevice._meta.db_table,
    )
    with connection.cursor() as cur:
        cur.execute(sql, [user_id, user_id, user_id, True])
        return cur.fetchall()


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            # the answer is final: ModelBackend, listed after this one for older sessions only, would
            # check the same password against the same row a second time
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        # every page asks for them (navigation, the second factor's roles): from the shared cache
        rows = request_cache.shared(ACCESS, user.pk, lambda: permission_rows(user.pk), timeout=ACCESS_SECONDS)
        self.load_permissions(user, rows)
        return user

    def _get_permissions(self, user_obj, obj, from_name):
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and obj is None
            and not user_obj.is_superuser
            and not hasattr(user_obj, f"_{from_name}_perm_cache")
        ):
            self.load_permissions(user_obj)
        return super()._get_permissions(user_obj, obj, from_name)

    @staticmethod
    def load_permissions(user_obj, rows: list[tuple] | None = None) -> None:
        """Fill ModelBackend's per-user caches and the user's role names from one query, or from the
        rows given (a superuser's permissions are all there are: ModelBackend reads those itself)."""
        own, granted, roles, devices = set(), set(), set(), 0
        for kind, app_label, codename, role in permission_rows(user_obj.pk) if rows is None else rows:
            if kind == "u":
                own.add(f"{app_label}.{codename}")
            elif kind == "g":
                roles.add(role)
                if codename is not None:
                    granted.add(f"{app_label}.{codename}")
            else:
                devices += 1
        user_obj._role_codes = roles
        user_obj.has_confirmed_device = devices > 0  # read by selectors.has_confirmed_otp_device
        if user_obj.is_active and not user_obj.is_superuser:
            user_obj._user_perm_cache = own
            user_obj._group_perm_cache = granted
