"""Contract forms. Validation here is field format plus the obvious cross-field check (so the user
sees every error at once); business rules are enforced again by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import Department, User
from xindang.core.money import WAN

from . import rules
from .models import Contract, Status
from .services import EDITABLE_FIELDS

DATE = {"type": "date"}
FIELD_GROUPS = [
    (_("Contract"), ["title", "kind", "department", "handler"]),
    (_("Amount and dates"), ["amount", "currency", "signed_on", "starts_on", "ends_on"]),
    (_("Credit terms in the contract"), ["credit_limit_amount", "credit_term_days"]),
    (_("Notes"), ["notes"]),
]


class ContractForm(forms.ModelForm):
    amount_unit = forms.ChoiceField(
        label=_("unit"),
        choices=[("yuan", _("yuan")), ("wan", _("10,000 (万)"))],
        initial="yuan",
        required=False,
    )
    currency = forms.ChoiceField(label=_("currency"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = EDITABLE_FIELDS
        widgets = {
            "signed_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "amount": forms.TextInput(attrs={"inputmode": "decimal"}),
            "credit_limit_amount": forms.TextInput(attrs={"inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, customer, currencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["amount"].localize = False
        self.fields["credit_limit_amount"].localize = False
        choices = [(c, c) for c in currencies]
        if self.instance.pk and self.instance.currency not in currencies:
            choices.append((self.instance.currency, self.instance.currency))
        self.fields["currency"].choices = choices
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        # Inactive users cannot be chosen; whether the handler may see the file is the service's check.
        self.fields["handler"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["handler"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        else:
            self.initial.setdefault("department", customer.department_id)
            self.initial.setdefault("currency", currencies[0] if currencies else "CNY")

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELD_GROUPS]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", forms.ValidationError(_("The contract cannot end before it starts.")))
        signed_on = data.get("signed_on")
        if signed_on and signed_on > timezone.localdate():
            self.add_error("signed_on", forms.ValidationError(_("The signing date cannot be in the future.")))
        amount = data.get("amount")
        if amount is not None and data.get("amount_unit") == "wan":
            data["amount"] = amount * WAN
        return data

    def _post_clean(self):
        # The model's own validation (constraints, validators) runs in the service, which turns it
        # into DomainErrors with codes; here it would only say the same thing twice.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS if name in self.cleaned_data}


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    occurred_on = forms.DateField(
        label=_("Date of the procedure"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text=_("Empty: today (signing: the signing date)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Status.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in rules.allowed_targets(contract.status)]
        self.initial["version"] = contract.version


class HandOverForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReceiveForm(forms.Form):
    missing_items = forms.CharField(
        label=_("Missing items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the file lacks (checked against the contract-file list); empty if complete."),
    )
    archive_location = forms.CharField(label=_("Archive location"), max_length=100, required=False)


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    part = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (rules.YEAR, _("Whole year")),
            (rules.H1, _("First half-year")),
            (rules.H2, _("Second half-year")),
        ],
    )


class ContractDocumentForm(forms.Form):
    """A document of the contract's file; the documents service checks the file itself."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"),
        coerce=int,
        choices=[(1, _("Level 1")), (2, _("Level 2")), (3, _("Level 3"))],
        initial=3,
    )
    location = forms.CharField(
        label=_("Location of the original"), max_length=100, required=False, help_text=_("Cabinet / box.")
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class NewVersionForm(forms.Form):
    file = forms.FileField(label=_("File"))
