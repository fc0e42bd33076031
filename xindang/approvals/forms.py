from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApprovalStatus
from .registry import kind_choices
from .selectors import TABS, ApprovalFilters


class FilterForm(forms.Form):
    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ApprovalStatus.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Requested from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.CharField(required=False, max_length=20)
    date_to = forms.DateField(
        label=_("Requested until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *kind_choices()]

    def filters(self, default_tab: str) -> ApprovalFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ApprovalFilters(
            tab=data.get("tab") or default_tab,
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            q=data.get("q") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=data.get("sort") or "",
        )


class DecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("reject", _("Reject")), ("return", _("Return for changes"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    position = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject or return."),
    )
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the warnings above and approve nevertheless"), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("What was changed"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
