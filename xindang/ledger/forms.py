from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import EntryKind

MANUAL_KINDS = [(v, label) for v, label in EntryKind.choices if v in rules.DIRECT_KINDS - {rules.REVERSAL}]


class EntryForm(forms.Form):
    """Manual entry of one trade entry (grouped like a voucher: what, when, how much, references)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MANUAL_KINDS)
    entry_on = forms.DateField(label=_("Entry date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("CNY", "CNY")])
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: entry date plus the term."),
    )
    term_days = forms.IntegerField(label=_("Term (days)"), required=False, min_value=0, max_value=3650)
    external_id = forms.CharField(label=_("Document number"), max_length=100, required=False)
    contract = forms.ModelChoiceField(label=_("Contract"), queryset=None, required=False)
    bills = forms.ModelChoiceField(
        label=_("Shipment billed"),
        queryset=None,
        required=False,
        help_text=_("For an invoice of goods already shipped: its open amount moves to the invoice."),
    )
    settles = forms.ModelChoiceField(
        label=_("Note settled"), queryset=None, required=False, help_text=_("For a note settlement.")
    )
    note_no = forms.CharField(label=_("Bill number"), max_length=60, required=False)
    note_matures_on = forms.DateField(
        label=_("Bill matures on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note_without_recourse = forms.BooleanField(label=_("Discounted without recourse"), required=False)
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False)

    def __init__(self, *args, customer, currencies, contracts, notes, shipments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]
        self.fields["contract"].queryset = contracts
        self.fields["settles"].queryset = notes
        self.fields["settles"].label_from_instance = lambda e: (
            f"{e.note_no or e.external_id or e.pk} · {e.amount}"
        )
        self.fields["bills"].queryset = shipments
        self.fields["bills"].label_from_instance = lambda e: (
            f"{e.external_id or e.pk} · {e.entry_on:%Y-%m-%d} · {e.amount} ({e.open_amount})"
        )

    def clean(self):
        d = super().clean()
        if d.get("bills") is not None and d.get("kind") != rules.INVOICE:
            self.add_error("bills", _("Only an invoice bills a shipment."))
        if d.get("settles") is not None and d.get("kind") != rules.NOTE_SETTLED:
            self.add_error("settles", _("Only a note settlement settles a note."))
        return d

    def error_field(self, field: str | None) -> str | None:
        """The form field a service error names (an invoice's "settles" is this form's "bills")."""
        if field == "settles" and self.cleaned_data.get("kind") == rules.INVOICE:
            return "bills"
        return field if field in self.fields else None

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "entry_on": d["entry_on"],
            "amount": d["amount"],
            "currency": d["currency"],
            "due_on": d.get("due_on"),
            "term_days": d.get("term_days"),
            "external_id": d.get("external_id") or None,
            "contract": d.get("contract"),
            "settles": d.get("bills") if d["kind"] == rules.INVOICE else d.get("settles"),
            "note_no": d.get("note_no") or "",
            "note_matures_on": d.get("note_matures_on"),
            "note_without_recourse": bool(d.get("note_without_recourse")),
            "memo": d.get("memo") or "",
        }


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    entry_on = forms.DateField(label=_("Reversal date"), widget=forms.DateInput(attrs={"type": "date"}))
    confirm = forms.BooleanField(label=_("I confirm this reversal"), required=True)


class WriteOffForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    entry_on = forms.DateField(label=_("Write-off date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("Send to the general manager for approval"), required=True)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    source_system = forms.CharField(
        label=_("Source system"),
        max_length=40,
        initial="import",
        help_text=_(
            "Document numbers are unique per source system: re-importing the same file posts nothing twice."
        ),
    )
