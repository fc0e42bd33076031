"""The API's documentation page and schema (/api/docs, /api/openapi.json).

* The page runs Swagger UI from vendored static files (static/vendor/swagger-ui), never from a CDN,
  so it works on an intranet without internet access.
* Both need a login, like every screen: the schema lists every endpoint and field of the internal
  API — no secret, but nothing an anonymous visitor on the network needs. A logged-in user (session)
  or an integration with a valid API key (header X-API-Key, any scope) may read the schema; anyone
  else gets 401 for the schema and the login page for the docs.
"""

import json
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

from .auth import use_api_key


class VendoredSwagger(Swagger):
    """Swagger UI from static/vendor/swagger-ui (ninja's own choice would be a CDN, because the
    `ninja` app is not installed)."""

    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        url = self.get_openapi_url(api, kwargs)
        settings = {**self.settings, "url": url}
        context = {
            "swagger_settings": json.dumps(settings),
            "api": api,
            "add_csrf": True,  # session authentication: unsafe methods need the token
            "openapi_url": url,
        }
        return render(request, self.template, context)


def login_required_for_docs(view):
    """The docs decorator of NinjaAPI (applied to the docs page and to the schema)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = request.headers.get("X-API-Key")
        if key and use_api_key(key) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"code": "unauthorized", "message": "log in or send an API key"}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped
