"""Unit tests of the pure routing engine (no Django: runs with ``-p no:django``)."""

from __future__ import annotations

import json
import random

import pytest

from routing import markets
from routing.default_rules import DEFAULT_NATIONAL_RULES
from routing.engine import (
    ENGINE_VERSION,
    Condition,
    Decision,
    ModelAdvice,
    QuestionFacts,
    RuleSpec,
    ServiceSpec,
    _canonical,
    _canonical_slow,
    compile_rules,
    decide,
    keyword_problems,
    normalise,
    rule_spec_from_dict,
)

COUNTY = "05"  # Östergötland
OTHER_COUNTY = "12"  # Skåne

_next_id = iter(range(1, 1_000_000))


def rule(
    actor_type: str = "ekn", *, weight: float = 2.0, county: str | None = None, **kw
) -> RuleSpec:
    kw.setdefault("name", f"rule for {actor_type}")
    kw.setdefault("priority", 0)
    kw.setdefault("active", True)
    return RuleSpec(
        id=kw.pop("id", next(_next_id)),
        county_code=county,
        actor_type=actor_type,
        weight=weight,
        **kw,
    )


def facts(text: str = "", **kw) -> QuestionFacts:
    kw.setdefault("county_code", COUNTY)
    return QuestionFacts(text=text, **kw)


def route(rules, text: str = "", **kw) -> Decision:
    services = kw.pop("services", ())
    front = kw.pop("front_door_actor", "region")
    advice = kw.pop("advice", None)
    return decide(
        facts(text, **kw),
        compile_rules(rules),
        services=services,
        front_door_actor=front,
        advice=advice,
    )


def service(sid: int, actor: str, topics, title: str = "") -> ServiceSpec:
    return ServiceSpec(
        service_id=sid,
        actor_id=100 + len(actor),
        actor_code=actor,
        actor_name=actor.upper(),
        title=title or f"{actor} service {sid}",
        topics=frozenset(topics),
    )


# --- normalisation and keywords -------------------------------------------------------------


def test_normalise_casefolds_and_strips_diacritics():
    assert normalise("Kreditförsäkringen ÅÄÖ é ü") == "kreditforsakringen aao e u"
    assert normalise("Straße Ørsted") == "strasse orsted"
    assert normalise("plain ascii") == "plain ascii"


@pytest.mark.parametrize(
    "text",
    [
        "Vi behöver Kreditförsäkringen förnyad",
        "KREDITFORSAKRING",
        "kreditförsäkring",
        "Fråga om kreditforsakringar.",
    ],
)
def test_keyword_matches_word_prefix_case_and_diacritics_insensitive(text):
    d = route([rule("ekn", keywords=("kreditförsäkring",))], text)
    assert d.ranked == (("ekn", 2.0),)
    assert not d.fallback_to_front_door


def test_keyword_must_start_at_a_word_start_unless_it_ends_a_compound():
    # Inside a word, not at its end: no match.
    d = route([rule("ekn", keywords=("försäkring",))], "Vi har kreditförsäkringsavtal")
    assert d.fallback_to_front_door
    # The last part of a compound (engine version 2): "kreditförsäkring" is a "försäkring".
    d = route([rule("ekn", keywords=("försäkring",))], "Vi har en kreditförsäkring")
    assert d.chosen_actor == "ekn"


# Real compounds from questions, and near-misses (a keyword inside a word that is no compound
# tail, or too short to stand as one).
@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("märkning", "Hur fungerar livsmedelsmärkningen i Tyskland?"),
        ("märkning", "Krav på ursprungsmärkningar"),
        ("garanti", "Kan vi få en exportkreditgaranti?"),
        ("garanti", "Banken kräver förskottsgarantier"),
        ("upphandling", "Vi vill delta i en kommunupphandling i Norge"),
        ("tillstånd", "Behöver vi exporttillståndet förnyat?"),
        ("partner$", "Vi söker samarbetspartners i Polen"),
        ("mässa", "Vi ska ställa ut på en branschmässa"),
    ],
)
def test_keyword_matches_the_last_part_of_a_compound(keyword, text):
    d = route([rule("ekn", keywords=(keyword,))], text)
    assert d.chosen_actor == "ekn", text
    assert d.matches[0].matched_on == (Condition("keyword", keyword.rstrip("$")),)


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("lån", "Vi behöver en plan för Tyskland"),  # short: never inside a word
        ("risk", "Betalningsrisk hos kunden"),  # four letters: too short to be a tail
        ("agent", "Ett reagent till labbet"),  # "re" is no first part
        ("order", "Problem vid border i Dover"),
        ("licens", "Frågor om exportlicensiering"),  # "-iering" is no inflection
        ("märkning", "Ett anmärkningsvärt krav"),  # the tail must end the word
        ("garanti", "Leveransen är garanterad"),
        ("mässan$", "Vi var på branschmässorna"),
        ("kunder", "Svar inom sekunder"),
    ],
)
def test_near_misses_inside_words_do_not_match(keyword, text):
    assert route([rule("ekn", keywords=(keyword,))], text).fallback_to_front_door, text


