"""Lifecycle forms: field formats and the obvious cross-field checks, so the user sees every error at
once; the services enforce the rules again."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.documents.models import Document

from .errors import LifecycleError
from .models import IncidentKind, ReturnCondition, TransferStage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.category} · {obj.title}"


def _active_users():
    return User.objects.filter(is_active=True).order_by("username")


class LoanForm(forms.Form):
    """The borrowing slip (借阅单) as the archivist copies it in."""

    borrower = forms.ModelChoiceField(label=_("Borrower"), queryset=User.objects.none())
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    whole_file = forms.BooleanField(label=_("Lend the whole customer file"), required=False)
    documents = DocumentChoiceField(
        label=_("Documents lent"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lent_on = forms.DateField(label=_("Lent on"), widget=DATE)
    due_on = forms.DateField(label=_("Due back on"), widget=DATE)
    slip_no = forms.CharField(label=_("Slip number"), max_length=40, required=False)
    slip_signed_by = forms.ModelChoiceField(
        label=_("Slip signed by (office director)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Required for a file in the archive room (seed 000 4.5)."),
    )

    def __init__(self, *args, customer, out_ids=(), default_days=14, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["borrower"].queryset = _active_users()
        self.fields["slip_signed_by"].queryset = (
            _active_users()
            .filter(groups__name__in=[Role.OFFICE_DIRECTOR.value, Role.GENERAL_MANAGER.value])
            .distinct()
        )
        self.fields["documents"].queryset = (
            Document.objects.filter(customer=customer, electronic_only=False)
            .exclude(pk__in=[i for i in out_ids if i])
            .select_related("category")
            .order_by("category__sort_order", "title")
        )
        self.fields["lent_on"].initial = today
        self.fields["due_on"].initial = today + timedelta(days=default_days)

    def clean(self):
        data = super().clean()
        lent_on, due_on = data.get("lent_on"), data.get("due_on")
        if lent_on and due_on and due_on < lent_on:
            self.add_error("due_on", LifecycleError.DUE_BEFORE_LENT.label)
        if not data.get("whole_file") and not data.get("documents"):
            self.add_error("documents", LifecycleError.NOTHING_TO_LEND.label)
        return data


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DATE)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=ReturnCondition.choices, initial=ReturnCondition.INTACT
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()


class LossReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    document = forms.ModelChoiceField(label=_("Document"), queryset=Document.objects.none(), required=False)
    occurred_on = forms.DateField(label=_("Occurred on"), widget=DATE)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, loan, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [i for i in loan.items.values_list("document_id", flat=True) if i]
        qs = Document.objects.filter(customer=loan.customer)
        self.fields["document"].queryset = qs if loan.whole_file else qs.filter(pk__in=ids)
        self.fields["occurred_on"].initial = timezone.localdate()


class TransferActForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    stage = forms.ChoiceField(
        label=_("Handed to"),
        choices=[(s, label) for s, label in TransferStage.choices if s != TransferStage.PROPOSED],
    )
    acted_on = forms.DateField(label=_("Date"), widget=DATE)
    handed_by = forms.ModelChoiceField(
        label=_("Handed over by"), queryset=User.objects.none(), required=False
    )
    missing_documents = DocumentChoiceField(
        label=_("Documents missing (not handed over)"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    missing_note = forms.CharField(label=_("Note on what was missing"), max_length=500, required=False)

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handed_by"].queryset = _active_users()
        self.fields["acted_on"].initial = timezone.localdate()
        if customer is not None:
            self.fields["missing_documents"].queryset = Document.objects.filter(
                customer=customer
            ).select_related("category")
