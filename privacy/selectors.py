"""Everything the portal holds about one person or company, within what the searcher may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet
from stdnum.se import orgnr, personnummer

from indicators.models import ActivityParticipant, SurveyResponse
from regions.access import Scope
from routing.models import Case, CaseEvent, OutboxMessage

_DIGITS = re.compile(r"\D")


@dataclass
class PersonalData:
    query: str
    cases: QuerySet
    events: QuerySet
    mail: QuerySet
    survey_responses: QuerySet
    participants: QuerySet

    @cached_property  # the page asks twice; each ask is four COUNTs
    def total(self) -> int:
        return sum(
            qs.count() for qs in (self.cases, self.mail, self.survey_responses, self.participants)
        )


def _is_org_or_personal(digits: str) -> bool:
    return orgnr.is_valid(digits[-10:]) or personnummer.is_valid(digits)


def personal_data_find(query: str, *, scope: Scope) -> PersonalData:
    """By e-mail address, phone number, organisation number or personnummer (any format)."""
    query = query.strip()
    digits = _DIGITS.sub("", query)
    case_match = Q(pk__in=[])
    mail_match = Q(pk__in=[])
    participant_match = Q(pk__in=[])
    if "@" in query:
        case_match = Q(email__iexact=query)
        mail_match = Q(to__iexact=query)
    elif len(digits) in (10, 12) and not query.startswith("+") and _is_org_or_personal(digits):
        number = digits[-10:]
        case_match = Q(org_number=number)
        participant_match = Q(org_number=number)
    elif len(digits) >= 7:
        # Phone numbers are stored as typed ("040-12 34 56"): compare digits in Python, within
        # what the searcher may see. Searches are rare; a scan of one county is fine.
        candidates = (
            scope.filter(
                Case.objects.exclude(phone=""), county_field="county", office_field="office"
            )
            .order_by()
            .values_list("pk", "phone")
        )  # no sort: every row is looked at
        wanted = digits.lstrip("0")[-8:]
        ids = [pk for pk, phone in candidates if _DIGITS.sub("", phone).endswith(wanted)]
        case_match = Q(pk__in=ids)
    cases = scope.filter(
        Case.objects.filter(case_match, anonymised_at__isnull=True),
        county_field="county",
        office_field="office",
    ).select_related("county", "assigned_actor", "office")
    case_ids = list(cases.values_list("pk", flat=True))
    mail = scope.filter(
        OutboxMessage.objects.filter(mail_match | Q(case_id__in=case_ids)).exclude(to=""),
        county_field="case__county",
        office_field="case__office",
    )
    participants = scope.filter(
        ActivityParticipant.objects.filter(participant_match).exclude(org_number__startswith="P"),
        county_field="activity__county",
    ).select_related("activity")
    return PersonalData(
        query=query,
        cases=cases,
        events=CaseEvent.objects.filter(case_id__in=case_ids).order_by("case_id", "at"),
        mail=mail.order_by("created_at"),
        survey_responses=SurveyResponse.objects.filter(case_id__in=case_ids),
        participants=participants,
    )


def personal_data_as_json(found: PersonalData) -> dict:
    """A register extract (GDPR art. 15) in a machine-readable form."""
    return {
        "query": found.query,
        "cases": [
            {
                "reference": c.reference,
                "received": c.created_at.isoformat(),
                "channel": c.intake_channel,
                "county": c.county.name,
                "company_name": c.company_name,
                "org_number": c.org_number,
                "contact_name": c.contact_name,
                "email": c.email,
                "phone": c.phone,
                "question": c.question,
                "status": c.get_status_display(),
                "actor": c.assigned_actor.name if c.assigned_actor else None,
            }
            for c in found.cases
        ],
        "case_history": [
            {
                "reference": e.case.reference,
                "at": e.at.isoformat(),
                "kind": e.kind,
                "message": e.message,
            }
            for e in found.events.select_related("case")
            if e.message
        ],
        "mail": [
            {
                "to": m.to,
                "subject": m.subject,
                "created": m.created_at.isoformat(),
                "body": m.body_text,
            }
            for m in found.mail
        ],
        "survey_answers": [
            {"answered": r.answered_at.isoformat(), "comment": r.comment}
            for r in found.survey_responses
        ],
        "activity_participation": [
            {
                "activity": p.activity.title,
                "date": p.activity.date.isoformat(),
                "company_name": p.company_name,
                "org_number": p.org_number,
            }
            for p in found.participants
        ],
    }
