"""The grant request form (授信申请), grouped like the paper: the grant, collateral, guarantees.
Field format only; the ceiling, chain and replacement are the service's."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from xindang.core.money import WAN, to_yuan

from .models import CollateralType, GrantKind

UNIT_CHOICES = [("yuan", _("yuan")), ("wan", _("10,000 yuan (万元)"))]


def unit_field():
    return forms.ChoiceField(
        label=_("unit"),
        choices=UNIT_CHOICES,
        initial="yuan",
        required=False,
        widget=forms.Select(attrs={"style": "width:auto;min-width:7em"}),
    )


def parse_amount(text, unit: str) -> Decimal:
    """Yuan from what the user typed: "1,250,000", "125万", or a number in the chosen unit."""
    text = str(text or "").strip().replace(" ", "")
    factor = WAN if unit == "wan" else Decimal(1)
    for suffix in ("万元", "万"):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], WAN
    if text.endswith("元"):
        text = text[:-1]
    try:
        value = to_yuan(text)
        return to_yuan(value * factor)
    except (ValueError, InvalidOperation) as exc:
        raise forms.ValidationError(_("Enter an amount, e.g. 500000 or 50万.")) from exc


class AmountField(forms.CharField):
    """An amount in yuan or 万元 (unit chosen beside it); cleaned by the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)


class GrantRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=GrantKind.choices, initial=GrantKind.LONG_TERM)
    limit_amount = AmountField(label=_("credit limit"))
    limit_unit = unit_field()
    term_days = forms.IntegerField(label=_("term (days)"), min_value=1, max_value=366, initial=30)
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for an increase over the current limit (002 第四十二条)."),
    )

    def clean_limit_amount(self):
        amount = parse_amount(
            self.cleaned_data.get("limit_amount"), self.data.get(self.add_prefix("limit_unit"))
        )
        if amount < 0:
            raise forms.ValidationError(_("The limit cannot be negative."))
        return amount


class SharedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of the field's `shared` queryset, read once for every form of the page that shares
    it (the collateral and guarantee rows all offer the file's documents)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.shared:  # evaluated once; its result cache serves the other rows
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.shared) + (self.field.empty_label is not None)


def offer_documents(field, documents) -> None:
    """Let `field` offer `documents` (a queryset shared by the page's forms, read once)."""
    if documents is not None:
        field.iterator = SharedChoiceIterator
        field.shared = documents
    field.queryset = documents  # validation still filters the queryset itself


class CollateralForm(forms.Form):
    type = forms.ChoiceField(
        label=_("type"), choices=CollateralType.choices, initial=CollateralType.REAL_ESTATE
    )
    description = forms.CharField(label=_("description"), max_length=500, required=False)
    value_amount = AmountField(label=_("value"))
    value_unit = unit_field()
    documents = forms.ModelMultipleChoiceField(label=_("documents"), queryset=None, required=False)

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_documents(self.fields["documents"], documents)
        self.fields["documents"].widget.attrs["size"] = 3

    def clean_value_amount(self):
        amount = parse_amount(
            self.cleaned_data.get("value_amount"), self.data.get(self.add_prefix("value_unit"))
        )
        if amount < 0:
            raise forms.ValidationError(_("The value cannot be negative."))
        return amount


class GuaranteeForm(forms.Form):
    guarantor_name = forms.CharField(label=_("guarantor"), max_length=200)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18, required=False)
    amount = AmountField(label=_("amount"))
    amount_unit = unit_field()
    document = forms.ModelChoiceField(label=_("document"), queryset=None, required=False)

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_documents(self.fields["document"], documents)

    def clean_amount(self):
        amount = parse_amount(self.cleaned_data.get("amount"), self.data.get(self.add_prefix("amount_unit")))
        if amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return amount


CollateralFormSet = formset_factory(CollateralForm, extra=1, max_num=10, can_delete=True)
GuaranteeFormSet = formset_factory(GuaranteeForm, extra=1, max_num=10, can_delete=True)


def filled(formset) -> list[dict]:
    """The formset's filled, non-deleted rows."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
