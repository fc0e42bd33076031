"""The credit part of the printed customer file (customers.printout): grade, limit, term, validity
and exposure, for those who may see the grants. Registered in GrantsConfig.ready()."""

from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan

from . import selectors
from .permissions import GrantPermission


def card_section(customer, user):
    if not user.has_perm(GrantPermission.VIEW):
        return None
    state = selectors.header_state(customer)
    rating, grant = state.rating, state.grant
    rows = [
        (_("Credit rating"), rating.get_grade_display() if rating is not None else _("Not rated")),
        (
            _("Rated on"),
            f"{localtime(rating.effective_at):%Y-%m-%d}" if rating and rating.effective_at else "",
        ),
        (_("Credit limit"), format_yuan(grant.limit_amount) if grant else _("No credit grant")),
        (_("Kind"), grant.get_kind_display() if grant else ""),
        (_("Term (days)"), str(grant.term_days) if grant else ""),
        (
            _("Valid"),
            f"{grant.valid_from:%Y-%m-%d} – {grant.valid_until:%Y-%m-%d}"
            if grant and grant.valid_from and grant.valid_until
            else "",
        ),
        (_("Exposure"), format_yuan(state.exposure)),
        (_("Utilisation"), "" if state.utilisation is None else f"{state.utilisation:.1f}%"),
    ]
    return _("Credit rating and limit"), rows
