# Longer than 400 lines: a benchmark seeder that generates a realistic history in SQL; it never
# runs in production.
"""Bulk-insert realistic cases for load tests and the sweep benchmark.

``python manage.py seed_volume --cases 1000000 --years 3 --open-share 0.01 [--due N] [--reset]``

Cases are spread over the 21 counties and over ``--years`` of working hours; about
``--open-share`` are still open (recent, or contacted and in progress, so not due); the rest are
closed with first contact and an outcome. ``--due N`` adds exactly N open cases due *now* for
each escalation level (level 1: reminder passed; level 2: deadline passed, already reminded;
level 3: national time passed, already at level 2), replacing earlier due cases.
On PostgreSQL the bulk cases are generated inside the database by one ``INSERT … SELECT … FROM
generate_series`` (deterministic: ``setseed`` from ``--seed`` and the current row count): 1M
cases in 60–80 s on the 2-core development machine, much of it rebuilding the indexes. The due
cases, and everything on other databases, go in from Python (COPY on PostgreSQL, bulk_create in
batches of 5,000 elsewhere).

The SQL path computes the clock columns from the list of working days built in Python with the
real calendar (``routing.clock.is_working_day``): a time plus H working hours is "the same local
time of day, H/24 working days later" (start on a non-working day: from midnight of the next
working day). That is the clock's rule, except that wall-clock arithmetic across a DST change may
differ from ``add_working_time`` by the hour of the change, and ``deadline_trace`` holds a fixed
note instead of the human-readable trace. None of it matters to the sweep (bulk cases are never
due) or the indicators (they compare ``first_contact_at`` with ``original_deadline_at``).
Seeded cases have references starting with "SEED-"; ``--reset`` removes them.
"""

from __future__ import annotations

import io
import json
import random
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from regions.models import Actor, ActorType, County, Municipality, Office, StaffProfile, Topic
from routing.clock import STOCKHOLM, calendar_version, is_working_day, working_time_between
from routing.deadlines import case_clock_fields
from routing.models import Case

PREFIX = "SEED-"
DUE_PREFIX = "SEED-DUE-"
BATCH = 5_000
#: From this many cases on, the SQL path drops and rebuilds the secondary indexes.
REBUILD_FROM = 50_000
COMPANIES = ["Nordexport", "Skogsmaskin", "Bryggeri", "Textil", "Mjukvara", "Livsmedel", "Design"]
QUESTIONS = [
    "Vi vill börja exportera till Tyskland och behöver en marknadsanalys.",
    "Hur fungerar CE-märkning för våra produkter?",
    "Vi behöver finansiering för att växa på den norska marknaden.",
    "Kan vi få kreditförsäkring för en order till Brasilien?",
    "Vi söker distributörer i USA.",
]
OUTCOMES = [c for c, _ in Case.Outcome.choices]

