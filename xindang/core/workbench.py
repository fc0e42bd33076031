"""One to-do item of the workbench (工作台, UI.md): what each module's `workbench_items(user)` returns.

Typed, so the workbench can group items by kind, filter them by customer and due date and page them
without knowing the modules that made them (they sit above it in the layers). Every provider listed
in xindang.views.WORKBENCH_PROVIDERS returns these, built with named fields (keyword-only)."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, kw_only=True)
class WorkItem:
    kind: str  # a stable code, e.g. "approvals.approval": what the workbench groups and filters by
    label: str  # the kind in the reader's language ("待审批")
    title: str
    url: str  # where the work is done
    due: date | None = None
    overdue: bool = False
    customer_id: int | None = None
    customer_name: str = ""
    # the rule that makes this work due, with its seed article ("002 第十二条: quarterly credit-data
    # refresh"): shown beside the item and kept on the duty the daily run makes of it
    rule: str = ""

    def sort_key(self) -> tuple:
        """Overdue first, then by due date (earliest first); undated items last."""
        return (not self.overdue, self.due is None, self.due or date.max, self.label, self.title)
