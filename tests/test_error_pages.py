"""The designed error pages: with DEBUG off each status has its page in the base layout."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import override_settings
from django.urls import path

from exportcentrum.urls import urlpatterns as project_patterns


def _raise(exc):
    def view(request):
        raise exc

    return view


def _crash(request):
    raise RuntimeError("boom: this text must not reach the visitor")


urlpatterns = [
    path("prov/400/", _raise(SuspiciousOperation("hostile"))),
    path("prov/403/", _raise(PermissionDenied)),
    path("prov/404/", _raise(Http404)),
    path("prov/500/", _crash),
    *project_patterns,
]
handler400 = "exportcentrum.errors.bad_request"
handler403 = "exportcentrum.errors.permission_denied"
handler404 = "exportcentrum.errors.page_not_found"
handler500 = "exportcentrum.errors.server_error"

HEADINGS = {
    400: ("Felaktig förfrågan", "Bad request"),
    403: ("Du har inte behörighet", "You do not have permission"),
    404: ("Sidan finns inte", "Page not found"),
    500: ("Något gick fel hos oss", "Something went wrong on our side"),
}


@pytest.fixture
def error_client(client):
    client.raise_request_exception = False
    with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
        yield client


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_each_error_page_is_designed_in_swedish(error_client, db, status):
    response = error_client.get(f"/prov/{status}/")
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="sv">' in html and 'class="site-header"' in html
    assert HEADINGS[status][0] in html
    assert 'href="/"' in html and 'href="/fraga/"' in html
    assert "boom" not in html and "Traceback" not in html


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_each_error_page_in_english(error_client, db, status):
    error_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = error_client.get(f"/prov/{status}/").content.decode()
    assert '<html lang="en">' in html
    assert HEADINGS[status][1] in html
    assert "Ask a question about exporting" in html


def test_an_unknown_address_in_the_real_urls_gets_the_404_page(client, db, settings):
    settings.DEBUG = False
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_api_errors_answer_json(client, db, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/finns-inte/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
