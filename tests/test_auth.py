"""Staff login through allauth: errors at the field, rate limits, MFA available."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_wrong_password_shows_error_and_keeps_the_email(client, people):
    response = client.post("/konto/login/", {"login": "almi.skane@example.se", "password": "fel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="almi.skane@example.se"' in html
    assert 'class="error-summary"' in html


def test_login_redirects_staff_to_their_page(client, people):
    response = client.post(
        "/konto/login/", {"login": "nationell@example.se", "password": "lösenord-för-test"}
    )
    assert response.status_code == 302


def test_repeated_failures_are_rate_limited(client, people):
    for _ in range(5):
        client.post("/konto/login/", {"login": "almi.skane@example.se", "password": "fel"})
    response = client.post(
        "/konto/login/", {"login": "almi.skane@example.se", "password": "lösenord-för-test"}
    )
    # Even the right password is refused while the key is rate limited.
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_totp_setup_is_offered_to_staff(client, people):
    client.force_login(people.coordinator)
    response = client.get("/konto/2fa/")
    assert response.status_code == 200
    assert b"/konto/2fa/totp/activate/" in response.content
