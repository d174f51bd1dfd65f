"""Writes for the county pages: introduction versions, participants, the service catalogue and
the visit counter. Every editing service writes its version or history row in the same
transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from regions.catalogue import catalogue_changed
from regions.models import (
    Actor,
    County,
    CountyPageChange,
    CountyPageVersion,
    CountyPageVisit,
    ExportCentre,
    Service,
    Topic,
)

Kind = CountyPageChange.Kind


def service_snapshot(service: Service) -> dict:
    """What the history shows of a service, before and after a change."""
    return {
        "actor": service.actor.name,
        "title": service.title,
        "description": service.description,
        "title_en": service.title_en,
        "description_en": service.description_en,
        "topics": sorted(service.topics.values_list("code", flat=True)),
        "url": service.url,
        "is_free": service.is_free,
        "is_active": service.is_active,
        "counties": sorted(service.counties.values_list("code", flat=True)),
        "reviewed_at": service.reviewed_at.isoformat() if service.reviewed_at else None,
    }


def _record(*, county: County, kind: str, editor, **fields) -> CountyPageChange:
    # Every catalogue or participant change goes through here: processes that keep a copy of the
    # catalogue (routing's intake) rebuild it.
    catalogue_changed()
    return CountyPageChange.objects.create(county=county, kind=kind, editor=editor, **fields)


# --- Introduction -----------------------------------------------------------------------------


def county_page_draft_save(*, county: County, introduction: str, editor) -> CountyPageVersion:
    """Save a new, unpublished version; the public page is unchanged until it is published."""
    return CountyPageVersion.objects.create(
        county=county, introduction=introduction.strip(), editor=editor
    )


@transaction.atomic
def county_page_publish(*, version: CountyPageVersion, editor) -> bool:
    """Publish a draft: the centre's introduction becomes its text. False if it was already
    published (a double click or another editor got there first)."""
    # The centre row lock orders concurrent publications of one county.
    centre = ExportCentre.objects.select_for_update().get(county_id=version.county_id)
    now = timezone.now()
    claimed = CountyPageVersion.objects.filter(pk=version.pk, is_published=False).update(
        is_published=True, published_at=now, published_by=editor
    )
    if not claimed:
        return False
    before = centre.introduction
    centre.introduction = version.introduction
    centre.save(update_fields=["introduction"])
    _record(
        county=centre.county,
        kind=Kind.INTRODUCTION_PUBLISHED,
        editor=editor,
        page_version=version,
        before={"introduction": before},
        after={"introduction": version.introduction},
    )
    version.refresh_from_db()
    return True


# --- Participants -----------------------------------------------------------------------------


@transaction.atomic
def centre_participants_update(
    *, centre: ExportCentre, actors: Iterable[Actor], editor
) -> CountyPageChange | None:
    """Set who takes part in the centre. None when nothing changed."""
    actors = list(actors)
    before = sorted(centre.participants.values_list("name", flat=True))
    after = sorted(a.name for a in actors)
    if before == after:
        return None
    centre.participants.set(actors)
    return _record(
        county=centre.county,
        kind=Kind.PARTICIPANTS_UPDATED,
        editor=editor,
        before={"participants": before},
        after={"participants": after},
    )


# --- Services ---------------------------------------------------------------------------------


@transaction.atomic
def service_create(
    *,
    county: County,
    actor: Actor,
    title: str,
    description: str,
    topics: Iterable[Topic],
    url: str = "",
    is_free: bool = True,
    title_en: str = "",
    description_en: str = "",
    editor,
) -> Service:
    """A new service offered in this county only; writing it counts as reviewing it."""
    service = Service.objects.create(
        actor=actor,
        title=title,
        description=description,
        title_en=title_en,
        description_en=description_en,
        url=url,
        is_free=is_free,
        reviewed_at=timezone.now(),
    )
    service.topics.set(list(topics))
    service.counties.set([county])
    _record(
        county=county,
        kind=Kind.SERVICE_CREATED,
        editor=editor,
        service=service,
        after=service_snapshot(service),
    )
    return service


@transaction.atomic
def service_update(
    *,
    county: County,
    service: Service,
    actor: Actor,
    title: str,
    description: str,
    topics: Iterable[Topic],
    url: str = "",
    is_free: bool = True,
    title_en: str = "",
    description_en: str = "",
    editor,
) -> Service:
    """Change a service; the editor has looked at it, so it also counts as reviewed."""
    # Re-read under a row lock: the caller's instance may already carry the form's values
    # (ModelForm validation assigns them), and "before" must be what is stored.
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = service_snapshot(service)
    service.actor = actor
    service.title = title
    service.description = description
    service.title_en = title_en
    service.description_en = description_en
    service.url = url
    service.is_free = is_free
    service.reviewed_at = timezone.now()
    fields = ["actor", "title", "description", "title_en", "description_en", "url", "is_free"]
    service.save(update_fields=[*fields, "reviewed_at"])
    service.topics.set(list(topics))
    _record(
        county=county,
        kind=Kind.SERVICE_UPDATED,
        editor=editor,
        service=service,
        before=before,
        after=service_snapshot(service),
    )
    return service


def _service_set(*, county: County, service: Service, editor, kind: str, **values) -> Service:
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = service_snapshot(service)
    for name, value in values.items():
        setattr(service, name, value)
    service.save(update_fields=list(values))
    _record(
        county=county,
        kind=kind,
        editor=editor,
        service=service,
        before=before,
        after=service_snapshot(service),
    )
    return service


@transaction.atomic
def service_deactivate(*, county: County, service: Service, editor) -> Service:
    """Take a service off the catalogue (and out of routing's alternatives), keeping its history."""
    return _service_set(
        county=county,
        service=service,
        editor=editor,
        kind=Kind.SERVICE_DEACTIVATED,
        is_active=False,
    )


@transaction.atomic
def service_activate(*, county: County, service: Service, editor) -> Service:
    return _service_set(
        county=county, service=service, editor=editor, kind=Kind.SERVICE_ACTIVATED, is_active=True
    )


@transaction.atomic
def service_mark_reviewed(*, county: County, service: Service, editor) -> Service:
    """The coordinator confirms the service is still correct: resets the staleness clock."""
    return _service_set(
        county=county,
        service=service,
        editor=editor,
        kind=Kind.SERVICE_REVIEWED,
        reviewed_at=timezone.now(),
    )


# --- Visits -----------------------------------------------------------------------------------


def county_page_visit_record(*, county_code: str, day: date | None = None) -> None:
    """Count one visit to the county's public page on `day` (today in Europe/Stockholm).

    Race-free on PostgreSQL and SQLite without locks: the counter is only ever changed by an
    atomic `count = count + 1`; the day's row is created with count 0 by an INSERT that ignores
    a conflicting row (ON CONFLICT DO NOTHING / INSERT OR IGNORE), so two first visitors of the
    day cannot both insert, and neither increment is lost.
    """
    day = day or timezone.localdate()
    counter = CountyPageVisit.objects.filter(county_id=county_code, day=day)
    if counter.update(count=F("count") + 1):
        return
    CountyPageVisit.objects.bulk_create(
        [CountyPageVisit(county_id=county_code, day=day, count=0)], ignore_conflicts=True
    )
    counter.update(count=F("count") + 1)