def test_keyword_written_without_diacritics_matches_text_with_them():
    d = route([rule("ekn", keywords=("kreditforsakr",))], "KREDITFÖRSÄKRINGEN")
    assert d.chosen_actor == "ekn"


def test_most_specific_keyword_is_reported_once():
    r = rule("ekn", keywords=("exportkredit", "exportkreditgaranti", "garanti"))
    d = route([r], "En exportkreditgaranti? Exportkreditgarantin!")
    assert d.matches[0].matched_on == (Condition("keyword", "exportkreditgaranti"),)


def test_english_keywords():
    rules = [rule("ekn", keywords=("credit insurance", "payment risk"))]
    assert route(rules, "How do we reduce Payment Risks in Brazil?").chosen_actor == "ekn"


@pytest.mark.parametrize(
    "text",
    [
        "We need a letter of credit",
        "a Letter-of-Credit",
        "letter\nof   credit",
        "LETTER OF CREDITS",
    ],
)
def test_multi_word_keyword_tolerates_separators(text):
    d = route([rule("ekn", keywords=("letter of credit",))], text)
    assert d.chosen_actor == "ekn"


def test_multi_word_keyword_needs_all_words_in_order():
    rules = [rule("ekn", keywords=("letter of credit",))]
    assert route(rules, "a credit letter of some kind").fallback_to_front_door


@pytest.mark.parametrize("text", ["CE-märkning", "CE märkning", "ce-markt"])
def test_hyphenated_keyword_matches_space_and_hyphen(text):
    assert route([rule("een", keywords=("ce-märk",))], text).chosen_actor == "een"


def test_whole_word_marker():
    rules = [rule("almi", keywords=("låna$",))]
    assert route(rules, "Kan vi låna pengar?").chosen_actor == "almi"
    assert route(rules, "Vi lånade pengar").fallback_to_front_door
    # without the marker the same keyword is a prefix
    assert route([rule("almi", keywords=("låna",))], "Vi lånade pengar").chosen_actor == "almi"


def test_whole_word_marker_on_multi_word_keyword():
    rules = [rule("almi", keywords=("ett lån$",))]
    assert route(rules, "Vi behöver ett lån.").chosen_actor == "almi"
    assert route(rules, "Vi behöver ett långsiktigt avtal").fallback_to_front_door


def test_keyword_without_letters_is_ignored_and_rule_without_conditions_skipped():
    r = rule("ekn", keywords=("  ", "$", "!!"))
    compiled = compile_rules([r])
    assert len(compiled) == 0
    assert compiled.skipped == ((r.id, "no conditions"),)


def test_keyword_problems_flags_short_stems():
    assert keyword_problems("lån")
    assert keyword_problems("lån$") == []
    assert keyword_problems("kreditförsäkr") == []
    assert keyword_problems("  ")


def test_fast_canonical_form_equals_the_unicode_path():
    rng = random.Random(7)
    pool = [chr(c) for c in range(256)] + list("ÅÄÖåäöéü’“”—€ŁłØøæÆßẞİıﬁ½") + ["\u0301", "\u0308"]
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        assert _canonical(text) == _canonical_slow(text), text


def test_keyword_index_agrees_with_the_per_rule_regex():
    """decide() finds keywords through a per-scope index; the per-rule regex is the reference."""
    rng = random.Random(11)
    specs = [rule_spec_from_dict(d, rule_id=i) for i, d in enumerate(DEFAULT_NATIONAL_RULES, 1)]
    specs.append(rule("x", keywords=("ab", "abc$", "a b", "letter of credit", "credit insurance")))
    compiled = compile_rules(specs)
    stems = [s for r in compiled.national for s in r.keywords]
    fragments = [*stems, "ab", "abcd", "a", "b", "c", "kredit", "lan", "-", ".", " ", "  ", "x"]
    fragments += ["livsmedels" + s for s in stems] + ["leverantors" + s for s in stems]
    for _ in range(3000):
        text = " ".join(
            rng.choice(fragments) + rng.choice(["", "", "en", "s", "-", "ing"])
            for _ in range(rng.randint(0, 8))
        )
        index_hits = compiled._national.scan(_canonical(text))
        for i, r in enumerate(compiled.national):
            reference = r.keyword_hits(text)
            if not r.keywords:
                continue
            found = [r.keywords[s][1] for s in index_hits.get(i, ())]
            assert bool(found) == bool(reference), (text, r)
            # the regex does not report overlapping matches; the index reports them all
            assert set(reference) <= set(found), (text, r, reference, found)


# --- conditions -----------------------------------------------------------------------------


