"""What the automated accessibility suite checks, and when the statement was last reviewed.

One source of truth: `tests/browser/test_every_page.py` visits exactly these page states as
these roles, and the accessibility statement (templates/accessibility.html) lists them. A test
compares this list with the pages each role reaches through the URL resolver, so a new page
fails the suite until it is checked here and thereby named in the statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

ANONYMOUS, COMPANY, HANDLER, COORDINATOR, NATIONAL = (
    "anonymous",
    "company",
    "handler",
    "coordinator",
    "national",
)
ROLES = (ANONYMOUS, COMPANY, HANDLER, COORDINATOR, NATIONAL)
ROLE_LABELS = {
    ANONYMOUS: _("Besökare som inte är inloggad (ett företag som ställer en fråga)"),
    COMPANY: _("Företag med konto"),
    HANDLER: _("Handläggare"),
    COORDINATOR: _("Samordnare i ett län"),
    NATIONAL: _("Nationell personal (Tillväxtverket)"),
}
SIGNED_IN = (COMPANY, HANDLER, COORDINATOR, NATIONAL)
EVERYONE = ROLES
STAFF = (HANDLER, COORDINATOR, NATIONAL)

#: Window widths (CSS px) at which every page must fit without sideways scrolling (WCAG 1.4.10
#: is 320 px; the others are a common phone, a tablet and a laptop).
REFLOW_WIDTHS = (320, 375, 768, 1280)


@dataclass(frozen=True)
class PageState:
    """One page, or one state of a page (a form with errors), checked as each of ``roles``.

    ``key`` is the URL name for a page reached by its address; a state reached by an action
    (filing a form) has a key of its own that the test knows how to reach.
    """

    key: str
    label: str
    roles: tuple[str, ...]


PAGE_STATES: tuple[PageState, ...] = (
    # Public pages
    PageState("home", _("Startsidan"), EVERYONE),
    PageState("accessibility", _("Tillgänglighetsredogörelsen"), EVERYONE),
    PageState("privacy", _("Information om personuppgifter"), EVERYONE),
    PageState("centre-list", _("Hitta ditt exportcentrum (sökning)"), EVERYONE),
    PageState("centre-detail", _("Ett läns exportcentrum"), EVERYONE),
    PageState("question-form", _("Frågeformuläret"), EVERYONE),
    PageState("question-form-errors", _("Frågeformuläret med felmeddelanden"), (ANONYMOUS,)),
    PageState(
        "question-receipt",
        _("Kvittot efter en skickad fråga"),
        (ANONYMOUS, HANDLER, COORDINATOR, NATIONAL),
    ),
    PageState("case-status", _("Statussidan för en fråga"), EVERYONE),
    PageState("survey-answer", _("Uppföljningsenkäten"), EVERYONE),
    # Account pages (allauth)
    PageState("account_login", _("Inloggning"), (ANONYMOUS,)),
    PageState("account_signup", _("Skapa konto"), (ANONYMOUS,)),
    PageState("account_reset_password", _("Glömt lösenord"), EVERYONE),
    PageState("account_reset_password_done", _("Lösenordslänk skickad"), EVERYONE),
    PageState(
        "account_reset_password_from_key", _("Länk för nytt lösenord (ogiltig länk)"), EVERYONE
    ),
    PageState("account_reset_password_from_key_done", _("Lösenordet är bytt"), EVERYONE),
    PageState("account_inactive", _("Kontot är inaktivt"), EVERYONE),
    PageState("account_email_verification_sent", _("Bekräftelse av e-post skickad"), EVERYONE),
    PageState("account_confirm_email", _("Bekräfta e-postadress (ogiltig länk)"), EVERYONE),
    PageState("dashboard", _("Min sida"), (COMPANY,)),
    PageState("account_logout", _("Logga ut"), SIGNED_IN),
    PageState("account_reauthenticate", _("Bekräfta med lösenord"), SIGNED_IN),
    PageState("account_request_reauthentication_code", _("Bekräfta med kod via e-post"), SIGNED_IN),
    PageState("account_email", _("E-postadresser"), SIGNED_IN),
    PageState("account_change_password", _("Byt lösenord"), SIGNED_IN),
    PageState("mfa_index", _("Tvåstegsverifiering"), SIGNED_IN),
    PageState("mfa_activate_totp", _("Aktivera app för tvåstegsverifiering"), SIGNED_IN),
    # Handling cases
    PageState("handler-inbox", _("Handläggarens inkorg"), (HANDLER,)),
    PageState("case-detail", _("Ett ärende"), STAFF),
    PageState("coordinator-cases", _("Länets ärenden"), (COORDINATOR,)),
    PageState("coordinator-triage", _("Ärenden att fördela"), (COORDINATOR,)),
    PageState("coordinator-overdue", _("Försenade ärenden i länet"), (COORDINATOR,)),
    PageState(
        "case-register", _("Registrera en fråga som kom in på annat sätt"), (HANDLER, COORDINATOR)
    ),
    PageState("national-overdue", _("Försenade ärenden i hela landet"), (NATIONAL,)),
    # Routing rules
    PageState("rules-list", _("Routningsregler"), (COORDINATOR, NATIONAL)),
    PageState("rule-create", _("Ny regel"), (COORDINATOR,)),
    PageState("rule-edit", _("Ändra en regel"), (COORDINATOR, NATIONAL)),
    PageState("rule-change", _("En regeländring (före och efter)"), (COORDINATOR, NATIONAL)),
    PageState("routing-simulator", _("Simulatorn"), (COORDINATOR, NATIONAL)),
    PageState(
        "router-settings", _("Den inlärda modellen och dess tröskel"), (COORDINATOR, NATIONAL)
    ),
    PageState("example-create", _("Ny exempelfråga"), (COORDINATOR, NATIONAL)),
    # The county page and its catalogue
    PageState("centre-edit", _("Redigera länets sida"), (COORDINATOR,)),
    PageState("centre-edit-introduction", _("Redigera introduktionen"), (COORDINATOR,)),
    PageState("centre-preview", _("Förhandsvisning av introduktionen"), (COORDINATOR,)),
    PageState("centre-edit-participants", _("Aktörer i exportcentrumet"), (COORDINATOR,)),
    PageState("centre-service-create", _("Ny tjänst"), (COORDINATOR,)),
    PageState("centre-service-edit", _("Ändra en tjänst"), (COORDINATOR,)),
    PageState("centre-history", _("Sidans historik"), (COORDINATOR,)),
    # Indicators and activities
    PageState("coordinator-dashboard", _("Länets indikatorer"), (COORDINATOR,)),
    PageState("county-dashboard", _("Ett läns indikatorer"), (COORDINATOR, NATIONAL)),
    PageState("national-dashboard", _("Nationell översikt"), (NATIONAL,)),
    PageState("activity-list", _("Aktiviteter"), STAFF),
    PageState("activity-create", _("Ny aktivitet"), (HANDLER, COORDINATOR)),
    PageState("activity-detail", _("En aktivitet"), STAFF),
    PageState("activity-edit", _("Ändra en aktivitet"), (HANDLER, COORDINATOR)),
    PageState("activity-cancel", _("Ställ in en aktivitet"), (HANDLER, COORDINATOR)),
    PageState("mystery-shopper-report", _("Tillgänglighetsmätning (testfrågor)"), (NATIONAL,)),
    PageState("mystery-shopper-create", _("Ny testfråga"), (NATIONAL,)),
    # Experiments
    PageState("experiment-list", _("Försök"), (NATIONAL,)),
    PageState("experiment-create", _("Nytt försök"), (NATIONAL,)),
    PageState("experiment-power", _("Styrkeberäkning"), (NATIONAL,)),
    PageState("experiment-detail", _("Ett försök"), (NATIONAL,)),
    PageState("experiment-balance", _("Försökets balanstabell"), (NATIONAL,)),
    PageState("experiment-estimates", _("Försökets effekter"), (NATIONAL,)),
    # Personal data
    PageState("privacy-search", _("Sök personuppgifter"), (COORDINATOR, NATIONAL)),
    PageState("privacy-register", _("Register över behandlingar"), (NATIONAL,)),
)


def page_states_for(role: str) -> list[PageState]:
    return [state for state in PAGE_STATES if role in state.roles]


def tested_pages_by_role() -> list[tuple[str, str, list[PageState]]]:
    """(role, its label, its page states) in the order the statement lists them."""
    return [(role, ROLE_LABELS[role], page_states_for(role)) for role in ROLES]


REVIEW_DATE = re.compile(r"^Datum:\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def latest_review_date() -> date:
    """The newest review recorded in the review file (its first "Datum:" line).

    Fails loudly on a file without a date: the statement must never show an invented one.
    """
    found = REVIEW_DATE.search(Path(settings.ACCESSIBILITY_REVIEW_FILE).read_text(encoding="utf-8"))
    if found is None:
        raise ValueError("the accessibility review file has no 'Datum: YYYY-MM-DD' line")
    return date.fromisoformat(found.group(1))
