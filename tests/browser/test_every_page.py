# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Every page a person can reach, as each role: no sideways scrolling at 320, 375, 768 and
1,280 px (WCAG 1.4.10) and no serious or critical axe-core issue.

The pages come from `exportcentrum.accessibility.PAGE_STATES`, the list the accessibility
statement prints. `test_every_reachable_page_is_in_the_checked_list` asks the URL resolver which
pages each role reaches (200 with HTML) with real objects made through the real code paths, so
a new page, or a page newly open to a role, fails until it is checked here and named there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.html import escape
from playwright.sync_api import Error as PlaywrightError

from evaluation.models import ArmSpec, Experiment
from evaluation.services import assignment_run, experiment_create
from exportcentrum.accessibility import (
    ANONYMOUS,
    PAGE_STATES,
    REFLOW_WIDTHS,
    ROLES,
    latest_review_date,
    page_states_for,
)
from indicators.models import Activity, SurveyInvitation
from indicators.services import (
    activity_create,
    mystery_test_create,
    survey_dispatch,
    survey_token,
)
from regions.models import ActorType, Service
from regions.services import county_page_draft_save
from routing.company_view import case_status_token
from routing.models import Case, RoutingRule
from routing.rules import example_question_create, rule_create
from routing.services import case_close
from tests.browser.conftest import assert_accessible, fill_question_form
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
    question_payload,
)

#: Not pages for people: the machine API, the health check, the admin (operators only, named as
#: untested in the statement), file downloads and form targets that only answer POST.
NOT_PAGES = ("admin/", "api/", "health/", "i18n/")
EXPERIMENT_PAGES = (
    "experiment-detail",
    "experiment-assignment-run",
    "experiment-balance",
    "experiment-estimates",
    "experiment-panel",
)
PASSWORD = "lösenord-för-test"  # noqa: S105 - the test users' password (tests.factories)


@dataclass
class Site:
    """Real objects, made the way the portal makes them, that the pages are shown with."""

    path_values: dict[str, str]
    pk_by_name: dict[str, int]
    people: object


@pytest.fixture
def site(people, catalogue) -> Site:
    Client().post("/fraga/", question_payload())
    case = Case.objects.get()
    Client().post("/fraga/", question_payload(company_name="Avslutat AB", email="ola@avslutat.se"))
    closed = Case.objects.exclude(pk=case.pk).get()
    case_close(case=closed, user=people.handler, outcome=Case.Outcome.values[0], note="Klart")
    survey_dispatch(now=timezone.now() + timedelta(days=3))
    invitation = SurveyInvitation.objects.get(case=closed, kind=SurveyInvitation.Kind.FOLLOWUP)

    almi = ActorType.objects.get(code="almi")
    change = rule_create(
        user=people.coordinator,
        county=people.skane,
        data={"name": "Livsmedel till Almi", "keywords": ["livsmedel"], "actor_type": almi},
    )
    example = example_question_create(
        county=people.skane, text="Vi söker lån för export av livsmedel.", expected_actor_type=almi
    )
    version = county_page_draft_save(
        county=people.skane, introduction="Välkommen till exportcentrum i Skåne.",
        editor=people.coordinator,
    )  # fmt: skip
    activity = activity_create(
        county=people.skane,
        kind=Activity.Kind.SEMINAR,
        title="Exportseminarium om tullregler",
        date=timezone.localdate() + timedelta(days=14),
        actors=[people.skane_almi_office.actor],
        participant_count=12,
        companies={"5560360793": "Exempel Maskin AB"},
        created_by=people.coordinator,
        is_public=True,
    )
    mystery_test_create(
        county=people.skane, expected_actor_type=almi, question="Hur finansierar vi en order?",
        company_name="Testbolaget AB", org_number="556036-0793", contact_name="Eva Test",
        email="eva@testbolaget.se", created_by=people.national,
    )  # fmt: skip
    experiment = experiment_create(
        name="Proaktiv återkoppling", intervention="Handläggaren ringer upp inom fyra timmar.",
        handler_notice="Försök: ring upp inom fyra timmar", unit=Experiment.Unit.COUNTY,
        arms=[ArmSpec("control", "Som vanligt", 0.5), ArmSpec("callback", "Uppringning", 0.5)],
        strata=[], design=Experiment.Design.PARALLEL,
        start_date=timezone.localdate() + timedelta(days=30), created_by=people.national,
    )  # fmt: skip
    assignment_run(experiment=experiment, seed=20261130, user=people.national)
    # Staff and companies have verified addresses (allauth lets only them set up an app code).
    for role in ROLES[1:]:
        user = getattr(people, role)
        EmailAddress.objects.create(user=user, email=user.username, verified=True, primary=True)
    service = Service.objects.filter(actor__offices__home_county=people.skane).first()
    return Site(
        path_values={
            "slug": people.skane.slug,
            "reference": case.reference,
            "token": case_status_token(case),
            "code": "12",
            "county_code": "12",
            "scope_code": "12",
            "version_id": str(version.pk),
            "service_id": str(service.pk),
            # allauth's e-mail and password links: a stale link shows its own page
            "key": "stale-key",
            "uidb36": "1",
            "survey_token": survey_token(invitation),
        },
        pk_by_name={
            "rule-edit": change.rule_id,
            # national staff edit the national rules (the migration's defaults)
            "rule-edit@national": RoutingRule.objects.filter(county=None).order_by("pk")[0].pk,
            "rule-delete": change.rule_id,
            "rule-change": change.pk,
            "example-delete": example.pk,
            "activity-detail": activity.pk,
            "activity-edit": activity.pk,
            "activity-cancel": activity.pk,
            **dict.fromkeys(EXPERIMENT_PAGES, experiment.pk),
        },
        people=people,
    )


