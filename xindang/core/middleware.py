"""Refuse NUL characters at the door.

No text a person or an integration means to send holds U+0000, and PostgreSQL refuses it in any text
value ("A string literal cannot contain NUL"), which would surface as a 500 from whichever query met
it first — a search box, a memo, a department code. One check of the query string, the form fields
and a JSON body answers 400 with a message before any view runs, the same on every database. Uploaded
files are not looked at (their bytes are their own business).
"""

import json

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _query_dict_has_nul(qd) -> bool:
    return any(NUL in k or any(NUL in v for v in qd.getlist(k)) for k in qd)


def request_has_nul(request) -> bool:
    if NUL in request.path or _query_dict_has_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return _query_dict_has_nul(request.POST)
    if content_type.endswith("json"):
        body = request.body
        # Parse only when the escape (or a raw NUL) is there at all: the common case costs one scan.
        if b"\\u0000" not in body and b"\x00" not in body:
            return False
        try:
            return _has_nul(json.loads(body))
        except ValueError:
            return b"\x00" in body
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = request_has_nul(request)
        except MultiPartParserError:
            return HttpResponseBadRequest(
                _("The upload could not be read."), content_type="text/plain; charset=utf-8"
            )
        if refused:
            text = _(
                "The request holds a control character (NUL) that no field accepts. Nothing was changed."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "bad_input.nul", "message": text}, status=400)
            return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Every HTML page carries settings.CONTENT_SECURITY_POLICY: scripts only from our own static
    files (no inline script, no on* handler: static/js/app.js reads data-* attributes instead), so an
    injected <script> or attribute does nothing even if some escaping failed. Files (PDFs shown
    inline, downloads) are left alone: a browser's PDF viewer must not be blocked by a page policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
