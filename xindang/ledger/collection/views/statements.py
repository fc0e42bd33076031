"""Balance confirmations (对帐, 002 第三十五条 定期对帐): the customer section (statements and the form
to issue one), a statement's page (the customer's answer, the resolution of a difference), its PDF
and .xlsx. Thin: capability → access helper → one service → message/redirect."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError
from xindang.core.xlsx import XLSX_TYPE
from xindang.policy.selectors import current_policy

from .. import services, statements
from ..models import StatementStatus
from ..pdf import statement_pdf as render_pdf
from ..permissions import CollectionPermission, get_customer_for_request
from ..spreadsheets import statement_xlsx

STATUS_CLASSES = {
    StatementStatus.SENT: "warn",
    StatementStatus.CONFIRMED: "active",
    StatementStatus.DISPUTED: "bad",
    StatementStatus.RESOLVED: "past",
}


def statements_section(request, pk):
    customer = get_customer_for_request(request, pk)
    allowed = request.user.has_perm(CollectionPermission.VIEW_STATEMENT)
    rows = list(statements.customer_statements(request.user, customer)[:24]) if allowed else []
    for s in rows:
        s.css = STATUS_CLASSES.get(s.status, "")
    return render(
        request,
        "collection/_statements_section.html",
        {
            "customer": customer,
            "allowed": allowed,
            "statements": rows,
            "today": timezone.localdate(),
            "can_issue": request.user.has_perm(CollectionPermission.ADD_STATEMENT),
        },
    )


def _error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


@require_POST
@permission_required(CollectionPermission.ADD_STATEMENT, raise_exception=True)
def statement_issue(request, pk):
    customer = get_customer_for_request(request, pk)
    try:
        as_of = date.fromisoformat((request.POST.get("as_of") or "").strip())
    except ValueError:
        messages.error(request, _("Enter the statement's date as YYYY-MM-DD."))
        return redirect(customer.get_absolute_url() + "#statements")
    try:
        statement = services.issue_statement(customer=customer, as_of=as_of, by=request.user, request=request)
    except DomainError as exc:
        _error(request, exc)
        return redirect(customer.get_absolute_url() + "#statements")
    messages.success(request, _("Balance statement issued."))
    return redirect(statement.get_absolute_url())


@permission_required(CollectionPermission.VIEW_STATEMENT, raise_exception=True)
def statement_detail(request, pk):
    statement = statements.get_statement_for_user(request.user, pk)
    values = {}
    if request.method == "POST":
        action = request.POST.get("action")
        values = request.POST
        try:
            if action == "reply":
                services.record_reply(
                    statement=statement,
                    by=request.user,
                    stated_balance=request.POST.get("stated_balance"),
                    note=request.POST.get("note", ""),
                    request=request,
                )
                messages.success(request, _("The customer's answer is recorded."))
            elif action == "resolve":
                services.resolve_statement(
                    statement=statement,
                    by=request.user,
                    resolution=request.POST.get("resolution", ""),
                    request=request,
                )
                messages.success(request, _("The difference is resolved."))
            return redirect(statement.get_absolute_url())
        except DomainError as exc:
            _error(request, exc)
    user = request.user
    return render(
        request,
        "collection/statement.html",
        {
            "statement": statement,
            "customer": statement.customer,
            "css": STATUS_CLASSES.get(statement.status, ""),
            "values": values,
            "can_reply": statement.status == StatementStatus.SENT
            and user.has_perm(CollectionPermission.ADD_STATEMENT),
            "can_resolve": statement.status == StatementStatus.DISPUTED
            and user.has_perm(CollectionPermission.RESOLVE_STATEMENT),
            "reply_days": current_policy().collection.statement_reply_days,
        },
    )


@permission_required(CollectionPermission.VIEW_STATEMENT, raise_exception=True)
def statement_pdf(request, pk):
    statement = statements.get_statement_for_user(request.user, pk)
    content = render_pdf(statement, company=current_policy().core.company_name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{statement.pk}.pdf"'
    return response


@permission_required(CollectionPermission.VIEW_STATEMENT, raise_exception=True)
def statement_export(request, pk):
    statement = statements.get_statement_for_user(request.user, pk)
    out = statement_xlsx(statement)
    response = HttpResponse(out.read(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="statement-{statement.pk}.xlsx"'
    return response
