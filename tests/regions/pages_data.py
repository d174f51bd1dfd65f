"""Builds a small service catalogue for the county-page tests, on top of the `people` fixture.

Skåne's centre: Region Skåne + Almi; Dalarna's: Region Dalarna + Almi. Business Sweden exists
but takes part in neither, so its services must not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from regions.models import Actor, ActorType, ExportCentre, Service, Topic
from tests.factories import ActorFactory, ServiceFactory


@dataclass
class Catalogue:
    skane_centre: ExportCentre
    dalarna_centre: ExportCentre
    almi: Actor
    region_skane: Actor
    business_sweden: Actor
    almi_loan: Service  # Almi, every county: shared, only admins edit it
    region_check: Service  # Region Skåne, two topics: local to Skåne
    skane_mentor: Service  # Almi, tied to Skåne: local to Skåne
    dalarna_only: Service  # Almi, tied to Dalarna
    skane_inactive: Service
    stale: Service  # Region Skåne, reviewed 400 days ago
    never_reviewed: Service
    outsider_service: Service  # Business Sweden, not a participant


def build_catalogue(people) -> Catalogue:
    now = timezone.now()
    topic = {t.code: t for t in Topic.objects.all()}
    skane_centre = ExportCentre.objects.get(county=people.skane)
    dalarna_centre = ExportCentre.objects.get(county=people.dalarna)
    almi = people.skane_almi_office.actor
    region_skane = people.skane_region_office.actor
    region_dalarna = people.dalarna_region_office.actor
    business_sweden = ActorFactory(
        name="Business Sweden", actor_type=ActorType.objects.get(code="business_sweden")
    )
    skane_centre.participants.set([region_skane, almi])
    dalarna_centre.participants.set([region_dalarna, almi])
    office = people.skane_almi_office
    office.email, office.phone = "skane@almi.example.se", "040-123 45 67"
    office.street_address, office.opening_hours = "Stortorget 1, Malmö", "Mån–fre 08–17"
    office.save()

    def service(actor, title, topics, counties=(), **extra):
        obj = ServiceFactory(
            actor=actor, title=title, topics=[topic[t] for t in topics], reviewed_at=now, **extra
        )
        obj.counties.set(counties)
        return obj

    return Catalogue(
        skane_centre=skane_centre,
        dalarna_centre=dalarna_centre,
        almi=almi,
        region_skane=region_skane,
        business_sweden=business_sweden,
        almi_loan=service(almi, "Lån för export", ["financing"], is_free=False),
        region_check=service(
            region_skane, "Affärsutvecklingscheck", ["business_development", "financing"]
        ),
        skane_mentor=service(almi, "Mentor i Skåne", ["business_development"], [people.skane]),
        dalarna_only=service(almi, "Dalaexport", ["business_development"], [people.dalarna]),
        skane_inactive=service(
            almi, "Nedlagd tjänst", ["financing"], [people.skane], is_active=False
        ),
        stale=_stale(service(region_skane, "Gammal vägledning", ["regulations"]), now),
        never_reviewed=_never(service(region_skane, "Ogranskad tjänst", ["ip"])),
        outsider_service=service(business_sweden, "Marknadsanalys", ["market_analysis"]),
    )


def _stale(service: Service, now) -> Service:
    Service.objects.filter(pk=service.pk).update(reviewed_at=now - timedelta(days=400))
    service.refresh_from_db()
    return service


def _never(service: Service) -> Service:
    Service.objects.filter(pk=service.pk).update(reviewed_at=None)
    service.refresh_from_db()
    return service
