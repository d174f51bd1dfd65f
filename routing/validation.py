"""Validation of a company's question, shared by the web form and the API serializer.

Every function raises ``django.core.exceptions.ValidationError`` with a translated message; the
form shows it at its field and DRF turns it into ``{field: [messages]}``. Keeping the rules here is
what makes "the same validation as the form" true by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr, personnummer

from regions.models import Municipality
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.countries import country_code, parse_countries
from routing.intake import QuestionData

QUESTION_MAX_LENGTH = 5000
MAX_TARGET_COUNTRIES = 20
# The honeypot: people never see it (visually hidden, skipped by tab), bots fill it in.
HONEYPOT_FIELD = "website"
GENERIC_REJECTION = _(
    "Frågan kunde inte tas emot. Försök igen om en stund eller kontakta ditt exportcentrum."
)

_POSTAL_CODE = re.compile(r"^\s*(\d{3})\s?(\d{2})\s*$")


@dataclass(frozen=True)
class OrgNumber:
    number: str  # ten digits, no hyphen
    is_personal: bool  # a sole trader's personnummer: personal data

    @property
    def formatted(self) -> str:
        return f"{self.number[:6]}-{self.number[6:]}"


def clean_org_number(value: str) -> OrgNumber:
    """Organisation number (with or without hyphen) or a sole trader's personnummer."""
    raw = (value or "").strip()
    # A personnummer is checked first: its date part makes it recognisable, whereas
    # stdnum's orgnr check (length + Luhn) also accepts every valid personnummer.
    try:
        personnummer.validate(raw)
    except StdnumError:
        pass
    else:
        digits = re.sub(r"\D", "", raw)
        return OrgNumber(number=digits[-10:], is_personal=True)
    try:
        number = orgnr.validate(raw)
    except StdnumError:
        raise ValidationError(
            _(
                "Ange ett giltigt organisationsnummer med tio siffror, t.ex. 556036-0793. "
                "Har du enskild firma anger du ditt personnummer."
            ),
            code="invalid_org_number",
        ) from None
    return OrgNumber(number=number, is_personal=False)


def clean_postal_code(value: str) -> str:
    """ "123 45" or "12345" -> "12345"; empty stays empty (the municipality may be given)."""
    if not value or not value.strip():
        return ""
    match = _POSTAL_CODE.match(value)
    if not match:
        raise ValidationError(
            _("Ange postnumret med fem siffror, t.ex. 211 20."), code="invalid_postal_code"
        )
    return match.group(1) + match.group(2)


def clean_target_countries(value: str | list[str] | None) -> list[str]:
    """ISO 3166-1 alpha-2 codes from codes or Swedish/English country names; de-duplicated."""
    if not value:
        return []
    if isinstance(value, str):
        codes, unknown = parse_countries(value)
    else:
        found = [(item, country_code(str(item))) for item in value if str(item).strip()]
        codes = [code for _item, code in found if code]
        unknown = [str(item).strip() for item, code in found if not code]
    if unknown:
        raise ValidationError(
            _(
                "Vi känner inte igen %(countries)s som land. Skriv landets namn, t.ex. Tyskland, "
                "USA eller Storbritannien, eller landskoden (DE, US, GB)."
            ),
            code="invalid_country",
            params={"countries": ", ".join(f"”{item}”" for item in unknown)},
        )
    codes = list(dict.fromkeys(codes))
    if len(codes) > MAX_TARGET_COUNTRIES:
        raise ValidationError(
            _("Ange högst %(max)s länder."),
            code="too_many_countries",
            params={"max": MAX_TARGET_COUNTRIES},
        )
    return codes


def clean_honeypot(value: str | None) -> None:
    """A filled honeypot rejects the submission with a message that does not say why."""
    if value:
        raise ValidationError(GENERIC_REJECTION, code="rejected")


def resolve_municipality(
    *, postal_code: str, municipality_code: str | None, snapshot: CatalogueSnapshot | None = None
) -> Municipality:
    """County from postal code -> municipality, unless a municipality was chosen explicitly.

    Raises a ValidationError keyed by field so both the form and the API show it at the field.
    Looked up in ``snapshot`` (default: this process's catalogue snapshot).
    """
    snapshot = snapshot or catalogue()
    if municipality_code:
        municipality = snapshot.municipality(municipality_code)
        if municipality is None:
            raise ValidationError(
                {"municipality_code": _("Välj en kommun i listan.")}, code="invalid_municipality"
            )
        by_postal_code = snapshot.municipality_for_postal_code(postal_code) if postal_code else None
        # Routing follows the county: a postal code in another county than the chosen municipality
        # would send the question to the wrong centre, so the company decides which one is right.
        if by_postal_code is not None and by_postal_code.county_id != municipality.county_id:
            raise ValidationError(
                {
                    "municipality_code": _(
                        "Postnumret %(code)s ligger i %(postal_municipality)s (%(postal_county)s), "
                        "men du valde %(municipality)s (%(county)s). Välj den kommun där företaget "
                        "finns, eller ändra postnumret."
                    )
                    % {
                        "code": f"{postal_code[:3]} {postal_code[3:]}",
                        "postal_municipality": by_postal_code.name,
                        "postal_county": by_postal_code.county.name,
                        "municipality": municipality.name,
                        "county": municipality.county.name,
                    }
                },
                code="location_mismatch",
            )
        return municipality
    if not postal_code:
        raise ValidationError(
            {
                "postal_code": _(
                    "Ange företagets postnummer eller välj kommun, så att frågan går till rätt län."
                )
            },
            code="location_required",
        )
    found = snapshot.municipality_for_postal_code(postal_code)
    if found is None:
        raise ValidationError(
            {
                "postal_code": _(
                    "Vi hittar inte postnumret %(code)s. Välj företagets kommun i listan i stället."
                )
                % {"code": f"{postal_code[:3]} {postal_code[3:]}"}
            },
            code="unknown_postal_code",
        )
    return found


def clean_consent(value: bool) -> bool:
    if not value:
        raise ValidationError(
            _("Du behöver godkänna att vi behandlar uppgifterna."), code="consent_required"
        )
    return True


def question_data(cleaned: dict, *, org: OrgNumber, municipality: Municipality) -> QuestionData:
    """The service's input from cleaned form or serializer data."""
    return QuestionData(
        company_name=cleaned["company_name"].strip(),
        org_number=org.number,
        org_number_is_personal=org.is_personal,
        contact_name=cleaned["contact_name"].strip(),
        email=cleaned["email"],
        phone=(cleaned.get("phone") or "").strip(),
        postal_code=cleaned.get("postal_code") or "",
        municipality=municipality,
        topic=cleaned.get("topic"),
        question=cleaned["question"].strip(),
        target_countries=cleaned.get("target_countries") or [],
        employees=cleaned.get("employees") or "",
        export_experience=cleaned.get("export_experience") or "",
        language=cleaned.get("language") or "sv",
    )
