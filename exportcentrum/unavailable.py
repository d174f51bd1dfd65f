"""The database refusing connections gives a clear 503 page ("försök igen om en stund").

A view that loses PostgreSQL raises OperationalError (cannot connect, connection lost) or
InterfaceError (connection already closed). Its transaction is rolled back, so nothing is half
saved; this middleware turns the error into a 503 instead of a traceback or a generic 500.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page (JSON under /api/). Rendered without context processors: they would ask
    the unavailable database who the user is."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": _("Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.")},
            status=503,
        )
    else:
        context = {"csrf_token": get_token(request), "status_code": 503}
        body = loader.get_template("503.html").render(context)
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        log.error("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)