def test_topic_rule():
    rules = [rule("ekn", weight=3, topics=frozenset({"payment_risk"}))]
    d = route(rules, "", topic="payment_risk")
    assert d.ranked == (("ekn", 3.0),)
    assert d.matches[0].matched_on == (Condition("topic", "payment_risk"),)
    assert route(rules, "", topic="financing").fallback_to_front_door
    assert route(rules, "", topic=None).fallback_to_front_door


def test_all_non_empty_condition_groups_must_match():
    r = rule("ekn", topics=frozenset({"payment_risk"}), keywords=("remburs",))
    assert route([r], "remburs", topic="payment_risk").chosen_actor == "ekn"
    assert route([r], "remburs", topic="financing").fallback_to_front_door
    assert route([r], "något annat", topic="payment_risk").fallback_to_front_door


def test_rule_with_only_empty_conditions_never_matches():
    r = rule("region")
    compiled = compile_rules([r])
    assert compiled.skipped == ((r.id, "no conditions"),)
    d = decide(facts("vad som helst", topic="unknown"), compiled)
    assert d.fallback_to_front_door and d.matches == ()


def test_market_groups():
    assert markets.groups_of("US") == {"outside_eu"}
    assert markets.groups_of("DE") == {"eu_eea"}
    assert markets.groups_of("NO") == {"eu_eea", "nordic", "outside_eu"}
    assert markets.groups_of("FI") == {"eu_eea", "nordic"}
    assert markets.groups_of("AX") == {"eu_eea", "nordic"}
    assert markets.groups_of("no") == markets.groups_of("NO")
    assert markets.groups_of("XX") == frozenset()
    assert len(markets.EU) == 27
    assert len(markets.ISO_3166_1_ALPHA_2) == 249
    assert markets.EU | {"IS", "LI", "NO"} == markets.EEA
    assert markets.is_valid_country("SE") and not markets.is_valid_country("UK")


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("US", {"outside"}),
        ("DE", {"eu"}),
        ("NO", {"eu", "nordic", "outside"}),
        ("DK", {"eu", "nordic"}),
    ],
)
def test_market_group_rules(country, expected):
    rules = [
        rule("business_sweden", name="outside", market_groups=frozenset({"outside_eu"})),
        rule("een", name="eu", market_groups=frozenset({"eu_eea"})),
        rule("almi", name="nordic", market_groups=frozenset({"nordic"})),
    ]
    d = route(rules, "", target_countries=(country,))
    assert {m.rule_name for m in d.matches} == expected


def test_market_condition_any_target_country_and_explicit_countries():
    r = rule("business_sweden", market_groups=frozenset({"outside_eu"}), countries={"de"})
    d = route([r], "", target_countries=("FR", "US"))
    assert d.matches[0].matched_on == (Condition("market", "outside_eu", "US"),)
    d = route([r], "", target_countries=("de",))
    assert d.matches[0].matched_on == (Condition("country", "DE"),)
    assert route([r], "", target_countries=("FR",)).fallback_to_front_door
    assert route([r], "", target_countries=()).fallback_to_front_door


def test_employee_band_and_export_experience():
    r = rule(
        "region",
        employee_bands=frozenset({"1-9", "10-49"}),
        export_experience=frozenset({"none"}),
    )
    d = route([r], "", employees="1-9", export_experience="none")
    assert d.matches[0].matched_on == (
        Condition("employees", "1-9"),
        Condition("experience", "none"),
    )
    assert route([r], "", employees="250+", export_experience="none").fallback_to_front_door
    assert route([r], "", employees="1-9", export_experience="regular").fallback_to_front_door
    assert route([r], "", employees=None, export_experience="none").fallback_to_front_door


# --- scope, scoring and ranking ---------------------------------------------------------------


def test_county_rule_beats_national_rules_even_with_lower_score():
    rules = [
        rule("ekn", weight=5, keywords=("remburs",), priority=100),
        rule("almi", weight=0.5, county=COUNTY, keywords=("remburs",)),
    ]
    d = route(rules, "Remburs till Kina")
    assert [a for a, _ in d.ranked] == ["almi", "ekn"]
    assert d.ranked[0] == ("almi", 0.5)


def test_other_countys_rules_are_ignored():
    rules = [
        rule("ekn", keywords=("remburs",)),
        rule("almi", weight=10, county=OTHER_COUNTY, keywords=("remburs",)),
    ]
    d = route(rules, "remburs")
    assert d.ranked == (("ekn", 2.0),)
    assert all(m.scope in ("national", COUNTY) for m in d.matches)
    other = route(rules, "remburs", county_code=OTHER_COUNTY)
    assert other.chosen_actor == "almi"


