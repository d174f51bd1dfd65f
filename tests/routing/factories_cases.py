"""The suite's one case factory: a case with a real routing decision and real clock fields.

Tests that are about filing go through ``routing.intake.case_create`` itself. Every other test
that needs a case at a given office calls ``make_case``: the question is routed by the real
engine over the real rules and catalogue (``route_question``), stored through the typed
contract (``RoutingDecision``), and the case is placed at ``office`` as assignment would record
it, without intake's events and receipt e-mail so those tests count only their own.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from django.utils import timezone

from regions.models import Municipality, Office
from routing.assignment import Assignment
from routing.deadlines import case_clock_fields
from routing.decision import RoutingDecision
from routing.engine import QuestionFacts
from routing.models import Case
from routing.rules import route_question

DEFAULT_QUESTION = "Vi vill börja sälja i Tyskland. Vem kan hjälpa oss med marknadsanalys?"

_numbers = itertools.count(1)


def make_case(
    *,
    office: Office | None,
    submitted_at: datetime | None = None,
    handler=None,
    status: str | None = None,
    county=None,
    question: str = DEFAULT_QUESTION,
    target_countries: tuple[str, ...] = ("DE",),
    in_triage: bool = False,
    **fields,
) -> Case:
    submitted_at = submitted_at or timezone.now()
    county = county or (office.home_county if office else None)
    municipality = Municipality.objects.filter(county=county).order_by("code").first()
    number = next(_numbers)
    topic = fields.get("topic")
    engine_decision = route_question(
        QuestionFacts(
            county_code=county.code,
            text=question,
            topic=topic.code if topic else None,
            target_countries=target_countries,
        )
    )
    placed = Assignment(
        actor=office.actor if office else None,
        office=office,
        handler=handler,
        actor_type=office.actor.actor_type_id if office else "",
        in_triage=in_triage,
        reason="test",
    )
    values = {
        "reference": f"REC-{submitted_at.year}-T{number:05d}",
        "created_at": submitted_at,
        "company_name": f"Exportbolaget {number} AB",
        "org_number": "556036-0793",
        "contact_name": "Karin Exempel",
        "email": f"karin{number}@foretag.example",
        "phone": "040-123 45 67",
        "municipality": municipality,
        "county": county,
        "question": question,
        "target_countries": list(target_countries),
        "office": office,
        "assigned_actor": office.actor if office else None,
        "handler": handler,
        "in_triage": in_triage,
        "status": status or (Case.Status.ASSIGNED if handler else Case.Status.NEW),
        "decision": RoutingDecision.from_engine(
            engine_decision, county=county.code, assignment=placed.as_dict()
        ),
        **case_clock_fields(submitted_at),
    }
    values.update(fields)
    return Case.objects.create(**values)
