from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DigestChoice


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the report's reference, who it went to, what the review found."),
    )


class PreferenceForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Duty e-mails"), choices=DigestChoice.choices, widget=forms.RadioSelect
    )
