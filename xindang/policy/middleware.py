import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import current_policy

SESSION_KEY = "xd_last_seen"
# Requests a page makes by itself (the top bar's to-do badge): they do not count as activity, and
# they must not write the session — a late answer would otherwise set a session cookie again after
# the user logged out or another user logged in.
PASSIVE_PATHS = ("/todo-badge/",)
# Activity is written to the session at most once a minute: every page would otherwise save the
# session (an UPDATE and its savepoint, three statements); the idle timeout is counted in minutes.
RECORD_EVERY_SECONDS = 60


class SessionTimeoutMiddleware:
    """Logs an idle user out after policy.core.session_timeout_minutes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES  # without a session, nobody is logged in
            and request.user.is_authenticated
            and not request.path.startswith("/static/")
        ):
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None:
                timeout = current_policy().core.session_timeout_minutes * 60
                if now - last > timeout:
                    logout(request)
                    query = urlencode({"next": request.get_full_path(), "timeout": 1})
                    return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            if request.path not in PASSIVE_PATHS and (last is None or now - last >= RECORD_EVERY_SECONDS):
                request.session[SESSION_KEY] = now
        return self.get_response(request)
