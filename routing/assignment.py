"""Assignment: from the engine's ranked actor types to an office and a handler.

For each actor type in ranking order: an office of that type serving the county; else its office
serving the nearest county, else its national office (both flagged out-of-county); if the type
has no office at all, the next-ranked type. Nothing fits: the county's triage queue. Then the
available handler at that office with the fewest open cases (ties by user id), else the office
queue (no handler).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from regions.models import Actor, ExportCentre, Office, StaffProfile
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.clock import STOCKHOLM
from routing.models import Case

# Coordinates (latitude, longitude, WGS 84) of each county's seat (residensstad), rounded to
# 0.01°. Nearness of counties is the distance between their seats: good enough to pick "the
# office serving the nearest county", and a fixed table keeps assignment free of map parsing.
COUNTY_SEATS: dict[str, tuple[float, float]] = {
    "01": (59.33, 18.07),  # Stockholm
    "03": (59.86, 17.64),  # Uppsala
    "04": (58.75, 17.01),  # Nyköping
    "05": (58.41, 15.62),  # Linköping
    "06": (57.78, 14.16),  # Jönköping
    "07": (56.88, 14.81),  # Växjö
    "08": (56.66, 16.36),  # Kalmar
    "09": (57.63, 18.29),  # Visby
    "10": (56.16, 15.59),  # Karlskrona
    "12": (55.61, 13.00),  # Malmö
    "13": (56.67, 12.86),  # Halmstad
    "14": (57.71, 11.97),  # Göteborg
    "17": (59.40, 13.51),  # Karlstad
    "18": (59.27, 15.21),  # Örebro
    "19": (59.61, 16.54),  # Västerås
    "20": (60.61, 15.63),  # Falun
    "21": (60.67, 17.14),  # Gävle
    "22": (62.63, 17.94),  # Härnösand
    "23": (63.18, 14.64),  # Östersund
    "24": (63.83, 20.26),  # Umeå
    "25": (65.58, 22.15),  # Luleå
}


def county_distance_km(a: str, b: str) -> float:
    """Great-circle distance between two counties' seats (haversine)."""
    if a == b:
        return 0.0
    (lat1, lon1), (lat2, lon2) = COUNTY_SEATS[a], COUNTY_SEATS[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass
class Assignment:
    actor: Actor | None
    office: Office | None
    handler: Any = None  # a User or None (office queue)
    actor_type: str = ""
    out_of_county: bool = False
    in_triage: bool = False
    reason: str = ""
    skipped: list[str] = field(default_factory=list)  # ranked types with no office anywhere

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor_type": self.actor_type,
            "actor_id": self.actor.pk if self.actor else None,
            "actor_name": self.actor.name if self.actor else "",
            "office_id": self.office.pk if self.office else None,
            "office_name": self.office.name if self.office else "",
            "handler_id": self.handler.pk if self.handler else None,
            "out_of_county": self.out_of_county,
            "in_triage": self.in_triage,
            "reason": self.reason,
            "skipped_actor_types": list(self.skipped),
        }


def _office_for(
    actor_type: str,
    county_code: str,
    *,
    preferred_actor_ids: frozenset[int],
    snapshot: CatalogueSnapshot,
) -> tuple[Office | None, str]:
    """The office of ``actor_type`` for a question from ``county_code`` and why."""
    offices = snapshot.offices_of_type(actor_type)
    if not offices:
        return None, "no_office"

    def preference(office: Office) -> tuple:
        # The county's own partners first (e.g. Region Skåne for "region" in Skåne), then an
        # office based in the county, then a stable order.
        return (
            office.actor_id not in preferred_actor_ids,
            office.home_county_id != county_code,
            office.pk,
        )

    serving = [o for o in offices if any(c.code == county_code for c in o.counties_served.all())]
    if serving:
        return min(serving, key=preference), "in_county"

    def nearest(office: Office) -> float:
        served = [c.code for c in office.counties_served.all()] or [office.home_county_id]
        return min(county_distance_km(county_code, c) for c in served if c in COUNTY_SEATS)

    regional = [o for o in offices if not o.is_national and o.counties_served.all()]
    if regional:
        return min(regional, key=lambda o: (nearest(o), preference(o))), "nearest_county"
    national = [o for o in offices if o.is_national]
    if national:
        return min(national, key=preference), "national_office"
    return None, "no_office"