def test_scores_add_up_per_actor():
    rules = [
        rule("ekn", weight=3, topics=frozenset({"payment_risk"})),
        rule("ekn", weight=2, keywords=("remburs",)),
        rule("almi", weight=4, keywords=("lånebehov",)),
    ]
    d = route(rules, "remburs och lånebehov", topic="payment_risk")
    assert d.ranked == (("ekn", 5.0), ("almi", 4.0))


def test_negative_weight_suppresses_national_default():
    rules = [
        rule("een", weight=3, topics=frozenset({"eu_rules"})),
        rule("business_sweden", weight=1, topics=frozenset({"eu_rules"})),
        rule("een", weight=-10, county=COUNTY, topics=frozenset({"eu_rules"}), name="Ingen EEN"),
    ]
    d = route(rules, "", topic="eu_rules")
    assert d.ranked == (("business_sweden", 1.0),)
    # the suppressing rule still shows in the explanation
    assert any(m.rule_name == "Ingen EEN" and m.weight == -10 for m in d.matches)
    # other counties keep the national default
    assert route(rules, "", topic="eu_rules", county_code=OTHER_COUNTY).chosen_actor == "een"


def test_negative_county_rule_does_not_promote_its_actor():
    rules = [
        rule("een", weight=5, topics=frozenset({"eu_rules"})),
        rule("een", weight=-1, county=COUNTY, topics=frozenset({"eu_rules"})),
        rule("business_sweden", weight=4.5, topics=frozenset({"eu_rules"})),
    ]
    d = route(rules, "", topic="eu_rules")
    assert d.ranked == (("business_sweden", 4.5), ("een", 4.0))


def test_everything_suppressed_falls_back_to_front_door():
    rules = [
        rule("een", weight=3, topics=frozenset({"eu_rules"})),
        rule("een", weight=-3, county=COUNTY, topics=frozenset({"eu_rules"})),
    ]
    d = route(rules, "", topic="eu_rules")
    assert d.fallback_to_front_door
    assert d.ranked == (("region", 0.0),)
    assert len(d.matches) == 2


def test_ties_broken_by_priority_then_actor_code():
    rules = [
        rule("tillvaxtverket", keywords=("export",), priority=5),
        rule("een", keywords=("export",), priority=1),
        rule("almi", keywords=("export",), priority=1),
    ]
    d = route(rules, "export")
    assert [a for a, _ in d.ranked] == ["tillvaxtverket", "almi", "een"]
    # input order does not matter
    assert route(list(reversed(rules)), "export").ranked == d.ranked


def test_float_weights_do_not_break_ties_by_rounding_noise():
    rules = [
        rule("een", weight=0.1, keywords=("export",)),
        rule("een", weight=0.2, keywords=("export",)),
        rule("almi", weight=0.3, keywords=("export",)),
    ]
    d = route(rules, "export")
    assert d.ranked == (("almi", 0.3), ("een", 0.3))


def test_inactive_rules_are_dropped():
    active = rule("ekn", keywords=("remburs",))
    inactive = rule("almi", weight=10, keywords=("remburs",), active=False)
    compiled = compile_rules([active, inactive])
    assert compiled.skipped == ((inactive.id, "inactive"),)
    assert decide(facts("remburs"), compiled).ranked == (("ekn", 2.0),)


def test_open_actor_set():
    d = route([rule("science_park", keywords=("innovation",))], "innovation")
    assert d.chosen_actor == "science_park"


def test_no_match_goes_to_front_door():
    d = route([rule("ekn", keywords=("remburs",))], "Hej, vi har en fråga", front_door_actor="almi")
    assert d.fallback_to_front_door is True
    assert d.ranked == (("almi", 0.0),)
    assert d.matches == ()
    assert d.engine_version == ENGINE_VERSION


# --- explanation, alternatives, serialisation -------------------------------------------------


def test_explanation_lines_mention_rule_and_what_matched():
    r = rule(
        "ekn",
        name="Betalningsrisk → EKN",
        topics=frozenset({"payment_risk"}),
        keywords=("kreditförsäkr",),
    )
    d = route([r], "Behöver kreditförsäkring", topic="payment_risk")
    sv = "\n".join(d.explanation_lines("sv"))
    en = "\n".join(d.explanation_lines("en"))
    for text in (sv, en):
        assert "Betalningsrisk → EKN" in text
        assert "payment_risk" in text
        assert "kreditförsäkr" in text
    assert "ämne: payment_risk" in sv and "nyckelord: kreditförsäkr" in sv
    assert "nationell" in sv and "dirigeras till EKN" in sv
    assert "topic: payment_risk" in en and "keyword: kreditförsäkr" in en
    assert "national" in en and "routed to EKN" in en


