"""What the company sees of its case: the status link, the receipt and the status page.

Who has the question and how to reach that office today, the deadline in the company's words,
the alternatives with their offices' contact details, and the public history without internal
values. Filing (``routing.intake``) uses the receipt context; the status page, the API and the
handlers' e-mails to the company use the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.links import absolute_url
from regions.models import Office
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.clock import STOCKHOLM
from routing.decision import Alternative
from routing.events import EventKind, event_label
from routing.models import Case

STATUS_SALT = "case-status"
STATUS_LINK_LIFETIME = timedelta(days=365)
#: Events whose value the company may see on its status page (office names, the reference);
#: others carry internal values such as the company's own e-mail address or a user name.
PUBLIC_VALUE_KINDS = frozenset({"created", "assigned", "triage", "referred"})


# --------------------------------------------------------------------------- status links


def case_status_token(case: Case) -> str:
    return signing.dumps(case.reference, salt=STATUS_SALT)


def status_link_expired(case: Case, now: datetime | None = None) -> bool:
    """The link is the only credential: it stops working 12 months after the case closed."""
    if case.closed_at is None:
        return False
    return (now or timezone.now()) - case.closed_at > STATUS_LINK_LIFETIME


def case_from_status_token(token: str) -> Case | None:
    """The case a status token names, or None (bad, tampered or expired token)."""
    try:
        reference = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    case = (
        Case.objects.select_related("county", "assigned_actor", "office")
        .filter(reference=reference)
        .first()
    )
    if case is None or status_link_expired(case):
        return None
    return case


def case_status_path(case: Case) -> str:
    return reverse("case-status", kwargs={"token": case_status_token(case)})


def case_status_url(case: Case) -> str:
    return absolute_url(case_status_path(case))


# --------------------------------------------------------------------------- presentation


def format_deadline(value: datetime, language: str | None = None) -> str:
    """ "måndag 28 december 2026 kl. 15.00" / "Monday 28 December 2026 at 15:00" (Stockholm)."""
    local = value.astimezone(STOCKHOLM)
    with translation.override(language or translation.get_language() or "sv"):
        return _("%(date)s kl. %(time)s") % {
            "date": dateformat.format(local, "l j F Y"),
            "time": dateformat.format(local, _("H.i")),
        }


def alternatives_by_actor(case: Case) -> tuple[Alternative, ...]:
    """The other actors offering similar services, without the actor that has the case."""
    decision = case.decision
    return decision.alternatives_besides(case.assigned_actor_id) if decision else ()


def reason_for_company(case: Case, language: str | None = None) -> str:
    """One plain sentence on why this actor, in ``language`` (default: the active one); empty
    when no decision was recorded or the case has since moved to another actor."""
    decision = case.decision
    if decision is None:
        return ""
    routed_to = decision.assignment.actor_id if decision.assignment else None
    if decision.override is None and routed_to != case.assigned_actor_id:
        return ""
    with translation.override(language or translation.get_language() or "sv"):
        return decision.explain().for_company


@dataclass(frozen=True)
class OfficeContact:
    """How a company reaches an office: today's details, not those stored at filing."""

    name: str
    phone: str = ""
    email: str = ""
    street_address: str = ""
    opening_hours: str = ""
    website: str = ""

    @classmethod
    def of(cls, office: Office, *, website: str = "") -> OfficeContact:
        return cls(
            name=office.name,
            phone=office.phone,
            email=office.email,
            street_address=office.street_address,
            opening_hours=office.opening_hours,
            website=website or office.actor.website,
        )


@dataclass(frozen=True)
class AlternativeForCompany:
    """Another actor with similar services, and how to reach its office serving the county."""

    actor_name: str
    services: tuple
    office: OfficeContact | None
    website: str = ""


def alternatives_for_company(
    case: Case, *, snapshot: CatalogueSnapshot | None = None
) -> list[AlternativeForCompany]:
    """The alternatives of the routing decision with the contact details of the office serving
    the county as they are now (the decision keeps those of filing day). ``snapshot``: read the
    offices from it instead of the database (filing already holds a fresh one)."""
    alternatives = alternatives_by_actor(case)
    if not alternatives:
        return []
    actor_ids = [a.actor_id for a in alternatives]
    if snapshot is not None:
        offices_of = {actor_id: snapshot.offices_of_actor_id(actor_id) for actor_id in actor_ids}
    else:
        offices_of = defaultdict(list)
        for office in Office.objects.select_related("actor").filter(actor_id__in=actor_ids):
            offices_of[office.actor_id].append(office)
    result = []
    for alt in alternatives:
        offices = offices_of.get(alt.actor_id, [])
        office = next((o for o in offices if alt.office and o.pk == alt.office.office_id), None)
        if office is not None:
            contact = OfficeContact.of(office)
        elif alt.office:  # the office is gone: what was true on filing day
            contact = OfficeContact(
                name=alt.office.name, phone=alt.office.phone, email=alt.office.email
            )
        else:
            contact = None
        result.append(
            AlternativeForCompany(
                actor_name=alt.actor_name,
                services=alt.services,
                office=contact,
                website=offices[0].actor.website if offices else "",
            )
        )
    return result


