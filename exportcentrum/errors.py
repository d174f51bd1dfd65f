"""The error handlers set in the root URLs: the designed pages, or JSON under /api/.

400, 403 and 404 render with the request (navigation, language switch). 500 renders without
context processors, so a broken database cannot break the error page too.
"""

from __future__ import annotations

import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from exportcentrum.unavailable import DATABASE_UNAVAILABLE, database_unavailable_response

API_PREFIX = "/api/"


def _messages() -> dict[int, str]:
    return {
        400: _("Felaktig förfrågan."),
        403: _("Du har inte behörighet."),
        404: _("Hittades inte."),
        500: _("Ett oväntat fel uppstod. Försök igen om en stund."),
    }


def _respond(request, status: int, *, with_request: bool = True) -> HttpResponse:
    if request is not None and request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _messages()[status]}, status=status)
    template = loader.get_template(f"{status}.html")
    context = {"status_code": status}
    body = template.render(context, request if with_request else None)
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _respond(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _respond(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _respond(request, 404)


@requires_csrf_token
def server_error(request):
    # A database lost outside a view (e.g. saving the session afterwards) is a 503 too.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return _respond(request, 500, with_request=False)
