from django.contrib import admin

from .models import Appraisal, Disposal, ManualHold


class ReadOnly(admin.ModelAdmin):
    """Holds, appraisals and disposals are written through the screens (audited services, the GM's
    approval, witnesses); the admin only reads — the register stays as it was written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManualHold)
class ManualHoldAdmin(ReadOnly):
    list_display = ("customer", "kind", "until", "placed_by", "placed_at", "lifted_at")
    list_filter = ("kind",)
    raw_id_fields = ("customer",)


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnly):
    list_display = ("document", "decision", "keep_until", "retention_class", "appraised_by", "appraised_at")
    list_filter = ("decision",)
    raw_id_fields = ("document",)


@admin.register(Disposal)
class DisposalAdmin(ReadOnly):
    list_display = ("number", "status", "requested_by", "approved_by", "carried_out_at")
    list_filter = ("status",)
