from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .actions import OBJECT_PAGES, action_choices

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"list": "audit-object-types", "placeholder": "customers.customer"}),
    )
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=_DATE)
    ip = forms.CharField(
        label=_("IP address"),
        required=False,
        max_length=45,
        validators=[RegexValidator(r"^[0-9A-Fa-f.:]+$", _("Enter an IP address or its beginning."))],
    )
    q = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Object, ID, actor or purpose")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()

    @property
    def object_types(self) -> list[str]:
        return sorted({*OBJECT_PAGES, "accounts.user"})

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}

    def active_filters(self) -> dict:
        """The valid, non-empty filters as plain JSON (for the export's audit event)."""
        if not self.is_valid():
            return {}
        return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in self.cleaned_data.items() if v}