def test_explanation_lines_county_rule_and_fallback():
    d = route([rule("almi", county=COUNTY, keywords=("remburs",), name="Länets regel")], "remburs")
    sv = "\n".join(d.explanation_lines())
    en = "\n".join(d.explanation_lines("en"))
    assert f"län {COUNTY}" in sv and "länsregel går alltid före" in sv
    assert f"county {COUNTY}" in en and "always outranks national" in en

    fb = route([], "hej")
    assert "främre dörren" in fb.explanation_lines("sv")[0]
    assert "front door" in fb.explanation_lines("en")[0]


def test_alternatives_list_every_other_actor_with_matching_services():
    rules = [
        rule("ekn", weight=3, topics=frozenset({"payment_risk"})),
        rule("almi", weight=1, keywords=("finansier",)),  # keyword-only: brings almi's services
    ]
    services = [
        service(1, "ekn", {"payment_risk"}),
        service(2, "sek", {"payment_risk", "financing"}),
        service(3, "almi", {"business_development"}),  # no topic overlap, but almi is ranked
        service(4, "een", {"eu_rules"}),  # unrelated
        service(5, "chamber_of_commerce", {"payment_risk"}),
        service(2, "sek", {"payment_risk"}),  # duplicate id
        service(6, "ekn", {"financing"}),  # chosen actor: never an alternative
    ]
    d = route(rules, "finansiering av ordern", topic="payment_risk", services=services)
    assert d.chosen_actor == "ekn"
    assert [s.service_id for s in d.alternatives] == [2, 3, 5]
    assert all(s.actor_code != "ekn" for s in d.alternatives)
    assert "SEK: sek service 2" in d.explanation_lines()[-1]


def test_alternatives_use_topics_of_matching_rules_when_question_topic_unknown():
    rules = [rule("ekn", topics=frozenset({"payment_risk", "unknown"}))]
    services = [service(1, "sek", {"payment_risk"}), service(2, "almi", {"unknown"})]
    d = route(rules, "", topic="unknown", services=services)
    assert [s.service_id for s in d.alternatives] == [1]


def test_alternatives_on_fallback_exclude_the_front_door():
    services = [service(1, "region", {"financing"}), service(2, "almi", {"financing"})]
    d = route([], "hej", topic="financing", services=services)
    assert d.fallback_to_front_door
    assert [s.service_id for s in d.alternatives] == [2]


# --- the default national rule set --------------------------------------------------------------


@pytest.fixture(scope="module")
def default_rules():
    return compile_rules(
        rule_spec_from_dict(data, rule_id=i) for i, data in enumerate(DEFAULT_NATIONAL_RULES, 1)
    )


def test_default_rules_are_well_formed(default_rules):
    assert default_rules.skipped == ()
    assert len(default_rules) == len(DEFAULT_NATIONAL_RULES)
    keys = {
        "name", "priority", "actor_type", "weight", "topics", "keywords", "market_groups",
        "countries", "employee_bands", "export_experience",
    }  # fmt: skip
    topics_with_rule = set()
    for data in DEFAULT_NATIONAL_RULES:
        assert set(data) == keys
        assert json.dumps(data)
        for kw in data["keywords"]:
            assert keyword_problems(kw) == [], (data["name"], kw)
        if data["weight"] == 3:
            topics_with_rule.update(data["topics"])
    assert topics_with_rule == {
        "financing", "market_analysis", "find_customers", "trade_fairs", "eu_rules",
        "eu_partners", "public_procurement", "payment_risk", "regulations",
        "business_development", "trade_documents", "ip",
    }  # fmt: skip


FRONT_DOOR = "front door"

TYPICAL_QUESTIONS = [
    # (text, topic, target countries, expected actor)
    (
        "Vår kund i Tyskland vill betala i efterskott. Hur skyddar vi oss med kreditförsäkring?",
        "unknown", ("DE",), "ekn",
    ),
    ("We need a letter of credit for a new buyer in Brazil.", "unknown", ("BR",), "ekn"),
    ("Vad händer om kunden inte betalar? Finns det en exportkreditgaranti?", "unknown", (), "ekn"),
    ("Vi behöver hjälp med en förskottsgaranti till en order.", "payment_risk", (), "ekn"),
    ("Vi behöver ett lån för att finansiera en större order.", "unknown", (), "almi"),
    ("Vi söker riskkapital och en mentor för att växa internationellt.", "unknown", (), "almi"),
    ("Looking for a loan to finance our first export order.", "unknown", (), "almi"),
    ("Vi vill hitta distributörer och agenter i USA.", "find_customers", ("US",),
     "business_sweden"),
    ("Looking for a distributor in Japan and advice on market entry.", "unknown", ("JP",),
     "business_sweden"),
    ("Vi ska ställa ut på en mässa i Dubai och behöver stöd.", "unknown", ("AE",),
     "business_sweden"),
    ("Vilka produktkrav gäller för CE-märkning av våra maskiner?", "unknown", (), "een"),
    ("Can you help us with partner search for a Horizon Europe project?", "unknown", (), "een"),
    ("Hur deltar vi i en offentlig upphandling i Danmark?", "unknown", ("DK",), "een"),
    ("Behöver vi tillstånd för att sälja kemikalier? Jag hittar inget på verksamt.se.",
     "unknown", (), "tillvaxtverket"),
    ("Kan vi söka en affärsutvecklingscheck för internationalisering?", "unknown", (), "region"),
    ("Var får vi ursprungsintyg och ATA-carnet till en mässa i Kina?", "unknown", ("CN",),
     "chamber_of_commerce"),
    ("How do we protect our trademark in China?", "unknown", ("CN",), "prv"),
    # a chosen topic outweighs a keyword of another actor
    ("Behöver vi kreditförsäkring?", "financing", (), "almi"),
    # nothing recognisable: the front door triages
    ("Hej! Vi undrar lite allmänt hur man börjar.", "unknown", (), FRONT_DOOR),
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "countries", "expected"), TYPICAL_QUESTIONS)
def test_default_rule_set_places_typical_questions(default_rules, text, topic, countries, expected):
    d = decide(
        QuestionFacts(county_code=COUNTY, text=text, topic=topic, target_countries=countries),
        default_rules,
    )
    if expected == FRONT_DOOR:
        assert d.fallback_to_front_door and d.chosen_actor == "region"
    else:
        assert not d.fallback_to_front_door
        assert d.chosen_actor == expected, d.explanation_lines()


