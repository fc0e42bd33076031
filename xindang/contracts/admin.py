"""Read-mostly admin pages: contracts are written through the services (numbering, audit, handovers)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contract, ContractEvent, Handover


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["contract_no", "title", "customer", "department", "kind", "amount", "currency", "status"]
    list_filter = ["status", "kind", "department"]
    search_fields = ["contract_no", "title", "customer__name"]
    raw_id_fields = ["customer", "handler"]


class HandoverInline(_ReadOnly, admin.TabularInline):
    model = Handover
    extra = 0
    fields = ["stage", "due_on", "status", "handed_by", "handed_at", "received_by", "received_at"]


@admin.register(ContractEvent)
class ContractEventAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["contract", "kind", "occurred_on", "recorded_by"]
    list_filter = ["kind"]
    inlines = [HandoverInline]
