from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Reason


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        dept = f" · {obj.department}" if obj.department_id else ""
        return f"{obj}{dept}"


class HandoverForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Reason.choices, initial=Reason.DEPARTURE, widget=forms.RadioSelect
    )
    successor = UserChoice(
        label=_("Successor"),
        queryset=selectors.successor_choices(),
        required=False,
        help_text=_("Takes everything not handed to someone else below."),
    )
    manager = UserChoice(label=_("Manager who signs"), queryset=selectors.successor_choices(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
