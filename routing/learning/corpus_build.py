"""Builds the labelled corpus (train.jsonl, heldout.jsonl) from its sources in ``corpus/``.

Sources: the hand-written questions (``handwritten_*.tsv``: actors, topics, question) and a
smaller set of templates filled with markets and products. Run after editing a source:

    python -m routing.learning.corpus_build

The split is deterministic: a question is held out when the first byte of the sha256 of its
text falls in the lowest fifth, so adding a question never moves another one between parts.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
HELDOUT_SHARE = 0.2

EU_COUNTRIES_SV = [
    "Tyskland",
    "Frankrike",
    "Finland",
    "Danmark",
    "Polen",
    "Nederländerna",
    "Spanien",
    "Italien",
    "Estland",
    "Österrike",
    "Belgien",
    "Irland",
]
NON_EU_COUNTRIES_SV = [
    "USA",
    "Kanada",
    "Japan",
    "Kina",
    "Indien",
    "Brasilien",
    "Sydkorea",
    "Australien",
    "Mexiko",
    "Singapore",
    "Förenade Arabemiraten",
    "Sydafrika",
]
RISKY_COUNTRIES_SV = [
    "Nigeria",
    "Egypten",
    "Turkiet",
    "Kenya",
    "Vietnam",
    "Argentina",
    "Pakistan",
    "Ghana",
    "Bangladesh",
    "Colombia",
    "Irak",
    "Angola",
]
PRODUCTS_SV = [
    "våra skogsmaskiner",
    "vår mjukvara",
    "våra hudvårdsprodukter",
    "vårt knäckebröd",
    "våra möbler",
    "våra pumpar",
    "våra elcyklar",
    "vår medicintekniska utrustning",
    "våra kläder",
    "våra solpaneler",
    "vår app",
    "våra leksaker",
]
PRODUCTS_EN = [
    "our forestry machines",
    "our software",
    "our skincare products",
    "our furniture",
    "our pumps",
    "our medical devices",
    "our solar panels",
    "our toys",
]

# (actors, topics, template); {eu}, {noneu}, {risky}, {product} are filled in.
TEMPLATES: list[tuple[str, str, str]] = [
    ("ekn", "payment_risk", "Vi har en ny kund i {risky} och är rädda att vi inte får betalt"),
    (
        "ekn",
        "payment_risk",
        "Kunden i {risky} vill ha 90 dagars kredit på {product}, kan vi försäkra fakturan?",
    ),
    ("ekn", "payment_risk", "Hur skyddar vi oss om köparen i {risky} inte betalar?"),
    ("ekn", "payment_risk", "Banken kräver en förskottsgaranti för affären i {noneu}"),
    (
        "ekn",
        "payment_risk",
        "We are worried that our buyer in {risky} will not pay for {product_en}",
    ),
    ("almi", "financing", "Vi behöver ett lån för att kunna leverera {product} till kunder i {eu}"),
    (
        "almi",
        "financing",
        "Banken vill inte låna ut till vår satsning i {noneu}, finns det andra lån?",
    ),
    ("almi", "financing", "Vi söker riskkapital för att lansera {product} internationellt"),
    ("almi", "financing", "We need a loan to scale up production of {product_en} for export"),
    ("business_sweden", "market_analysis", "Finns det en marknad för {product} i {noneu}?"),
    (
        "business_sweden",
        "market_analysis",
        "Vi funderar på att starta ett dotterbolag i {noneu}, hur gör vi?",
    ),
    (
        "business_sweden",
        "market_analysis",
        "Hur prissätter vi {product} för vår första kund i {noneu}?",
    ),
    ("business_sweden", "find_customers", "Vi söker en distributör i {noneu} för {product}"),
    ("business_sweden", "find_customers", "Hur hittar vi kunder i {noneu} till {product}?"),
    (
        "business_sweden",
        "find_customers",
        "We are looking for an agent in {noneu_en} for {product_en}",
    ),
    (
        "business_sweden",
        "trade_fairs",
        "Finns det en svensk monter på någon mässa i {noneu} för {product}?",
    ),
    (
        "business_sweden,een",
        "find_customers,eu_partners",
        "Vi söker en återförsäljare i {eu} för {product}",
    ),
    ("een", "eu_rules", "Vilka EU-regler gäller för att sälja {product} i {eu}?"),
    ("een", "eu_rules", "Behöver {product} CE-märkning för att säljas i {eu}?"),
    ("een", "eu_rules", "Which EU product requirements apply to {product_en}?"),
    (
        "een",
        "eu_partners",
        "Vi söker en partner i {eu} för ett gemensamt EU-projekt kring {product}",
    ),
    ("een", "public_procurement", "Hur lämnar vi anbud i en offentlig upphandling i {eu}?"),
    (
        "tillvaxtverket",
        "regulations",
        "Vilka tillstånd behöver vi för att exportera {product} till {noneu}?",
    ),
    (
        "region",
        "business_development",
        "Kan vi få en affärsutvecklingscheck för att ta {product} till {eu}?",
    ),
]
NON_EU_EN = {
    "USA": "the US",
    "Kanada": "Canada",
    "Japan": "Japan",
    "Kina": "China",
    "Indien": "India",
    "Brasilien": "Brazil",
    "Sydkorea": "South Korea",
    "Australien": "Australia",
    "Mexiko": "Mexico",
    "Singapore": "Singapore",
    "Förenade Arabemiraten": "the UAE",
    "Sydafrika": "South Africa",
}
RISKY_EN = {
    "Nigeria": "Nigeria",
    "Egypten": "Egypt",
    "Turkiet": "Turkey",
    "Kenya": "Kenya",
    "Vietnam": "Vietnam",
    "Argentina": "Argentina",
    "Pakistan": "Pakistan",
    "Ghana": "Ghana",
    "Bangladesh": "Bangladesh",
    "Colombia": "Colombia",
    "Irak": "Iraq",
    "Angola": "Angola",
}
FILLS_PER_TEMPLATE = 6


def _handwritten() -> list[dict]:
    rows = []
    for path in sorted(CORPUS_DIR.glob("handwritten_*.tsv")):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            actors, topics, text = line.split("\t")
            rows.append(_row(text, actors, topics, source=f"{path.name}:{line_no}"))
    return rows


def _templated() -> list[dict]:
    rng = random.Random(14)  # noqa: S311 - fixed seed: the corpus is rebuilt byte for byte
    rows = []
    for index, (actors, topics, template) in enumerate(TEMPLATES):
        for _ in range(FILLS_PER_TEMPLATE):
            noneu = rng.choice(NON_EU_COUNTRIES_SV)
            risky = rng.choice(RISKY_COUNTRIES_SV)
            text = template.format(
                eu=rng.choice(EU_COUNTRIES_SV),
                noneu=noneu,
                noneu_en=NON_EU_EN[noneu],
                risky=risky if "{product_en}" not in template else RISKY_EN[risky],
                product=rng.choice(PRODUCTS_SV),
                product_en=rng.choice(PRODUCTS_EN),
            )
            rows.append(_row(text, actors, topics, source=f"template:{index}"))
    return rows


def _row(text: str, actors: str, topics: str, *, source: str) -> dict:
    text = text.strip()
    return {
        "text": text,
        "actors": actors.split(","),
        "topics": topics.split(","),
        "language": "en" if _looks_english(text) else "sv",
        "source": source,
    }


def _looks_english(text: str) -> bool:
    words = set(text.lower().split())
    return (
        len(
            words
            & {"the", "we", "our", "is", "how", "do", "are", "what", "can", "which", "to", "for"}
        )
        >= 2
    )


def is_heldout(text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).digest()[0] < int(256 * HELDOUT_SHARE)


def build() -> tuple[int, int]:
    seen: set[str] = set()
    train, heldout = [], []
    for row in _handwritten() + _templated():
        key = row["text"].casefold()
        if key in seen:
            continue
        seen.add(key)
        (heldout if is_heldout(row["text"]) else train).append(row)
    for name, rows in (("train.jsonl", train), ("heldout.jsonl", heldout)):
        with (CORPUS_DIR / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(train), len(heldout)


if __name__ == "__main__":
    train_size, heldout_size = build()
    print(f"train {train_size}, heldout {heldout_size}")
