from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError

from . import services
from .forms import LoginForm
from .models import User


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
def logout_view(request):
    services.log_out(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
@login_not_required
def set_language_view(request):
    language = request.POST.get("language", "")
    if language not in User.Language.values:
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=language, request=request)
    response = redirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
