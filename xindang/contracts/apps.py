from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "xindang.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.customers.selectors import register_visibility

        from . import sections  # noqa: F401 - registers the "contracts" policy section
        from .selectors import handled_customers

        register_visibility(handled_customers)

        register_actions(
            {
                "contract.create": _("Created contract"),
                "contract.update": _("Changed contract"),
                "contract.status": _("Changed contract status"),
                "contract.view": _("Viewed contract"),
                "contract.handover": _("Handed over contract file"),
                "contract.handler_transferred": _("Handed a contract to a new handler"),
                "contract.receive": _("Received contract file"),
                "contract.archive": _("Filed contract file into the archive room"),
                "contract.document": _("Added contract document"),
                "contract.export": _("Exported contract ledger"),
                "contract.statistics": _("Generated contract statistics"),
                "contract.access_denied": _("Access to contract refused"),
            },
            groups={"contract": _("Contracts")},
            object_pages={"contracts.contract": "contracts:detail"},
        )
