"""Ledger records in the admin pages: read-only. Entries are never edited or deleted (corrections
are reversing entries); the maintained exposure is repaired only by reconcile_exposure --fix."""

from django.contrib import admin

from .models import Allocation, Exposure, LedgerImport, Reservation, TradeEntry, WriteOffRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TradeEntry)
class TradeEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "entry_on",
        "customer",
        "kind",
        "amount",
        "open_amount",
        "source_system",
        "external_id",
    ]
    list_filter = ["kind", "source_system"]
    search_fields = ["external_id", "note_no", "customer__name"]
    raw_id_fields = ["customer", "reverses", "settles", "contract", "reservation"]
    date_hierarchy = "entry_on"


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["id", "allocated_on", "debit_entry", "credit_entry", "amount"]


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    list_display = ["customer", *Exposure.FIGURES, "updated_at"]
    search_fields = ["customer__name"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "amount", "kind", "reference", "status", "expires_at"]
    list_filter = ["status"]


@admin.register(WriteOffRequest)
class WriteOffRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "amount", "entry_on", "status", "requested_by", "requested_at"]


@admin.register(LedgerImport)
class LedgerImportAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "original_name",
        "created_by",
        "created_at",
        "status",
        "total_rows",
        "imported_rows",
    ]
