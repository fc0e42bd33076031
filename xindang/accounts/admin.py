from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from xindang.audit.admin import AuditedAdminMixin

from .backends import access_changed
from .models import Department, User
from .permissions import may_grant_roles
from .roles import role_label


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj.name)


class RoleFilter(admin.SimpleListFilter):
    """Filter users by role, named in the reader's language (the groups' names are role codes)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(g.name, role_label(g.name)) for g in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(AuditedAdminMixin, SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "department", "roles", "is_active", "last_login"]
    list_filter = ["department", RoleFilter, "is_active"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "email", "phone", "language")}),
        (_("Department and roles"), {"fields": ("department", "groups")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "department", "groups", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    # 三员分立 (GB/T 39784): the administrator manages the accounts; the roles (clearances) are granted
    # by the security officer on the clearance screen, unless the policy combines the duties.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_grant_roles(request.user):
            fields += ["roles", "is_superuser"]  # the roles by their names, read-only
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if may_grant_roles(request.user):
            return fieldsets
        shown = () if obj is None else ("roles",)  # a new account gets its roles from the security officer
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple(g for f in opts["fields"] for g in (shown if f == "groups" else (f,))),
                },
            )
            for name, opts in fieldsets
        ]

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return "、".join(obj.role_labels)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        access_changed()  # the user's roles or permissions may have changed

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
            kwargs["label"] = _("roles")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["is_active"]


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(AuditedAdminMixin, BaseGroupAdmin):
    """The roles and their permissions: visible to the administrator, changed only by whoever grants
    clearances (三员分立: the security officer keeps the access policy)."""

    list_display = ["name", "label"]

    def has_add_permission(self, request):
        return may_grant_roles(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_grant_roles(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_grant_roles(request.user) and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        access_changed()  # the role's permissions may have changed

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        access_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        access_changed()

    @admin.display(description=_("role"))
    def label(self, obj):
        return role_label(obj.name)


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(BaseTOTPDeviceAdmin):
    """django-otp's own admin of second-factor devices; a change is seen by the user's next request
    (whether a code is asked for comes from the shared cache: backends.access_changed)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        access_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        access_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        access_changed()


admin.site.site_header = _("XinDang administration")
admin.site.site_title = _("XinDang")
