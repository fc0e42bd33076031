"""The related-party section on a customer's file (关联客户; XinDang's addition, beyond the
regulation): the group's members, what links them, each one's exposure and limit in force, and
the group's totals. Loaded by htmx from the file page."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.customers.models import Customer
from xindang.customers.permissions import CustomerPermission, get_customer_for_user
from xindang.customers.selectors import not_related_findings, visible_customers

from . import rules
from .permissions import ControlPermission
from .services import section_in_force
from .services.group import group_figures

ROLE_LABELS = {
    "legal_rep": _("legal representative"),
    "chairman": _("chairman"),
    "general_manager": _("general manager"),
    "shareholder": _("shareholder"),
    "manager": _("director or manager"),
    "manager_phone": _("manager's phone"),
    "phone": _("phone"),
    "address": _("address"),
    "bank_account": _("bank account"),
}
MODE_LABELS = {
    rules.GROUP_OFF: _("off"),
    rules.GROUP_WARN: _("warn"),
    rules.GROUP_BLOCK: _("block"),
}


def group_section(request, pk):
    customer = get_customer_for_user(request.user, pk)
    allowed = request.user.has_perm(ControlPermission.VIEW_CHECKS)
    context = {"customer": customer, "allowed": allowed}
    if allowed:
        on = timezone.localdate()
        figures = group_figures(customer, on=on)
        ids = figures.member_ids
        seen = set(visible_customers(request.user).filter(pk__in=ids).values_list("pk", flat=True))
        names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
        rows = []
        for cid in ids:
            links = [
                {
                    "role": ROLE_LABELS.get(link.role, link.role),
                    "shown": link.shown if cid in seen else "",
                    "via": names.get(link.via, "") if link.via in seen else "",
                    "via_role": ROLE_LABELS.get(link.via_role, link.via_role),
                }
                for link in figures.group.members[cid]
            ]
            rows.append(
                {
                    "pk": cid,
                    "name": names.get(cid, "") if cid in seen else "",
                    "visible": cid in seen,
                    "itself": cid == customer.pk,
                    "links": links,
                    "exposure": figures.exposures.get(cid),
                    "limit": figures.limits.get(cid),
                }
            )
        mode = section_in_force()[0].group_check
        context.update(
            figures=figures,
            rows=rows,
            related=len(ids) > 1,
            mode=mode,
            mode_label=MODE_LABELS.get(mode, mode),
            over=figures.total_limit > 0 and figures.total_exposure > figures.total_limit,
        )
        # the credit manager's "not related" findings: mark a member or one of the file's keys, revoke
        may_mark = request.user.has_perm(CustomerPermission.MARK_NOT_RELATED)
        findings = list(not_related_findings(customer)) if may_mark else []
        silenced = {(f.kind, f.key) for f in findings if f.other_id is None}
        context.update(
            may_mark=may_mark,
            findings=[
                {
                    "pk": f.pk,
                    "what": (f.other if f.other_id != customer.pk else f.customer).name
                    if f.other_id
                    else f.shown,
                    "pair": f.other_id is not None,
                    "reason": f.reason,
                    "by": f.created_by,
                    "at": f.created_at,
                }
                for f in findings
            ],
            own_keys=[
                {"pk": k.pk, "role": ROLE_LABELS.get(k.role, k.role), "shown": k.shown}
                for k in customer.relation_keys.order_by("pk")
                if (k.kind, k.key) not in silenced
            ]
            if may_mark and len(ids) > 1
            else [],
        )
    return render(request, "credit_control/_group_section.html", context)
