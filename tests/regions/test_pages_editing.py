"""Coordinators edit their own county's page: scoping, versions, preview, publish, history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.models import CountyPageChange, CountyPageVersion, ExportCentre, Service
from regions.selectors import services_for_county

Kind = CountyPageChange.Kind


def edit_urls(catalogue, slug="skane") -> list[tuple[str, str]]:
    service = catalogue.skane_mentor.pk if slug == "skane" else catalogue.dalarna_only.pk
    version = CountyPageVersion.objects.create(
        county=ExportCentre.objects.get(county__slug=slug).county, introduction="x"
    )
    base = f"/exportcentrum/{slug}/redigera/"
    return [
        ("get", base),
        ("get", base + "introduktion/"),
        ("post", base + "introduktion/"),
        ("get", base + f"introduktion/{version.pk}/"),
        ("post", base + f"introduktion/{version.pk}/publicera/"),
        ("get", base + "aktorer/"),
        ("post", base + "aktorer/"),
        ("get", base + "tjanster/ny/"),
        ("post", base + "tjanster/ny/"),
        ("get", base + f"tjanster/{service}/"),
        ("post", base + f"tjanster/{service}/"),
        ("post", base + f"tjanster/{service}/avaktivera/"),
        ("post", base + f"tjanster/{service}/aktivera/"),
        ("post", base + f"tjanster/{service}/granskad/"),
        ("get", base + "historik/"),
    ]


@pytest.mark.parametrize(
    "who",
    [
        "other_coordinator",
        "handler",
        "region_handler",
        "other_handler",
        "national",
        "company",
        None,
    ],
)
def test_only_the_countys_coordinators_and_admins_may_edit_others_get_404(
    client, catalogue, people, who
):
    """Signed in but not the county's editor: 404. Anonymous: asked to sign in first."""
    if who:
        client.force_login(getattr(people, who))
    for method, url in edit_urls(catalogue):
        response = getattr(client, method)(url, {"introduction": "hackad"})
        if who:
            assert response.status_code == 404, (who, method, url)
        else:
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/konto/login/"), (method, url)
    assert ExportCentre.objects.get(county__slug="skane").introduction == ""
    assert not CountyPageChange.objects.exists()
    catalogue.skane_mentor.refresh_from_db()
    assert catalogue.skane_mentor.is_active


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_coordinator_and_admin_open_every_editing_page(client, catalogue, people, who):
    client.force_login(getattr(people, who))
    for method, url in edit_urls(catalogue):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_skane_coordinator_cannot_edit_dalarna_not_even_through_skanes_urls(
    client, catalogue, people
):
    client.force_login(people.coordinator)
    for method, url in edit_urls(catalogue, slug="dalarna"):
        assert getattr(client, method)(url).status_code == 404, url
    # Dalarna's service and version ids under Skåne's slug are just as absent.
    dalarna_version = CountyPageVersion.objects.filter(county_id="20").first()
    assert (
        client.get(f"/exportcentrum/skane/redigera/introduktion/{dalarna_version.pk}/").status_code
        == 404
    )
    assert (
        client.post(
            f"/exportcentrum/skane/redigera/introduktion/{dalarna_version.pk}/publicera/"
        ).status_code
        == 404
    )
    dalarna_version.introduction = "Dalarnas hemliga utkast"
    dalarna_version.save(update_fields=["introduction"])
    form = client.get(f"/exportcentrum/skane/redigera/introduktion/?fran={dalarna_version.pk}")
    assert "Dalarnas hemliga utkast" not in form.content.decode()
    service_url = f"/exportcentrum/skane/redigera/tjanster/{catalogue.dalarna_only.pk}/"
    assert client.get(service_url).status_code == 404
    assert client.post(service_url + "avaktivera/").status_code == 404


def test_services_shared_with_other_counties_are_for_admins_only(client, catalogue, people):
    url = f"/exportcentrum/skane/redigera/tjanster/{catalogue.almi_loan.pk}/"
    client.force_login(people.coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url + "granskad/").status_code == 404
    hub = client.get("/exportcentrum/skane/redigera/").content.decode()
    assert "Gemensam med andra län" in hub
    assert f"tjanster/{catalogue.region_check.pk}/" in hub  # the region's own: editable
    client.force_login(people.admin)
    assert client.get(url).status_code == 200


# --- Introduction: draft → preview → publish --------------------------------------------------


