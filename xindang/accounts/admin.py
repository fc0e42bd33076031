from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xindang.audit.admin import AuditedAdminMixin

from .models import Department, User
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

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return "、".join(obj.role_labels)

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
    list_display = ["name", "label"]

    @admin.display(description=_("role"))
    def label(self, obj):
        return role_label(obj.name)


admin.site.site_header = _("XinDang administration")
admin.site.site_title = _("XinDang")
