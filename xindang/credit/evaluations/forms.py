"""Grant-evaluation forms: the controller's remarks and signature, the salesperson's report, the
review with the optional adjustment. Business rules are enforced again by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xindang.core.money import WAN


class SignForm(forms.Form):
    remarks = forms.CharField(
        label=_("Controller's remarks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The finance department answers for the truth of the figures (第四十条)."),
    )


class ReportForm(forms.Form):
    operations_report = forms.CharField(
        label=_("Report on the customer's operations"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("Business, sales, stock, assets and liabilities, changes of management (第三十九条)."),
    )
    payment_outlook = forms.CharField(
        label=_("Payment outlook and risks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    confirmed = forms.BooleanField(
        label=_("I confirm this report is true and answer for it (第三十九条)."),
        required=True,
    )


class ReviewForm(forms.Form):
    opinion = forms.CharField(
        label=_("Review opinion"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text=_("The marketing manager's written opinion on the report and the figures (第四十一条)."),
    )
    proposed_limit_amount = forms.DecimalField(
        label=_("Proposed new limit"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_(
            "Leave empty to keep the limit. An adjusted limit should be lower than the old one (第四十二条)."
        ),
    )
    amount_unit = forms.ChoiceField(
        label=_("unit"),
        choices=[("yuan", _("yuan")), ("wan", _("10,000 (万)"))],
        initial="yuan",
        required=False,
    )
    proposal_reason = forms.CharField(
        label=_("Reason for the adjustment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def clean(self):
        data = super().clean()
        amount = data.get("proposed_limit_amount")
        if amount is not None and data.get("amount_unit") == "wan":
            data["proposed_limit_amount"] = amount * WAN
        return data


class VpOpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("VP marketing's opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=8000,
        help_text=_("The marketing manager's review goes up to the VP marketing (营销主管副总, 第四十一条)."),
    )
