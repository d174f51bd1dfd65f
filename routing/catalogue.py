"""The reference data intake reads on every question, kept per process.

Topics, postal codes and municipalities, each county's service catalogue and export centre, and
every office with the counties it serves change rarely, yet were read from the database on each
question. A process keeps them in a ``CatalogueSnapshot`` built under the catalogue version
(``regions.catalogue``, bumped by every write of actors, offices, centres and services) and
rebuilds it when that version changes — the same scheme as the compiled rules — or when the
snapshot is older than ``SNAPSHOT_MAX_AGE``, which bounds how long a write that bypassed the
regions services (a shell, a bulk load) can go unnoticed.

What must be live stays live: the handler with the fewest open cases (``assignment``) and the
case reference counter are queried on every question.

Parts are filled lazily (one county at a time) and never mutated once filled, so the model
instances in them may be shared by requests; nobody may modify them.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from regions.catalogue import catalogue_version
from regions.models import Actor, ExportCentre, Municipality, Office, PostalCode, Topic
from regions.selectors import services_for_county as county_catalogue
from routing.engine import ServiceSpec

SNAPSHOT_MAX_AGE = 300.0  # seconds
DEFAULT_FRONT_DOOR = "region"
_MISSING = object()


def services_for_county(county_code: str) -> list[ServiceSpec]:
    """The county's service catalogue as the engine sees it.

    One definition for the whole portal: the county page shows and its coordinators edit the
    same rows (regions.selectors.services_for_county), so a service added there is offered to
    the next company that asks.
    """
    services = county_catalogue(county_code).order_by(
        "actor__actor_type__sort_order", "actor__name", "title"
    )
    return [
        ServiceSpec(
            service_id=s.pk,
            actor_id=s.actor_id,
            actor_code=s.actor.actor_type_id,
            actor_name=s.actor.name,
            title=s.title,
            topics=frozenset(t.code for t in s.topics.all()),
            url=s.url,
            title_en=s.title_en,
        )
        for s in services
    ]


def front_door_actor_type(county_code: str) -> str:
    """The actor type that receives the county's questions when no rule picks another."""
    code = (
        ExportCentre.objects.filter(county_id=county_code)
        .values_list("front_door_actor__actor_type_id", flat=True)
        .first()
    )
    return code or DEFAULT_FRONT_DOOR


@dataclass(frozen=True)
class CentreInfo:
    """A county's export centre as assignment needs it."""

    centre: ExportCentre  # front_door_actor and triage_office (with its actor) loaded
    preferred_actor_ids: frozenset[int]  # participants and the front door actor


class CatalogueSnapshot:
    def __init__(self, version: str) -> None:
        self.version = version
        self.built_at = time.monotonic()
        self._lock = threading.Lock()
        self._topics: dict[str, Topic] | None = None
        self._postal_codes: dict[str, Municipality] = {}
        self._municipalities: dict[str, Municipality] = {}
        self._services: dict[str, list] = {}
        self._front_doors: dict[str, str] = {}
        self._centres: dict[str, CentreInfo | None] = {}
        self._offices: tuple[dict[str, list[Office]], dict[int, list[Office]]] | None = None

    # ---------------------------------------------------------------- geography and topics

    def topic(self, code: str) -> Topic | None:
        if self._topics is None:
            self._topics = {t.code: t for t in Topic.objects.all()}
        return self._topics.get(code)

    def municipality_for_postal_code(self, code: str) -> Municipality | None:
        """Known postal codes are remembered; an unknown one is asked for again (cheap, rare, and
        a postal code added later is then found)."""
        municipality = self._postal_codes.get(code)
        if municipality is None:
            found = (
                PostalCode.objects.select_related("municipality__county").filter(code=code).first()
            )
            if found is None:
                return None
            municipality = self._postal_codes[code] = found.municipality
        return municipality

    def municipality(self, code: str) -> Municipality | None:
        municipality = self._municipalities.get(code)
        if municipality is None:
            municipality = Municipality.objects.select_related("county").filter(code=code).first()
            if municipality is None:
                return None
            self._municipalities[code] = municipality
        return municipality

    # ---------------------------------------------------------------- routing

    def services(self, county_code: str) -> list[ServiceSpec]:
        services = self._services.get(county_code)
        if services is None:
            services = self._services[county_code] = services_for_county(county_code)
        return services

    def front_door_actor_type(self, county_code: str) -> str:
        code = self._front_doors.get(county_code)
        if code is None:
            code = self._front_doors[county_code] = front_door_actor_type(county_code)
        return code

    # ---------------------------------------------------------------- assignment

    def centre(self, county_code: str) -> CentreInfo | None:
        info = self._centres.get(county_code, _MISSING)
        if info is _MISSING:
            centre = (
                ExportCentre.objects.filter(county_id=county_code)
                .select_related("front_door_actor", "triage_office__actor")
                .first()
            )
            info = None
            if centre is not None:
                preferred = set(centre.participants.values_list("pk", flat=True))
                preferred.add(centre.front_door_actor_id)
                info = CentreInfo(centre=centre, preferred_actor_ids=frozenset(preferred))
            self._centres[county_code] = info
        return info

    def _office_index(self) -> tuple[dict[str, list[Office]], dict[int, list[Office]]]:
        if self._offices is None:
            with self._lock:
                if self._offices is None:
                    by_type: dict[str, list[Office]] = defaultdict(list)
                    by_actor: dict[int, list[Office]] = defaultdict(list)
                    offices = (
                        Office.objects.select_related("actor")
                        .prefetch_related("counties_served")
                        .order_by("pk")
                    )
                    for office in offices:
                        by_type[office.actor.actor_type_id].append(office)
                        by_actor[office.actor_id].append(office)
                    self._offices = (dict(by_type), dict(by_actor))
        return self._offices

    def offices_of_type(self, actor_type: str) -> list[Office]:
        """Offices of actors of ``actor_type``, counties served prefetched, by pk."""
        return self._office_index()[0].get(actor_type, [])

    def offices_of_actor(self, actor: Actor) -> list[Office]:
        return self.offices_of_actor_id(actor.pk)

    def offices_of_actor_id(self, actor_id: int) -> list[Office]:
        """An actor's offices, counties served prefetched, by pk."""
        return self._office_index()[1].get(actor_id, [])


class _ProcessSnapshot:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: CatalogueSnapshot | None = None
        self.builds = 0

    def get(self) -> CatalogueSnapshot:
        version = catalogue_version()
        snapshot = self._snapshot
        if (
            snapshot is not None
            and snapshot.version == version
            and time.monotonic() - snapshot.built_at < SNAPSHOT_MAX_AGE
        ):
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if (
                snapshot is None
                or snapshot.version != version
                or time.monotonic() - snapshot.built_at >= SNAPSHOT_MAX_AGE
            ):
                snapshot = self._snapshot = CatalogueSnapshot(version)
                self.builds += 1
            return snapshot


_process_snapshot = _ProcessSnapshot()


def catalogue() -> CatalogueSnapshot:
    """This process's snapshot of the reference data, current with the catalogue version."""
    return _process_snapshot.get()
