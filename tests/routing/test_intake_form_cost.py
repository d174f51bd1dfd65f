# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The question form renders what never changes once per catalogue snapshot: the page costs no
statement, a submission only the live ones, and the fast <select> writes what Django's would."""

from __future__ import annotations

import re

from django import forms
from django.test import Client

from regions.catalogue import catalogue_changed
from regions.models import Municipality
from routing.forms import PrerenderedSelect, QuestionForm
from routing.models import Case
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    FALUN_MUNICIPALITY,
    _fresh_cache,
    catalogue,
    question_payload,
)

FORM_URL = "/fraga/"

# The live handler choice, the counter's UPDATE … RETURNING, the case, its events, the outbox
# rows, and the savepoint pair of case_create's atomic block inside the test's transaction. The
# receipt and the handler's new-case notice are one outbox INSERT of two rows. The browser that
# filed is remembered in a signed cookie: no session row.
STATEMENTS_PER_SUBMISSION = 7


def _blank_lines_removed(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html)


def test_the_form_page_costs_no_statement_once_the_catalogue_is_read(
    client, people, django_assert_num_queries
):
    client.get(FORM_URL)  # reads the catalogue snapshot for this process
    with django_assert_num_queries(0):
        html = Client().get(FORM_URL).content.decode()
    assert html.count("<option value=") > 290
    with django_assert_num_queries(1):  # the preset county named in the link
        html = Client().get(FORM_URL + "?lan=dalarna").content.decode()
    assert html.index('<optgroup label="Dalarnas län">') < html.index('<optgroup label="Stockholms')


def test_a_submission_costs_only_the_live_statements(
    client, people, catalogue, django_assert_num_queries
):
    assert client.post(FORM_URL, question_payload()).status_code == 302  # warms the snapshot
    with django_assert_num_queries(STATEMENTS_PER_SUBMISSION):
        response = Client().post(FORM_URL, question_payload(company_name="Andra AB"))
    assert response.status_code == 302
    assert Case.objects.filter(company_name="Andra AB").count() == 1


def test_a_rejected_submission_keeps_the_chosen_municipality_and_the_aria_attributes(
    client, people
):
    payload = question_payload(postal_code="", municipality_code=FALUN_MUNICIPALITY, email="x")
    html = client.post(FORM_URL, payload).content.decode()
    assert f'<option value="{FALUN_MUNICIPALITY}" selected>' in html
    # municipality, topic, language and the two "Vill inte ange" placeholders
    assert html.count(" selected>") == 5
    assert 'aria-describedby="id_municipality_code_helptext"' in html
    assert 'aria-invalid="true"' in html and 'id="id_email_error"' in html


def test_the_fast_select_writes_what_djangos_select_writes():
    choices = [
        ("", "Välj <kommun>"),
        ("Stockholms län", [("0114", "Upplands Väsby"), ("0115", "Vallentuna & Co")]),
        ("Skåne län", [("1280", "Malmö")]),
    ]
    attrs = {"id": "id_m", "aria-describedby": "a b", "aria-invalid": "true", "required": True,
             "disabled": False}  # fmt: skip
    for value in (None, "", "1280", ["0115", "1280"], "9999", '"><script>'):
        ours = PrerenderedSelect(choices=choices).render("m", value, dict(attrs))
        django = forms.Select(choices=choices).render("m", value, dict(attrs))
        assert ours == _blank_lines_removed(django), value


def test_a_catalogue_change_reaches_the_form_options(people):
    """The rendered options live beside the catalogue snapshot and are rebuilt with it."""
    before = str(QuestionForm()["municipality_code"])
    Municipality.objects.filter(code=FALUN_MUNICIPALITY).update(short_name="Falu kommun")
    catalogue_changed()
    after = str(QuestionForm()["municipality_code"])
    assert ">Falun</option>" in before and ">Falu kommun</option>" in after


def test_the_untouched_form_renders_its_fields_once_per_language(people):
    """The fields of an anonymous visitor's form are kept per catalogue snapshot and language;
    what the visitor typed, and the errors, are rendered afresh."""
    Client().get(FORM_URL)  # renders and keeps the Swedish fields
    again = Client().get(FORM_URL)
    assert "_field.html" not in [t.name for t in again.templates]
    assert "Företagets namn" in again.content.decode()
    english = Client(headers={"accept-language": "en"}).get(FORM_URL)
    assert "Company name" in english.content.decode()
    assert "Företagets namn" not in english.content.decode()

    payload = question_payload(company_name="Ditt & Datt AB", email="x")
    rejected = Client().post(FORM_URL, payload)
    html = rejected.content.decode()
    assert "_field.html" in [t.name for t in rejected.templates]
    assert 'value="Ditt &amp; Datt AB"' in html and 'id="id_email_error"' in html
    # The typed values were not kept for the next visitor.
    assert "Ditt &amp; Datt AB" not in Client().get(FORM_URL).content.decode()
