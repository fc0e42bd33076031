from django.contrib import admin

from .models import AuditEvent
from .services import record_event


class AuditedAdminMixin:
    """Every add/change/delete made in the admin pages is also an audit event."""

    def log_addition(self, request, obj, message):
        record_event("admin.add", request=request, obj=obj, data={"message": str(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record_event("admin.change", request=request, obj=obj, data={"message": str(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record_event("admin.delete", request=request, obj=obj)
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