# One row of random draws per case (MATERIALIZED: each random() is drawn once, in order, so
# setseed makes the whole table reproducible), then the case's times, then its clock columns.
# OFFSET 0 keeps each step a subquery evaluated once per row (inlined, the expressions would be
# recomputed in every later reference). Clock: the local day of created_at (or, on a
# non-working day, midnight of the next working day) plus H working hours is H // 24 working
# days later (ordinal lookup in %(working_days)s) plus the remaining hours.
SQL_CASES = """
WITH draw AS MATERIALIZED (
    SELECT n, random() AS r_open, random() AS r_kind, random() AS r_time, random() AS r_contact,
           random() AS r_close, random() AS r_county, random() AS r_muni, random() AS r_status,
           random() AS r_channel, random() AS r_outcome, random() AS r_company,
           random() AS r_org, random() AS r_mail, random() AS r_topic, random() AS r_question
    FROM generate_series(1, %(count)s) AS n
), timed AS (
    SELECT d.*, o.county_id, o.office_id, o.actor_id, o.handler_id,
           o.municipalities[1 + floor(d.r_muni * cardinality(o.municipalities))::int]
               AS municipality_id,
           CASE
               WHEN d.r_open >= %(open_share)s THEN 'closed'
               WHEN d.r_kind < 0.3 THEN 'new'
               ELSE 'open'
           END AS kind,
           CASE
               WHEN d.r_open >= %(open_share)s THEN
                   %(now)s::timestamptz - make_interval(
                       secs => 172800 + d.r_time * (%(span)s - 172800))
               WHEN d.r_kind < 0.3 THEN
                   %(now)s::timestamptz - make_interval(secs => 60 + d.r_time * 3540)
               ELSE %(now)s::timestamptz - make_interval(days => 1) * (1 + d.r_time * 59)
           END AS created_at
    FROM draw d
    JOIN seed_org o ON o.idx = 1 + floor(d.r_county * %(ncounties)s)::int
    OFFSET 0
), contact AS (
    SELECT t.*,
           CASE t.kind
               WHEN 'new' THEN NULL
               WHEN 'open' THEN LEAST(%(now)s::timestamptz,
                   t.created_at + make_interval(hours => 1) * (0.2 + t.r_contact * 19.8))
               ELSE t.created_at + make_interval(hours => 1) * (0.2 + t.r_contact * 29.8)
           END AS first_contact_at,
           (t.created_at AT TIME ZONE 'Europe/Stockholm') AS local_at,
           (t.created_at AT TIME ZONE 'Europe/Stockholm')::date - %(first_day)s::date + 1
               AS day_index
    FROM timed t
    OFFSET 0
), clock AS (
    SELECT c.*, (%(next_working)s::int[])[c.day_index] AS day_ord,
           CASE WHEN (%(working)s::boolean[])[c.day_index]
               THEN extract(epoch FROM c.local_at - c.local_at::date)::double precision
               ELSE 0 END AS offset_s
    FROM contact c
    OFFSET 0
), due AS (
    SELECT c.*,
           ((%(working_days)s::date[])[1 + c.day_ord + floor((c.offset_s + 64800) / 86400)::int]
               + make_interval(secs => mod((c.offset_s + 64800)::numeric, 86400)::double precision)
           ) AT TIME ZONE 'Europe/Stockholm' AS reminder_at,
           ((%(working_days)s::date[])[1 + c.day_ord + floor((c.offset_s + 86400) / 86400)::int]
               + make_interval(secs => mod((c.offset_s + 86400)::numeric, 86400)::double precision)
           ) AT TIME ZONE 'Europe/Stockholm' AS deadline_at,
           ((%(working_days)s::date[])[1 + c.day_ord + floor((c.offset_s + 172800) / 86400)::int]
               + make_interval(secs => mod((c.offset_s + 172800)::numeric, 86400)::double precision)
           ) AT TIME ZONE 'Europe/Stockholm' AS national_at
    FROM clock c
)
INSERT INTO routing_case (
    reference, created_at, updated_at, company_name, org_number, org_number_is_personal,
    contact_name, email, phone, postal_code, municipality_id, county_id, topic_id, question,
    target_countries, employees, export_experience, language, company_user_id, is_test, status,
    assigned_actor_id, office_id, handler_id, out_of_county, in_triage, routing_decision,
    deadline_at, original_deadline_at, calendar_version, deadline_trace, reminder_at,
    national_escalation_at, escalation_level, first_contact_at, first_contact_channel,
    first_contact_by_id, closed_at, outcome, intake_channel
)
SELECT
    %(prefix)s || lpad(n::text, 7, '0'), created_at, %(now)s,
    (%(companies)s::text[])[1 + floor(r_company * cardinality(%(companies)s::text[]))::int]
        || ' ' || (1 + floor(r_org * 99999))::int || ' AB',
    '55' || (10000000 + floor(r_org * 90000000))::bigint, false,
    'Kontakt Person', 'kontakt' || (1 + floor(r_mail * 1000000))::int || '@foretag.example',
    '', '', municipality_id, county_id,
    (%(topics)s::text[])[1 + floor(r_topic * cardinality(%(topics)s::text[]))::int],
    (%(questions)s::text[])[1 + floor(r_question * cardinality(%(questions)s::text[]))::int],
    '[]'::jsonb, '', '', 'sv', NULL, false,
    CASE kind WHEN 'closed' THEN 'closed' WHEN 'new' THEN 'new'
        ELSE (ARRAY['contacted', 'in_progress'])[1 + floor(r_status * 2)::int] END,
    actor_id, office_id, CASE WHEN kind = 'new' THEN NULL ELSE handler_id END, false, false,
    '{}'::jsonb,
    deadline_at, deadline_at, %(calendar)s, %(trace)s, reminder_at, national_at, 0,
    first_contact_at,
    CASE kind WHEN 'new' THEN '' WHEN 'open' THEN 'phone'
        ELSE (ARRAY['phone', 'email', 'meeting'])[1 + floor(r_channel * 3)::int] END,
    NULL,
    CASE WHEN kind = 'closed' THEN LEAST(%(now)s::timestamptz,
        first_contact_at + make_interval(days => 1) * (r_close * 20)) END,
    CASE WHEN kind = 'closed' THEN
        (%(outcomes)s::text[])[1 + floor(r_outcome * cardinality(%(outcomes)s::text[]))::int]
        ELSE '' END,
    'web'
FROM due
"""


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
        if settings.PRODUCTION:
            raise CommandError("Benchmark data is never seeded in production.")
        self.rng = random.Random(o["seed"] + Case.objects.count())  # noqa: S311
        self.now = timezone.now()
        if o["reset"]:
            self._delete(PREFIX)
        self.setup = self._staff()
        started = time.monotonic()
        if o["cases"]:
            if connection.vendor == "postgresql":
                inserted, how = self._insert_sql(o["cases"], o["years"], o["open_share"]), "SQL"
            else:
                rows = self._cases(o["cases"], o["years"], o["open_share"])
                inserted, how = self._insert(rows), "bulk_create"
            self.stdout.write(f"{inserted} ärenden på {time.monotonic() - started:.1f} s ({how}).")
        if o["due"] is not None:
            self._delete(DUE_PREFIX)
            self._insert(self._due_cases(o["due"]))
            self.stdout.write(f"{o['due']} förfallna ärenden per nivå.")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM also marks the new pages all-visible, so the indicator queries can use
                # index-only scans at once; it cannot run inside a transaction (tests).
                vacuum = "" if connection.in_atomic_block else "VACUUM "
                cursor.execute(f"{vacuum}ANALYZE routing_case")

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
            "anonymised_at": None,
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

    def _insert_sql(self, count: int, years: float, open_share: float) -> int:
        """The same distribution as ``_cases``, generated by PostgreSQL in one statement."""
        rng, now = self.rng, self.now
        run = f"{rng.randrange(16**5):05x}"
        span = timedelta(days=365 * years).total_seconds()
        first_day = (now - timedelta(seconds=span) - timedelta(days=7)).astimezone(STOCKHOLM).date()
        last_day = (now + timedelta(days=30)).astimezone(STOCKHOLM).date()
        calendar = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
        working = [day for day in calendar if is_working_day(day)]
        ordinal = {day: i for i, day in enumerate(working)}
        following, next_working = None, []
        for day in reversed(calendar):  # each day: ordinal of the first working day from it
            following = ordinal.get(day, following)
            next_working.append(following)
        next_working.reverse()
        orgs = []
        for index, (county, (office, actor, handler, _m)) in enumerate(
            sorted(self.setup["offices"].items())
        ):
            municipalities = list(
                Municipality.objects.filter(county_id=county).values_list("pk", flat=True)
            )
            orgs.append((index + 1, county, office, actor, handler, municipalities))
        params = {
            "seed": (rng.random() * 2) - 1,
            "count": count,
            "open_share": open_share,
            "span": span,
            "now": now,
            "prefix": f"{PREFIX}{run}-",
            "ncounties": len(orgs),
            "companies": COMPANIES,
            "questions": QUESTIONS,
            "topics": self.setup["topics"] or [None],
            "outcomes": OUTCOMES,
            "calendar": calendar_version(),
            "trace": "seed_volume: klockan beräknad i SQL",
            "first_day": first_day,
            "working": [day in ordinal for day in calendar],
            "next_working": next_working,
            "working_days": working,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE seed_org (idx int PRIMARY KEY, county_id varchar, office_id"
                " bigint, actor_id bigint, handler_id int, municipalities text[])"
                " ON COMMIT DROP"
            )
            cursor.executemany("INSERT INTO seed_org VALUES (%s, %s, %s, %s, %s, %s)", orgs)
            cursor.execute("ANALYZE seed_org")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # Every foreign key comes from the reference rows just read, so the deferred
                # per-row constraint checks (six per case, run at commit) can be skipped for
                # this insert; only a superuser may, anyone else simply pays for the checks.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            rebuild = _drop_secondary_indexes(cursor) if count >= REBUILD_FROM else []
            cursor.execute("SELECT setseed(%(seed)s)", params)
            cursor.execute(SQL_CASES, params)
            inserted = cursor.rowcount
            for definition in rebuild:
                cursor.execute(definition)
            # SET LOCAL lasts until the outermost transaction ends: undo it here, in case the
            # command runs inside one (tests do).
            cursor.execute(
                "DROP TABLE seed_org; SET LOCAL session_replication_role = DEFAULT;"
                " SET LOCAL maintenance_work_mem = DEFAULT"
            )
            return inserted

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
        # COPY uses psycopg2's copy_expert, the driver this project installs.
        return connection.vendor == "postgresql"

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
        # Columns the generator does not set (added to Case later) get the field's default.
        batch = [{f.attname: row.get(f.attname, f.get_default()) for f in fields} for row in batch]
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


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop routing_case's non-unique indexes (in the caller's transaction); their definitions.

    Building an index once from the finished table is far cheaper than maintaining twenty
    indexes row by row during a million-row insert. The table is locked until commit, which is
    acceptable for a benchmark seed, never for a live system.
    """
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = 'routing_case'::regclass AND NOT x.indisunique"
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


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
