from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LookupForm(forms.Form):
    """The lookup request form (查阅申请单): the documents to read or the whole file, the purpose, the
    period (借阅时间 / 归还日期)."""

    whole_file = forms.BooleanField(label=_("The whole file"), required=False)
    documents = forms.MultipleChoiceField(
        label=_("Documents"), required=False, widget=forms.CheckboxSelectMultiple
    )
    rights = forms.MultipleChoiceField(
        label=_("Rights asked"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("download", _("download a copy")), ("print", _("print")), ("export", _("export"))],
        help_text=_("Viewing on screen is always asked; each other use is a separate right."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,  # checked by the service (custody.no_purpose), reported next to the field
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text=_("What the file is needed for (查阅用途); printed on the form and kept with every read."),
    )
    starts_on = forms.DateField(
        label=_("Lookup from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Return by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [
            (str(d.pk), f"{d.title} · {d.category} · L{d.confidentiality}") for d in documents
        ]
        today = timezone.localdate()
        self.fields["rights"].initial = ["download"]
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + timedelta(days=7)