@pytest.mark.parametrize(
    "text",
    [
        # "lån" (loan) folds to "lan" like "län" (county) and prefixes "långsiktig"
        "Vi har en långsiktig plan för länet och för Jönköpings län. Länets företag växer.",
        # "mässa" folds to "massa" ("a lot")
        "Vi har en massa frågor och massor av idéer.",
        # "regel" would hit "regelbundet"; "verksamt" must not hit "verksamhet"
        "Vi exporterar regelbundet och vår verksamhet är stabil.",
        # English "check" and "granted"
        "Could you check this? We took it for granted; see our checklist.",
        # Swedish "garanti" is also a product warranty
        "Vi lämnar två års garanti på våra produkter.",
        # "ställa ut" is also to issue an invoice
        "Vi ska ställa ut en faktura.",
    ],
)
def test_default_rule_set_guards_against_false_positives(default_rules, text):
    d = decide(QuestionFacts(county_code=COUNTY, text=text, topic="unknown"), default_rules)
    assert d.fallback_to_front_door, d.explanation_lines()


def test_default_rule_set_customers_outside_eu(default_rules):
    outside = decide(
        QuestionFacts(COUNTY, "Kunder", topic="find_customers", target_countries=("US",)),
        default_rules,
    )
    inside = decide(
        QuestionFacts(COUNTY, "Kunder", topic="find_customers", target_countries=("DE",)),
        default_rules,
    )
    assert outside.ranked == (("business_sweden", 4.0),)
    # inside the EU, EEN's partner search is ranked too, so its services are alternatives
    assert inside.ranked == (("business_sweden", 3.0), ("een", 1.0))


# --- the learned router beside the rules ----------------------------------------------------


def advice(*actors, topics=(), threshold=0.5, topic_scores=(), runner_up_cut=1.0,
           fallback_cut=1.0):  # fmt: skip
    return ModelAdvice(
        actors=actors,
        topics=topics,
        threshold=threshold,
        model_version=1,
        topic_scores=topic_scores,
        runner_up_cut=runner_up_cut,
        fallback_cut=fallback_cut,
    )


def test_model_decides_where_no_rule_matches_above_the_threshold():
    d = route([rule("almi", keywords=("lån",))], "Vi är rädda att kunden inte betalar",
              advice=advice(("ekn", 0.91), ("almi", 0.05)))  # fmt: skip
    assert (d.chosen_actor, d.decided_by, d.fallback_to_front_door) == ("ekn", "model", False)
    assert d.ranked == (("ekn", 0.91),) and d.rules_ranked == ()


def test_below_the_threshold_the_front_door_triages_as_before():
    d = route([], "Vi är rädda att kunden inte betalar", advice=advice(("ekn", 0.49)))
    assert (d.chosen_actor, d.decided_by, d.fallback_to_front_door) == (
        "region", "front_door", True,
    )  # fmt: skip
    assert d.advice.confidence == 0.49  # staff still see what it advised


def test_a_clear_rule_decision_stands_whatever_the_model_says():
    # The lead rests on the topic the company chose: not weak.
    d = route([rule("almi", topics={"financing"})], "anbudsgaranti", topic="financing",
              advice=advice(("ekn", 0.99)))  # fmt: skip
    assert (d.chosen_actor, d.decided_by) == ("almi", "rules")


