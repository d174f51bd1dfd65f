"""Loads the reference data (counties, municipalities, postal codes, topics, actor types).

Idempotent: rows are upserted by their codes, so running it twice changes nothing. Used by the
data migration (with historical models) and by `manage.py load_reference_data`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"

TOPICS = [
    # code, Swedish, English
    ("financing", "Finansiering, lån och riskkapital", "Financing, loans and venture capital"),
    (
        "market_analysis",
        "Marknadsanalys och val av marknad",
        "Market analysis and choosing a market",
    ),
    (
        "find_customers",
        "Hitta kunder, agenter och distributörer",
        "Finding customers, agents and distributors",
    ),
    ("trade_fairs", "Mässor och delegationer", "Trade fairs and delegations"),
    (
        "eu_rules",
        "EU-regler, produktkrav och CE-märkning",
        "EU rules, product requirements and CE marking",
    ),
    ("eu_partners", "Partnersökning och EU-finansiering", "Partner search and EU funding"),
    ("public_procurement", "Offentlig upphandling i andra länder", "Public procurement abroad"),
    (
        "payment_risk",
        "Betalningsrisk, exportkredit och garantier",
        "Payment risk, export credit and guarantees",
    ),
    ("regulations", "Regler och tillstånd", "Regulations and permits"),
    ("business_development", "Affärsutveckling och checkar", "Business development and grants"),
    ("trade_documents", "Ursprungsintyg och ATA-carnet", "Certificates of origin and ATA carnets"),
    ("ip", "Patent och varumärken", "Patents and trademarks"),
    ("unknown", "Vet ej / annat", "Don't know / other"),
]

ACTOR_TYPES = [
    # code, name, core partner, Swedish description
    (
        "region",
        "Region",
        True,
        "Länets region samordnar exportcentret, ger affärsutvecklingscheckar och regionala stöd.",
    ),
    (
        "almi",
        "Almi Företagspartner",
        True,
        "Lån och finansiering för tillväxt och export, affärsutveckling, mentorer och riskkapital.",
    ),
    (
        "business_sweden",
        "Business Sweden",
        True,
        "Marknadsanalys, val av marknad, kunder och partner utomlands, etablering, mässor.",
    ),
    (
        "een",
        "Enterprise Europe Network",
        True,
        "EU-regler och produktkrav, CE-märkning, partnersökning och finansiering i EU.",
    ),
    (
        "ekn",
        "EKN Exportkreditnämnden",
        True,
        "Betalningsrisk, kreditförsäkring, exportkreditgarantier och bankgarantier.",
    ),
    (
        "tillvaxtverket",
        "Tillväxtverket",
        True,
        "Regler och tillstånd för företag, nationella stöd, information på verksamt.se.",
    ),
    (
        "chamber_of_commerce",
        "Handelskammare",
        False,
        "Ursprungsintyg, ATA-carnet och andra exportdokument.",
    ),
    ("sek", "Svensk Exportkredit (SEK)", False, "Exportfinansiering och lån till exportföretag."),
    (
        "prv",
        "Patent- och registreringsverket (PRV)",
        False,
        "Patent, varumärken och design – skydd på nya marknader.",
    ),
]


def county_slug(short_name: str) -> str:
    return slugify(short_name)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(
    county_model, municipality_model, postal_code_model, topic_model, actor_type_model
) -> dict[str, int]:
    """Upsert all reference rows; returns counts per kind."""
    counties = [
        county_model(
            code=r["county_code"],
            name=r["county_name"],
            short_name=r["county_name_short"],
            slug=county_slug(r["county_name_short"]),
        )
        for r in _rows("counties.csv")
    ]
    county_model.objects.bulk_create(
        counties,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "short_name", "slug"],
    )
    municipalities = [
        municipality_model(
            code=r["municipality_code"],
            name=r["municipality_name"],
            short_name=r["municipality_name_short"],
            county_id=r["county_code"],
        )
        for r in _rows("municipalities.csv")
    ]
    municipality_model.objects.bulk_create(
        municipalities,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "short_name", "county"],
    )
    postal_codes = [
        postal_code_model(
            code=r["postal_code"], locality=r["locality"], municipality_id=r["municipality_code"]
        )
        for r in _rows("postal_to_municipality.csv")
    ]
    postal_code_model.objects.bulk_create(
        postal_codes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["locality", "municipality"],
    )
    topic_model.objects.bulk_create(
        [
            topic_model(code=c, name_sv=sv, name_en=en, sort_order=i)
            for i, (c, sv, en) in enumerate(TOPICS)
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_sv", "name_en", "sort_order"],
    )
    actor_type_model.objects.bulk_create(
        [
            actor_type_model(code=c, name=n, is_core_partner=core, description_sv=d, sort_order=i)
            for i, (c, n, core, d) in enumerate(ACTOR_TYPES)
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "is_core_partner", "description_sv", "sort_order"],
    )
    return {
        "counties": len(counties),
        "municipalities": len(municipalities),
        "postal_codes": len(postal_codes),
        "topics": len(TOPICS),
        "actor_types": len(ACTOR_TYPES),
    }
