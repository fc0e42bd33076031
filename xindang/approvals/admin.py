"""Read-only admin pages: approvals change only through the services (audited, locked)."""

from django.contrib import admin

from .models import ApprovalRequest, ApprovalStep


class StepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    fields = ["round", "position", "role", "status", "acted_by", "acted_at", "comment"]
    readonly_fields = fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "title",
        "customer_name",
        "amount",
        "status",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["title", "customer_name", "object_repr"]
    inlines = [StepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
