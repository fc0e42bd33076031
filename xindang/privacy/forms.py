"""Forms of the personal-data screens. Field format only; the rules are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.customers.choices import CollectionBasis, IdKind

from .models import RequestKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what a date input shows


class PersonalDataForm(forms.Form):
    collection_purpose = forms.CharField(label=_("purpose of collection"), max_length=200)
    collection_basis = forms.ChoiceField(label=_("basis of collection"), choices=CollectionBasis.choices)
    consent_on = forms.DateField(label=_("consent given on"), required=False, widget=DATE)
    id_kind = forms.ChoiceField(
        label=_("identity document"), choices=[("", "—"), *IdKind.choices], required=False
    )
    id_number = forms.CharField(
        label=_("identity document number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to keep the recorded number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    clear_id_number = forms.BooleanField(label=_("remove the recorded number"), required=False)

    def id_number_value(self) -> str | None:
        if self.cleaned_data.get("clear_id_number"):
            return ""
        return self.cleaned_data.get("id_number") or None


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("request"), choices=RequestKind.choices)
    received_on = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)
    details = forms.CharField(
        label=_("what the person asks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefuseForm(forms.Form):
    refusal = forms.CharField(label=_("reason for refusal"), widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    recipient = forms.CharField(label=_("outside party"), max_length=200)
    purpose = forms.CharField(label=_("purpose of sharing"), max_length=300)
    consent_on = forms.DateField(label=_("consent given on"), widget=DATE)
    agreement_no = forms.CharField(label=_("agreement number"), max_length=60)
    agreement_on = forms.DateField(label=_("agreement signed on"), widget=DATE)
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=DATE)


class ShareForm(forms.Form):
    consent = forms.ModelChoiceField(label=_("consent to share"), queryset=None, required=False)

    def __init__(self, *args, consents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = consents


FIELD_LABELS = {
    "name": _("name"),
    "phone": _("phone"),
    "mobile": _("mobile"),
    "email": _("email"),
    "notes": _("notes"),
    "age": _("age"),
    "id_kind": _("identity document"),
    "id_number": _("identity document number"),
}


def correction_form_class(fields: tuple[str, ...]):
    """A form with the correctable fields of one kind of person, plus the required reason."""
    attrs = {}
    for name in fields:
        if name == "age":
            attrs[name] = forms.IntegerField(
                label=FIELD_LABELS[name], required=False, min_value=16, max_value=100
            )
        elif name == "id_kind":
            attrs[name] = forms.ChoiceField(
                label=FIELD_LABELS[name], choices=[("", "—"), *IdKind.choices], required=False
            )
        elif name == "email":
            attrs[name] = forms.EmailField(label=FIELD_LABELS[name], required=False)
        elif name == "id_number":
            attrs[name] = forms.CharField(
                label=FIELD_LABELS[name],
                required=False,
                max_length=40,
                help_text=_("Leave empty to keep the recorded number."),
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
        else:
            attrs[name] = forms.CharField(label=FIELD_LABELS[name], required=name == "name", max_length=300)
    # Not required here: the service refuses a correction without a reason (privacy.reason_required).
    attrs["reason"] = forms.CharField(
        label=_("reason for the correction"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    return type("CorrectionForm", (forms.Form,), attrs)
