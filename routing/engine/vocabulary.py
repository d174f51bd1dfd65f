"""The engine's codes, and ``Condition``: one thing a rule matched on."""

from __future__ import annotations

from dataclasses import dataclass

# Stored with every decision. 2: keywords match as the last part of a compound; 3: the model's
# runner-up, and on a front-door fallback every actor it finds likely, are told as alternatives.
ENGINE_VERSION = "3"

NATIONAL = "national"
UNKNOWN_TOPIC = "unknown"

TOPICS: tuple[str, ...] = (
    "financing",
    "market_analysis",
    "find_customers",
    "trade_fairs",
    "eu_rules",
    "eu_partners",
    "public_procurement",
    "payment_risk",
    "regulations",
    "business_development",
    "trade_documents",
    "ip",
    "unknown",
)
EMPLOYEE_BANDS: tuple[str, ...] = ("1-9", "10-49", "50-249", "250+")
EXPORT_EXPERIENCE: tuple[str, ...] = ("none", "occasional", "regular")


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition group hit: ``kind`` is one of ``CONDITION_KINDS``; ``value`` the topic,
    keyword (as written in the rule), market group, country, band or experience code;
    ``country`` the target country that put a market group in play."""

    kind: str
    value: str
    country: str = ""


TOPIC = "topic"
KEYWORD = "keyword"
MARKET = "market"
COUNTRY = "country"
EMPLOYEES = "employees"
EXPERIENCE = "experience"
CONDITION_KINDS: tuple[str, ...] = (TOPIC, KEYWORD, MARKET, COUNTRY, EMPLOYEES, EXPERIENCE)
