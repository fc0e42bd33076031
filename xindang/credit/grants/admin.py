from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Collateral, CreditGrant, Guarantee


class CollateralInline(admin.TabularInline):
    model = Collateral
    extra = 0
    readonly_fields = ["type", "description", "value_amount"]
    exclude = ["documents"]
    can_delete = False


class GuaranteeInline(admin.TabularInline):
    model = Guarantee
    extra = 0
    readonly_fields = ["guarantor_name", "credit_code", "amount", "document"]
    can_delete = False


@admin.register(CreditGrant)
class CreditGrantAdmin(SimpleHistoryAdmin):
    """Read-only: grants change only through the request and approval services (audited)."""

    list_display = ["customer", "kind", "limit_amount", "term_days", "status", "valid_from", "valid_until"]
    list_filter = ["status", "kind", "grade"]
    search_fields = ["customer__name", "customer__file_no"]
    inlines = [CollateralInline, GuaranteeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
