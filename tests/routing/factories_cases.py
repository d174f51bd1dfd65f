"""Cases straight through the ORM (intake has its own service), with real clock fields."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.utils import timezone

from regions.models import Municipality, Office
from routing.deadlines import case_clock_fields
from routing.models import Case

_numbers = itertools.count(1)


def make_case(
    *,
    office: Office | None,
    submitted_at: datetime | None = None,
    handler=None,
    status: str | None = None,
    county=None,
    **fields,
) -> Case:
    submitted_at = submitted_at or timezone.now()
    county = county or (office.home_county if office else None)
    municipality = Municipality.objects.filter(county=county).order_by("code").first()
    number = next(_numbers)
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
        "question": "Vi vill börja sälja i Tyskland. Vem kan hjälpa oss med marknadsanalys?",
        "office": office,
        "assigned_actor": office.actor if office else None,
        "handler": handler,
        "status": status or (Case.Status.ASSIGNED if handler else Case.Status.NEW),
        "routing_decision": {
            "explanation": "Marknadsfrågor utanför EU går till Business Sweden.",
            "matches": [{"actor_type": "almi", "rule": "Finansiering", "score": 2.0}],
            "alternatives": [{"actor_type": "business_sweden", "name": "Business Sweden"}],
        },
        **case_clock_fields(submitted_at),
    }
    values.update(fields)
    return Case.objects.create(**values)
