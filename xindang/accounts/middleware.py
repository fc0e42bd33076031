from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .models import User
from .selectors import OTP_SETUP, OTP_VERIFY, otp_step

OTP_PAGES = {OTP_VERIFY: "accounts:otp_verify", OTP_SETUP: "accounts:otp_setup"}


def otp_step_allowed(*steps):
    """Marks a view as reachable while the session still owes the given second-factor steps (the
    code page, the setup page, logging out, the language)."""

    def decorate(view):
        view.otp_steps_allowed = frozenset(steps)
        return view

    return decorate


def has_session(request) -> bool:
    """Whether the request carries a session cookie. Without one its user is anonymous: a session is
    the only way to be logged in (an API key acts for its integration, not as a user), so the user
    need not be loaded (the session, the second factor) to know it."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class UserLanguageMiddleware:
    """Chinese by default; a logged-in user's own choice sticks (User.language); before login the
    language cookie decides. The browser's Accept-Language is deliberately ignored: the product
    speaks Chinese unless someone asks for English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_session(request) and request.user.is_authenticated:
            language = request.user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in User.Language.values:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Every page needs a login (Django's middleware), except the API, which answers 401 itself
    instead of redirecting to the login page.

    The second factor is enforced here too, in this one place: a session whose user has a confirmed
    TOTP device counts as logged in only after the code (django-otp's user.is_verified()); a user
    whose role requires a device and has none is sent to set one up before anything else. Until then
    the API sees no session user (401; API keys are unaffected)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = otp_step(request.user) if has_session(request) else None
        if step is not None:
            if request.path_info.startswith("/api/"):
                request.user = AnonymousUser()
                return None
            if step not in getattr(view_func, "otp_steps_allowed", ()):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(OTP_PAGES[step])}?{query}")
            return None
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# --- What an integration's call skips ---------------------------------------------------------------
API_KEY_HEADER = "HTTP_X_API_KEY"  # X-API-Key (xindang/api/auth.py)


def api_key_request(request) -> bool:
    """An integration's call: a path under /api/ with an X-API-Key header. The key decides who calls
    (xindang/api/auth.py): a wrong or revoked key is refused with 401 on every route, whatever else
    the request carries."""
    return API_KEY_HEADER in request.META and request.path_info.startswith("/api/")


class PagesOnlyMixin:
    """A middleware that serves the pages and a browser's session, passed straight through for an API
    key's request (api_key_request). The session, the login and its second factor, the user's
    language, the idle timeout and the audit of who calls still run for it; only what is for pages
    is skipped."""

    def __call__(self, request):
        if api_key_request(request):
            return self.get_response(request)
        return super().__call__(request)


class PageLocaleMiddleware(PagesOnlyMixin, LocaleMiddleware):
    """Django's LocaleMiddleware (Accept-Language, the Vary header), not for an API key's call: the
    language of every request is set by UserLanguageMiddleware anyway."""


class PageMessageMiddleware(PagesOnlyMixin, MessageMiddleware):
    """Django's messages (the notices shown on the next page), not for an API key's call: no API view
    adds or shows one."""
