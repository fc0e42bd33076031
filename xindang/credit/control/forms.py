from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from xindang.core.money import format_yuan

from .models import CheckKind, ControlPoint

RAISING = [(k, label) for k, label in CheckKind.choices if k in ("shipment", "prepayment", "invoice")]


class CheckForm(forms.Form):
    """The credit check from the UI: the same service as POST /api/credit-check."""

    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckKind.choices, initial="shipment")
    control_point = forms.ChoiceField(
        label=_("Control point"), choices=ControlPoint.choices, initial="shipment"
    )
    reserve = forms.BooleanField(
        label=_("Hold the amount (reservation)"),
        required=False,
        help_text=_(
            "A passing amount is held against the limit until the shipment is posted or the hold runs out."
        ),
    )
    reference = forms.CharField(label=_("Reference (order number)"), max_length=100, required=False)
    over_limit_id = forms.TypedChoiceField(
        label=_("Approved over-limit request"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Approved and not yet used; it lets exactly its amount of its kind through once."),
    )

    def __init__(self, *args, approved=(), **kwargs):
        """approved: the customer's approved, unused, unexpired over-limit requests to choose from."""

        super().__init__(*args, **kwargs)
        choices = [("", _("None"))]
        for olr in approved:
            label = _("#%(id)s · %(kind)s %(amount)s · valid until %(until)s") % {
                "id": olr.pk,
                "kind": olr.get_kind_display(),
                "amount": format_yuan(olr.amount),
                "until": olr.valid_until.strftime("%Y-%m-%d %H:%M") if olr.valid_until else "—",
            }
            choices.append((str(olr.pk), label))
        self.fields["over_limit_id"].choices = choices


class OverLimitForm(forms.Form):
    """Send a blocked shipment or prepayment up for over-limit approval (超额审批, 002 第三十二条)."""

    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RAISING, initial="shipment")
    control_point = forms.ChoiceField(
        label=_("Control point"), choices=ControlPoint.choices, initial="shipment"
    )
    reference = forms.CharField(label=_("Reference (order number)"), max_length=100, required=False)
    reason = forms.CharField(
        label=_("Why the overrun is justified"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StopShipmentsForm(forms.Form):
    """An emergency stop of shipments (004 客户信息管理制度 第十一条1(3))."""

    reason = forms.CharField(
        label=_("Why shipments must stop now"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DecideStopForm(forms.Form):
    """The department manager confirms or lifts an emergency stop."""

    note = forms.CharField(
        label=_("Note or reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