# --------------------------------------------------------------------------- the resolver


def named_patterns(patterns=None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(route with ``{name}`` placeholders, URL name) for every named pattern."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from named_patterns(entry.url_patterns, prefix + _template(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + _template(entry.pattern), entry.name


def _template(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))
    assert isinstance(pattern, RegexPattern)
    text = str(pattern).lstrip("^").rstrip("$").replace("\\.", ".")
    # a group of fixed alternatives (the export format) takes its first one
    text = re.sub(r"\(\?P<\w+>([\w.-]+)(?:\|[\w.-]+)*\)", r"\1", text)
    return re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", r"{\1}", text)


def path_for(template: str, name: str, site: Site, role: str) -> str:
    values = dict(site.path_values)
    if name == "survey-answer":
        values["token"] = values["survey_token"]
    pk = site.pk_by_name.get(f"{name}@{role}", site.pk_by_name.get(name))
    if pk is not None:
        values["pk"] = str(pk)

    def value(match: re.Match) -> str:
        return values.get(match.group(1), "1")

    return "/" + re.sub(r"\{(\w+)\}", value, template)


def pages(site: Site, role: str) -> dict[str, str]:
    """URL name → a real path the role may see, for every named page of ours and allauth's."""
    return {
        name: path_for(template, name, site, role)
        for template, name in named_patterns()
        if not template.startswith(NOT_PAGES)
    }


def _client_for(role: str, people) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(getattr(people, role))
    return client


def test_every_reachable_page_is_in_the_checked_list(site):
    """Each role's pages (200 with HTML) are all in PAGE_STATES for that role."""
    missing = []
    for role in ROLES:
        addresses = pages(site, role)
        client = _client_for(role, site.people)
        checked = {state.key for state in page_states_for(role)}
        for name, path in addresses.items():
            response = client.get(path)
            is_html = response.get("Content-Type", "").startswith("text/html")
            if response.status_code == 200 and is_html and name not in checked:
                missing.append(f"{role}: {name} {path}")
    assert missing == [], "pages a person reaches that the suite does not check:\n" + "\n".join(
        missing
    )


def test_every_checked_page_has_an_address_or_a_way_there(site):
    addresses = pages(site, ANONYMOUS)
    keys = [state.key for state in PAGE_STATES]
    assert len(keys) == len(set(keys))
    assert set(keys) - set(addresses) <= set(STATES_REACHED_BY_ACTION)


# --------------------------------------------------------------------------- the browser


def _file_a_question(page) -> None:
    page.goto("/fraga/")
    fill_question_form(page, "Vi behöver ett lån för en order till Tyskland.")
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_url(re.compile(r"/fraga/kvitto/"))


def _send_an_empty_question(page) -> None:
    page.goto("/fraga/")
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_selector("#error-summary")


def _open_app_code_activation(page) -> None:
    """allauth asks for the password again unless the login was recent; a person types it."""
    page.goto("/konto/2fa/totp/activate/")
    if "/konto/reauthenticate/" in page.url:
        password = page.get_by_label("Lösenord")
        password.fill(PASSWORD)
        password.press("Enter")
    page.wait_for_url("**/konto/2fa/totp/activate/")


#: States reached by doing something rather than by an address alone; the anonymous
#: visitor's receipt is shown only to the browser that filed the question.
STATES_REACHED_BY_ACTION = {
    "question-form-errors": _send_an_empty_question,
    "mfa_activate_totp": _open_app_code_activation,
}
REACHED_BY_ACTION_FOR_ANONYMOUS = {"question-receipt": _file_a_question}


