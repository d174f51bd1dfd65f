"""Reads of reference data, the county pages and their service catalogue."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import (
    SERVICE_REVIEW_INTERVAL,
    Actor,
    County,
    CountyPageChange,
    CountyPageVersion,
    CountyPageVisit,
    ExportCentre,
    Municipality,
    Office,
    PostalCode,
    Service,
    Topic,
)


def export_centres_for_listing() -> QuerySet[County]:
    """All 21 counties with their export centre (if the centre has been set up)."""
    return County.objects.select_related(
        "export_centre", "export_centre__front_door_actor"
    ).order_by("code")


# --- The service catalogue ---------------------------------------------------------------------


def services_for_county(county_code: str, *, include_inactive: bool = False) -> QuerySet[Service]:
    """The county's service catalogue: services of the centre's participating actors that are
    offered everywhere (`counties` empty) or in this county.

    The routing engine's alternatives and the public page read this same query, so a service
    added by a coordinator is offered to the next company that asks.
    """
    services = Service.objects.filter(
        actor__export_centres__county_id=county_code,
    ).filter(Q(counties__isnull=True) | Q(counties=county_code))
    if not include_inactive:
        services = services.filter(is_active=True)
    return (
        Service.objects.filter(pk__in=services.values("pk"))
        .select_related("actor", "actor__actor_type")
        .prefetch_related("topics")
        .order_by("actor__name", "title")
    )


def local_services_q(county_code: str) -> Q:
    """Services that concern only this county, so its coordinator may change them.

    Either tied to this county alone, or offered everywhere by an actor that takes part in no
    other county's centre (e.g. the county's own region). A service shared with another county
    is left to the administrators: editing it would edit the other county's page too.
    """
    through = Service.counties.through
    in_county = through.objects.filter(county_id=county_code).values("service_id")
    elsewhere = through.objects.exclude(county_id=county_code).values("service_id")
    any_county = through.objects.values("service_id")
    participation = ExportCentre.participants.through
    local_actors = participation.objects.filter(exportcentre__county_id=county_code).values(
        "actor_id"
    )
    other_actors = participation.objects.exclude(exportcentre__county_id=county_code).values(
        "actor_id"
    )
    county_specific = Q(pk__in=in_county) & ~Q(pk__in=elsewhere)
    own_actor = ~Q(pk__in=any_county) & Q(actor_id__in=local_actors) & ~Q(actor_id__in=other_actors)
    return county_specific | own_actor


def services_needing_review(county_code: str, *, now: datetime | None = None) -> QuerySet[Service]:
    """Active services of the county's catalogue not reviewed within SERVICE_REVIEW_INTERVAL
    (the staleness guard; for the editing hub and the coordinator's dashboard)."""
    cutoff = (now or timezone.now()) - SERVICE_REVIEW_INTERVAL
    return services_for_county(county_code).filter(
        Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=cutoff)
    )


@dataclass
class TopicGroup:
    topic: Topic
    services: list[Service] = field(default_factory=list)


def catalogue_by_topic(services) -> list[TopicGroup]:
    """Group services by topic, in topic order, so similar services of different actors stand
    side by side. A service tagged with several topics appears under each."""
    groups: dict[str, TopicGroup] = {}
    for service in services:
        for topic in service.topics.all():
            groups.setdefault(topic.code, TopicGroup(topic)).services.append(service)
    ordered = sorted(groups.values(), key=lambda g: (g.topic.sort_order, g.topic.code))
    for group in ordered:
        group.services.sort(key=lambda s: (s.actor.name, s.title))
    return ordered


# --- Participants and their offices -----------------------------------------------------------


def participants_with_offices(centre: ExportCentre) -> QuerySet[Actor]:
    """The centre's actors, each with `county_offices`: its offices serving the county (or its
    national office when it has none there)."""
    county_code = centre.county_id
    offices = Office.objects.filter(Q(counties_served=county_code) | Q(is_national=True)).distinct()
    actors = centre.participants.select_related("actor_type").prefetch_related(
        Prefetch("offices", queryset=offices.order_by("name"), to_attr="county_offices")
    )
    return actors.order_by("actor_type__sort_order", "name")


