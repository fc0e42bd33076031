from django import forms
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import User

from .models import Condition, TransactionCard
from .services import CARD_INPUT_FIELDS

DATE = {"type": "date"}


class CardForm(forms.ModelForm):
    """The transaction card (客户交易卡): a draft may be saved with blanks; submitting refuses them."""

    class Meta:
        model = TransactionCard
        fields = list(CARD_INPUT_FIELDS)
        widgets = {
            "first_contact_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "assets_schedule": forms.Textarea(attrs={"rows": 3}),
            "trade_reason": forms.Textarea(attrs={"rows": 3}),
            "products": forms.Textarea(attrs={"rows": 3}),
            "survey_result": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            f.required = name == "first_contact_on"
            f.widget.attrs.setdefault("data-card-field", "1")
        self.fields["requested_limit_amount"].help_text = _("Yuan.")

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CARD_INPUT_FIELDS}


class ConditionsForm(forms.Form):
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"), choices=Condition.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note on the conditions"), max_length=300, required=False)

    @classmethod
    def for_card(cls, card: TransactionCard) -> "ConditionsForm":
        return cls(initial={"conditions": list(card.condition_codes()), "note": card.conditions_note})


class StaffContactForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Member of staff"), queryset=User.objects.filter(is_active=True).order_by("username")
    )


class ContactReportForm(forms.Form):
    staff_contact = forms.IntegerField(widget=forms.HiddenInput)
    reported_on = forms.DateField(
        label=_("Contact on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    summary = forms.CharField(label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