def test_a_weak_keyword_lead_gives_way_to_a_confident_model_that_disagrees():
    rules = [rule("een", keywords=("anbud",), name="Anbud")]
    d = route(rules, "Banken kräver en anbudsgaranti", advice=advice(("ekn", 0.8), ("een", 0.1)))
    assert (d.chosen_actor, d.decided_by) == ("ekn", "model")
    assert d.ranked == (("ekn", 0.8), ("een", 2.0)) and d.rules_ranked == (("een", 2.0),)
    # the same lead stands when the model agrees or is unsure
    assert route(rules, "anbudsgaranti", advice=advice(("een", 0.8))).decided_by == "rules"
    unsure = route(rules, "anbudsgaranti", advice=advice(("ekn", 0.4)))
    assert (unsure.chosen_actor, unsure.decided_by) == ("een", "rules")


def test_a_tie_is_broken_by_a_confident_model():
    rules = [rule("almi", keywords=("lån",)), rule("een", topics={"eu_rules"})]
    d = route(rules, "lån", topic="eu_rules", advice=advice(("een", 0.7)))
    assert (d.chosen_actor, d.decided_by) == ("een", "model")


def test_a_county_rule_put_aside_is_recorded_and_said():
    county_rule = rule("almi", county=COUNTY, keywords=("finansiering",), name="Länets Almi")
    d = route([county_rule], "Finansiering av ett EU-projekt med partner i Spanien",
              advice=advice(("een", 0.85), ("almi", 0.1)))  # fmt: skip
    assert (d.chosen_actor, d.overridden_county_rules) == ("een", (county_rule.id,))
    assert any('"Länets Almi"' in line for line in d.explanation_lines("sv"))
    assert any("went before the county's rule" in line for line in d.explanation_lines("en"))
    # a county rule that leads on a topic is never put aside
    topical = rule("almi", county=COUNTY, topics={"financing"})
    kept = route([topical], "EU-projekt", topic="financing", advice=advice(("een", 0.99)))
    assert (kept.chosen_actor, kept.overridden_county_rules) == ("almi", ())


def test_alternatives_from_the_models_topics_when_the_company_chose_none():
    services = [
        service(1, "ekn", {"payment_risk"}, "Kreditförsäkring"),
        service(2, "een", {"eu_partners"}, "Partnersök"),
        service(3, "almi", {"financing"}, "Exportlån"),
    ]
    d = route([rule("business_sweden", keywords=("återförsäljare",))],
              "Vi söker en återförsäljare och en partner i Tyskland", services=services,
              advice=advice(("business_sweden", 0.6), ("een", 0.3),
                            topics=("find_customers", "eu_partners")))  # fmt: skip
    assert d.chosen_actor == "business_sweden"
    assert [s.title for s in d.alternatives] == ["Partnersök"]
    # the model's confident actor brings its services even without a shared topic
    d = route([], "Kunden betalar inte", services=services, advice=advice(("ekn", 0.9)),
              front_door_actor="almi")  # fmt: skip
    assert d.chosen_actor == "ekn" and d.alternatives == ()
    d = route([rule("almi", topics={"financing"})], "lån och kreditförsäkring",
              topic="financing", services=services, advice=advice(("ekn", 0.7)))  # fmt: skip
    assert [s.title for s in d.alternatives] == ["Kreditförsäkring"]


def test_the_need_the_chosen_actor_serves_brings_its_alternatives_below_the_models_cut():
    services = [
        service(1, "almi", {"financing"}, "Exportlån"),
        service(2, "almi", {"business_development"}, "Mentor"),
        service(3, "ekn", {"payment_risk", "financing"}, "Förskottsgaranti"),
        service(4, "region", {"business_development", "financing"}, "Check"),
        service(5, "region", {"unknown"}, "Vägledning"),
        service(6, "business_sweden", {"market_analysis"}, "Marknadsanalys"),
    ]
    # Every topic below the cut: the most likely one Almi serves is the need it answers.
    scores = (("market_analysis", 0.25), ("financing", 0.2), ("business_development", 0.05))
    d = route([rule("almi", keywords=("riskkapital",))], "Vill ni gå in med riskkapital?",
              services=services, advice=advice(("almi", 0.8), topic_scores=scores))  # fmt: skip
    assert d.chosen_actor == "almi"
    assert [s.title for s in d.alternatives] == ["Förskottsgaranti", "Check"]
    # A need Almi serves already read: nothing is added (market analysis stays unread).
    d = route([rule("almi", keywords=("riskkapital",))], "riskkapital", services=services,
              advice=advice(("almi", 0.8), topics=("business_development",),
                            topic_scores=scores))  # fmt: skip
    assert [s.title for s in d.alternatives] == ["Check"]
    # Fallen back to the front door: no need is known, none is guessed.
    d = route([], "Hej", services=services, advice=advice(("almi", 0.3), topic_scores=scores))
    assert d.fallback_to_front_door and d.alternatives == ()
    # The front door chosen for "vet ej": its guidance is the need, nothing to pass on.
    unclear = (("unknown", 0.8), ("business_development", 0.25))
    d = route([], "Vem ska jag prata med?", services=services,
              advice=advice(("region", 0.9), topic_scores=unclear))  # fmt: skip
    assert (d.chosen_actor, d.alternatives) == ("region", ())


