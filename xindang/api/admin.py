"""API keys in the admin pages (system administrators): create (the raw key is shown once), revoke,
see last use. Keys are never edited or deleted: a key that leaked is revoked."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import ApiKey
from xindang.accounts.roles import Role

from .auth import create_api_key, revoke_api_key


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiKey.SCOPES, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "name",
            "prefix",
            "scopes",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
            "revoked_by",
        ]

    def get_fields(self, request, obj=None):
        return ["name", "scopes"] if obj is None else self.get_readonly_fields(request, obj)

    # System administrators manage the keys (by role, not by a group permission: accounts' role
    # grants are fixed by its first data migration, before this model existed).
    def _admin(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.has_role(Role.SYSTEM_ADMIN))

    def has_module_permission(self, request):
        return self._admin(request)

    def has_view_permission(self, request, obj=None):
        return self._admin(request)

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, raw = create_api_key(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            by=request.user,
            request=request,
        )
        obj.pk = key.pk
        messages.warning(
            request,
            _("The key is shown only this once — copy it now: %(key)s") % {"key": raw},
        )

    def log_addition(self, request, obj, message):
        return None  # audited by create_api_key

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_api_key(key=key, by=request.user, request=request)
        self.message_user(request, _("Revoked."))
