"""Forms of the policy screens. A section's form is generated from its pydantic model: the form only
turns text into values; the limits are checked once, by pydantic inside the service, and its errors
are put next to the fields in the user's language."""

import enum
import types
from datetime import date
from decimal import Decimal
from typing import Literal, Union, get_args, get_origin

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic.fields import FieldInfo

from .sections import SectionInfo

# pydantic error type → message; %(…)s are filled from the error's ctx.
PYDANTIC_MESSAGES = {
    "missing": _("This field is required."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "greater_than": _("Must be greater than %(gt)s."),
    "less_than": _("Must be less than %(lt)s."),
    "multiple_of": _("Must be a multiple of %(multiple_of)s."),
    "string_too_long": _("At most %(max_length)s characters."),
    "string_too_short": _("At least %(min_length)s characters."),
    "too_long": _("At most %(max_length)s items."),
    "too_short": _("At least %(min_length)s items."),
    "string_pattern_mismatch": _("Does not have the expected form."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "float_type": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "bool_parsing": _("Enter yes or no."),
    "bool_type": _("Enter yes or no."),
    "date_parsing": _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
    "literal_error": _("Choose one of: %(expected)s."),
    "enum": _("Choose one of: %(expected)s."),
    "extra_forbidden": _("Unknown setting."),
    "value_error": _("Invalid value: %(error)s"),
}


def pydantic_error_message(error: dict) -> str:
    """A translated message for one entry of ValidationError.errors(); pydantic's own as a fallback."""
    template = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return str(template) % context
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", template))


def apply_pydantic_errors(form: forms.Form, errors: list[dict]) -> None:
    """Put each pydantic error next to its field (or at the top when it concerns no single field)."""
    for error in errors:
        loc = error.get("loc") or ()
        field = loc[0] if loc and loc[0] in form.fields else None
        form.add_error(field, pydantic_error_message(error))


def _unwrap_optional(annotation):
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _limits(info: FieldInfo) -> dict:
    """HTML hints (min/max/maxlength) from the pydantic constraints; not validated by the form."""
    attrs = {}
    for meta in info.metadata:
        for name, attr in (("ge", "min"), ("le", "max"), ("max_length", "maxlength")):
            value = getattr(meta, name, None)
            if value is not None:
                attrs[attr] = value
    return attrs


def _choice_field(values: list, labels: list, required: bool, **common) -> forms.TypedChoiceField:
    by_text = {str(v): v for v in values}
    return forms.TypedChoiceField(
        choices=[(str(v), label) for v, label in zip(values, labels, strict=True)],
        coerce=lambda text: by_text.get(text, text),
        required=required,
        **common,
    )


def form_field(info: FieldInfo, label, help_text) -> forms.Field:
    """A Django form field for one pydantic field: bool/int/float/Decimal/str/date, Literal and Enum
    as a choice; anything else (lists, nested models) as JSON text."""
    annotation, optional = _unwrap_optional(info.annotation)
    common = {"label": label, "help_text": help_text}
    attrs = _limits(info)
    if annotation is bool:
        return forms.BooleanField(required=False, **common)
    if annotation is int:
        return forms.IntegerField(required=not optional, widget=forms.NumberInput(attrs=attrs), **common)
    if annotation is float:
        return forms.FloatField(
            required=not optional, widget=forms.NumberInput(attrs={**attrs, "step": "any"}), **common
        )
    if annotation is Decimal:
        return forms.DecimalField(
            required=not optional, widget=forms.NumberInput(attrs={**attrs, "step": "any"}), **common
        )
    if annotation is str:
        return forms.CharField(required=False, widget=forms.TextInput(attrs=attrs), **common)
    if annotation is date:
        return forms.DateField(
            required=not optional, widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    if get_origin(annotation) is Literal:
        values = list(get_args(annotation))
        return _choice_field(values, [str(v) for v in values], not optional, **common)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        return _choice_field(
            [m.value for m in members],
            [getattr(m, "label", m.value) for m in members],
            not optional,
            **common,
        )
    # Not required at the form: an empty list or object ("[]", "{}") is a valid value that Django's
    # JSONField would refuse as "required"; pydantic decides what is acceptable.
    return forms.JSONField(required=False, widget=forms.Textarea(attrs={"rows": 3}), **common)


def section_form(section: SectionInfo, *, data=None, initial=None) -> forms.Form:
    """The form for one section, prefixed with its name (several sections share a page)."""
    fields = {}
    for name, info in section.model.model_fields.items():
        label, help_text = section.labels.get(name, (name, info.description or ""))
        fields[name] = form_field(info, label, help_text)
    form_class = type(f"{section.model.__name__}Form", (forms.Form,), fields)
    return form_class(data=data, initial=initial, prefix=section.name)


class NewDraftForm(forms.Form):
    comment = forms.CharField(label=_("Reason for change"), required=False, max_length=500)


class PutInForceForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    skip_reason = forms.CharField(
        label=_("Reason to put it in force without the back-test"),
        help_text=_("Only when the back-test of this draft has not been run; recorded in the audit log."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm: this version applies from now on and replaces the one in force.")
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.TextInput())
    confirm = forms.BooleanField(label=_("I confirm: discard this draft."))


class InForceOnForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class CompareForm(forms.Form):
    against = forms.TypedChoiceField(label=_("Compare with"), coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].choices = [(v.pk, str(v)) for v in versions]
