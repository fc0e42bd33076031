from django.contrib import admin

from .models import Completion, DigestSent, Duty, DutyPreference, ZeroPointCheck


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("assignee", "label", "title", "due_on", "state", "created_at", "closed_at")
    list_filter = ("state", "kind")
    search_fields = ("title", "assignee__username", "key")
    readonly_fields = [f.name for f in Duty._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "done_by", "done_at")
    readonly_fields = ("key", "kind", "done_by", "done_at", "note")

    def has_add_permission(self, request):
        return False


@admin.register(ZeroPointCheck)
class ZeroPointCheckAdmin(admin.ModelAdmin):
    list_display = ("contract", "period_start", "period_end", "receivable_zero_on", "prepaid_zero_on")
    readonly_fields = (
        "contract",
        "period_start",
        "period_end",
        "receivable_zero_on",
        "prepaid_zero_on",
        "checked_at",
    )

    def has_add_permission(self, request):
        return False


admin.site.register(DutyPreference)
admin.site.register(DigestSent)
