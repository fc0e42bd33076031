from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnomalyReport,
    CollectionRecord,
    DangerReport,
    PaymentPromise,
    ProblemAccountReport,
    TradeSuspension,
)


class ReadOnly(admin.ModelAdmin):
    """Collection work is written through the screens (audited services); the admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CollectionRecord)
class CollectionRecordAdmin(ReadOnly):
    list_display = ("customer", "method", "contacted_on", "next_step_on", "recorded_by")
    list_filter = ("method",)
    raw_id_fields = ("customer",)


@admin.register(PaymentPromise)
class PaymentPromiseAdmin(ReadOnly):
    list_display = ("customer", "amount", "made_on", "promised_on", "status")
    list_filter = ("status",)


@admin.register(AnomalyReport, ProblemAccountReport)
class TriggeredReportAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("customer", "raised_on", "days_late", "overdue_amount", "status", "assigned_to")
    list_filter = ("status",)


@admin.register(DangerReport)
class DangerReportAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("customer", "reported_on", "kind", "status", "reported_by", "decided_by")
    list_filter = ("status", "kind")


@admin.register(TradeSuspension)
class TradeSuspensionAdmin(ReadOnly):
    list_display = ("customer", "suspended_at", "suspended_by", "lifted_at", "lifted_by")
