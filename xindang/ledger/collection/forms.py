"""Collection forms, grouped like the paper forms. Business rules are enforced again by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import User

from . import rules
from .models import Method, ReportKind

DATE = {"type": "date"}

MEASURE_LABELS = {
    "guarantor": _("Guarantor or joint guarantor (担保人、连带担保人)"),
    "deposit": _("More credit deposit (增加信用保证金)"),
    "notarised_contract": _("Notarised contract (交易合同取得公证)"),
    "reduce_shipments": _("Reduced or stopped shipments (减少供货量或发货限制)"),
    "debt_in_lieu": _("Debt or assets in lieu of payment (代位偿债、代物偿债)"),
}


class RecordForm(forms.Form):
    method = forms.ChoiceField(label=_("method"), choices=Method.choices)
    contacted_on = forms.DateField(label=_("date of contact"), widget=forms.DateInput(attrs=DATE))
    contact_person = forms.CharField(label=_("contact person"), max_length=100, required=False)
    summary = forms.CharField(label=_("what was said"), widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("next step"), max_length=300, required=False)
    next_step_on = forms.DateField(
        label=_("next step on"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    promise_amount = forms.DecimalField(
        label=_("promised amount"),
        max_digits=18,
        decimal_places=2,
        required=False,
        min_value=0.01,
        localize=False,
    )
    promised_on = forms.DateField(
        label=_("promised payment date"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if bool(data.get("promise_amount")) != bool(data.get("promised_on")):
            self.add_error("promised_on", _("A promise needs both the amount and the date."))
        return data


class PromiseForm(forms.Form):
    amount = forms.DecimalField(
        label=_("promised amount"), max_digits=18, decimal_places=2, min_value=0.01, localize=False
    )
    promised_on = forms.DateField(label=_("promised payment date"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AnomalyForm(forms.Form):
    delay_reason = forms.CharField(label=_("reason for the delay"), widget=forms.Textarea(attrs={"rows": 3}))
    customer_situation = forms.CharField(
        label=_("customer's situation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    measures_proposed = forms.CharField(
        label=_("measures proposed"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ProblemForm(forms.Form):
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.CharField(label=_("cause"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("measures"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.ModelChoiceField(
        label=_("responsible person"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["responsible"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("manager's opinion"), widget=forms.Textarea(attrs={"rows": 3}))


def _measure_fields(form, prefix, with_notes):
    for code in rules.MEASURES:
        form.fields[f"{prefix}{code}"] = forms.BooleanField(label=MEASURE_LABELS[code], required=False)
        if with_notes:
            form.fields[f"notes_{code}"] = forms.CharField(label=_("notes"), required=False, max_length=1000)


class DangerForm(forms.Form):
    kind = forms.ChoiceField(label=_("report type"), choices=ReportKind.choices, initial=ReportKind.URGENT)
    situation = forms.CharField(label=_("what has changed"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _measure_fields(self, "propose_", with_notes=True)

    def measures(self) -> dict:
        d = self.cleaned_data
        return {
            c: {"proposed": d.get(f"propose_{c}"), "notes": d.get(f"notes_{c}", "")} for c in rules.MEASURES
        }

    def measure_rows(self):
        return [(self[f"propose_{c}"], self[f"notes_{c}"]) for c in rules.MEASURES]


class DecideForm(forms.Form):
    decision = forms.CharField(label=_("manager's instruction"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _measure_fields(self, "approve_", with_notes=False)

    def approved(self) -> dict:
        return {c: self.cleaned_data.get(f"approve_{c}") for c in rules.MEASURES}


class AgeingForm(forms.Form):
    on = forms.DateField(label=_("as of"), required=False, widget=forms.DateInput(attrs=DATE))
    by = forms.ChoiceField(
        label=_("by"),
        required=False,
        choices=[
            ("company", _("Company")),
            ("department", _("Department")),
            ("salesperson", _("Salesperson")),
            ("customer", _("Customer")),
        ],
    )
    department = forms.IntegerField(required=False, widget=forms.HiddenInput)
    salesperson = forms.IntegerField(required=False, widget=forms.HiddenInput)
