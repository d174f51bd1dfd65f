# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Staff security behind a real deployment: the admin logs in through allauth and cannot rewrite
history or read status links; MFA for the roles that see beyond one office; verified e-mail
before a staff profile; staff sessions that end after a working day idle."""

from __future__ import annotations

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from rest_framework.test import APIClient

from regions.access import LAST_SEEN_KEY
from regions.models import StaffProfile
from routing.models import Case, CaseEvent, OutboxMessage
from tests.factories import UserFactory
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
    question_payload,
)
from tests.test_deployment import PRODUCTION_ENV, _manage

PASSWORD = "lösenord-för-test"
REQUIRED = frozenset({"coordinator", "national", "admin"})


@pytest.fixture
def mfa_enforced(settings):
    settings.MFA_REQUIRED_ROLES = REQUIRED
    return settings


def with_totp(user) -> str:
    """Activate TOTP for `user` through allauth's own model; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def filed_case(people, catalogue) -> Case:
    """A real case from the public API: its receipt mail in the outbox carries the status link."""
    data = question_payload()
    data["consent"] = True
    data["target_countries"] = [c for c in data["target_countries"].split(",") if c]
    response = APIClient().post("/api/v1/questions/", data, format="json")
    assert response.status_code == 201, response.json()
    return Case.objects.get(reference=response.json()["reference"])


