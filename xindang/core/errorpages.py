"""The server-error answer (urls.handler500): a database that cannot be reached (restarting, failed
over, the network to it down) answers 503 Service Unavailable with a message and Retry-After, not a
bare 500 — the JSON error body of the API under /api/, the 503 page elsewhere. Every other uncaught
error keeps Django's 500 page. Nothing here touches the database.

Transient database conditions count too (a deadlock or lock wait timeout on MariaDB, a locked SQLite
file): Django reports all of them as OperationalError, and each is worth one retry of the request. A
connection found broken is closed at the end of the request (Django's close_if_unusable_or_obsolete),
so the next request opens a new one: the service resumes by itself once the database is back.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 5


def database_unavailable_message() -> str:
    return _(
        "The service is briefly unavailable: the database cannot be reached. Try again in a few seconds."
    )


@requires_csrf_token
def handler500(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    if not isinstance(exc, OperationalError | InterfaceError):
        return server_error(request, template_name)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "unavailable.database", "message": database_unavailable_message()}, status=503
        )
    else:
        body = loader.get_template("503.html").render({"message": database_unavailable_message()})
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
