"""Forms of the 客户信用调查评定表 (grouped like the paper form), its yearly figures, review and rating."""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Grade, Investigation, InvestigationYear, Source

# The sections' titles; their fields and order are the rules' (rules.INVESTIGATION_SECTIONS).
SECTION_TITLES = {
    "investigation": _("Investigation"),
    "parties": _("1–3. Customer, shareholders and managers, banks"),
    "operations": _("4–5. Operations and finances"),
    "trade": _("6–7. Trade with us and credit record"),
    "public": _("Public records and media (001 客户档案专题 客户档案的内容 2 客户资信调查报告)"),
    "other": _("8. Other matters"),
    "findings": _("Findings (002 第十五–十六条)"),
    "conclusion": _("Conclusion and credit proposal"),
}
FIELD_GROUPS = [(SECTION_TITLES[key], list(names)) for key, names in rules.INVESTIGATION_SECTIONS]
# Free-text findings get a wide text area; the sources a wide row of boxes.
WIDE = {
    name
    for name in rules.INVESTIGATION_FIELDS
    if isinstance(Investigation._meta.get_field(name), models.TextField)
} | {"sources"}


class InvestigationForm(forms.ModelForm):
    sources = forms.MultipleChoiceField(
        label=_("Sources used (002 第九条)"),
        choices=Source.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Investigation
        fields = [name for _legend, names in FIELD_GROUPS for name in names]
        widgets = {
            "investigated_on": forms.DateInput(attrs={"type": "date"}),
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "cooperation_since": forms.DateInput(attrs={"type": "date"}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in WIDE - {"sources"}},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        else:
            self.initial.setdefault("investigated_on", timezone.localdate())

    wide_fields = sorted(WIDE)

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELD_GROUPS]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class YearForm(forms.ModelForm):
    class Meta:
        model = InvestigationYear
        fields = [
            "year",
            "revenue_amount",
            "profit_amount",
            "total_assets_amount",
            "liabilities_amount",
            "equity_amount",
            "cash_flow_amount",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].required = False
        self.fields["year"].widget.attrs["style"] = "width:6em"


def year_formset(data=None, *, investigation=None):
    qs = (
        InvestigationYear.objects.filter(investigation=investigation)
        if investigation
        else InvestigationYear.objects.none()
    )
    existing = qs.count()
    this_year = timezone.localdate().year
    initial = []
    if existing == 0:
        initial = [{"year": this_year - 2}, {"year": this_year - 1}, {}]
    formset = forms.modelformset_factory(
        InvestigationYear, form=YearForm, extra=len(initial) if initial else 1, can_delete=False
    )
    return formset(data, queryset=qs, initial=initial, prefix="years")


def years_data(formset) -> list[dict]:
    rows = []
    for f in formset.forms:
        data = getattr(f, "cleaned_data", None) or {}
        if data.get("year"):
            rows.append({k: v for k, v in data.items() if k not in ("id", "DELETE")})
    return rows


class ReviewForm(forms.Form):
    notes = forms.CharField(
        label=_("Review notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the system found contradictions: say how they were checked."),
    )


class ProposeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade proposed"), choices=(), required=False)
    override_reason = forms.CharField(
        label=_("Reason for overriding the computed grade"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, grades=(), computed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, Grade(g).label) for g in grades]
        self.initial.setdefault("grade", computed)


class SalespersonOpinionForm(forms.Form):
    """002 第十九条: the salesperson in charge agrees with the proposed grade or says why not."""

    agrees = forms.TypedChoiceField(
        label=_("Do you agree with the proposed grade?"),
        choices=[("1", _("Agree")), ("0", _("Do not agree"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("Opinion of the salesperson in charge"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when you do not agree."),
    )
