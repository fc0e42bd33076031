from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "xindang.custody"
    label = "custody"
    verbose_name = _("Custody")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.audit.purposes import register_purpose_rule
        from xindang.core.demo import register_demo_step
        from xindang.customers.selectors import register_view_all_limit, register_visibility
        from xindang.documents.grants import (
            register_original_gate,
            register_read_context,
            register_read_grant,
            register_use_check,
        )

        from . import (
            sections,  # noqa: F401 - registers the "custody" policy section
            selectors,
        )
        from .demo import seed_lookups
        from .services import register_approval_kind

        register_actions(
            {
                "lookup.request": _("Asked for a lookup"),
                "lookup.approve": _("Lookup approved"),
                "lookup.reject": _("Lookup rejected"),
                "lookup.withdraw": _("Lookup withdrawn"),
                "lookup.print": _("Printed lookup request form"),
                "lookup.export": _("Exported the documents of a lookup request"),
                "lookup.access_denied": _("Access to lookup request refused"),
            },
            groups={"lookup": _("Lookup requests")},
            object_pages={"custody.lookuprequest": "custody:detail"},
        )
        register_approval_kind()
        # An open request opens its file and exactly its documents to its reader, for its period.
        register_visibility(selectors.granted_customers, temporary=True)
        register_visibility(selectors.header_customers, scope="documents")
        register_read_grant(selectors.granted_documents)
        register_read_context(selectors.read_context)
        register_original_gate(selectors.may_release_original)
        register_use_check(selectors.may_use_document)  # view, download, print, export: separate rights
        register_purpose_rule(selectors.purpose_rule)
        # The roles of the credit approval chains see the files they decide on (001 六 2).
        register_view_all_limit(selectors.limits_view_all)
        register_visibility(selectors.decided_customers)
        # The relationship roles: the header and the relationship records of every file (000 5.1.1).
        register_visibility(selectors.relationship_customers, scope="relations")
        # Archived files (lifecycle, wired by the integrator): lookup requests only (000 4.5).
        from xindang.customers.selectors import register_standing_exclusion

        register_standing_exclusion(selectors.archived_exclusion)
        # 三员分立: the administrator does not read the audit log (the auditor does).
        from xindang.audit.permissions import register_read_limit

        register_read_limit(selectors.refuses_audit_reading)
        register_demo_step("custody", seed_lookups, order=80)
