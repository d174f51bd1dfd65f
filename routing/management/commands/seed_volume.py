"""Bulk-insert realistic cases for load tests and the sweep benchmark.

``python manage.py seed_volume --cases 1000000 --years 3 --open-share 0.01 [--due N] [--reset]``

Cases are spread over the 21 counties and over ``--years`` of working hours; about
``--open-share`` are still open (recent, or contacted and in progress, so not due); the rest are
closed with first contact and an outcome. ``--due N`` adds exactly N open cases due *now* for
each escalation level (level 1: reminder passed; level 2: deadline passed, already reminded;
level 3: national time passed, already at level 2), replacing earlier due cases.
On PostgreSQL rows go in with COPY; elsewhere with bulk_create in batches of 5,000.
Seeded cases have references starting with "SEED-"; ``--reset`` removes them.
"""

from __future__ import annotations

import io
import json
import random
import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from regions.models import Actor, ActorType, County, Municipality, Office, StaffProfile, Topic
from routing.clock import working_time_between
from routing.deadlines import case_clock_fields
from routing.models import Case

PREFIX = "SEED-"
DUE_PREFIX = "SEED-DUE-"
BATCH = 5_000
COMPANIES = ["Nordexport", "Skogsmaskin", "Bryggeri", "Textil", "Mjukvara", "Livsmedel", "Design"]
QUESTIONS = [
    "Vi vill börja exportera till Tyskland och behöver en marknadsanalys.",
    "Hur fungerar CE-märkning för våra produkter?",
    "Vi behöver finansiering för att växa på den norska marknaden.",
    "Kan vi få kreditförsäkring för en order till Brasilien?",
    "Vi söker distributörer i USA.",
]
OUTCOMES = [c for c, _ in Case.Outcome.choices]


