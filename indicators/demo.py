"""Demo history for `make run` and bulk participations for the benchmark.

Everything is generated with a seeded RNG directly through the ORM (bulk inserts), so the
dashboards have a realistic year to show: 80–90 % first contacts in time, closings, referrals,
escalations, surveys, activities with participants, and mystery-shopper tests.
Never loaded in production (the commands refuse).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from indicators.models import (
    Activity,
    ActivityParticipant,
    MysteryShopperTest,
    SurveyInvitation,
    SurveyResponse,
)
from regions.models import ActorType, County, Office, StaffProfile
from routing.clock import STOCKHOLM, is_working_day
from routing.deadlines import case_clock_fields
from routing.models import Case, CaseEvent, EscalationRecord

DEMO_PREFIX = "DEMO-"
BENCH_TITLE = "Benchmark-aktivitet"
#: How demo questions came in, by serial number (no draw, so the random history stays the same):
#: mostly the web, then telephone and e-mail, a few through the other doors.
DEMO_CHANNELS = ["web"] * 12 + ["phone"] * 4 + ["email"] * 2 + ["api", "visit", "event", "referral"]
QUESTIONS = [
    "Vi vill börja exportera till Tyskland. Var börjar vi?",
    "Behöver vi CE-märka vår produkt för att sälja i Frankrike?",
    "Hur skyddar vi oss mot att kunden i Brasilien inte betalar?",
    "Finns det lån för att finansiera en stor exportorder?",
    "Vi söker en distributör i USA.",
    "Kan vi få en affärsutvecklingscheck för internationalisering?",
]


def luhn_org_number(rng: random.Random) -> str:
    """A valid-looking ten-digit organisation number (Luhn check digit, group 55)."""
    body = "55" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    total = 0
    for i, ch in enumerate(body):
        digit = int(ch) * (2 if i % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def _working_moment(rng: random.Random, day) -> datetime:
    while not is_working_day(day):
        day += timedelta(days=1)
    local = datetime.combine(day, time(rng.randint(7, 17), rng.randint(0, 59)), tzinfo=STOCKHOLM)
    return local


def demo_history_loaded() -> bool:
    return Case.objects.filter(reference__startswith=DEMO_PREFIX).exists()


@transaction.atomic
def load_demo_history(*, seed: int = 2026, months: int = 12) -> dict[str, int]:
    """Create a year of demo records for every county. Idempotent: does nothing if loaded."""
    if demo_history_loaded():
        return {}
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    now = timezone.now()
    today = timezone.localdate()
    start_day = today - timedelta(days=months * 30)
    counts = {"cases": 0, "activities": 0, "participants": 0, "surveys": 0, "tests": 0}
    actor_types = {t.code: t for t in ActorType.objects.all()}
    serial = 0
    for county in County.objects.order_by("code"):
        offices = list(
            Office.objects.filter(counties_served=county).select_related(
                "actor", "actor__actor_type"
            )
        )
        if not offices:
            continue
        handlers = _handlers_by_office(offices)
        companies = [luhn_org_number(rng) for _ in range(150)]
        in_time_rate = rng.uniform(0.80, 0.90)
        municipality = county.municipalities.order_by("code").first()
        cases: list[Case] = []
        for _ in range(rng.randint(250, 450)):
            serial += 1
            created = _working_moment(rng, start_day + timedelta(days=rng.randint(0, months * 30)))
            if created >= now:
                continue
            clock = case_clock_fields(created)
            office = rng.choice(offices)
            deadline = clock["original_deadline_at"]
            first_contact = None
            if rng.random() < in_time_rate:
                first_contact = created + (deadline - created) * rng.uniform(0.05, 0.95)
            elif rng.random() < 0.9:
                first_contact = deadline + timedelta(hours=rng.uniform(1, 60))
            if first_contact and first_contact > now:
                first_contact = None
            closed = None
            if first_contact and rng.random() < 0.85:
                closed = first_contact + timedelta(days=rng.uniform(1, 12))
                if closed > now:
                    closed = None
            if closed is None and created < now - timedelta(days=30):
                # Old questions are settled: the inbox holds only recent work.
                closed = (first_contact or deadline) + timedelta(days=rng.uniform(1, 12))
            referred = closed is None and first_contact is not None and rng.random() < 0.12
            status = (
                "closed"
                if closed
                else ("referred" if referred else ("contacted" if first_contact else "assigned"))
            )
            cases.append(
                Case(
                    reference=f"{DEMO_PREFIX}{created.year}-{serial:06d}",
                    created_at=created,
                    company_name=f"Demoföretag {serial} AB",
                    org_number=rng.choice(companies),
                    contact_name="Demo Kontakt",
                    email=f"demo{serial}@foretag.example",
                    municipality=municipality,
                    county=county,
                    question=rng.choice(QUESTIONS),
                    status=status,
                    assigned_actor=office.actor,
                    office=office,
                    handler_id=rng.choice(handlers[office.pk]) if handlers.get(office.pk) else None,
                    first_contact_at=first_contact,
                    first_contact_channel="phone" if first_contact else "",
                    closed_at=closed,
                    outcome=(
                        rng.choice(["answered", "answered", "answered", "referred_outside"])
                        if first_contact
                        else "no_reply"
                    )
                    if closed
                    else "",
                    language="en" if rng.random() < 0.05 else "sv",
                    intake_channel=DEMO_CHANNELS[serial % len(DEMO_CHANNELS)],
                    **clock,
                )
            )
        Case.objects.bulk_create(cases, batch_size=1000)
        counts["cases"] += len(cases)
        _case_details(rng, cases, now, counts)
        _activities(rng, county, offices, companies, start_day, today, counts)
        _mystery_tests(rng, county, offices, municipality, actor_types, now, counts)
    return counts


def _handlers_by_office(offices) -> dict[int, list[int]]:
    handlers: dict[int, list[int]] = {}
    for office_id, user_id in StaffProfile.objects.filter(
        office__in=offices, role=StaffProfile.Role.HANDLER
    ).values_list("office_id", "user_id"):
        handlers.setdefault(office_id, []).append(user_id)
    return handlers


def _case_details(rng, cases, now, counts) -> None:
    events, escalations, invitations = [], [], []
    for case in cases:
        if case.status == "referred" or (
            case.closed_at and case.first_contact_at and rng.random() < 0.1
        ):
            events.append(CaseEvent(case=case, kind="referred", at=case.first_contact_at))
        late_without_contact = case.first_contact_at is None and case.original_deadline_at < now
        late = late_without_contact or (
            case.first_contact_at and case.first_contact_at > case.original_deadline_at
        )
        if late:
            escalations.append(
                EscalationRecord(
                    case=case, level=1, due_at=case.reminder_at, created_at=case.reminder_at
                )
            )
            escalations.append(
                EscalationRecord(
                    case=case, level=2, due_at=case.deadline_at, created_at=case.deadline_at
                )
            )
            if late_without_contact or rng.random() < 0.3:
                escalations.append(
                    EscalationRecord(
                        case=case,
                        level=3,
                        due_at=case.national_escalation_at,
                        created_at=case.national_escalation_at,
                    )
                )
        if case.closed_at and rng.random() < 0.7:
            invitations.append(
                SurveyInvitation(
                    case=case,
                    kind="followup",
                    created_at=case.closed_at + timedelta(days=1),
                    language=case.language,
                )
            )
            if case.closed_at + timedelta(days=182) < now:
                invitations.append(
                    SurveyInvitation(
                        case=case,
                        kind="effect",
                        created_at=case.closed_at + timedelta(days=182),
                        language=case.language,
                    )
                )
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    EscalationRecord.objects.bulk_create(escalations, batch_size=1000)
    # The case carries its highest level, as the sweep would have left it.
    for level in (1, 2, 3):
        Case.objects.filter(pk__in=[e.case.pk for e in escalations if e.level == level]).update(
            escalation_level=level
        )
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    responses = []
    for invitation in invitations:
        if rng.random() > 0.45:
            continue
        answered = invitation.created_at + timedelta(days=rng.uniform(0, 5))
        in_time = invitation.case.first_contact_at and (
            invitation.case.first_contact_at <= invitation.case.original_deadline_at
        )
        if invitation.kind == "followup":
            responses.append(
                SurveyResponse(
                    invitation=invitation,
                    case=invitation.case,
                    kind="followup",
                    answered_at=answered,
                    right_actor_in_time=rng.choices(
                        ["yes", "no", "dont_know"],
                        [0.9, 0.05, 0.05] if in_time else [0.3, 0.6, 0.1],
                    )[0],
                    got_help=rng.choices(["yes", "partly", "no"], [0.75, 0.18, 0.07])[0],
                )
            )
        else:
            responses.append(
                SurveyResponse(
                    invitation=invitation,
                    case=invitation.case,
                    kind="effect",
                    answered_at=answered,
                    went_on=rng.choices(["exporting", "preparing", "no"], [0.3, 0.35, 0.35])[0],
                )
            )
    SurveyResponse.objects.bulk_create(responses, batch_size=1000)
    counts["surveys"] += len(responses)


def _activities(rng, county, offices, companies, start_day, today, counts) -> None:
    actors = list({office.actor_id: office.actor for office in offices}.values())
    kinds = [k for k, _label in Activity.Kind.choices]
    created = []
    for _ in range(rng.randint(30, 60)):
        kind = rng.choice(kinds)
        day = start_day + timedelta(days=rng.randint(0, (today - start_day).days))
        activity = Activity.objects.create(
            county=county, kind=kind, date=day,
            title=f"{Activity.Kind(kind).label} {day:%Y-%m-%d}",
            participant_count=0,
            financing_kind=rng.choice(["check", "loan", "guarantee"])
            if kind == Activity.Kind.FINANCING_DECISION else "",
            is_public=False,
        )  # fmt: skip
        picked = rng.sample(actors, min(len(actors), 2 if kind == "joint_company_visit" else 1))
        activity.actors.set(picked)
        n_companies = {"seminar": 12, "workshop": 8, "conference": 25}.get(kind, 1)
        if kind == "study_trip" and rng.random() < 0.3:
            n_companies = 0
        chosen = (
            rng.sample(companies, min(len(companies), rng.randint(1, n_companies)))
            if n_companies
            else []
        )
        created.extend(ActivityParticipant(activity=activity, org_number=o) for o in chosen)
        Activity.objects.filter(pk=activity.pk).update(
            participant_count=len(chosen) + rng.randint(0, len(chosen))
        )
        counts["activities"] += 1
    ActivityParticipant.objects.bulk_create(created, batch_size=1000)
    counts["participants"] += len(created)


def _mystery_tests(rng, county, offices, municipality, actor_types, now, counts) -> None:
    for expected in ("almi", "business_sweden"):
        created = _working_moment(rng, (now - timedelta(days=rng.randint(20, 200))).date())
        clock = case_clock_fields(created)
        office = rng.choice(offices)
        contact = created + timedelta(hours=rng.uniform(1, 40))
        case = Case.objects.create(
            reference=f"{DEMO_PREFIX}T{county.code}-{expected[:4]}",
            created_at=created, company_name="Testbolaget AB", org_number="5560360793",
            contact_name="Test Testsson", email="matning@tillvaxtverket.example",
            municipality=municipality, county=county, question=QUESTIONS[0], is_test=True,
            status="contacted", assigned_actor=office.actor, office=office,
            first_contact_at=contact, first_contact_channel="phone", **clock,
        )  # fmt: skip
        MysteryShopperTest.objects.create(
            county=county, case=case, expected_actor_type=actor_types[expected], created_at=created
        )
        counts["tests"] += 1


def seed_participations(*, total: int, seed: int = 7, per_activity: int = 10) -> int:
    """Bulk activities with ``per_activity`` companies each until ``total`` participations."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    counties = list(County.objects.values_list("code", flat=True))
    pool = [luhn_org_number(rng) for _ in range(max(total // 4, 100))]
    today = timezone.localdate()
    made = 0
    while made < total:
        batch = min(2000, (total - made + per_activity - 1) // per_activity)
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    county_id=rng.choice(counties),
                    kind=rng.choice(["seminar", "workshop", "conference", "company_visit"]),
                    title=BENCH_TITLE,
                    date=today - timedelta(days=rng.randint(0, 364)),
                    participant_count=per_activity,
                    is_public=False,
                )
                for _ in range(batch)
            ]
        )
        rows = []
        for activity in activities:
            for org in rng.sample(pool, per_activity):
                if made >= total:
                    break
                rows.append(ActivityParticipant(activity=activity, org_number=org))
                made += 1
        ActivityParticipant.objects.bulk_create(rows, batch_size=5000)
    return made
