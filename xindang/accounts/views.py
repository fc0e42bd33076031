from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError

from . import selectors, services
from .forms import ClearanceForm, LoginForm, OtpCodeForm
from .middleware import otp_step_allowed
from .models import User
from .permissions import duties_combined, may_grant_roles
from .roles import Role
from .selectors import OTP_SETUP, OTP_VERIFY


def _safe_next(request, fallback="/"):
    nxt = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return fallback


@login_not_required
def login_view(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_in(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(_safe_next(request))
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _safe_next(request, ""), "timeout": request.GET.get("timeout")},
        status=status,
    )


@require_POST
@login_not_required
@otp_step_allowed(OTP_VERIFY, OTP_SETUP)
def logout_view(request):
    services.log_out(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
@login_not_required
@otp_step_allowed(OTP_VERIFY, OTP_SETUP)
def set_language_view(request):
    language = request.POST.get("language", "")
    if language not in User.Language.values:
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=language, request=request)
    response = redirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


# --- Second factor (TOTP) -------------------------------------------------------------------------
@otp_step_allowed(OTP_VERIFY)
def otp_verify_view(request):
    """The second step of a login: the code of the user's authenticator app."""
    if selectors.otp_step(request.user) != OTP_VERIFY:
        return redirect(_safe_next(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_otp(request=request, token=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _safe_next(request, ""), "otp_pending": True},
        status=400 if form.errors else 200,
    )


@otp_step_allowed(OTP_SETUP)
def otp_setup_view(request):
    """Two-factor authentication: start (a new secret), confirm with a code, or remove with a code."""
    user = request.user
    required = selectors.otp_required(user)
    pending_step = selectors.otp_step(user) == OTP_SETUP
    action = request.POST.get("action", "")
    form = OtpCodeForm(request.POST if action in ("confirm", "remove") else None)
    if request.method == "POST":
        try:
            if action == "start":
                services.start_otp_setup(user=user, request=request)
                return redirect(request.get_full_path())
            if action in ("confirm", "remove") and form.is_valid():
                if action == "confirm":
                    services.confirm_otp_setup(request=request, token=form.cleaned_data["code"])
                    messages.success(request, _("Two-factor authentication is set up."))
                    return redirect(_safe_next(request) if pending_step else request.path)
                services.remove_otp(request=request, token=form.cleaned_data["code"])
                messages.success(request, _("Two-factor authentication is removed."))
                return redirect(request.path)
        except DomainError as exc:
            form.add_error("code" if action != "start" else None, exc.message)
    device = selectors.otp_device(user)
    pending = None if device else selectors.pending_otp_device(user)
    context = {
        "form": form,
        "device": device,
        "pending": pending,
        "required": required,
        "otp_pending": pending_step,
        "next": _safe_next(request, ""),
        "action": action,
    }
    if pending is not None:
        context["secret"] = b32encode(pending.bin_key).decode()
        context["otpauth_uri"] = pending.config_url
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


# --- Clearances: the security officer grants and revokes roles (三员分立, GB/T 39784) ---------------
def _grantor_required(request):
    if not may_grant_roles(request.user):
        raise PermissionDenied


def clearance_list(request):
    _grantor_required(request)
    users = User.objects.select_related("department").prefetch_related("groups").order_by("username")
    q = (request.GET.get("q") or "").strip()[:60]
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    role = request.GET.get("role") or ""
    if role in Role.values:
        users = users.filter(groups__name=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/clearance_list.html",
        {"page": page, "q": q, "role": role, "roles": Role.choices, "combined": duties_combined()},
    )


def clearance_detail(request, pk):
    _grantor_required(request)
    target = get_object_or_404(User.objects.select_related("department"), pk=pk)
    action = request.POST.get("action", "")
    form = ClearanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        change = services.grant_role if action == "grant" else services.revoke_role
        try:
            change(
                user=target,
                role=form.cleaned_data["role"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The clearance is changed."))
            return redirect("accounts:clearance_detail", pk=target.pk)
    held = set(target.groups.values_list("name", flat=True))
    context = {
        "target": target,
        "form": form,
        "held": [(code, label) for code, label in Role.choices if code in held],
        "grantable": [(code, label) for code, label in Role.choices if code not in held],
        "itself": target.pk == request.user.pk,
        "combined": duties_combined(),
    }
    return render(request, "accounts/clearance_detail.html", context, status=400 if form.errors else 200)