class Command(BaseCommand):
    help = "Fyll databasen med många realistiska ärenden (för belastningstester och benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=0)
        parser.add_argument("--years", type=float, default=3)
        parser.add_argument("--open-share", type=float, default=0.01)
        parser.add_argument("--due", type=int, default=None, help="Förfallna ärenden per nivå.")
        parser.add_argument("--reset", action="store_true", help="Ta bort tidigare seed-ärenden.")
        parser.add_argument("--seed", type=int, default=20260601)

    def handle(self, *args, **o):
        self.rng = random.Random(o["seed"] + Case.objects.count())  # noqa: S311
        self.now = timezone.now()
        if o["reset"]:
            self._delete(PREFIX)
        self.setup = self._staff()
        started = time.monotonic()
        if o["cases"]:
            inserted = self._insert(self._cases(o["cases"], o["years"], o["open_share"]))
            self.stdout.write(
                f"{inserted} ärenden på {time.monotonic() - started:.1f} s "
                f"({'COPY' if self._can_copy() else 'bulk_create'})."
            )
        if o["due"] is not None:
            self._delete(DUE_PREFIX)
            self._insert(self._due_cases(o["due"]))
            self.stdout.write(f"{o['due']} förfallna ärenden per nivå.")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE routing_case")

    # ------------------------------------------------------------------ reference rows

    def _staff(self) -> dict:
        """One region office with a handler per county, a coordinator per county, national staff."""
        region_type = ActorType.objects.get(code="region")
        offices: dict[str, tuple[int, int, int]] = {}
        for county in County.objects.all():
            actor, _ = Actor.objects.get_or_create(
                name=f"Seed Region {county.short_name}", defaults={"actor_type": region_type}
            )
            office, created = Office.objects.get_or_create(
                actor=actor,
                name=f"Seed Region {county.short_name}",
                defaults={"home_county": county, "email": f"seed.region.{county.code}@example.se"},
            )
            if created:
                office.counties_served.set([county])
            handler = self._user(f"seed.handler.{county.code}@example.se", "handler", office=office)
            self._user(f"seed.coordinator.{county.code}@example.se", "coordinator", county=county)
            municipality = Municipality.objects.filter(county=county).order_by("code").first()
            offices[county.code] = (office.pk, actor.pk, handler.pk, municipality.pk)
        self._user("seed.national@example.se", "national")
        return {"offices": offices, "topics": list(Topic.objects.values_list("pk", flat=True))}

    def _user(self, email: str, role: str, **profile):
        from django.contrib.auth import get_user_model

        user, created = get_user_model().objects.get_or_create(
            username=email, defaults={"email": email}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            StaffProfile.objects.create(user=user, role=role, **profile)
        return user

    # ------------------------------------------------------------------ rows

    def _base(self, reference: str, created_at: datetime, county: str) -> dict:
        office_id, actor_id, handler_id, municipality_id = self.setup["offices"][county]
        rng = self.rng
        return {
            "reference": reference,
            "created_at": created_at,
            "updated_at": self.now,
            "company_name": f"{rng.choice(COMPANIES)} {rng.randint(1, 99999)} AB",
            "org_number": f"55{rng.randint(10000000, 99999999)}",
            "org_number_is_personal": False,
            "contact_name": "Kontakt Person",
            "email": f"kontakt{rng.randint(1, 10**6)}@foretag.example",
            "phone": "",
            "postal_code": "",
            "municipality_id": municipality_id,
            "county_id": county,
            "topic_id": rng.choice(self.setup["topics"]) if self.setup["topics"] else None,
            "question": rng.choice(QUESTIONS),
            "target_countries": [],
            "employees": "",
            "export_experience": "",
            "language": "sv",
            "company_user_id": None,
            "is_test": False,
            "status": Case.Status.NEW,
            "assigned_actor_id": actor_id,
            "office_id": office_id,
            "handler_id": None,
            "out_of_county": False,
            "in_triage": False,
            "routing_decision": {},
            "escalation_level": 0,
            "first_contact_at": None,
            "first_contact_channel": "",
            "first_contact_by_id": None,
            "closed_at": None,
            "outcome": "",
            "_handler": handler_id,
            **case_clock_fields(created_at),
        }

    def _cases(self, count: int, years: float, open_share: float):
        rng, now = self.rng, self.now
        span = timedelta(days=365 * years).total_seconds()
        counties = sorted(self.setup["offices"])
        run = f"{rng.randrange(16**5):05x}"  # 18 characters in all: the column takes 20
        for n in range(count):
            county = rng.choice(counties)
            reference = f"{PREFIX}{run}-{n:07d}"
            if rng.random() < open_share:
                if rng.random() < 0.3:
                    # Just in: the reminder is still ahead (18 working hours > 1 hour).
                    created = now - timedelta(seconds=rng.uniform(60, 3600))
                    row = self._base(reference, created, county)
                else:
                    created = now - timedelta(days=rng.uniform(1, 60))
                    row = self._base(reference, created, county)
                    row.update(
                        status=rng.choice([Case.Status.CONTACTED, Case.Status.IN_PROGRESS]),
                        handler_id=row["_handler"],
                        first_contact_at=created + timedelta(hours=rng.uniform(0.2, 20)),
                        first_contact_channel="phone",
                    )
            else:
                created = now - timedelta(seconds=rng.uniform(2 * 86400, span))
                row = self._base(reference, created, county)
                contact = created + timedelta(hours=rng.uniform(0.2, 30))
                row.update(
                    status=Case.Status.CLOSED,
                    handler_id=row["_handler"],
                    first_contact_at=contact,
                    first_contact_channel=rng.choice(["phone", "email", "meeting"]),
                    closed_at=contact + timedelta(days=rng.uniform(0, 20)),
                    outcome=rng.choice(OUTCOMES),
                )
            yield row

    def _submitted_for(self, working_hours: float) -> datetime:
        """A submission time from which ``working_hours`` of working time have run by now."""
        target = timedelta(hours=working_hours)
        created = self.now - target
        while working_time_between(created, self.now) < target:
            created -= timedelta(hours=1)
        return created

    def _due_cases(self, per_level: int):
        counties = sorted(self.setup["offices"])
        # Level 1 due: 20 h run (reminder at 18 h passed, deadline at 24 h ahead), level 0.
        # Level 2 due: 30 h run, already reminded. Level 3 due: 50 h run, already at level 2.
        for level, hours in ((1, 20), (2, 30), (3, 50)):
            base = self._submitted_for(hours)
            for n in range(per_level):
                created = base - timedelta(seconds=n)
                row = self._base(f"{DUE_PREFIX}{level}-{n:06d}", created, counties[n % 21])
                row.update(
                    status=Case.Status.ASSIGNED,
                    handler_id=row["_handler"],
                    escalation_level=level - 1,
                )
                yield row

    # ------------------------------------------------------------------ writing

    def _can_copy(self) -> bool:
        # COPY needs psycopg2's copy_expert (the driver this project installs).
        return connection.vendor == "postgresql" and _psycopg2_available()

    def _insert(self, rows) -> int:
        fields = [f for f in Case._meta.concrete_fields if f.column != "id"]
        total = 0
        batch: list[dict] = []
        copy = self._can_copy()
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                total += self._write(batch, fields, copy)
                batch = []
        if batch:
            total += self._write(batch, fields, copy)
        return total

    def _write(self, batch: list[dict], fields, copy: bool) -> int:
        with transaction.atomic():
            if copy:
                buffer = io.StringIO()
                for row in batch:
                    buffer.write("\t".join(_copy_value(row[f.attname]) for f in fields) + "\n")
                buffer.seek(0)
                columns = ", ".join(f'"{f.column}"' for f in fields)
                with connection.cursor() as cursor:
                    cursor.cursor.copy_expert(
                        f"COPY routing_case ({columns}) FROM STDIN",
                        buffer,  # noqa: S608
                    )
            else:
                Case.objects.bulk_create(
                    [Case(**{f.attname: row[f.attname] for f in fields}) for row in batch],
                    batch_size=BATCH,
                )
        return len(batch)

    def _delete(self, prefix: str) -> None:
        ids = Case.objects.filter(reference__startswith=prefix).values("pk")
        with transaction.atomic():
            from routing.models import CaseEvent, EscalationRecord, OutboxMessage

            EscalationRecord.objects.filter(case__in=ids)._raw_delete(connection.alias)
            CaseEvent.objects.filter(case__in=ids)._raw_delete(connection.alias)
            OutboxMessage.objects.filter(case__in=ids).update(case=None)
            Case.objects.filter(reference__startswith=prefix)._raw_delete(connection.alias)


def _psycopg2_available() -> bool:
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return False
    return True


def _copy_value(value) -> str:
    """One field in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
