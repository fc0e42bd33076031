from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Investigation, InvestigationYear, Rating


class YearInline(admin.TabularInline):
    model = InvestigationYear
    extra = 0


@admin.register(Investigation)
class InvestigationAdmin(SimpleHistoryAdmin):
    list_display = ["customer", "investigated_on", "status", "valid_until", "created_by", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["customer__name", "customer__file_no"]
    raw_id_fields = ["customer", "created_by", "signed_by", "reviewed_by", "filed_by"]
    inlines = [YearInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "grade",
        "computed_grade",
        "is_override",
        "status",
        "effective_at",
        "policy_version",
    ]
    list_filter = ["status", "grade", "scheme", "is_override"]
    search_fields = ["customer__name", "customer__file_no"]
    raw_id_fields = [
        "customer",
        "investigation",
        "proposed_by",
        "salesperson",
        "approval",
        "policy_version_ref",
    ]
