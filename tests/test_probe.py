# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The probe: every URL of the project, with real and hostile values, as every kind of user.

Takes each pattern from the resolver (so a new page is probed without anyone adding it here),
fills its path parameters with real values (from cases filed through intake) and hostile ones,
adds hostile query parameters and fetches each with GET as an anonymous visitor, a company, a
handler, a coordinator and national staff (the admin too, for the admin's own pages). No
response may be a server error. Runs on PostgreSQL, where NUL bytes and integer overflow
actually fail (SQLite accepts both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from regions.models import CountyPageVersion, Service
from routing.company_view import case_status_token
from routing.models import Case, ExampleQuestion, RoutingRule, RoutingRuleChange
from tests.conftest import require
from tests.indicators.factories import ActivityFactory
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
    question_payload,
)

LONG = "å" * 5000
MARKUP = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
TWENTY_DIGITS = "9" * 20
#: Rejected by the input guard whatever the page: probed as the visitor and the role that
#: reaches the most pages (the guard runs before any view, so other roles add nothing).
MALFORMED = ["%00", "%ff"]
MALFORMED_ROLES = {"anonymous", "national"}
#: Raw (already percent-encoded) query values; each query gives every parameter a different one.
HOSTILE_QUERY_VALUES = [
    "0001-01-01",
    "9999-12-31",
    TWENTY_DIGITS,
    quote("²"),
    quote(LONG + MARKUP),
]
#: Every query parameter a page or the API reads (and a few it does not).
QUERY_NAMES = [
    "lan", "county", "from", "to", "preset", "sort", "sida", "page", "fran", "q", "status",
    "office", "handler", "topic", "actor", "token", "next", "format", "search", "id",
]  # fmt: skip
DATE_PAIRS = ["from=0001-01-01&to=0001-01-02", "from=9999-12-30&to=9999-12-31"]
#: Path values any parameter may get, percent-encoded.
HOSTILE_PATH_VALUES = [quote("²"), TWENTY_DIGITS, quote(MARKUP) + "x" * 300]
#: The health check answers 503 by design when a part is down (no sweep runs in tests).
DESIGNED_5XX = {("health/", 503)}
ROLES = ["anonymous", "company", "handler", "coordinator", "national"]


def url_patterns(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, prefix + _template(entry.pattern))
        else:
            yield prefix + _template(entry.pattern), entry


def _template(pattern) -> str:
    """A route with ``{name}`` placeholders, from either kind of pattern."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))
    assert isinstance(pattern, RegexPattern)
    text = str(pattern).lstrip("^").rstrip("$").replace("\\.", ".")

    # A group with fixed alternatives (the export format, the admin's app labels) takes its
    # first alternative as its real value; other groups become placeholders.
    def group(match: re.Match) -> str:
        name, body = match.group(1), match.group(2)
        if re.fullmatch(r"[\w|.-]+", body):
            return "{%s=%s}" % (name, body.split("|")[0])  # noqa: UP031
        return "{%s}" % name  # noqa: UP031

    return re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, text)


def _fill(template: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name, fixed = match.group(1), match.group(2)
        return values.get(name) or fixed or values["*"]

    return "/" + re.sub(r"\{(\w+)(?:=([^}]*))?\}", value, template)


def _names(template: str) -> list[str]:
    return re.findall(r"\{(\w+)(?:=[^}]*)?\}", template)


@pytest.fixture
def real_values(people, catalogue) -> dict[str, dict[str, str]]:
    """Real path values; int parameters are looked up by the route they belong to."""
    anonymous = Client()
    anonymous.post("/fraga/", question_payload())
    case = Case.objects.get()
    version = CountyPageVersion.objects.create(county=people.skane, introduction="Text")
    activity = ActivityFactory(county=people.skane)
    example = ExampleQuestion.objects.first()
    change = RoutingRuleChange.objects.first()
    return {
        "strings": {
            "reference": case.reference,
            "token": case_status_token(case),
            "slug": "skane",
            "code": "12",
            "county_code": "12",
            "scope_code": "12",
            "action": "first_contact",
            "app_label": "routing",
            "model_name": "case",
            "object_id": str(case.pk),
            "*": "1",
        },
        "ints": {
            "vagledning/regler/": str(RoutingRule.objects.order_by("pk").first().pk),
            "vagledning/andringar/": str(change.pk if change else 1),
            "vagledning/exempel/": str(example.pk if example else 1),
            "aktiviteter/": str(activity.pk),
            "introduktion/": str(version.pk),
            "tjanster/": str(Service.objects.filter(actor__offices__home_county=people.skane)
                             .order_by("pk").first().pk),
        },
    }  # fmt: skip


def _real_path(template: str, real: dict) -> str:
    values = dict(real["strings"])
    for prefix, pk in real["ints"].items():
        if prefix in template:
            for name in ("pk", "version_id", "service_id"):
                values[name] = pk
    return _fill(template, values)


def _rotated_queries() -> list[str]:
    """Enough queries that every parameter meets every hostile value once."""
    count = len(HOSTILE_QUERY_VALUES)
    return [
        "&".join(
            f"{name}={HOSTILE_QUERY_VALUES[(index + shift) % count]}"
            for index, name in enumerate(QUERY_NAMES)
        )
        for shift in range(count)
    ]


ROTATED_QUERIES = _rotated_queries()


def _path_variants(template: str, real: dict, role: str) -> Iterator[str]:
    """Each path parameter in turn hostile."""
    path_values = HOSTILE_PATH_VALUES + (MALFORMED if role in MALFORMED_ROLES else [])
    for name in _names(template):
        for hostile in path_values:
            yield _fill(template, dict(real["strings"], **{name: hostile}))


def _query_variants(real_path: str, role: str) -> Iterator[str]:
    """The real path with hostile queries."""
    queries = ROTATED_QUERIES + DATE_PAIRS
    if role in MALFORMED_ROLES:
        queries += ["&".join(f"{name}={raw}" for name in QUERY_NAMES) for raw in MALFORMED]
    for query in queries:
        yield real_path + "?" + query


def _client_for(role: str, people) -> Client:
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


@pytest.mark.postgres
def test_no_url_answers_a_server_error_to_anyone(people, real_values):
    require(settings.USING_POSTGRES, "the probe needs PostgreSQL (NUL and overflow fail there)")
    templates = [template for template, _pattern in url_patterns()]
    assert len(templates) > 150  # the admin's, allauth's and ours: the resolver, not a list
    failures: list[str] = []
    sent = 0

    def fetch(client, role: str, template: str, url: str) -> int | None:
        nonlocal sent
        sent += 1
        try:
            status = client.get(url).status_code
        except Exception as exc:  # the test client re-raises what became a 500
            failures.append(f"{role} GET {url[:120]}: {type(exc).__name__}: {exc}"[:300])
            return None
        if status >= 500 and (template, status) not in DESIGNED_5XX:
            failures.append(f"{role} GET {url[:120]}: {status}")
        return status

    for role in [*ROLES, "admin"]:
        client = _client_for(role, people)
        for template in templates:
            if template.startswith("admin/") != (role == "admin") and role != "anonymous":
                continue  # the admin's pages are probed as the admin and as a stranger
            real_path = _real_path(template, real_values)
            real_status = fetch(client, role, template, real_path)
            urls = list(_path_variants(template, real_values, role))
            # Hostile queries where the role reaches the page itself (a login redirect or a
            # 404 for the outsider comes before any query is read).
            if real_status == 200 and not template.startswith("admin/"):
                urls += _query_variants(real_path, role)
            for url in urls:
                fetch(client, role, template, url)
    print(f"probe: {sent} requests, {len(failures)} server errors")  # noqa: T201
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:30])


HOSTILE_FORM_VALUES = [
    LONG,
    MARKUP,
    TWENTY_DIGITS,
    "²",
    "-1",
    "9999-12-31",
    "' OR 1=1 --",
    "\u202e\u200b",
]


@pytest.mark.postgres
def test_hostile_values_posted_to_the_question_form_never_answer_a_server_error(
    people, catalogue, settings
):
    require(settings.USING_POSTGRES, "the probe needs PostgreSQL")
    settings.INTAKE_RATE_LIMIT = (10_000, 600)  # every post must reach validation
    fields = list(question_payload())
    client = Client(raise_request_exception=True)
    for value in HOSTILE_FORM_VALUES:
        for field in fields:
            response = client.post("/fraga/", question_payload(**{field: value}))
            assert response.status_code < 500, (field, value[:40])
        everywhere = dict.fromkeys(fields, value)
        assert client.post("/fraga/", everywhere).status_code < 500
    nul = client.post("/fraga/", question_payload(company_name="Exempel\x00AB"))
    assert nul.status_code == 400


def test_probe_fills_every_kind_of_pattern():
    templates = dict(url_patterns())
    assert "indikatorer/export.{fmt=csv}" in templates
    assert "arenden/{reference}/{action}/" in templates
    assert _fill("indikatorer/export.{fmt=csv}", {"*": "1"}) == "/indikatorer/export.csv"
