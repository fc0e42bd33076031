"""Supplier forms: field formats, so the user sees every error at once; the services enforce the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.contracts.models import Contract

from .models import SupplierSelection

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GeneralSurveyForm(forms.ModelForm):
    class Meta:
        model = SupplierSelection
        fields = ["general_survey_on", "general_survey_notes"]
        widgets = {"general_survey_on": DATE, "general_survey_notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "general_survey_notes": _(
                "Documents received (history, profile, last annual accounts, product guide and catalogue), "
                "talks with the manager and with the technical staff (002 篇五 第二条(1))."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True


class SiteSurveyForm(forms.ModelForm):
    class Meta:
        model = SupplierSelection
        fields = [
            "site_survey_on",
            "site_survey_team",
            "meets_quality",
            "meets_delivery",
            "meets_finance",
            "meets_cooperation",
            "meets_confidentiality",
            "meets_cost",
            "site_survey_findings",
        ]
        widgets = {"site_survey_on": DATE, "site_survey_findings": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("site_survey_on", "site_survey_team", "site_survey_findings"):
            self.fields[name].required = True


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = SupplierSelection
        fields = ["trade_reasons", "goods", "annual_amount", "payment_method"]
        widgets = {
            "trade_reasons": forms.Textarea(attrs={"rows": 3}),
            "goods": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True


class ContractChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.contract_no} · {obj.title} ({obj.get_kind_display()}, {obj.get_status_display()})"


class ContractsForm(forms.Form):
    supply_contract = ContractChoice(
        label=_("Supply contract"), queryset=Contract.objects.none(), required=False
    )
    quality_contract = ContractChoice(
        label=_("Quality-assurance contract"), queryset=Contract.objects.none(), required=False
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Contract.objects.filter(customer=customer).order_by("-signed_on", "-id")
        self.fields["supply_contract"].queryset = qs
        self.fields["quality_contract"].queryset = qs


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    quality = forms.IntegerField(label=_("Quality"))
    delivery = forms.IntegerField(label=_("Delivery"))
    price = forms.IntegerField(label=_("Price"))
    service = forms.IntegerField(label=_("Service"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, score_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        for name in ("quality", "delivery", "price", "service"):
            self.fields[name].help_text = _("0–%(max)s") % {"max": score_max}
            self.fields[name].widget.attrs.update({"min": 0, "max": score_max})
