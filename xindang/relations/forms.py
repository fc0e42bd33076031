from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import Department

from .models import Complaint, OperationsTrend, Topic, VisitKind, VisitMethod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = [
            "received_on",
            "department",
            "channel",
            "kind",
            "severity",
            "cause",
            "product",
            "content",
            "quality_feedback",
        ]
        widgets = {
            "received_on": DATE,
            "content": forms.Textarea(attrs={"rows": 4}),
            "quality_feedback": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)


class InvestigateForm(forms.Form):
    investigation = forms.CharField(label=_("Investigation"), widget=forms.Textarea(attrs={"rows": 4}))


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("Proposed resolution"), widget=forms.Textarea(attrs={"rows": 4}))
    production_opinion = forms.CharField(
        label=_("Production's opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required where the service's quality is at fault (000 7 5.4.2)."),
    )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback to the customer"), widget=forms.Textarea(attrs={"rows": 3}))
    fed_back_on = forms.DateField(label=_("Fed back on"), widget=DATE)


class CloseForm(forms.Form):
    customer_answer = forms.CharField(label=_("Customer's answer"), widget=forms.Textarea(attrs={"rows": 3}))
    satisfied = forms.NullBooleanField(
        label=_("Customer satisfied with the result"),
        widget=forms.Select(choices=[("unknown", _("Not said")), ("true", _("Yes")), ("false", _("No"))]),
        required=False,
    )
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)


class VisitPlanForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Service agent"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    planned_on = forms.DateField(label=_("Planned on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=VisitMethod.choices)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agents is not None:
            self.fields["agent"].queryset = agents


class VisitRecordForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    needs = forms.CharField(label=_("Customer's needs"), widget=forms.Textarea(attrs={"rows": 3}))
    service_opinions = forms.CharField(
        label=_("Opinions on our service"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    operations = forms.ChoiceField(
        label=_("Customer's operations"), choices=OperationsTrend.choices, required=False
    )
    findings = forms.CharField(
        label=_("Other findings"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitReportForm(forms.Form):
    process = forms.CharField(label=_("Course of the visit"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Result of the visit"), widget=forms.Textarea(attrs={"rows": 3}))
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)


class ReviewForm(forms.Form):
    guidance = forms.CharField(label=_("Supervisor's guidance"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class DevelopmentPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))
    strategy = forms.CharField(
        label=_("Sales strategy"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    scale_max = forms.IntegerField(label=_("Top of the scale"), min_value=2, max_value=10, initial=5)
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One a line: topic code (service, price, company, other), a colon, the question."),
    )

    def clean_questions(self):
        rows = []
        for line in self.cleaned_data["questions"].splitlines():
            if not line.strip():
                continue
            topic, sep, text = line.partition(":")
            if not sep:
                topic, sep, text = line.partition("：")
            topic = topic.strip()
            if not sep or topic not in Topic.values or not text.strip():
                raise forms.ValidationError(
                    _("“%(line)s” is not “topic: question”.") % {"line": line.strip()}
                )
            rows.append((topic, text.strip()))
        return rows


class CampaignForm(forms.Form):
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, **kwargs):
        from .models import Questionnaire

        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.all()


class ImportForm(forms.Form):
    file = forms.FileField(label=_(".xlsx file"))


class ReportForm(forms.Form):
    conclusion = forms.CharField(label=_("Analysis and conclusion"), widget=forms.Textarea(attrs={"rows": 4}))


class ActionForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.filter(is_active=True))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class CloseActionForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))
