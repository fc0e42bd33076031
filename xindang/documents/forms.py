"""Forms of the document screens: they turn text into values; the rules are checked by the services."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import CategoryGroup, DocumentCategory, Level


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label(get_language() or "zh-hans")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def retention_choices(docs_policy, *, with_default: bool) -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    choices = [
        (c.code, (c.label_en or c.label) if english else c.label) for c in docs_policy.retention_classes()
    ]
    if with_default:
        choices.insert(0, ("", _("Default of the category")))
    return choices


class DocumentMetadataForm(forms.Form):
    category = CategoryChoiceField(label=_("Category"), queryset=DocumentCategory.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"), choices=Level.choices, coerce=int, initial=Level.THREE
    )
    retention_class = forms.ChoiceField(label=_("Retention class"), required=False)
    concerns_period = forms.CharField(
        label=_("Period"), max_length=20, required=False, help_text=_("E.g. 2025, 2025-Q3 or 2025-06.")
    )
    concerns_on = forms.DateField(label=_("Concerns the date"), required=False, widget=_date_widget())
    issuer = forms.CharField(label=_("Issuing body"), max_length=100, required=False)
    number = forms.CharField(
        label=_("Number"), max_length=100, required=False, help_text=_("E.g. licence number.")
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=_date_widget())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=_date_widget())
    location = forms.CharField(
        label=_("Location of the original"), max_length=100, required=False, help_text=_("Cabinet / box.")
    )
    electronic_only = forms.BooleanField(
        label=_("Electronic only (no paper original)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"style": "width:auto;margin-right:6px"}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    groups = (
        (_("Document"), ("category", "title", "confidentiality", "retention_class")),
        (
            _("What it concerns"),
            ("concerns_period", "concerns_on", "issuer", "number", "valid_from", "valid_until"),
        ),
        (_("Original and notes"), ("location", "electronic_only", "notes")),
    )

    def __init__(self, *args, docs_policy, categories, retention_default: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["retention_class"].choices = retention_choices(
            docs_policy, with_default=retention_default
        )
        self.fields["retention_class"].required = not retention_default

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("“Valid until” cannot be before “valid from”."))
        return data

    def grouped(self):
        return [
            (legend, [self[name] for name in names if name in self.fields]) for legend, names in self.groups
        ]

    def metadata(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k)
            for k in (
                "concerns_period",
                "concerns_on",
                "issuer",
                "number",
                "valid_from",
                "valid_until",
                "location",
                "electronic_only",
                "notes",
            )
        }


class UploadForm(DocumentMetadataForm):
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    groups = (
        (_("File"), ("file",)),
        *DocumentMetadataForm.groups,
    )


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version"), allow_empty_file=True)


class DocumentFilterForm(forms.Form):
    """The global list's filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    level = forms.ChoiceField(
        label=_("Confidentiality"),
        required=False,
        choices=[("", _("All")), *[(str(v), lbl) for v, lbl in Level.choices]],
    )
    expiry = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[("", _("All")), ("expiring", _("Expiring soon")), ("expired", _("Expired"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = get_language() or "zh-hans"
        options = [("", _("All"))]
        active = list(DocumentCategory.objects.filter(is_active=True))
        for group_value, group_label in CategoryGroup.choices:
            cats = [c for c in active if c.group == group_value]
            if cats:
                options.append((group_label, [(c.code, c.label(lang)) for c in cats]))
        self.fields["category"].choices = options
