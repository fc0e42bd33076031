"""Document screens: the file page's documents section, the global list, upload, document page with its
versions, preview, downloads, and the integrity checks. Thin: capability (permission_required) →
access helper (file visibility, then level clearance) → form → one service → message / redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from xindang.audit.purposes import purpose_required, stated_purpose
from xindang.core.errors import DomainError, form_error
from xindang.customers.permissions import get_customer_for_user

from . import rules, selectors, services
from .errors import DocumentError
from .fixity import run_fixity_check
from .forms import DocumentFilterForm, DocumentMetadataForm, UploadForm, VersionForm
from .grants import may_use, read_context
from .models import DocumentCategory, FixityRun
from .permissions import DocumentPermission

PAGE_SIZE = 50


def _document_for(request, pk, *, action: str):
    """The document if the user sees its file (404 otherwise, audited by customers) and is cleared for
    its level (403 otherwise, audited as document.download_denied)."""
    document = selectors.get_document(pk)
    if document is None:
        raise Http404
    get_customer_for_user(request.user, document.customer_id, request=request, scope="documents")
    if not selectors.can_read(request.user, document):
        services.record_denied(by=request.user, document=document, action=action, request=request)
        raise PermissionDenied
    return document


def _check_use(request, document, use: str) -> None:
    """Viewing, downloading, printing and exporting are separate rights (documents.grants.may_use):
    a refused use answers 403 and is recorded as document.download_denied naming it."""
    if not may_use(request.user, document, use):
        services.record_denied(by=request.user, document=document, action=f"use_{use}", request=request)
        raise PermissionDenied


def _version_for(request, pk, *, action: str):
    version = selectors.get_version(pk)
    if version is None:
        raise Http404
    version.document = _document_for(request, version.document_id, action=action)
    return version


# --- The file page's section and the list -----------------------------------------------------------
@permission_required(DocumentPermission.VIEW, raise_exception=True)
def customer_section(request, customer_pk):
    """HTML fragment loaded by the customer file page (htmx); its root is an <h2> and the content. A
    reader under a lookup request for chosen documents sees those documents only."""
    customer = get_customer_for_user(request.user, customer_pk, request=request, scope="documents")
    section = selectors.customer_section(request.user, customer)
    return render(
        request,
        "documents/_customer_section.html",
        {
            "customer": customer,
            **section,
            "can_add": request.user.has_perm(DocumentPermission.ADD),
            "EXPIRED": rules.EXPIRED,
            "EXPIRING": rules.EXPIRING,
        },
    )


@permission_required(DocumentPermission.VIEW, raise_exception=True)
def document_list(request):
    form = DocumentFilterForm(request.GET or None)
    params = request.GET
    policy = selectors.current_policy()
    qs = selectors.document_list(request.user, params, policy=policy)
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    today = timezone.localdate()
    days = selectors.documents_policy(policy).expiry_reminder_days
    for doc in page.object_list:
        doc.expiry = rules.expiry_status(doc.valid_until, today, days)
    return render(
        request,
        "documents/list.html",
        {
            "page": page,
            "form": form,
            "params": params,
            # an empty list says "none yet" unless a filter narrowed it
            "filtered": any(params.get(k) for k in ("q", "category", "level", "expiry", "customer")),
            "EXPIRED": rules.EXPIRED,
            "EXPIRING": rules.EXPIRING,
        },
    )


# --- Filing -----------------------------------------------------------------------------------------
@permission_required(DocumentPermission.ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def upload(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    docs_policy = selectors.documents_policy()
    categories = selectors.active_categories()
    initial = {}
    code = request.GET.get("category")
    if code:
        initial["category"] = categories.filter(code=code).first()
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        docs_policy=docs_policy,
        categories=categories,
        initial=initial,
    )
    duplicate = None
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            document = services.upload_document(
                by=request.user,
                customer=customer,
                category=d["category"],
                uploaded_file=d["file"],
                title=d["title"],
                confidentiality=d["confidentiality"],
                retention_class=d["retention_class"] or None,
                request=request,
                **form.metadata(),
            )
        except DomainError as exc:
            form_error(form, exc)
            duplicate = exc.params.get("document_id")
            if exc.code == DocumentError.STORAGE_FULL:
                status = 507  # Insufficient Storage: the form again, with the message
        else:
            messages.success(request, _("Document filed: %(title)s") % {"title": document.title})
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/upload.html",
        {
            "customer": customer,
            "form": form,
            "duplicate_id": duplicate,
            "limit_mb": selectors.current_policy().core.upload_limit_mb,
        },
        status=status,
    )


@permission_required(DocumentPermission.VIEW, raise_exception=True)
def detail(request, pk):
    document = _document_for(request, pk, action="view")
    _check_use(request, document, "view")
    services.record_view(by=request.user, document=document, request=request)
    cls, clock = selectors.retention_of(document)
    days = selectors.documents_policy().expiry_reminder_days
    versions = list(selectors.versions_of(document))
    for v in versions:
        v.previewable = rules.is_previewable(v.mime_type)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "customer": document.customer,
            "versions": versions,
            "retention": cls,
            "clock": clock,
            "expiry": rules.expiry_status(document.valid_until, timezone.localdate(), days),
            "version_form": VersionForm(),
            "can_change": request.user.has_perm(DocumentPermission.CHANGE),
            "watermarked": document.confidentiality in selectors.documents_policy().watermark_levels,
            "can_download": may_use(request.user, document, "download"),
            "can_print": may_use(request.user, document, "print"),
            "EXPIRED": rules.EXPIRED,
            "EXPIRING": rules.EXPIRING,
        },
    )


@permission_required(DocumentPermission.CHANGE, raise_exception=True)
@require_POST
def add_version(request, pk):
    document = _document_for(request, pk, action="add_version")
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.add_version(
                by=request.user, document=document, uploaded_file=form.cleaned_data["file"], request=request
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Version %(n)s uploaded.") % {"n": version.number})
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(document.get_absolute_url())


@permission_required(DocumentPermission.CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    document = _document_for(request, pk, action="edit")
    docs_policy = selectors.documents_policy()
    categories = DocumentCategory.objects.filter(is_active=True) | DocumentCategory.objects.filter(
        pk=document.category_id
    )
    initial = {f: getattr(document, f) for f in services.EDITABLE_FIELDS if f != "clock_started_on"}
    form = DocumentMetadataForm(
        request.POST or None,
        docs_policy=docs_policy,
        categories=categories.distinct(),
        retention_default=False,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_document(
                by=request.user,
                document=document,
                request=request,
                title=d["title"],
                category=d["category"],
                confidentiality=d["confidentiality"],
                retention_class=d["retention_class"],
                **form.metadata(),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Document saved."))
            return redirect(document.get_absolute_url())
    return render(request, "documents/edit.html", {"document": document, "form": form})


# --- Reading: preview and download (audited, verified, watermarked where the level asks) ----------
def _ask_purpose(request, version):
    """Outside a lookup request, a download states its purpose first where the policy asks for it
    (seed 003 篇一 二.4); None when no question is needed."""
    if stated_purpose(request.GET) or not purpose_required(request.user, "document.download"):
        return None
    if read_context(request.user, version.document):  # under a lookup request: its purpose applies
        return None
    return render(
        request,
        "purpose_form.html",
        {
            "what": _("Download “%(title)s” (version %(n)s).")
            % {"title": version.document.title, "n": version.number},
            "keep": [],
            "missing": "purpose" in request.GET,
            "back": version.document.get_absolute_url(),
        },
    )


def _serve(request, version, *, inline: bool, use: str | None = None):
    try:
        copy = services.read_version(
            by=request.user,
            version=version,
            inline=inline,
            purpose=stated_purpose(request.GET),
            request=request,
            use=use,
        )
    except DomainError as exc:
        if exc.code == DocumentError.NOT_ALLOWED:
            raise PermissionDenied from exc
        if exc.code == DocumentError.USE_NOT_GRANTED:
            return render(
                request,
                "documents/unavailable.html",
                {"document": version.document, "error": exc},
                status=403,
            )
        if exc.code == DocumentError.ORIGINAL_NEEDS_REQUEST:
            return render(
                request,
                "documents/unavailable.html",
                {"document": version.document, "error": exc},
                status=403,
            )
        status = 409 if exc.code in (DocumentError.ALTERED, DocumentError.MISSING) else 422
        if exc.code == DocumentError.ERASED:  # destroyed on purpose after an approved disposal
            status = 410
        return render(
            request, "documents/unavailable.html", {"document": version.document, "error": exc}, status=status
        )
    if copy.content is not None:
        response = HttpResponse(copy.content, content_type=version.mime_type)
        response.headers["Content-Disposition"] = content_disposition_header(
            not inline, version.original_name
        )
    else:
        response = FileResponse(
            copy.stream,
            as_attachment=not inline,
            filename=version.original_name,
            content_type=version.mime_type,
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@permission_required(DocumentPermission.VIEW, raise_exception=True)
def download(request, pk):
    version = _version_for(request, pk, action="download")
    if version.erased_at is not None:  # destroyed: 410, whatever the purpose
        return _serve(request, version, inline=False)
    asked = _ask_purpose(request, version)
    if asked is not None:
        return asked
    return _serve(request, version, inline=False)


@permission_required(DocumentPermission.VIEW, raise_exception=True)
def print_copy(request, pk):
    """The copy to print (watermarked where the level asks), shown in the browser to print: a use of
    its own (document.print), refused to a lookup reader whose request does not grant printing."""
    version = _version_for(request, pk, action="print")
    if version.erased_at is None and not rules.is_previewable(version.mime_type):
        raise Http404
    return _serve(request, version, inline=True, use="print")


@permission_required(DocumentPermission.VIEW, raise_exception=True)
@xframe_options_sameorigin
def inline(request, pk):
    version = _version_for(request, pk, action="preview")
    if not rules.is_previewable(version.mime_type):
        raise Http404
    return _serve(request, version, inline=True)


@permission_required(DocumentPermission.VIEW, raise_exception=True)
def preview(request, pk):
    version = _version_for(request, pk, action="preview")
    _check_use(request, version.document, "view")
    if not rules.is_previewable(version.mime_type):
        return redirect(reverse("documents:download", args=[version.pk]))
    return render(
        request,
        "documents/preview.html",
        {"version": version, "document": version.document, "is_pdf": version.mime_type == "application/pdf"},
    )


# --- Integrity checks -------------------------------------------------------------------------------
@permission_required(DocumentPermission.VIEW_FIXITY, raise_exception=True)
def fixity(request):
    runs = Paginator(selectors.fixity_runs(), 20).get_page(request.GET.get("page"))
    last = selectors.last_fixity_run()
    findings = list(last.findings.select_related("version", "version__document")[:500]) if last else []
    return render(
        request,
        "documents/fixity.html",
        {
            "last": last,
            "last_recorded": selectors.fixity_run_recorded(last) if last and last.finished_at else None,
            "findings": findings,
            "runs": runs,
            "can_run": request.user.has_perm(DocumentPermission.RUN_FIXITY),
        },
    )


@permission_required(DocumentPermission.RUN_FIXITY, raise_exception=True)
@require_POST
def fixity_run(request):
    run = run_fixity_check(by=request.user, trigger=FixityRun.Trigger.SCREEN, request=request)
    if run.findings_count:
        messages.error(
            request, _("Integrity check finished with %(n)s findings.") % {"n": run.findings_count}
        )
    else:
        messages.success(
            request, _("Integrity check finished: all %(n)s versions intact.") % {"n": run.versions_checked}
        )
    return redirect("documents:fixity")
