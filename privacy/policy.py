"""What personal data the portal keeps, why, for how long and who sees it.

One table, read by the nightly retention run, the privacy page and the register of processing
activities (GDPR art. 30), so that what we say and what we do cannot drift apart. The periods
come from settings (``RETENTION_*``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RetentionRule:
    key: str
    data: Promise
    purpose: Promise
    who: Promise
    months: int = 0
    days: int = 0
    action: Promise = _("anonymiseras")

    @property
    def period(self) -> str:
        if self.months:
            return ngettext("%(n)d månad", "%(n)d månader", self.months) % {"n": self.months}
        return ngettext("%(n)d dag", "%(n)d dagar", self.days) % {"n": self.days}


def retention_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            key="closed_cases",
            data=_(
                "Avslutade ärenden: företagets namn och organisationsnummer, kontaktpersonens "
                "namn, e-post och telefon, frågan och ärendets anteckningar"
            ),
            purpose=_("Att rätt aktör ska kunna hjälpa företaget och följa upp ärendet"),
            who=_("Handläggare på kontoret som har ärendet och länets samordnare"),
            months=settings.RETENTION_CLOSED_CASES_MONTHS,
            action=_("anonymiseras; statistiken (län, aktör, datum, utfall) finns kvar"),
        ),
        RetentionRule(
            key="sent_mail",
            data=_("Skickade e-postmeddelanden: mottagare och innehåll"),
            purpose=_("Att kunna skicka om ett meddelande som inte kom fram"),
            who=_("Tekniskt ansvariga"),
            days=settings.RETENTION_SENT_MAIL_DAYS,
            action=_("mottagare och innehåll raderas"),
        ),
        RetentionRule(
            key="survey_comments",
            data=_("Fritextsvar i uppföljningsenkäter"),
            purpose=_("Att förbättra främjandet"),
            who=_("Länets samordnare och Tillväxtverket"),
            months=settings.RETENTION_SURVEY_COMMENTS_MONTHS,
            action=_("fritexten raderas; svaren i siffror finns kvar"),
        ),
        RetentionRule(
            key="activity_participants",
            data=_("Deltagare i aktiviteter: företagets namn och organisationsnummer"),
            purpose=_("Att räkna hur många företag som fått stöd"),
            who=_("Länets samordnare"),
            months=settings.RETENTION_ACTIVITY_PARTICIPANTS_MONTHS,
            action=_("anonymiseras; antalet unika företag finns kvar"),
        ),
        RetentionRule(
            key="sweep_runs",
            data=_("Körloggar för bevakningen av svarstiden"),
            purpose=_("Drift och felsökning"),
            who=_("Tekniskt ansvariga"),
            days=settings.RETENTION_SWEEP_RUNS_DAYS,
            action=_("raderas"),
        ),
        RetentionRule(
            key="sessions",
            data=_("Inloggningssessioner för personal"),
            purpose=_("Inloggning"),
            who=_("Ingen; används bara av webbplatsen"),
            days=max(1, settings.SESSION_COOKIE_AGE // 86400),
            action=_("raderas när de gått ut"),
        ),
    ]


# Every field that holds personal data, per model. The erasure and access tools cover exactly
# these; tests/privacy/test_coverage.py fails when a model gains such a field without a line here.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "routing.case": ("company_name", "org_number", "contact_name", "email", "phone", "question"),
    "routing.caseevent": ("from_value", "to_value", "message", "data"),
    "routing.outboxmessage": ("to", "body_text", "body_html"),
    "indicators.surveyresponse": ("comment",),
    "indicators.activityparticipant": ("org_number", "company_name"),
    # The company keys of closed months, derived from the two above for the figures: not
    # searched or shown, but cleared whenever anonymisation or erasure changes those records.
    "indicators.keptmonth": ("parts",),
    # Staff accounts are handled as user administration, not as company data.
    "auth.user": ("email", "first_name", "last_name", "username"),
    "account.emailaddress": ("email",),
}

# Fields that look personal but are not: offices' and centres' published contact details.
NOT_PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "regions.office": ("email", "phone"),
    "regions.exportcentre": ("contact_email", "contact_phone"),
    "routing.outboxmessage": ("reply_to",),  # an office's inbox
}