def _stockholm_date(now: datetime | None) -> date:
    return (now or timezone.now()).astimezone(STOCKHOLM).date()


def handler_candidates(office: Office, *, now: datetime | None = None) -> QuerySet:
    """The available handlers at ``office``, fewest open cases first; ties by user id.

    Each candidate's open cases are counted in a subquery that reads the partial index
    ``case_open_per_handler`` (open cases only), so the choice costs the same at 1M cases of
    history as at 1k.
    """
    today = _stockholm_date(now)
    # away_until is "borta till och med": away on that day too.
    profiles = StaffProfile.objects.filter(
        office=office,
        role=StaffProfile.Role.HANDLER,
        is_available=True,
        user__is_active=True,
    ).filter(Q(away_until__isnull=True) | Q(away_until__lt=today))
    open_cases = (
        Case.objects.filter(handler=OuterRef("pk"))
        .exclude(status=Case.Status.CLOSED)
        .order_by()
        .values("handler")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=profiles.values("user_id"))
        .annotate(open_cases=Coalesce(Subquery(open_cases), 0))
        .order_by("open_cases", "pk")
    )


# The handler choice's SQL per (office, day), kept by the process: building and compiling the
# queryset above cost more CPU than PostgreSQL spends running it. Everything that changes
# (availability, absence, open cases) is read by the query itself, so the choice stays live.
_handler_choice_sql: dict[tuple[int, date], tuple[str, tuple]] = {}
HANDLER_CHOICE_SQL_KEPT = 1000  # more (offices × days) than one process sees between restarts


def available_handler(office: Office, *, now: datetime | None = None):
    """The available handler at ``office`` with the fewest open cases; ties by user id.

    Runs the SQL of ``handler_candidates(office, now=now)[:1]``."""
    key = (office.pk, _stockholm_date(now))
    sql = _handler_choice_sql.get(key)
    if sql is None:
        if len(_handler_choice_sql) >= HANDLER_CHOICE_SQL_KEPT:
            _handler_choice_sql.clear()
        sql = _handler_choice_sql[key] = handler_candidates(office, now=now)[
            :1
        ].query.sql_with_params()
    return next(iter(get_user_model().objects.raw(*sql)), None)


def assign(
    *,
    county_code: str,
    ranked_actor_types: list[str],
    fallback_to_front_door: bool = False,
    now: datetime | None = None,
    snapshot: CatalogueSnapshot | None = None,
) -> Assignment:
    """Pick actor, office and handler for a question from ``county_code``.

    Centre and offices come from ``snapshot`` (default: this process's catalogue snapshot); the
    handler is chosen live.
    """
    snapshot = snapshot or catalogue()
    info = snapshot.centre(county_code)
    centre = info.centre if info is not None else None
    preferred = info.preferred_actor_ids if info is not None else frozenset()

    skipped: list[str] = []
    for actor_type in ranked_actor_types:
        if fallback_to_front_door and centre is not None:
            # The front door is one named actor, not any actor of its type.
            office, reason = _front_door_office(centre, county_code, snapshot)
        else:
            office, reason = _office_for(
                actor_type, county_code, preferred_actor_ids=preferred, snapshot=snapshot
            )
        if office is None:
            skipped.append(actor_type)
            continue
        return Assignment(
            actor=office.actor,
            office=office,
            handler=available_handler(office, now=now),
            actor_type=actor_type,
            out_of_county=reason != "in_county",
            reason=reason,
            skipped=skipped,
        )

    # Nothing fits: the county's triage queue, handled by the front door.
    office = centre.triage_office if centre else None
    if centre is not None and office is None:
        office, _reason = _front_door_office(centre, county_code, snapshot)
    return Assignment(
        actor=office.actor if office else (centre.front_door_actor if centre else None),
        office=office,
        handler=None,
        actor_type=(centre.front_door_actor.actor_type_id if centre else ""),
        in_triage=True,
        reason="triage",
        skipped=skipped,
    )


def _front_door_office(
    centre: ExportCentre, county_code: str, snapshot: CatalogueSnapshot
) -> tuple[Office | None, str]:
    for office in snapshot.offices_of_actor(centre.front_door_actor):
        if any(c.code == county_code for c in office.counties_served.all()):
            return office, "in_county"
    return None, "no_office"