def _log_in(page, email: str) -> None:
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


#: The elements that stick out of the window themselves (not their children, and not content
#: inside a scroll container, which scrolls on its own): what to fix when a page is too wide.
PROTRUDING = """() => {
    const inner = window.innerWidth;
    const sticksOut = (el) => el.getBoundingClientRect().right > inner + 1;
    const scrolls = (el) => getComputedStyle(el).overflowX !== 'visible';
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const parent = el.parentElement;
        if (!sticksOut(el) || (parent !== document.body && sticksOut(parent))) continue;
        let inScrollBox = false;
        for (let a = parent; a && a !== document.body; a = a.parentElement) {
            inScrollBox = inScrollBox || scrolls(a);
        }
        if (inScrollBox) continue;
        const cls = typeof el.className === 'string' ? el.className.trim() : '';
        out.push(el.tagName.toLowerCase() + (cls ? '.' + cls.split(/\\s+/).join('.') : ''));
        if (out.length === 3) break;
    }
    return [document.documentElement.scrollWidth, inner, out.join(', ')];
}"""


def _overflow(page) -> list[str]:
    """The widths at which the page scrolls sideways, with what sticks out at each."""
    wide = []
    for width in REFLOW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll, inner, culprits = page.evaluate(PROTRUDING)
        if scroll > inner:
            wide.append(f"{width} px: {scroll} px wide; sticking out: {culprits}")
    return wide


@pytest.mark.browser
def test_every_page_fits_every_width_and_passes_axe_for_every_role(
    reference_data, browser, live_server, site
):
    problems: list[str] = []

    addresses_for = {role: pages(site, role) for role in ROLES}.__getitem__

    for role in ROLES:
        context = browser.new_context(
            locale="sv-SE", base_url=live_server.url, viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        if role != ANONYMOUS:
            _log_in(page, getattr(site.people, role).username)
        for state in page_states_for(role):
            where = f"{role} {state.key}"
            # axe runs at the narrowest width, where wide tables really scroll in their boxes
            page.set_viewport_size({"width": REFLOW_WIDTHS[0], "height": 800})
            action = STATES_REACHED_BY_ACTION.get(state.key) or (
                REACHED_BY_ACTION_FOR_ANONYMOUS.get(state.key) if role == ANONYMOUS else None
            )
            if action is not None:
                try:
                    action(page)
                except PlaywrightError as failure:
                    problems.append(f"{where}: could not get there: {failure.message[:200]}")
                    continue
            else:
                response = page.goto(addresses_for(role)[state.key])
                if response is None or response.status != 200 or response.request.redirected_from:
                    status = response.status if response else "no response"
                    problems.append(f"{where}: {page.url} answered {status} (or a redirect)")
                    continue
            try:
                assert_accessible(page, where)
            except AssertionError as failure:
                problems.append(str(failure))
            problems += [f"{where} {page.url} at {wide}" for wide in _overflow(page)]
        context.close()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the statement


def _statement_sections(html: str) -> dict[str, list[str]]:
    sections = re.findall(r'data-tested-role="(\w+)">(.*?)</section>', html, re.DOTALL)
    return {role: re.findall(r"<li>(.*?)</li>", body) for role, body in sections}


def test_the_statement_lists_the_checked_pages_for_each_role(client, db):
    html = client.get("/tillganglighet/").content.decode()
    expected = {
        role: [escape(str(state.label)) for state in page_states_for(role)] for role in ROLES
    }
    assert _statement_sections(html) == expected
    assert "320, 375, 768, 1280 pixlar" in html
    assert "Ingen test med skärmläsare har dokumenterats" in html


def test_the_statement_in_english_lists_the_same_pages_in_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/tillganglighet/").content.decode()
    sections = _statement_sections(html)
    assert [len(sections[role]) for role in ROLES] == [len(page_states_for(r)) for r in ROLES]
    assert "Start page" in sections[ANONYMOUS]
    assert "Startsidan" not in html and "Redogörelsen granskades" not in html


def test_the_statement_takes_its_date_from_the_latest_review(client, db, settings, tmp_path):
    review = tmp_path / "review.md"
    review.write_text("# Granskning\n\nDatum: 2027-03-04\n\nDatum: 2026-11-30\n")
    settings.ACCESSIBILITY_REVIEW_FILE = review
    html = client.get("/tillganglighet/").content.decode()
    assert "Redogörelsen granskades senast den 4 mars 2027." in html


def test_the_review_file_has_a_real_date():
    assert latest_review_date() <= timezone.localdate()