# --------------------------------------------------------------------------- admin


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    # The admin's own password form accepts nothing either: it is never reached.
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_admin_with_totp_signs_in_through_allauths_mfa_step(client, people, mfa_enforced):
    cache.clear()
    EmailAddress.objects.create(
        user=people.admin, email=people.admin.email, verified=True, primary=True
    )
    secret = with_totp(people.admin)
    response = client.post("/konto/login/", {"login": people.admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/konto/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not signed in before the code
    response = client.post("/konto/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_without_totp_is_sent_to_set_it_up(client, people, mfa_enforced):
    client.force_login(people.admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/2fa/totp/activate/"


def test_admin_shows_cases_and_events_read_only_and_undeletable(client, people, filed_case):
    client.force_login(people.admin)
    change_url = f"/admin/routing/case/{filed_case.pk}/change/"
    response = client.get(change_url)
    assert response.status_code == 200
    assert filed_case.company_name in response.content.decode()
    assert b'name="_save"' not in response.content
    response = client.post(change_url, {"company_name": "Ändrat AB"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/routing/case/{filed_case.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/routing/case/add/").status_code == 403
    bulk_delete = {"action": "delete_selected", "_selected_action": [filed_case.pk], "post": "yes"}
    client.post("/admin/routing/case/", bulk_delete)
    filed_case.refresh_from_db()
    assert filed_case.company_name != "Ändrat AB"

    event = CaseEvent.objects.filter(case=filed_case).first()
    assert event is not None
    assert client.get(f"/admin/routing/caseevent/{event.pk}/change/").status_code == 200
    response = client.post(f"/admin/routing/caseevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_admin_never_shows_the_status_link_in_outbox_mail(client, people, filed_case):
    receipt = OutboxMessage.objects.get(case=filed_case, to=filed_case.email)
    assert "/fraga/status/" in receipt.body_text  # the credential the admin must not show
    status_path = receipt.body_text.split("/fraga/status/", 1)[1].split()[0]
    client.force_login(people.admin)
    response = client.get(f"/admin/routing/outboxmessage/{receipt.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert receipt.subject in html
    assert status_path not in html
    response = client.post(f"/admin/routing/outboxmessage/{receipt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403


# --------------------------------------------------------------------------- MFA


def test_coordinator_without_totp_is_sent_to_set_it_up(client, people, mfa_enforced):
    client.force_login(people.coordinator)
    for page in ("/samordnare/arenden/", "/min-sida/", "/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == "/konto/2fa/totp/activate/"
    # The setup page itself and logout stay reachable: no redirect loop.
    response = client.get("/konto/2fa/totp/activate/")
    assert response.status_code in (200, 302)
    assert response.get("Location", "") != "/konto/2fa/totp/activate/"
    assert client.post("/konto/logout/").status_code == 302


def test_national_staff_without_totp_get_403_from_the_api(people, mfa_enforced):
    api = APIClient()
    api.force_login(people.national)
    response = api.get("/api/v1/indicators/")
    assert response.status_code == 403
    assert "tvåstegsverifiering" in response.json()["detail"]


def test_coordinator_with_totp_reaches_the_page(client, people, mfa_enforced):
    with_totp(people.coordinator)
    client.force_login(people.coordinator)
    assert client.get("/samordnare/arenden/").status_code == 200


def test_coordinator_signing_in_with_a_totp_code_reaches_the_page(client, people, mfa_enforced):
    cache.clear()
    secret = with_totp(people.coordinator)
    response = client.post(
        "/konto/login/", {"login": people.coordinator.email, "password": PASSWORD}
    )
    assert response["Location"] == "/konto/2fa/authenticate/"
    response = client.post("/konto/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post("/konto/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/samordnare/arenden/").status_code == 200


def test_handlers_are_not_forced_unless_the_setting_says_so(client, people, mfa_enforced):
    client.force_login(people.handler)
    assert client.get("/handlaggare/").status_code == 200
    mfa_enforced.MFA_REQUIRED_ROLES = REQUIRED | {"handler"}
    response = client.get("/handlaggare/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/2fa/totp/activate/"


def test_company_accounts_are_never_asked_for_mfa(client, people, mfa_enforced):
    client.force_login(people.company)
    assert client.get("/min-sida/").status_code == 200
    assert not Authenticator.objects.filter(user=people.company).exists()


def test_development_login_page_says_mfa_is_off(client, db, settings):
    settings.MFA_REQUIRED_ROLES = frozenset()
    assert b'id="mfa-off-notice"' in client.get("/konto/login/").content
    settings.MFA_REQUIRED_ROLES = REQUIRED
    assert b'id="mfa-off-notice"' not in client.get("/konto/login/").content


def test_production_refuses_to_run_without_mfa_for_coordinators_national_and_admins():
    result = _manage("check", env={**PRODUCTION_ENV, "MFA_REQUIRED_ROLES": "handler,national"})
    assert result.returncode != 0
    assert "MFA_REQUIRED_ROLES" in result.stderr
    show_roles = "from django.conf import settings; print(sorted(settings.MFA_REQUIRED_ROLES))"
    result = _manage("shell", "-c", show_roles, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "['admin', 'coordinator', 'national']" in result.stdout


# --------------------------------------------------------------------------- e-mail verification


def _staff_profile_form(user, people) -> dict:
    return {"user": user.pk, "role": "handler", "office": people.skane_almi_office.pk, "county": ""}


def test_staff_profile_needs_a_verified_email(client, people):
    newcomer = UserFactory(username="ny@example.se", email="ny@example.se")
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=False, primary=True)
    client.force_login(people.admin)
    response = client.post(
        "/admin/regions/staffprofile/add/", _staff_profile_form(newcomer, people)
    )
    assert response.status_code == 200
    assert "bekräftad e-postadress" in response.content.decode()
    assert not StaffProfile.objects.filter(user=newcomer).exists()

    EmailAddress.objects.filter(user=newcomer).update(verified=True)
    response = client.post(
        "/admin/regions/staffprofile/add/", _staff_profile_form(newcomer, people)
    )
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=newcomer).role == "handler"


# --------------------------------------------------------------------------- idle sessions


def test_staff_session_ends_after_a_working_day_idle(client, people):
    client.force_login(people.handler)
    assert client.get("/handlaggare/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 10 * 3600
    session.save()
    response = client.get("/handlaggare/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session


def test_staff_session_lives_through_a_working_day_of_use(client, people):
    client.force_login(people.handler)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 8 * 3600
    session.save()
    assert client.get("/handlaggare/").status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5


def test_company_sessions_are_not_ended_by_the_staff_rule(client, people):
    client.force_login(people.company)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 48 * 3600
    session.save()
    assert client.get("/min-sida/").status_code == 200
