"""The default national rule set, as plain data (loaded into the database by a data migration).

Each rule is a dict with the keys name, priority, actor_type, weight, topics, keywords,
market_groups, countries, employee_bands, export_experience. See ``routing.engine`` for the
matching semantics: keywords are case- and diacritics-insensitive word prefixes, a trailing "$"
asks for the whole word.

Weights:
- 3: a topic the company chose maps to its actor ("Vet ej" / ``unknown`` maps to nothing);
- 2: specific keywords (Swedish and English) for questions typed under any topic;
- 1: generic words that only tip the balance ("finansiering", "regler", "standard") and
  market refinements (customers outside / inside the EU).
So a chosen topic normally wins; a question filed under "Vet ej" still routes by its words.
Priority only breaks ties between equal scores; the more specific actor gets the higher one.

Stems avoided on purpose (false matches once diacritics are folded and prefixes match):
- "lån", "lånet", "lånen", "låne": fold to "lan..." and hit "län", "länet", "länets" (county),
  and "lån" is a prefix of "långsiktig". Unambiguous forms are listed instead ("låna$", "lånebehov",
  "företagslån", "ett lån$").
- "mässa", "mässor": fold to "massa", "massor" ("en massa frågor", "massor av kunder").
- "regel": hits "regelbundet" (regularly); "regler$", "reglerna", "regelverk" instead.
- "garanti": Swedish for a product warranty; only the EKN guarantee types are listed.
- "check", "grant": English verbs ("could you check", "granted"); "checkar", "grants$" instead.
- "verksamt": fine ("verksamhet" does not start with it), but kept whole-word.
"""

from __future__ import annotations

from typing import Any

_EMPTY: dict[str, list[str]] = {
    "topics": [],
    "keywords": [],
    "market_groups": [],
    "countries": [],
    "employee_bands": [],
    "export_experience": [],
}


def _rule(name: str, actor_type: str, weight: float, priority: int, **conditions: list[str]):
    unknown = set(conditions) - set(_EMPTY)
    if unknown:
        raise ValueError(f"unknown condition keys: {sorted(unknown)}")
    rule: dict[str, Any] = {
        "name": name,
        "priority": priority,
        "actor_type": actor_type,
        "weight": weight,
    }
    for key, empty in _EMPTY.items():
        rule[key] = list(conditions.get(key, empty))
    return rule


_TOPIC = 3.0
_KEYWORD = 2.0
_HINT = 1.0

