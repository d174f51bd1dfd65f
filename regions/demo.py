"""Demo data for `make run`: every county's export centre with fictional staff.

Never loaded in production (the command refuses). All people and addresses are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from regions.catalogue import catalogue_changed
from regions.models import (
    Actor,
    ActorType,
    County,
    ExportCentre,
    Office,
    Service,
    StaffProfile,
    Topic,
)

DEMO_PASSWORD = "exportdemo2026"  # noqa: S105 - printed for the demo, refused in production
DEMO_DOMAIN = "demo.exportcentrum.se"

# EKN has few offices, each serving several counties.
EKN_OFFICES = {
    "EKN Stockholm": ("01", ["01", "03", "04", "09", "19"]),
    "EKN Göteborg": ("14", ["13", "14", "17", "18"]),
    "EKN Malmö": ("12", ["05", "06", "07", "08", "10", "12"]),
    "EKN Umeå": ("24", ["20", "21", "22", "23", "24", "25"]),
}
# Enterprise Europe Network has regional partners in most, not all, counties.
EEN_ABSENT = {"09", "23", "04"}
CHAMBERS = {
    "01": "Stockholms Handelskammare",
    "12": "Sydsvenska Handelskammaren",
    "14": "Västsvenska Handelskammaren",
    "22": "Mittsvenska Handelskammaren",
}
FRONT_DOOR_OVERRIDES = {"05": "almi"}  # In Östergötland Almi runs the front door.

# Per actor type: Swedish title and description, topics, free of charge, English title and
# description.
SERVICES = {
    "almi": [
        (
            "Lån för export och tillväxt",
            "Almi lånar ut till företag som vill växa internationellt, "
            "som komplement till bankens finansiering.",
            ["financing"],
            False,
            "Loans for exports and growth",
            "Almi lends to companies that want to grow internationally, "
            "alongside the bank's financing.",
        ),
        (
            "Affärsutveckling inför internationalisering",
            "Rådgivning om affärsmodell, "
            "kapacitet och finansiering när företaget ska ut på nya marknader.",
            ["business_development"],
            True,
            "Business development before going international",
            "Advice on business model, capacity and financing "
            "when the company is entering new markets.",
        ),
        (
            "Mentor för exportföretag",
            "En erfaren företagare som bollplank i ett år.",
            ["business_development"],
            True,
            "A mentor for exporting companies",
            "An experienced business owner as a sounding board for a year.",
        ),
        (
            "Riskkapital genom Almi Invest",
            "Ägarkapital till innovativa bolag med internationell tillväxtpotential.",
            ["financing"],
            False,
            "Venture capital through Almi Invest",
            "Equity for innovative companies with international growth potential.",
        ),
    ],
    "business_sweden": [
        (
            "Marknadsanalys och val av marknad",
            "Regional exportrådgivare hjälper er jämföra marknader och välja var ni ska börja.",
            ["market_analysis"],
            True,
            "Market analysis and choice of market",
            "A regional export adviser helps you compare markets and choose where to start.",
        ),
        (
            "Hitta kunder, agenter och distributörer",
            "Kontakter med möjliga kunder och partner "
            "genom Business Swedens kontor i över 40 länder.",
            ["find_customers"],
            False,
            "Find customers, agents and distributors",
            "Contacts with possible customers and partners "
            "through Business Sweden's offices in more than 40 countries.",
        ),
        (
            "Mässor och delegationsresor",
            "Gemensamma montrar och resor till marknader utanför Sverige.",
            ["trade_fairs", "find_customers"],
            False,
            "Trade fairs and delegation trips",
            "Shared stands and trips to markets outside Sweden.",
        ),
    ],
    "een": [
        (
            "EU-regler, produktkrav och CE-märkning",
            "Vilka krav gäller er produkt på EU:s inre marknad? Vi svarar kostnadsfritt.",
            ["eu_rules"],
            True,
            "EU rules, product requirements and CE marking",
            "Which requirements apply to your product in the EU's internal market? "
            "We answer free of charge.",
        ),
        (
            "Partnersökning i Europa",
            "Hitta affärs- och teknikpartner genom nätverkets databas.",
            ["eu_partners", "find_customers"],
            True,
            "Partner search in Europe",
            "Find business and technology partners through the network's database.",
        ),
        (
            "Offentlig upphandling i andra EU-länder",
            "Stöd att hitta och svara på upphandlingar i Europa.",
            ["public_procurement"],
            True,
            "Public procurement in other EU countries",
            "Help to find and answer tenders in Europe.",
        ),
    ],
    "ekn": [
        (
            "Exportkreditgaranti och kreditförsäkring",
            "Skydd mot att kunden inte betalar, så att ni kan erbjuda kredit.",
            ["payment_risk"],
            False,
            "Export credit guarantees and credit insurance",
            "Protection against the customer not paying, so that you can offer credit.",
        ),
        (
            "Garantier för förskott och fullgörande",
            "EKN delar risken med banken för förskottsgarantier och fullgörandegarantier.",
            ["payment_risk", "financing"],
            False,
            "Advance payment and performance guarantees",
            "EKN shares the risk with the bank for advance payment and performance guarantees.",
        ),
    ],
    "tillvaxtverket": [
        (
            "Regler och tillstånd för export",
            "Vägledning om regler och tillstånd, bland annat via verksamt.se.",
            ["regulations"],
            True,
            "Rules and permits for exporting",
            "Guidance on rules and permits, among other things through verksamt.se.",
        ),
    ],
    "region": [
        (
            "Affärsutvecklingscheck för internationalisering",
            "Bidrag till konsulttjänster när företaget ska ut på en ny marknad.",
            ["business_development", "financing"],
            True,
            "Business development voucher for internationalisation",
            "A grant towards consultancy when the company is entering a new market.",
        ),
        (
            "Vägledning: vem kan hjälpa mig?",
            "Vet ni inte vart ni ska vända er? Vi lotsar frågan rätt.",
            ["unknown"],
            True,
            "Guidance: who can help me?",
            "Not sure where to turn? We guide your question to the right place.",
        ),
    ],
    "chamber_of_commerce": [
        (
            "Ursprungsintyg och ATA-carnet",
            "Exportdokument som många länder kräver.",
            ["trade_documents"],
            False,
            "Certificates of origin and ATA Carnets",
            "Export documents that many countries require.",
        ),
    ],
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    where: str


def _region_name(county: County) -> str:
    return f"Region {county.short_name}"


def _slug(text: str) -> str:
    return slugify(text).replace("-", "")


@transaction.atomic
def load_demo_data() -> list[DemoLogin]:
    """Create (or refresh) the demo partnership. Idempotent: re-running changes nothing."""
    now = timezone.now()
    User = get_user_model()
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: fast and identical for all
    types = {t.code: t for t in ActorType.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    counties = list(County.objects.order_by("code"))
    logins: list[DemoLogin] = []

    def actor(code: str, name: str) -> Actor:
        obj, _ = Actor.objects.get_or_create(name=name, defaults={"actor_type": types[code]})
        return obj

    def office(act: Actor, name: str, home: str, served: list[str], **extra) -> Office:
        obj, _ = Office.objects.update_or_create(
            actor=act,
            name=name,
            defaults={
                "home_county_id": home,
                "email": f"{_slug(name)}@{DEMO_DOMAIN}",
                "phone": "010-000 00 00",
                "opening_hours": "Mån–fre 08.00–17.00",
                **extra,
            },
        )
        obj.counties_served.set(served)
        return obj

    def staff(email: str, role: str, where: str, **profile) -> None:
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "password": password_hash}
        )
        if created:
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        StaffProfile.objects.update_or_create(user=user, defaults={"role": role, **profile})
        logins.append(DemoLogin(email, role, where))

    almi = actor("almi", "Almi Företagspartner")
    business_sweden = actor("business_sweden", "Business Sweden")
    ekn = actor("ekn", "EKN Exportkreditnämnden")
    een = actor("een", "Enterprise Europe Network")
    tillvaxtverket = actor("tillvaxtverket", "Tillväxtverket")

    for name, (home, served) in EKN_OFFICES.items():
        office(ekn, name, home, served)
    tillvaxtverket_office = office(
        tillvaxtverket,
        "Tillväxtverket kundtjänst",
        "01",
        [c.code for c in counties],
        is_national=True,
    )

    for county in counties:
        slug = county.slug
        region = actor("region", _region_name(county))
        region_office = office(
            region, f"{region.name}, näringslivsenheten", county.code, [county.code]
        )
        almi_office = office(almi, f"Almi {county.short_name}", county.code, [county.code])
        bs_office = office(
            business_sweden, f"Business Sweden {county.short_name}", county.code, [county.code]
        )
        participants = [region, almi, business_sweden, ekn, tillvaxtverket]
        staffed = [("region", region_office), ("almi", almi_office), ("business_sweden", bs_office)]
        if county.code not in EEN_ABSENT:
            een_office = office(een, f"EEN {county.short_name}", county.code, [county.code])
            participants.append(een)
            staffed.append(("een", een_office))
        if county.code in CHAMBERS:
            chamber = actor("chamber_of_commerce", CHAMBERS[county.code])
            office(chamber, CHAMBERS[county.code], county.code, [county.code])
            participants.append(chamber)
            _services(chamber, "chamber_of_commerce", topics, now)
        _services(region, "region", topics, now)

        front_door = almi if FRONT_DOOR_OVERRIDES.get(county.code) == "almi" else region
        centre, _ = ExportCentre.objects.update_or_create(
            county=county,
            defaults={
                "name": f"Regionalt exportcentrum {county.short_name}",
                "front_door_actor": front_door,
                "triage_office": almi_office if front_door == almi else region_office,
                "contact_email": f"exportcentrum.{slug}@{DEMO_DOMAIN}",
                "contact_phone": "010-000 00 00",
                "introduction": (
                    f"Regionalt exportcentrum {county.short_name} samlar de offentliga "
                    "aktörerna som hjälper små och medelstora företag att exportera. "
                    "**Ställ din fråga en gång** – vi ser till att rätt person kontaktar dig "
                    "inom en arbetsdag."
                ),
            },
        )
        centre.participants.set(participants)

        staff(f"samordnare.{slug}@{DEMO_DOMAIN}", "coordinator", county.short_name, county=county)
        for code, off in staffed:
            staff(f"{code.replace('_', '')}.{slug}@{DEMO_DOMAIN}", "handler", off.name, office=off)

    for ekn_office in Office.objects.filter(actor=ekn):
        staff(
            f"ekn.{_slug(ekn_office.name)}@{DEMO_DOMAIN}",
            "handler",
            ekn_office.name,
            office=ekn_office,
        )
    staff(
        f"tillvaxtverket.kundtjanst@{DEMO_DOMAIN}",
        "handler",
        tillvaxtverket_office.name,
        office=tillvaxtverket_office,
    )
    staff(f"nationell@{DEMO_DOMAIN}", "national", "Tillväxtverket")

    for code, act in [
        ("almi", almi),
        ("business_sweden", business_sweden),
        ("ekn", ekn),
        ("een", een),
        ("tillvaxtverket", tillvaxtverket),
    ]:
        _services(act, code, topics, now)

    admin, created = User.objects.get_or_create(
        username=f"admin@{DEMO_DOMAIN}",
        defaults={
            "email": f"admin@{DEMO_DOMAIN}",
            "password": password_hash,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    logins.append(DemoLogin(admin.email, "admin", "Django admin"))
    catalogue_changed()
    return logins


def _services(act: Actor, type_code: str, topics: dict[str, Topic], now) -> None:
    for title, description, topic_codes, is_free, title_en, description_en in SERVICES.get(
        type_code, []
    ):
        service, _ = Service.objects.update_or_create(
            actor=act,
            title=title,
            defaults={
                "description": description,
                "title_en": title_en,
                "description_en": description_en,
                "is_free": is_free,
                "reviewed_at": now,
            },
        )
        service.topics.set([topics[c] for c in topic_codes])
