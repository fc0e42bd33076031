from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError
from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.selectors import visible_customers

from .. import rules, selectors, services
from ..errors import RelationsError
from ..forms import ActionForm, CampaignForm, CloseActionForm, ImportForm, QuestionnaireForm, ReportForm
from ..models import CampaignStatus, CorrectiveAction, Questionnaire, SurveyCampaign
from ..permissions import RelationsPermission
from ..spreadsheets import read_rows, write_import_template
from .common import form_error


@permission_required(RelationsPermission.VIEW_SURVEY, raise_exception=True)
def surveys(request):
    """Satisfaction survey campaigns (000 6 a) and the questionnaires (6 b)."""
    campaign_form = CampaignForm(
        request.POST or None, initial={"year": timezone.localdate().year}, prefix="campaign"
    )
    if request.method == "POST":
        if not request.user.has_perm(RelationsPermission.MANAGE_SURVEY):
            raise Http404
        if campaign_form.is_valid():
            try:
                campaign = services.open_campaign(
                    by=request.user, request=request, **campaign_form.cleaned_data
                )
                messages.success(request, _("Survey campaign opened."))
                return redirect(campaign.get_absolute_url())
            except DomainError as exc:
                form_error(campaign_form, exc)
    return render(
        request,
        "relations/surveys.html",
        {
            "campaigns": SurveyCampaign.objects.select_related("questionnaire"),
            "questionnaires": Questionnaire.objects.prefetch_related("questions"),
            "can_manage": request.user.has_perm(RelationsPermission.MANAGE_SURVEY),
            "campaign_form": campaign_form,
            "target": selectors.section().satisfaction_target_pct,
        },
    )


@permission_required(RelationsPermission.MANAGE_SURVEY, raise_exception=True)
def questionnaire_edit(request, pk=None):
    questionnaire = get_object_or_404(Questionnaire, pk=pk) if pk else None
    initial = {}
    if questionnaire is not None:
        initial = {
            "name": questionnaire.name,
            "scale_max": questionnaire.scale_max,
            "questions": "\n".join(f"{q.topic}: {q.text}" for q in questionnaire.questions.all()),
        }
    form = QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_questionnaire(
                by=request.user,
                name=form.cleaned_data["name"],
                scale_max=form.cleaned_data["scale_max"],
                questions=form.cleaned_data["questions"],
                questionnaire=questionnaire,
                request=request,
            )
            messages.success(request, _("Questionnaire saved."))
            return redirect("relations:surveys")
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request, "relations/questionnaire_form.html", {"form": form, "questionnaire": questionnaire}
    )


def _campaign(pk) -> SurveyCampaign:
    return get_object_or_404(SurveyCampaign.objects.select_related("questionnaire", "approval"), pk=pk)


@permission_required(RelationsPermission.VIEW_SURVEY, raise_exception=True)
def campaign_detail(request, pk, forms=None, answer_error=None):
    campaign = _campaign(pk)
    forms = forms or {}
    scores = selectors.campaign_scores(campaign)
    sec = selectors.section()
    can_manage = request.user.has_perm(RelationsPermission.MANAGE_SURVEY)
    is_open = campaign.status == CampaignStatus.OPEN
    answered = campaign.responses.values("customer_id")
    return render(
        request,
        "relations/campaign_detail.html",
        {
            "campaign": campaign,
            "scores": scores,
            "questions": list(campaign.questionnaire.questions.all()),
            "scale": range(1, campaign.questionnaire.scale_max + 1),
            "responses": campaign.responses.select_related("customer").prefetch_related("answers")[:200],
            "actions": campaign.actions.select_related("owner"),
            "below": rules.below_target(scores["overall"], sec.satisfaction_target_pct),
            "target": sec.satisfaction_target_pct,
            "can_manage": can_manage and is_open,
            "customers": visible_customers(request.user, scope="relations")
            .exclude(pk__in=answered)
            .order_by("name")[:500]
            if can_manage and is_open
            else [],
            "answer_error": answer_error,
            "import_form": forms.get("import") or ImportForm(),
            "report_form": forms.get("report") or ReportForm(),
            "action_form": forms.get("action") or ActionForm(),
            "close_form": CloseActionForm(),
            "today": timezone.localdate(),
            "user_id": request.user.pk,
        },
    )


@require_POST
@permission_required(RelationsPermission.MANAGE_SURVEY, raise_exception=True)
def campaign_answer(request, pk):
    campaign = _campaign(pk)
    scores = {
        q.pk: request.POST.get(f"q{q.pk}", "").strip() or None for q in campaign.questionnaire.questions.all()
    }
    try:
        services.enter_response(
            by=request.user,
            campaign=campaign,
            customer_id=request.POST.get("customer"),
            scores=scores,
            comment=request.POST.get("comment", ""),
            request=request,
        )
        messages.success(request, _("Answers saved."))
        return redirect(campaign.get_absolute_url())
    except DomainError as exc:
        return campaign_detail(request, pk, answer_error=exc.message)


@require_POST
@permission_required(RelationsPermission.MANAGE_SURVEY, raise_exception=True)
def campaign_import(request, pk):
    campaign = _campaign(pk)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = read_rows(form.cleaned_data["file"], campaign.questionnaire)
            count = services.import_responses(by=request.user, campaign=campaign, rows=rows, request=request)
            messages.success(request, _("%(count)s answers imported.") % {"count": count})
            return redirect(campaign.get_absolute_url())
        except ValueError:
            form.add_error("file", str(RelationsError.IMPORT_FILE.label))
        except DomainError as exc:
            form_error(form, exc)
    return campaign_detail(request, pk, forms={"import": form})


@permission_required(RelationsPermission.MANAGE_SURVEY, raise_exception=True)
def import_template(request, pk):
    campaign = _campaign(pk)
    return FileResponse(
        write_import_template(campaign.questionnaire),
        as_attachment=True,
        filename=f"survey-{campaign.pk}.xlsx",
        content_type=XLSX_TYPE,
    )


@require_POST
@permission_required(RelationsPermission.MANAGE_SURVEY, raise_exception=True)
def campaign_report(request, pk):
    campaign = _campaign(pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.submit_survey_report(
                by=request.user,
                campaign=campaign,
                conclusion=form.cleaned_data["conclusion"],
                request=request,
            )
            messages.success(request, _("Report sent to the general manager for approval."))
            return redirect(campaign.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return campaign_detail(request, pk, forms={"report": form})


@require_POST
@permission_required(RelationsPermission.MANAGE_SURVEY, raise_exception=True)
def action_create(request, pk):
    campaign = _campaign(pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.raise_action(by=request.user, campaign=campaign, request=request, **form.cleaned_data)
            messages.success(request, _("Corrective action raised."))
            return redirect(campaign.get_absolute_url() + "#actions")
        except DomainError as exc:
            form_error(form, exc)
    return campaign_detail(request, pk, forms={"action": form})


@require_POST
def action_close(request, pk):
    action = get_object_or_404(CorrectiveAction.objects.select_related("campaign"), pk=pk)
    form = CloseActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the outcome of the action."))
    else:
        try:
            services.close_action(
                by=request.user, action=action, outcome=form.cleaned_data["outcome"], request=request
            )
            messages.success(request, _("Corrective action closed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(action.campaign.get_absolute_url() + "#actions")