def case_office_contact(case: Case) -> OfficeContact | None:
    """The office that has the question now (None while nobody does)."""
    return OfficeContact.of(case.office) if case.office_id else None


def holder_name(case: Case) -> str:
    """Who has the question: "Almi Företagspartner (Almi Skåne)", or one name when the office
    is called like its actor ("Region Skåne")."""
    actor = case.assigned_actor.name if case.assigned_actor_id else ""
    office = case.office.name if case.office_id else ""
    if not actor or not office or actor == office:
        return actor or office
    return f"{actor} ({office})"


def county_page_path(case: Case, snapshot: CatalogueSnapshot) -> str:
    """The county's export centre page (every actor and service there), if the county has one."""
    if snapshot.centre(case.county_id) is None:
        return ""
    return reverse("centre-detail", args=[case.county.slug])


def receipt_context(
    case: Case, *, status_url: str, snapshot: CatalogueSnapshot | None = None
) -> dict[str, Any]:
    return {
        "case": case,
        "deadline_text": format_deadline(case.deadline_at),
        "alternatives": alternatives_for_company(case, snapshot=snapshot),
        "reason": reason_for_company(case),
        "status_url": status_url,
        "holder": holder_name(case),
        "office_contact": case_office_contact(case),
        "county_page_path": county_page_path(case, snapshot or catalogue()),
    }


#: How a closed case ended, as the company is told (the staff labels are the outcome codes').
COMPANY_OUTCOMES: dict[str, Any] = {
    Case.Outcome.ANSWERED: gettext_lazy("Frågan är besvarad."),
    Case.Outcome.REFERRED_OUTSIDE: gettext_lazy(
        "Du har fått kontakt med en aktör utanför exportcentret som kan hjälpa dig vidare."
    ),
    Case.Outcome.NO_REPLY: gettext_lazy("Vi fick inget svar från dig."),
    Case.Outcome.OUT_OF_SCOPE: gettext_lazy("Frågan ligger utanför exportcentrets uppdrag."),
    Case.Outcome.DUPLICATE: gettext_lazy("Frågan besvaras i ett annat ärende."),
}


def company_outcome(case: Case) -> str:
    outcome = COMPANY_OUTCOMES.get(case.outcome)
    return str(outcome) if outcome else ""


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    text: str


def company_history(case: Case) -> list[HistoryItem]:
    """The public events in plain language: what happened and when, nothing internal (no codes,
    no user names, no e-mail addresses)."""
    return [HistoryItem(at=e.at, text=_company_event_text(e)) for e in public_events(case)]


def _company_event_text(event) -> str:
    label = event_label(event.kind, for_company=True)
    kind = event.kind
    if kind in {EventKind.ASSIGNED, EventKind.REFERRED} and event.to_value:
        return f"{label} {event.to_value}"
    if kind in {EventKind.FIRST_CONTACT, EventKind.REFERRAL_ACKNOWLEDGED}:
        channel = (event.data or {}).get("channel")
        if channel in Case.Channel.values:
            return f"{label} ({str(Case.Channel(channel).label).lower()})"
    if kind == EventKind.CLOSED:
        outcome = COMPANY_OUTCOMES.get((event.data or {}).get("outcome"))
        if outcome:
            return f"{label}. {outcome}"
    if kind == EventKind.STATUS_CHANGED and event.to_value in Case.Status.values:
        return f"{label}: {str(Case.Status(event.to_value).label).lower()}"
    return label


def status_context(case: Case) -> dict[str, Any]:
    """Everything the status page says: who has the question now, how to reach them, what
    happened and when. A deadline is promised only while nobody has contacted the company."""
    waiting_for_contact = case.status in {
        Case.Status.NEW,
        Case.Status.ASSIGNED,
        Case.Status.REFERRED,
    }
    return {
        "case": case,
        "holder": holder_name(case),
        "office_contact": case_office_contact(case),
        "deadline_text": format_deadline(case.deadline_at) if waiting_for_contact else "",
        "outcome_text": company_outcome(case) if case.status == Case.Status.CLOSED else "",
        "history": company_history(case),
        "alternatives": alternatives_for_company(case),
        "reason": reason_for_company(case),
    }


def public_events(case: Case):
    return case.events.filter(internal=False).order_by("at", "pk")


def public_event_value(event) -> str:
    """What the public history may show after an event's label (nothing for most kinds)."""
    return event.to_value if event.kind in PUBLIC_VALUE_KINDS else ""
