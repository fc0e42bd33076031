from django.contrib import admin

from xindang.audit.admin import AuditedAdminMixin

from .models import DocumentCategory, FixityFinding, FixityRun


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The category list is data: administrators add, rename, reorder and retire
    categories; a category in use is retired (inactive), never deleted."""

    list_display = [
        "code",
        "name",
        "name_en",
        "group",
        "default_retention",
        "has_validity",
        "sort_order",
        "is_active",
    ]
    list_filter = ["group", "is_active", "has_validity"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["sort_order", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj and obj.documents.exists() else []

    def has_delete_permission(self, request, obj=None):
        return False


class FixityFindingInline(admin.TabularInline):
    model = FixityFinding
    fields = ["kind", "storage_name", "version", "expected_sha256", "actual_sha256", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FixityRun)
class FixityRunAdmin(admin.ModelAdmin):
    """Read-only: the history of integrity checks is part of the archive."""

    list_display = [
        "id",
        "started_at",
        "finished_at",
        "trigger",
        "started_by",
        "versions_checked",
        "missing_count",
        "altered_count",
        "orphaned_count",
    ]
    list_filter = ["trigger"]
    inlines = [FixityFindingInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
