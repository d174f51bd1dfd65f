"""The public county pages: "which centre is mine?" and each centre's page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from indicators.models import Activity
from regions.models import ExportCentre, PostalCode
from regions.selectors import services_for_county


def html_of(response) -> str:
    """The page's <main> (the shared header and footer name actors too)."""
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def question_href(slug: str) -> str:
    try:
        base = reverse("question-form")
    except NoReverseMatch:
        base = "/fraga/"
    return f'href="{base}?lan={slug}"'


# --- List and search --------------------------------------------------------------------------


def test_list_shows_all_21_counties_and_links_the_set_up_centres(client, people):
    html = html_of(client.get("/exportcentrum/"))
    assert html.count('class="centre-card"') == 21
    assert 'href="/exportcentrum/skane/"' in html
    assert 'href="/exportcentrum/dalarna/"' in html
    assert 'name="q"' in html
    assert "Antal träffar" not in html  # no search yet, no result heading


@pytest.mark.parametrize("query", ["{code}", "{spaced}"])
def test_search_by_postal_code_finds_the_county(client, people, query):
    postal = PostalCode.objects.filter(municipality__county_id="20").order_by("code").first()
    q = query.format(code=postal.code, spaced=f"{postal.code[:3]} {postal.code[3:]}")
    html = html_of(client.get("/exportcentrum/", {"q": q}))
    assert "Antal träffar: 1" in html
    results = html.split('class="search-results"')[1].split('id="all-heading"')[0]
    assert 'href="/exportcentrum/dalarna/"' in results
    assert "Skåne" not in results
    assert postal.locality in results


def test_search_by_start_of_postal_code(client, people):
    prefix = PostalCode.objects.filter(municipality__county_id="12").first().code[:3]
    html = html_of(client.get("/exportcentrum/", {"q": prefix}))
    results = html.split('class="search-results"')[1].split('id="all-heading"')[0]
    assert 'href="/exportcentrum/skane/"' in results
    assert f"postnummer som börjar på {prefix}" in results


@pytest.mark.parametrize("query", ["Malmö", "malmö", "MALMÖ", "  malm "])
def test_search_by_municipality_ignores_case_of_swedish_letters(client, people, query):
    html = html_of(client.get("/exportcentrum/", {"q": query}))
    results = html.split('class="search-results"')[1].split('id="all-heading"')[0]
    assert 'href="/exportcentrum/skane/"' in results
    assert "Malmö kommun" in results


def test_search_by_postal_locality_and_by_county_name(client, people):
    html = html_of(client.get("/exportcentrum/", {"q": "limhamn"}))
    assert "Limhamn (Malmö kommun)" in html
    html = html_of(client.get("/exportcentrum/", {"q": "Dalarna"}))
    results = html.split('class="search-results"')[1].split('id="all-heading"')[0]
    assert 'href="/exportcentrum/dalarna/"' in results


def test_search_without_match_says_so(client, people):
    html = html_of(client.get("/exportcentrum/", {"q": "Atlantis"}))
    assert "Antal träffar: 0" in html
    assert "Vi hittade inget län för ”Atlantis”" in html


def test_empty_search_shows_error_at_field_and_in_summary(client, people):
    html = html_of(client.get("/exportcentrum/", {"q": "4"}))
    assert 'class="error-summary"' in html
    assert 'href="#id_q"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_q_helptext id_q_error"' in html
    assert 'value="4"' in html  # what the visitor typed is kept


# --- A county's page --------------------------------------------------------------------------


def test_detail_shows_participants_offices_and_question_button(client, catalogue):
    html = html_of(client.get("/exportcentrum/skane/"))
    assert "<h1>Regionalt exportcentrum Skåne</h1>" in html
    assert "Almi Företagspartner" in html and "Region Skåne" in html
    assert "Business Sweden" not in html  # not a participant
    assert "skane@almi.example.se" in html and "040-123 45 67" in html
    assert "Mån–fre 08–17" in html and "Stortorget 1, Malmö" in html
    assert "Almi Dalarna" not in html  # an office that does not serve Skåne
    assert question_href("skane") in html
    assert "Ställ din fråga" in html


