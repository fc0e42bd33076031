from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GrantEvaluation


@admin.register(GrantEvaluation)
class GrantEvaluationAdmin(SimpleHistoryAdmin):
    """Read-only: evaluations are generated and signed through the services (audited)."""

    list_display = (
        "customer",
        "month",
        "status",
        "limit_amount",
        "peak_exposure_amount",
        "end_exposure_amount",
    )
    list_filter = ("status", "month")
    search_fields = ("customer__name", "customer__file_no")
    raw_id_fields = ("grant", "customer", "proposed_grant")
    date_hierarchy = "month"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