def test_introduction_draft_preview_publish(client, catalogue, people):
    client.force_login(people.coordinator)
    response = client.post(
        "/exportcentrum/skane/redigera/introduktion/", {"introduction": "Nytt **utkast**"}
    )
    version = CountyPageVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exportcentrum/skane/redigera/introduktion/{version.pk}/"
    assert version.editor == people.coordinator and not version.is_published
    # The public page is unchanged until publishing; the preview shows the draft rendered.
    assert "utkast" not in client.get("/exportcentrum/skane/").content.decode()
    preview = client.get(response["Location"]).content.decode()
    assert "Nytt <strong>utkast</strong>" in preview and "Publicera" in preview
    assert (
        "Det finns ett opublicerat utkast"
        in client.get("/exportcentrum/skane/redigera/").content.decode()
    )

    response = client.post(f"/exportcentrum/skane/redigera/introduktion/{version.pk}/publicera/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.is_published and version.published_by == people.coordinator
    assert ExportCentre.objects.get(county_id="12").introduction == "Nytt **utkast**"
    assert "Nytt <strong>utkast</strong>" in client.get("/exportcentrum/skane/").content.decode()
    change = CountyPageChange.objects.get()
    assert change.kind == Kind.INTRODUCTION_PUBLISHED and change.editor == people.coordinator
    assert change.before == {"introduction": ""}
    assert change.after == {"introduction": "Nytt **utkast**"}

    # Publishing twice changes nothing more.
    client.post(f"/exportcentrum/skane/redigera/introduktion/{version.pk}/publicera/")
    assert CountyPageChange.objects.count() == 1


def test_publishing_needs_post(client, catalogue, people):
    version = CountyPageVersion.objects.create(county=people.skane, introduction="x")
    client.force_login(people.coordinator)
    url = f"/exportcentrum/skane/redigera/introduktion/{version.pk}/publicera/"
    assert client.get(url).status_code == 405
    version.refresh_from_db()
    assert not version.is_published


def test_an_older_version_can_be_restored_as_a_new_draft(client, catalogue, people):
    old = CountyPageVersion.objects.create(
        county=people.skane,
        introduction="Gammal text",
        is_published=True,
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    CountyPageVersion.objects.create(county=people.skane, introduction="Nyare text")
    client.force_login(people.coordinator)
    form = client.get(f"/exportcentrum/skane/redigera/introduktion/?fran={old.pk}").content.decode()
    assert "Gammal text</textarea>" in form
    # Without a choice the form starts from the unpublished draft.
    form = client.get("/exportcentrum/skane/redigera/introduktion/").content.decode()
    assert "Nyare text</textarea>" in form


def test_too_long_introduction_keeps_text_and_marks_the_field(client, catalogue, people):
    client.force_login(people.coordinator)
    text = "å" * 10_001
    html = client.post(
        "/exportcentrum/skane/redigera/introduktion/", {"introduction": text}
    ).content.decode()
    assert 'class="error-summary"' in html and 'href="#id_introduction"' in html
    assert 'aria-invalid="true"' in html
    assert text in html
    assert not CountyPageVersion.objects.exists()


# --- Participants ------------------------------------------------------------------------------


def test_participants_update_is_versioned_and_keeps_the_front_door(client, catalogue, people):
    client.force_login(people.coordinator)
    url = "/exportcentrum/skane/redigera/aktorer/"
    form = client.get(url).content.decode()
    assert 'name="participants"' in form
    assert f'value="{catalogue.business_sweden.pk}"' not in form  # no office serving Skåne
    html = client.post(url, {"participants": [catalogue.almi.pk]}).content.decode()
    assert "Region Skåne tar emot länets frågor och måste vara med." in html
    checked = re.findall(
        r'<input type="checkbox" name="participants" value="(\d+)"[^>]*checked', html
    )
    assert checked == [str(catalogue.almi.pk)]  # the choice made is kept
    assert not CountyPageChange.objects.exists()

    client.post(url, {"participants": [catalogue.region_skane.pk]})
    change = CountyPageChange.objects.get()
    assert change.kind == Kind.PARTICIPANTS_UPDATED and change.editor == people.coordinator
    assert change.before == {"participants": ["Almi Företagspartner", "Region Skåne"]}
    assert change.after == {"participants": ["Region Skåne"]}
    # Almi's services leave Skåne's catalogue (and routing's alternatives) with it.
    assert "Lån för export" not in set(services_for_county("12").values_list("title", flat=True))


# --- Services ---------------------------------------------------------------------------------


def service_post(actor, **overrides) -> dict:
    data = {
        "actor": actor.pk,
        "title": "Exportlån Skåne",
        "description": "Lån för företag som tar steget ut.",
        "topics": ["financing", "trade_fairs"],
        "url": "https://almi.example.se/exportlan",
        "price": "paid",
        "action": "save",
    }
    return {**data, **overrides}


def test_service_create_is_live_for_routing_and_recorded(client, catalogue, people):
    client.force_login(people.coordinator)
    response = client.post(
        "/exportcentrum/skane/redigera/tjanster/ny/", service_post(catalogue.almi)
    )
    assert response.status_code == 302
    service = Service.objects.get(title="Exportlån Skåne")
    assert list(service.counties.values_list("code", flat=True)) == ["12"]
    assert not service.is_free and service.reviewed_at is not None
    assert set(service.topics.values_list("code", flat=True)) == {"financing", "trade_fairs"}
    assert service in services_for_county("12")
    assert service not in services_for_county("20")
    change = CountyPageChange.objects.get()
    assert (change.kind, change.service, change.editor) == (
        Kind.SERVICE_CREATED,
        service,
        people.coordinator,
    )
    assert change.before is None and change.after["title"] == "Exportlån Skåne"
    html = client.get("/exportcentrum/skane/").content.decode()
    assert html.count("<h4>Exportlån Skåne</h4>") == 2  # under both topics


def test_a_service_added_here_is_offered_by_routing_as_an_alternative(client, catalogue, people):
    """The routing engine reads the same Service rows: no copy to keep in sync."""
    from routing.catalogue import services_for_county as routing_services

    client.force_login(people.coordinator)
    client.post("/exportcentrum/skane/redigera/tjanster/ny/", service_post(catalogue.almi))
    offered = {spec.title for spec in routing_services("12")}
    assert "Exportlån Skåne" in offered
    assert "Exportlån Skåne" not in {spec.title for spec in routing_services("20")}
    client.post(
        "/exportcentrum/skane/redigera/tjanster/"
        f"{Service.objects.get(title='Exportlån Skåne').pk}/avaktivera/"
    )
    assert "Exportlån Skåne" not in {spec.title for spec in routing_services("12")}


def test_service_preview_saves_nothing_and_keeps_the_input(client, catalogue, people):
    client.force_login(people.coordinator)
    html = client.post(
        "/exportcentrum/skane/redigera/tjanster/ny/",
        service_post(catalogue.almi, action="preview"),
    ).content.decode()
    assert "Förhandsvisning" in html and "<h4>Exportlån Skåne</h4>" in html
    assert 'value="Exportlån Skåne"' in html
    assert not Service.objects.filter(title="Exportlån Skåne").exists()
    assert not CountyPageChange.objects.exists()


def test_service_form_errors_keep_everything_typed(client, catalogue, people):
    client.force_login(people.coordinator)
    html = client.post(
        "/exportcentrum/skane/redigera/tjanster/ny/",
        service_post(catalogue.almi, title="", url="inte en länk"),
    ).content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_title"' in html and "Skriv tjänstens titel." in html
    assert 'href="#id_url"' in html
    assert "Lån för företag som tar steget ut." in html
    assert 'value="inte en länk"' in html
    assert 'value="financing"' in html and "checked" in html
    assert not Service.objects.filter(description__startswith="Lån för företag").exists()


def test_service_actor_must_take_part_in_the_county(client, catalogue, people):
    client.force_login(people.coordinator)
    html = client.post(
        "/exportcentrum/skane/redigera/tjanster/ny/", service_post(catalogue.business_sweden)
    ).content.decode()
    assert 'href="#id_actor"' in html
    assert not Service.objects.filter(title="Exportlån Skåne").exists()


def test_service_update_records_before_and_after(client, catalogue, people):
    client.force_login(people.coordinator)
    service = catalogue.skane_mentor
    response = client.post(
        f"/exportcentrum/skane/redigera/tjanster/{service.pk}/",
        service_post(
            catalogue.almi, title="Mentor för exportörer", topics=["business_development"]
        ),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title == "Mentor för exportörer"
    change = CountyPageChange.objects.get()
    assert change.kind == Kind.SERVICE_UPDATED
    assert change.before["title"] == "Mentor i Skåne" and change.before["is_free"] is True
    assert change.after["title"] == "Mentor för exportörer" and change.after["is_free"] is False
    history = client.get("/exportcentrum/skane/redigera/historik/").content.decode()
    assert "<del>Mentor i Skåne</del> → <ins>Mentor för exportörer</ins>" in history
    assert people.coordinator.username in history


def test_a_service_written_in_english_is_shown_in_english_on_english_pages(
    client, catalogue, people
):
    """The coordinator writes the English beside the Swedish; English pages show it, and a
    service without English is shown in Swedish, marked as Swedish for screen readers."""
    client.force_login(people.coordinator)
    response = client.post(
        f"/exportcentrum/skane/redigera/tjanster/{catalogue.skane_mentor.pk}/",
        service_post(
            catalogue.almi,
            title="Mentor i Skåne",
            title_en="A mentor in Skåne",
            description_en="An experienced business owner as a sounding board.",
        ),
    )
    assert response.status_code == 302
    assert CountyPageChange.objects.get().after["title_en"] == "A mentor in Skåne"
    history = client.get("/exportcentrum/skane/redigera/historik/").content.decode()
    assert "<dt>Titel på engelska</dt>" in history
    client.logout()

    swedish = client.get("/exportcentrum/skane/").content.decode()
    assert "<h4>Mentor i Skåne</h4>" in swedish and "A mentor in Skåne" not in swedish
    client.post(reverse("set_language"), {"language": "en", "next": "/exportcentrum/skane/"})
    english = client.get("/exportcentrum/skane/").content.decode()
    assert "<h4>A mentor in Skåne</h4>" in english and "<h4>Mentor i Skåne</h4>" not in english
    assert "<p>An experienced business owner as a sounding board.</p>" in english
    assert '<h4 lang="sv">Affärsutvecklingscheck</h4>' in english  # no English written for it


def test_deactivate_reactivate_and_review(client, catalogue, people):
    client.force_login(people.coordinator)
    base = "/exportcentrum/skane/redigera/tjanster/"
    client.post(f"{base}{catalogue.skane_mentor.pk}/avaktivera/")
    assert "<h4>Mentor i Skåne</h4>" not in client.get("/exportcentrum/skane/").content.decode()
    assert catalogue.skane_mentor not in services_for_county("12")
    client.post(f"{base}{catalogue.skane_mentor.pk}/aktivera/")
    assert "<h4>Mentor i Skåne</h4>" in client.get("/exportcentrum/skane/").content.decode()

    hub = client.get("/exportcentrum/skane/redigera/").content.decode()
    assert "Tjänster som behöver granskas: 2" in hub
    client.post(f"{base}{catalogue.stale.pk}/granskad/")
    catalogue.stale.refresh_from_db()
    assert not catalogue.stale.review_is_due()
    hub = client.get("/exportcentrum/skane/redigera/").content.decode()
    assert "Tjänster som behöver granskas: 1" in hub
    kinds = list(CountyPageChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [Kind.SERVICE_DEACTIVATED, Kind.SERVICE_ACTIVATED, Kind.SERVICE_REVIEWED]
    assert CountyPageChange.objects.filter(editor=people.coordinator).count() == 3


def test_staleness_is_one_year(catalogue):
    now = timezone.now()
    service = catalogue.skane_mentor
    service.reviewed_at = now - dt.timedelta(days=364)
    assert not service.review_is_due(now)
    service.reviewed_at = now - dt.timedelta(days=366)
    assert service.review_is_due(now)
    service.reviewed_at = None
    assert service.review_is_due(now)


def test_history_lists_versions_and_changes_with_who_and_when(client, catalogue, people):
    client.force_login(people.coordinator)
    client.post("/exportcentrum/skane/redigera/introduktion/", {"introduction": "Första"})
    first = CountyPageVersion.objects.get()
    client.post(f"/exportcentrum/skane/redigera/introduktion/{first.pk}/publicera/")
    client.force_login(people.admin)
    client.post("/exportcentrum/skane/redigera/introduktion/", {"introduction": "Andra"})
    html = client.get("/exportcentrum/skane/redigera/historik/").content.decode()
    assert html.index("Andra") < html.index("Första")  # newest first
    assert "Utkast" in html and "Publicerad" in html
    assert people.coordinator.username in html and people.admin.username in html
    assert "Introduktionen publicerades" in html


def test_the_county_pages_show_what_routing_and_indicators_add(client, catalogue, people):
    """Registered in their AppConfig.ready (regions.extensions); regions does not name them."""
    page = client.get("/exportcentrum/skane/").content.decode()
    assert 'href="/fraga/?lan=skane"' in page
    assert 'href="#activities-heading"' in page and 'id="activities-heading"' in page
    assert page.index('id="services-heading"') < page.index('id="activities-heading"')
    assert page.index('id="activities-heading"') < page.index('id="contact-heading"')
    client.force_login(people.coordinator)
    hub = client.get("/exportcentrum/skane/redigera/").content.decode()
    assert 'id="activities-heading"' in hub
    assert 'href="/aktiviteter/"' in hub and 'href="/aktiviteter/ny/"' in hub