def actors_available_to(county_code: str) -> QuerySet[Actor]:
    """Actors a coordinator may add to the centre: those with an office serving the county or a
    national office, plus any already taking part."""
    return (
        Actor.objects.filter(
            Q(offices__counties_served=county_code)
            | Q(offices__is_national=True)
            | Q(export_centres__county_id=county_code)
        )
        .select_related("actor_type")
        .distinct()
        .order_by("actor_type__sort_order", "name")
    )


# --- Versions and history ---------------------------------------------------------------------


def page_versions(county_code: str) -> QuerySet[CountyPageVersion]:
    return CountyPageVersion.objects.filter(county_id=county_code).select_related(
        "editor", "published_by"
    )


def latest_draft(county_code: str) -> CountyPageVersion | None:
    """The newest unpublished version saved after the last published one, if any."""
    versions = page_versions(county_code)
    last_published = versions.filter(is_published=True).order_by("-published_at").first()
    drafts = versions.filter(is_published=False)
    if last_published is not None:
        drafts = drafts.filter(created_at__gt=last_published.published_at)
    return drafts.first()


def page_changes(county_code: str) -> QuerySet[CountyPageChange]:
    return CountyPageChange.objects.filter(county_id=county_code).select_related(
        "editor", "service"
    )


# --- Visits (exposed to the indicators module) ------------------------------------------------


def county_page_visits(county_code: str | None, start: date, end: date) -> int:
    """Visits to the public page of `county_code` (all counties when None), `start` to `end`
    inclusive, days in Europe/Stockholm."""
    visits = CountyPageVisit.objects.filter(day__gte=start, day__lte=end)
    if county_code is not None:
        visits = visits.filter(county_id=county_code)
    return visits.aggregate(total=Sum("count"))["total"] or 0


# --- "Which centre is mine?" ------------------------------------------------------------------


@dataclass
class CentreMatch:
    county: County
    reasons: list[str] = field(default_factory=list)


_DIGITS = re.compile(r"^\d[\d\s]*$")


def fold_for_search(text: str) -> str:
    """Lower case without accents, so "malmo" finds Malmö and "goteborg" Göteborg: people
    typing on a foreign keyboard, or in a hurry, leave the dots out."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def find_centres(query: str) -> list[CentreMatch]:
    """Counties matching a postal code (whole or its first digits), a municipality, a postal
    locality or a county name. Comparisons are case-insensitive for å, ä and ö too, which
    SQLite's LIKE is not, so names are compared in Python (290 municipalities, 21 counties)."""
    query = query.strip()
    matches: dict[str, CentreMatch] = {}
    counties = {c.code: c for c in export_centres_for_listing()}

    def add(county_code: str, reason: str) -> None:
        match = matches.setdefault(county_code, CentreMatch(counties[county_code]))
        if reason not in match.reasons:
            match.reasons.append(reason)

    if _DIGITS.match(query):
        digits = re.sub(r"\s", "", query)
        postal = PostalCode.objects.select_related("municipality")
        if len(digits) == 5:
            rows = postal.filter(code=digits)
        else:
            rows = postal.filter(code__startswith=digits)
        for row in rows.order_by("code")[:500]:
            label = _("postnummer %(code)s (%(place)s, %(municipality)s)") % {
                "code": f"{row.code[:3]} {row.code[3:]}",
                "place": row.locality,
                "municipality": row.municipality.name,
            }
            if len(digits) != 5:
                label = _("postnummer som börjar på %(digits)s") % {"digits": digits}
            add(row.municipality.county_id, label)
        return sorted(matches.values(), key=lambda m: m.county.code)

    needle = fold_for_search(query)
    for municipality in Municipality.objects.only("short_name", "name", "county_id"):
        name = fold_for_search(municipality.short_name)
        if name == needle or any(word.startswith(needle) for word in name.split()):
            add(municipality.county_id, municipality.name)
    for county in counties.values():
        if fold_for_search(county.name).startswith(needle) or fold_for_search(
            county.short_name
        ).startswith(needle):
            add(county.code, county.name)
    # Postal localities ("Mölnlycke" lies in Härryda): exact names only, as typed or capitalised.
    localities = (
        PostalCode.objects.filter(Q(locality__iexact=query) | Q(locality__iexact=query.title()))
        .values_list("locality", "municipality__name", "municipality__county_id")
        .distinct()
    )
    for locality, municipality_name, county_code in localities:
        add(county_code, f"{locality} ({municipality_name})")
    return sorted(matches.values(), key=lambda m: m.county.code)