DEFAULT_NATIONAL_RULES: list[dict[str, Any]] = [
    # --- Topics the company chose --------------------------------------------------------------
    _rule("Ämne: finansiering → Almi", "almi", _TOPIC, 100, topics=["financing"]),
    _rule("Ämne: marknadsanalys → Business Sweden", "business_sweden", _TOPIC, 100,
          topics=["market_analysis"]),
    _rule("Ämne: hitta kunder → Business Sweden", "business_sweden", _TOPIC, 100,
          topics=["find_customers"]),
    _rule("Ämne: mässor och delegationer → Business Sweden", "business_sweden", _TOPIC, 100,
          topics=["trade_fairs"]),
    _rule("Ämne: EU-regler och CE-märkning → EEN", "een", _TOPIC, 100, topics=["eu_rules"]),
    _rule("Ämne: partnersökning och EU-finansiering → EEN", "een", _TOPIC, 100,
          topics=["eu_partners"]),
    _rule("Ämne: offentlig upphandling i andra länder → EEN", "een", _TOPIC, 100,
          topics=["public_procurement"]),
    _rule("Ämne: betalningsrisk och exportkredit → EKN", "ekn", _TOPIC, 100,
          topics=["payment_risk"]),
    _rule("Ämne: regler och tillstånd → Tillväxtverket", "tillvaxtverket", _TOPIC, 100,
          topics=["regulations"]),
    _rule("Ämne: affärsutveckling och checkar → regionen", "region", _TOPIC, 100,
          topics=["business_development"]),
    _rule("Ämne: ursprungsintyg och ATA-carnet → handelskammaren", "chamber_of_commerce",
          _TOPIC, 100, topics=["trade_documents"]),
    _rule("Ämne: patent och varumärken → PRV", "prv", _TOPIC, 100, topics=["ip"]),
    # --- Markets ------------------------------------------------------------------------------
    _rule("Kunder utanför EU → Business Sweden", "business_sweden", _HINT, 90,
          topics=["find_customers"], market_groups=["outside_eu"]),
    _rule("Partner i Europa → EEN", "een", _HINT, 80,
          topics=["find_customers"], market_groups=["eu_eea"]),
    # --- Specific keywords --------------------------------------------------------------------
    _rule("Nyckelord: betalningsrisk och exportkredit → EKN", "ekn", _KEYWORD, 60, keywords=[
        "kreditförsäkr", "exportkreditgaranti", "exportkredit", "betalningsrisk",
        "betalningsgaranti", "förskottsgaranti", "fullgörandegaranti", "bankgaranti",
        "kreditrisk", "köparkredit", "leverantörskredit", "remburs", "politisk risk",
        "inte betala", "betalar inte", "ekn$", "exportkreditnämnden",
        "letter of credit", "credit insurance", "payment risk", "export credit",
        "advance payment guarantee", "performance bond", "performance guarantee",
        "bank guarantee", "buyer credit", "non-payment", "nonpayment", "political risk",
        "doesn't pay", "does not pay", "won't pay", "will not pay",
    ]),
    _rule("Nyckelord: lån, riskkapital och mentor → Almi", "almi", _KEYWORD, 50, keywords=[
        "ett lån$", "ta lån$", "söka lån$", "låna$", "lånar", "lånade", "lånebehov",
        "låneansök", "lånelöfte", "lånemöjlig", "lånefinansier", "företagslån", "banklån",
        "mikrolån", "exportlån", "tillväxtlån", "rörelsekapital", "riskkapital", "almi$",
        "almi invest", "mentor",
        "loan", "venture capital", "working capital", "investor",
    ]),
    _rule("Nyckelord: marknad, kunder och mässor → Business Sweden", "business_sweden",
          _KEYWORD, 50, keywords=[
              "marknadsanalys", "marknadsundersökn", "marknadsval", "val av marknad",
              "välja marknad", "distributör", "agent", "återförsäljare", "importör",
              "hitta kunder", "nya kunder", "marknadsetabler", "mässan$", "mässorna",
              "mässdeltag", "mässmonter", "mässbesök", "fackmässa", "branschmässa",
              "ställa ut på", "delegation", "främjanderesa", "business sweden",
              "market analysis", "market research", "market entry", "market selection",
              "distributor", "reseller", "importer", "find customers", "new customers",
              "trade fair", "trade show", "exhibition", "exhibit",
          ]),
    _rule("Nyckelord: EU-regler, partner och upphandling → EEN", "een", _KEYWORD, 55, keywords=[
        "ce-märk", "produktkrav", "direktiv", "maskindirektiv", "harmoniserad", "eu-förordning",
        "partnersök", "horisont", "horizon europe", "eu-finansier", "eu-projekt",
        "eu-program", "forskningsprogram", "upphandling", "rohs", "ekodesign",
        "enterprise europe", "een$",
        "ce marking", "ce mark", "product requirement", "directive", "eu regulation",
        "partner search", "eu funding", "eu grant", "public procurement", "public tender",
    ]),
    _rule("Nyckelord: tillstånd och verksamt.se → Tillväxtverket", "tillvaxtverket", _KEYWORD,
          40, keywords=[
              "tillstånd", "verksamt.se", "verksamt$", "tillväxtverket",
              "permit", "licence", "license",
          ]),
    _rule("Nyckelord: checkar och bidrag → regionen", "region", _KEYWORD, 40, keywords=[
        "affärsutvecklingscheck", "internationaliseringscheck", "exportcheck", "checkar",
        "checken$", "bidrag", "regionalt stöd", "regionala medel",
        "business development check", "grant$", "grants$", "regional funding",
    ]),
    _rule("Nyckelord: ursprungsintyg och ATA-carnet → handelskammaren", "chamber_of_commerce",
          _KEYWORD, 50, keywords=[
              "ursprungsintyg", "ursprungscertifikat", "ata-carnet", "carnet",
              "handelskammar", "legaliser",
              "certificate of origin", "certificates of origin", "chamber of commerce",
              "legalisation", "legalization",
          ]),
    _rule("Nyckelord: patent och varumärken → PRV", "prv", _KEYWORD, 50, keywords=[
        "patent", "varumärke", "mönsterskydd", "immaterialrätt", "prv$",
        "trademark", "trade mark", "intellectual property", "design right",
    ]),
    # --- Generic hints ------------------------------------------------------------------------
    _rule("Ledtråd: finansiering → Almi", "almi", _HINT, 10, keywords=[
        "finansier", "kapital$", "financ", "funding",
    ]),
    _rule("Ledtråd: nya marknader → Business Sweden", "business_sweden", _HINT, 10, keywords=[
        "ny marknad", "nya marknader", "marknaden$", "exportera till", "etablera oss",
        "etablera sig", "etablering utomlands",
        "new market", "export to", "customers in", "kunder i$",
    ]),
    _rule("Ledtråd: standarder och märkning → EEN", "een", _HINT, 10, keywords=[
        "standard", "märkning", "eu-regler", "eu-krav", "anbud", "labelling", "labeling",
        "eu rules", "tender",
    ]),
    _rule("Ledtråd: regler → Tillväxtverket", "tillvaxtverket", _HINT, 10, keywords=[
        "regler$", "reglerna", "regelverk", "lagkrav", "regulation", "rules$",
    ]),
    _rule("Ledtråd: affärsutveckling → regionen", "region", _HINT, 10, keywords=[
        "affärsutveckl", "business development", "internationaliser",
    ]),
]  # fmt: skip
