from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Decision, HoldKind


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HoldKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The dispute, case number or inspection that keeps the file."),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until lifted."),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Only these documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the whole file."),
    )

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = lambda d: f"{d.category} · {d.title}"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AppraisalForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    keep_until = forms.DateField(
        label=_("Keep until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For “Keep”: the new date until which the document is kept."),
    )


class DisposalRequestForm(forms.Form):
    documents = forms.MultipleChoiceField(
        label=_("Documents"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why these documents are destroyed (for the register)."),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [
            (str(r.document.pk), f"{r.document.customer.name} · {r.document.title}") for r in candidates
        ]


class WitnessForm(forms.Form):
    remark = forms.CharField(label=_("Remark"), max_length=200, required=False)
