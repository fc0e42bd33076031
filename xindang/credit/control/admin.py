from django.contrib import admin

from .models import CreditCheck, OverLimitRequest, ShipmentStop


@admin.register(CreditCheck)
class CreditCheckAdmin(admin.ModelAdmin):
    list_display = ("checked_at", "customer", "kind", "amount", "outcome", "checked_by", "api_key_name")
    list_filter = ("outcome", "kind", "control_point")
    raw_id_fields = ("customer", "over_limit", "checked_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OverLimitRequest)
class OverLimitRequestAdmin(admin.ModelAdmin):
    list_display = ("requested_at", "customer", "kind", "amount", "overage_amount", "status", "valid_until")
    list_filter = ("status", "kind")
    raw_id_fields = ("customer", "approval", "requested_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ShipmentStop)
class ShipmentStopAdmin(admin.ModelAdmin):
    """Read-only: stops are made, confirmed and lifted through the audited services."""

    list_display = (
        "stopped_at",
        "customer",
        "status",
        "stopped_by",
        "confirmed_by",
        "lifted_by",
        "lifted_at",
    )
    list_filter = ("status",)
    raw_id_fields = ("customer", "stopped_by", "confirmed_by", "lifted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
