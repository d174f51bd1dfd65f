import pytest


def test_start_page_lists_all_21_centres_in_swedish(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert html.count('class="centre-card"') == 21
    assert "Hoppa till huvudinnehållet" in html


def test_start_page_in_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html


@pytest.mark.parametrize("url", ["/tillganglighet/", "/personuppgifter/", "/konto/login/"])
def test_public_pages_render(client, db, url):
    assert client.get(url).status_code == 200


def test_accessibility_statement_names_the_supervisor(client, db):
    html = client.get("/tillganglighet/").content.decode()
    assert "Digg" in html and "WCAG 2.1" in html


def test_staff_pages_need_login(client, db):
    response = client.get("/min-sida/")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


def test_health_reports_database_and_broker(client, db):
    response = client.get("/health/")
    body = response.json()
    assert body["checks"]["database"] is True
    assert "broker" in body


def test_health_shows_no_exception_text_to_the_public(client, people):
    from django.utils import timezone

    from routing.models import SweepRun

    # What a failed sweep records (escalation_sweep stores the exception's text).
    SweepRun.objects.create(
        started_at=timezone.now(),
        finished_at=timezone.now(),
        error="OperationalError: connection to server at 10.0.0.5 port 5432 failed",
    )
    body = client.get("/health/").content.decode()
    assert "OperationalError" not in body and "10.0.0.5" not in body
    assert '"last_error": "error"' in body
    client.force_login(people.admin)
    assert "OperationalError" in client.get("/health/").content.decode()