def test_catalogue_groups_services_by_topic(client, catalogue):
    html = html_of(client.get("/exportcentrum/skane/"))
    # The check has two topics, so it stands under both, beside Almi's loan under financing.
    assert html.count("<h4>Affärsutvecklingscheck</h4>") == 2
    financing = html.split('id="topic-financing"')[1].split("</section>")[0]
    assert "Lån för export" in financing and "Affärsutvecklingscheck" in financing
    assert "Avgiftsbelagd" in financing and "Kostnadsfri" in financing
    development = html.split('id="topic-business_development"')[1].split("</section>")[0]
    assert "Mentor i Skåne" in development
    for hidden in ["Dalaexport", "Nedlagd tjänst", "Marknadsanalys"]:
        assert hidden not in html


def test_public_catalogue_is_the_routing_catalogue(catalogue):
    """One query feeds both the page and routing's alternatives: no separate copy."""
    skane = set(services_for_county("12").values_list("title", flat=True))
    assert skane == {
        "Lån för export",
        "Affärsutvecklingscheck",
        "Mentor i Skåne",
        "Gammal vägledning",
        "Ogranskad tjänst",
    }
    dalarna = set(services_for_county("20").values_list("title", flat=True))
    assert dalarna == {"Lån för export", "Dalaexport"}


def test_stale_services_are_flagged_publicly(client, catalogue):
    html = html_of(client.get("/exportcentrum/skane/"))
    regulations = html.split('id="topic-regulations"')[1].split("</section>")[0]
    assert "Ej granskad på över ett år" in regulations
    assert "Uppgifterna granskades senast" in regulations  # and when it last was
    ip = html.split('id="topic-ip"')[1].split("</section>")[0]
    assert "Ej granskad på över ett år" in ip
    development = html.split('id="topic-business_development"')[1].split("</section>")[0]
    assert "Ej granskad" not in development
    assert "Uppgifterna granskades senast" in development


def test_detail_in_english(client, catalogue):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = html_of(client.get("/exportcentrum/skane/"))
    assert "Ask your question" in html
    assert "Who takes part" in html
    assert "Financing, loans and venture capital" in html  # topic names in English
    assert "Not reviewed for over a year" in html


def test_introduction_is_rendered_as_sanitised_markdown(client, catalogue):
    ExportCentre.objects.filter(pk=catalogue.skane_centre.pk).update(
        introduction="Vi **hjälper** dig.\n\n<script>window.__pwned=1</script>\n\n"
        "<img src=x onerror=alert(1)>"
    )
    html = html_of(client.get("/exportcentrum/skane/"))
    assert "<strong>hjälper</strong>" in html
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<img" not in html


@time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC), tick=False)
def test_upcoming_public_activities_with_registration_links(client, catalogue, people):
    def activity(title, date, county=people.skane, **extra):
        return Activity.objects.create(
            county=county, kind=extra.pop("kind", "seminar"), title=title, date=date, **extra
        )

    activity(
        "Exportseminarium", dt.date(2026, 12, 3), registration_url="https://anmal.example.se/1"
    )
    activity("Idag-workshop", dt.date(2026, 11, 26), kind="workshop")
    activity("Förra veckan", dt.date(2026, 11, 19))
    activity("Internt möte", dt.date(2026, 12, 1), is_public=False)
    activity("Besök hos Företaget AB", dt.date(2026, 12, 2), kind="company_visit")
    activity("Dalaseminarium", dt.date(2026, 12, 3), county=people.dalarna)
    html = html_of(client.get("/exportcentrum/skane/"))
    section = html.split('id="activities-heading"')[1].split("</section>")[0]
    assert section.index("Idag-workshop") < section.index("Exportseminarium")
    assert 'href="https://anmal.example.se/1"' in section
    assert "3 december 2026" in section
    for hidden in ["Förra veckan", "Internt möte", "Besök hos", "Dalaseminarium"]:
        assert hidden not in section


def test_unknown_county_and_county_without_centre_answer_404(client, people):
    assert client.get("/exportcentrum/atlantis/").status_code == 404
    assert client.get("/exportcentrum/stockholm/").status_code == 404  # no centre set up


def test_coordinator_sees_edit_link_only_on_own_county(client, catalogue, people):
    client.force_login(people.coordinator)
    assert "/exportcentrum/skane/redigera/" in html_of(client.get("/exportcentrum/skane/"))
    assert "redigera" not in html_of(client.get("/exportcentrum/dalarna/"))


def test_services_needing_review_is_the_staleness_guard(catalogue):
    from regions.selectors import services_needing_review

    titles = set(services_needing_review("12").values_list("title", flat=True))
    assert titles == {"Gammal vägledning", "Ogranskad tjänst"}
    assert not services_needing_review("20").exists()