def test_the_models_runner_up_is_listed_with_its_service_for_the_likeliest_need_it_serves():
    services = [
        service(1, "een", {"eu_partners"}, "Partnersök"),
        service(2, "business_sweden", {"market_analysis"}, "Marknadsanalys"),
        service(3, "business_sweden", {"find_customers"}, "Kundsök"),
        service(4, "region", {"unknown"}, "Vägledning"),
        service(5, "region", {"business_development"}, "Check"),
    ]
    scores = (("eu_partners", 0.9), ("unknown", 0.2), ("market_analysis", 0.1),
              ("find_customers", 0.05), ("business_development", 0.01))  # fmt: skip
    text = "Vi söker en samarbetspartner i Polen"

    def told(top, runner_up, cut=0.15, **kw):
        d = route([], text, services=services, advice=advice(
            top, runner_up, topics=("eu_partners",), topic_scores=scores, runner_up_cut=cut,
        ), **kw)  # fmt: skip
        return d.chosen_actor, [s.title for s in d.alternatives]

    # The model decided for EEN; Business Sweden, its runner-up, is told of with one service:
    # the one for the likeliest need it serves (market analysis before finding customers).
    assert told(("een", 0.8), ("business_sweden", 0.2)) == ("een", ["Marknadsanalys"])
    # Below the cut, or without a cut (stored advice), nobody is added.
    assert told(("een", 0.8), ("business_sweden", 0.1)) == ("een", [])
    assert told(("een", 0.8), ("business_sweden", 0.2), cut=1.0) == ("een", [])
    # The front door as the runner-up: its service for a need, never its "vet ej" guidance.
    assert told(("een", 0.8), ("region", 0.2)) == ("een", ["Check"])
    # Fallen back to the front door: the model's unsure top choice is the runner-up (EEN is
    # there for the need read).
    assert told(("business_sweden", 0.45), ("een", 0.4)) == (
        "region", ["Partnersök", "Marknadsanalys"],
    )  # fmt: skip
    # An actor listed already for a need it serves is not listed twice.
    d = route([], text, services=services, advice=advice(
        ("business_sweden", 0.7), ("een", 0.3), topics=("eu_partners",), topic_scores=scores,
        runner_up_cut=0.15,
    ))  # fmt: skip
    assert [s.title for s in d.alternatives] == ["Partnersök"]
    # A runner-up with no service in the county adds nothing.
    assert told(("een", 0.8), ("ekn", 0.2)) == ("een", [])


def test_fallen_back_to_the_front_door_every_actor_the_model_finds_likely_is_told():
    services = [
        service(1, "een", {"eu_partners"}, "Partnersök"),
        service(2, "business_sweden", {"find_customers"}, "Kundsök"),
        service(3, "almi", {"financing"}, "Lån"),
        service(4, "ekn", {"payment_risk"}, "Garanti"),
        service(5, "region", {"unknown"}, "Vägledning"),
    ]
    scores = (("unknown", 0.4), ("find_customers", 0.25), ("financing", 0.2),
              ("eu_partners", 0.1), ("payment_risk", 0.05))  # fmt: skip
    text = "Vi vill sälja i Tyskland och behöver hjälp"

    def told(*actors, fallback_cut=0.15, threshold=0.5):
        d = route([], text, services=services, advice=advice(
            *actors, topics=("unknown",), topic_scores=scores, runner_up_cut=0.15,
            fallback_cut=fallback_cut, threshold=threshold,
        ))  # fmt: skip
        return d.chosen_actor, d.fallback_to_front_door, [s.title for s in d.alternatives]

    unsure = (("business_sweden", 0.4), ("een", 0.3), ("almi", 0.16), ("ekn", 0.1),
              ("region", 0.04))  # fmt: skip
    # The model below the threshold: the front door triages, and the company is told of every
    # actor the model gives at least the cut, each with its service for the likeliest need.
    assert told(*unsure) == ("region", True, ["Partnersök", "Kundsök", "Lån"])
    # Without the fallback cut only the runner-up (the model's unsure first choice) is told.
    assert told(*unsure, fallback_cut=1.0) == ("region", True, ["Kundsök"])
    # Not when the model decided: then only its runner-up is added.
    assert told(*unsure, threshold=0.3) == ("business_sweden", False, ["Partnersök"])
    # The front door's own probability adds nothing (it is the chosen actor).
    assert told(("region", 0.45), ("almi", 0.3), ("een", 0.2)) == (
        "region", True, ["Partnersök", "Lån"],
    )  # fmt: skip
