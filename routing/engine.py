"""The routing rules engine: question facts + compiled rules -> ranked actor types.

A pure module: no Django, no database, no I/O. Callers turn their models into ``RuleSpec`` and
``ServiceSpec`` values, compile the rules once (``compile_rules``), and call ``decide`` for each
question. The returned ``Decision`` is stored with the case (``Decision.as_dict``) together with
``ENGINE_VERSION``.

Semantics (bump ``ENGINE_VERSION`` when any of this changes):

Scope
    Only national rules (``county_code is None``) and rules of the question's county apply; other
    counties' rules are ignored. Inactive rules are dropped when compiling.

Matching
    A rule has up to five condition groups. It matches when ALL its non-empty groups match:

    - topics: ``facts.topic`` is one of the rule's topics;
    - keywords: ANY keyword occurs in the question text (see below);
    - market: ANY target country is in one of the rule's ``market_groups`` (see ``markets``) or in
      its ``countries`` (market groups and countries together form one group);
    - employee band: ``facts.employees`` is one of the rule's bands;
    - export experience: ``facts.export_experience`` is one of the rule's values.

    A fact that is missing (``None``, no target countries) never satisfies a non-empty group.
    A rule whose groups are all empty never matches: it is dropped when compiling (see
    ``CompiledRules.skipped``) so a half-filled form cannot become a catch-all.
    Each group records what it matched on (``RuleMatch.matched_on``) for the explanation.

Keywords
    Matching is case- and diacritics-insensitive (``normalise``: å, ä -> a, ö -> o, é -> e ...)
    and by WORD PREFIX: a keyword must start at the beginning of a word but may end anywhere, so
    the stem "kreditförsäkr" matches "Kreditförsäkringen" and "KREDITFORSAKRING". A keyword that
    ends with ``$`` must match a whole word ("låna$" matches "låna", not "lånade"). Keywords may
    span several words ("letter of credit"); any run of non-word characters (spaces, hyphens,
    punctuation, line breaks) counts as one separator on both sides, so "ce-märk" matches
    "CE-märkning" and "CE märkning", and "letter of credit" matches "letter-of-credit".
    Beware of stems that fold together once diacritics are stripped: "lån" (loan) and "län"
    (county) are both "lan", and "mässa" (trade fair) is "massa" ("en massa frågor").

Scoring and ranking
    Each matching rule adds its weight to its actor type's score. A negative weight lowers an
    actor, so a county can suppress a national default. Actor types whose final score is <= 0 are
    dropped from the ranking. The ranking key, best first, is:

    1. whether the actor has a matching county rule with positive weight: A MATCHING COUNTY RULE
       ALWAYS OUTRANKS NATIONAL RULES, whatever the scores;
    2. the score (sum of weights, rounded to 6 decimals);
    3. the highest priority among the actor's matching positive-weight rules;
    4. the actor code, alphabetically (a deterministic final tie-break).

    The chosen actor type is the first of the ranking. The actor set is open: any code a rule
    names can be ranked (optional partners such as ``chamber_of_commerce`` or ``prv`` included),
    so the caller must handle an actor type with no office in the county.

Fallback
    When no actor ends with a positive score (in particular when no rule matched), the ranking is
    ``((front_door_actor, 0.0),)`` and ``fallback_to_front_door`` is True: the county's front door
    triages the question by hand.

Alternatives
    Every service in the county's catalogue (``services``) of an actor type OTHER than the chosen
    one, when either its topics intersect the question topics, or its actor type is in the
    ranking. Question topics = ``facts.topic`` (unless None or "unknown") plus the topics of every
    matching rule; a keyword-only rule contributes no topic, which is why the actors it ranks
    bring in their services. Deduplicated by service id, in the order of ``services``. The
    company must be told about EVERY actor offering similar services.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from routing.markets import groups_of

ENGINE_VERSION = "1"

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

# Display names for explanations only; the actor set itself is open (unknown codes show as-is).
ACTOR_LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "almi": "Almi",
        "business_sweden": "Business Sweden",
        "een": "Enterprise Europe Network",
        "ekn": "EKN",
        "tillvaxtverket": "Tillväxtverket",
        "region": "regionen",
        "chamber_of_commerce": "handelskammaren",
        "sek": "SEK",
        "prv": "PRV",
    },
    "en": {
        "almi": "Almi",
        "business_sweden": "Business Sweden",
        "een": "Enterprise Europe Network",
        "ekn": "EKN",
        "tillvaxtverket": "Tillväxtverket",
        "region": "the region",
        "chamber_of_commerce": "the chamber of commerce",
        "sek": "SEK",
        "prv": "PRV",
    },
}

# Labels used inside RuleMatch.matched_on (stored in Swedish) and their English renderings.
_ON_TOPIC = "ämne"
_ON_KEYWORD = "nyckelord"
_ON_MARKET = "marknad"
_ON_COUNTRY = "land"
_ON_EMPLOYEES = "storlek"
_ON_EXPERIENCE = "exporterfarenhet"
_ON_LABELS_EN = {
    _ON_TOPIC: "topic",
    _ON_KEYWORD: "keyword",
    _ON_MARKET: "market",
    _ON_COUNTRY: "country",
    _ON_EMPLOYEES: "employees",
    _ON_EXPERIENCE: "export experience",
}

_SCORE_DIGITS = 6


# --------------------------------------------------------------------------------------------
# Value types


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A routing rule as data. ``county_code`` None = national rule.

    Collections may be passed as any iterable; they are stored as frozensets / tuples.
    """

    id: int
    name: str
    county_code: str | None
    priority: int
    active: bool
    actor_type: str
    weight: float
    topics: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    market_groups: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    employee_bands: frozenset[str] = frozenset()
    export_experience: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _set = object.__setattr__
        _set(self, "topics", frozenset(self.topics))
        _set(self, "keywords", tuple(self.keywords))
        _set(self, "market_groups", frozenset(self.market_groups))
        _set(self, "countries", frozenset(c.strip().upper() for c in self.countries))
        _set(self, "employee_bands", frozenset(self.employee_bands))
        _set(self, "export_experience", frozenset(self.export_experience))

    @property
    def scope(self) -> str:
        return self.county_code or NATIONAL


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    """What the engine knows about a question. Countries: ISO 3166-1 alpha-2."""

    county_code: str
    text: str
    topic: str | None = None
    target_countries: tuple[str, ...] = ()
    employees: str | None = None
    export_experience: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "target_countries", tuple(c.strip().upper() for c in self.target_countries)
        )


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """An actor's service in the county's catalogue."""

    service_id: int
    actor_id: int
    actor_code: str
    actor_name: str
    title: str
    topics: frozenset[str]
    url: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "topics", frozenset(self.topics))

    def as_dict(self) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "actor_id": self.actor_id,
            "actor_code": self.actor_code,
            "actor_name": self.actor_name,
            "title": self.title,
            "topics": sorted(self.topics),
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One matching rule, for the explanation. ``scope`` is "national" or the county code."""

    rule_id: int
    rule_name: str
    scope: str
    actor_type: str
    weight: float
    matched_on: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "scope": self.scope,
            "actor_type": self.actor_type,
            "weight": self.weight,
            "matched_on": list(self.matched_on),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of ``decide``: ranking, explanation, alternatives."""

    ranked: tuple[tuple[str, float], ...]
    matches: tuple[RuleMatch, ...]
    alternatives: tuple[ServiceSpec, ...]
    fallback_to_front_door: bool
    engine_version: str

    @property
    def chosen_actor(self) -> str:
        """The actor type the question goes to (the front door on fallback)."""
        return self.ranked[0][0]

    def explanation_lines(self, language: str = "sv") -> list[str]:
        """Human sentences explaining the decision, in Swedish ("sv") or English ("en")."""
        en = language.lower().startswith("en")
        lang = "en" if en else "sv"
        chosen, score = self.ranked[0]
        lines: list[str] = []

        if self.fallback_to_front_door:
            door = _actor_label(chosen, lang)
            if not self.matches:
                lines.append(
                    f"No rule matched the question, so it goes to the front door ({door}) "
                    "for manual triage."
                    if en
                    else f"Ingen regel matchade frågan, så den går till den främre dörren ({door}) "
                    "för manuell bedömning."
                )
            else:
                lines.append(
                    "The rules that matched left no actor with a positive score, so the question "
                    f"goes to the front door ({door}) for manual triage."
                    if en
                    else "Reglerna som matchade gav ingen aktör positiv poäng, så frågan går till "
                    f"den främre dörren ({door}) för manuell bedömning."
                )
        else:
            label = _actor_label(chosen, lang)
            lines.append(
                f"The question is routed to {label} (score {score:g})."
                if en
                else f"Frågan dirigeras till {label} (poäng {score:g})."
            )
            if any(
                m.actor_type == chosen and m.scope != NATIONAL and m.weight > 0
                for m in self.matches
            ):
                lines.append(
                    "A rule of the county matched; a county rule always outranks national rules."
                    if en
                    else "En regel för länet matchade; "
                    "en länsregel går alltid före nationella regler."
                )

        for m in self.matches:
            lines.append(_match_sentence(m, lang))

        others = self.ranked[1:]
        if others:
            listed = ", ".join(f"{_actor_label(a, lang)} ({s:g})" for a, s in others)
            lines.append(f"Also relevant: {listed}." if en else f"Även aktuella: {listed}.")

        if self.alternatives:
            listed = "; ".join(f"{s.actor_name}: {s.title}" for s in self.alternatives)
            lines.append(
                f"Other actors offering similar services: {listed}."
                if en
                else f"Andra aktörer med liknande tjänster: {listed}."
            )
        return lines

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form for audit storage on the case."""
        return {
            "engine_version": self.engine_version,
            "chosen_actor": self.chosen_actor,
            "fallback_to_front_door": self.fallback_to_front_door,
            "ranked": [{"actor_type": a, "score": s} for a, s in self.ranked],
            "matches": [m.as_dict() for m in self.matches],
            "alternatives": [s.as_dict() for s in self.alternatives],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """Rebuild a stored decision (e.g. to render its explanation again)."""
        return cls(
            ranked=tuple((r["actor_type"], float(r["score"])) for r in data["ranked"]),
            matches=tuple(
                RuleMatch(
                    rule_id=m["rule_id"],
                    rule_name=m["rule_name"],
                    scope=m["scope"],
                    actor_type=m["actor_type"],
                    weight=float(m["weight"]),
                    matched_on=tuple(m["matched_on"]),
                )
                for m in data["matches"]
            ),
            alternatives=tuple(ServiceSpec(**s) for s in data["alternatives"]),
            fallback_to_front_door=bool(data["fallback_to_front_door"]),
            engine_version=str(data["engine_version"]),
        )


def _actor_label(code: str, lang: str) -> str:
    return ACTOR_LABELS[lang].get(code, code)


def _match_sentence(m: RuleMatch, lang: str) -> str:
    if lang == "en":
        scope = "national" if m.scope == NATIONAL else f"county {m.scope}"
        on = ", ".join(_on_in_english(x) for x in m.matched_on)
        return (
            f'Rule "{m.rule_name}" ({scope}) matched on {on} '
            f"and gives {_actor_label(m.actor_type, lang)} {m.weight:+g}."
        )
    scope = "nationell" if m.scope == NATIONAL else f"län {m.scope}"
    on = ", ".join(m.matched_on)
    return (
        f'Regeln "{m.rule_name}" ({scope}) matchade på {on} '
        f"och ger {_actor_label(m.actor_type, lang)} {m.weight:+g}."
    )


def _on_in_english(item: str) -> str:
    label, sep, value = item.partition(": ")
    return f"{_ON_LABELS_EN.get(label, label)}{sep}{value}"


# --------------------------------------------------------------------------------------------
# Text normalisation

_COMBINING_LATIN = re.compile("[\u0300-\u036f]+")
# Letters that carry no combining mark in Unicode, so NFKD does not fold them.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
_NON_WORD = re.compile(r"\W+")


def normalise(text: str) -> str:
    """Casefold and strip diacritics: "Kreditförsäkring" -> "kreditforsakring"."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = _COMBINING_LATIN.sub("", unicodedata.normalize("NFKD", folded))
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return decomposed.translate(_FOLD)


def _canonical_slow(text: str) -> str:
    return _NON_WORD.sub(" ", normalise(text)).strip()


def _latin1_table() -> bytes:
    # Per character of Latin-1, what _canonical_slow makes of it: one ASCII character, or a
    # separator; 0x01 flags the few characters that need the slow path (æ, þ, ¼, ...).
    table = bytearray()
    for code in range(256):
        out = _canonical_slow(chr(code))
        if out == "":
            table.append(0x20)
        elif len(out) == 1 and out.isascii():
            table.append(ord(out))
        else:
            table.append(0x01)
    return bytes(table)


_LATIN1_CANONICAL = _latin1_table()


def _canonical(text: str) -> str:
    """``normalise`` plus every run of non-word characters collapsed to one space.

    The text of a question and the keywords of a rule are compared in this form: words
    separated by single spaces. Latin-1 text (Swedish, English, most of western Europe) takes a
    byte-table fast path with the same result; anything else the general Unicode path.
    """
    folded = text.casefold()
    try:
        mapped = folded.encode("latin-1").translate(_LATIN1_CANONICAL)
    except UnicodeEncodeError:
        return _canonical_slow(folded)
    if b"\x01" in mapped:
        return _canonical_slow(folded)
    return " ".join(mapped.decode("ascii").split())


def _keyword_form(keyword: str) -> tuple[str, bool]:
    """(canonical stem, whole_word) for a keyword as written in a rule; stem may be empty."""
    raw = keyword.strip()
    whole = raw.endswith("$")
    if whole:
        raw = raw[:-1]
    return _canonical(raw), whole


def keyword_problems(keyword: str) -> list[str]:
    """Problems with a keyword as a coordinator typed it (empty list = fine). For rule forms."""
    stem, whole = _keyword_form(keyword)
    if not stem:
        return ["the keyword has no letters or digits"]
    if not whole and len(stem.replace(" ", "")) < 4:
        return [
            f'the stem "{stem}" is very short and will match the start of many words; '
            'end it with "$" to match the whole word only'
        ]
    return []


# --------------------------------------------------------------------------------------------
# Compilation
#
# decide() must stay well under a millisecond with a few hundred rules. Running one regex per rule
# over the text costs a pass over the text per rule, so each scope (national, each county) also
# gets a keyword index: canonical stem -> rules, keyed by the stem's first characters. decide()
# walks the word starts of the text once and looks each up in the index. The per-rule regex
# (CompiledRule.pattern) is the reference definition of a keyword match; the tests hold the index
# to it.

_KEY_LEN = 3


class CompiledRule:
    """One active rule with its keywords in canonical form."""

    __slots__ = ("_pattern", "has_market", "keywords", "scope", "spec")

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.scope = spec.scope
        self.has_market = bool(spec.market_groups or spec.countries)
        prefix: dict[str, str] = {}
        whole: dict[str, str] = {}
        for kw in spec.keywords:
            stem, is_whole = _keyword_form(kw)
            if stem:
                (whole if is_whole else prefix).setdefault(stem, kw.strip().rstrip("$").strip())
        # canonical stem -> (whole word only, keyword as written); a prefix keyword already
        # covers the same stem as a whole word.
        self.keywords: dict[str, tuple[bool, str]] = {s: (True, d) for s, d in whole.items()}
        self.keywords.update((s, (False, d)) for s, d in prefix.items())
        self._pattern: re.Pattern[str] | None = None

    @property
    def has_conditions(self) -> bool:
        spec = self.spec
        return bool(
            spec.topics
            or self.keywords
            or self.has_market
            or spec.employee_bands
            or spec.export_experience
        )

    @property
    def pattern(self) -> re.Pattern[str] | None:
        r"""The keywords as one regex over canonical text: ``\b(?:kw1|kw2\b|...)``, longest first.

        The reference definition of a keyword match (``decide`` uses the scope's index).
        """
        if self._pattern is None and self.keywords:
            alternatives = [
                re.escape(stem) + (r"\b" if whole else "")
                for stem, (whole, _display) in sorted(
                    self.keywords.items(), key=lambda item: (-len(item[0]), item[0])
                )
            ]
            self._pattern = re.compile(r"\b(?:" + "|".join(alternatives) + ")")
        return self._pattern

    def keyword_hits(self, text: str) -> list[str]:
        """The rule's keywords (as written) found in ``text``, by the reference regex."""
        pattern = self.pattern
        if pattern is None:
            return []
        stems = dict.fromkeys(m.group(0) for m in pattern.finditer(_canonical(text)))
        return [self.keywords[s][1] for s in stems]

    def __repr__(self) -> str:
        return f"<CompiledRule {self.spec.id} {self.spec.name!r} ({self.scope})>"


def _prefix_filter(stems: Iterable[tuple[str, bool]]) -> re.Pattern[str] | None:
    r"""A regex that finds the word starts where at least one stem matches.

    The stems as a character trie, ``(?<![^ ])(?=a(?:gent|lmi\b)|...)``: one pass in C over
    the text, however many rules, instead of a Python loop over every word. A lookahead, so the
    search resumes at the next character and no word start is skipped.
    """
    root: dict[str, Any] = {}
    for stem, whole in stems:
        node = root
        for ch in stem:
            node = node.setdefault(ch, {})
        node["" if not whole else "$"] = True
    if not root:
        return None

    def build(node: dict[str, Any]) -> str:
        if "" in node:  # a prefix stem ends here: whatever follows, it matches
            return ""
        alternatives = [re.escape(ch) + build(child) for ch, child in node.items() if ch != "$"]
        if "$" in node:
            alternatives.append(r"\b")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    # Word starts only: canonical text is words separated by single spaces.
    return re.compile(r"(?<![^ ])(?=" + build(root) + ")")


class _Scope:
    """The rules of one scope with their keyword index."""

    __slots__ = ("finder", "key_lengths", "plain", "rules", "table")

    def __init__(self, rules: tuple[CompiledRule, ...]) -> None:
        self.rules = rules
        self.plain = tuple(i for i, r in enumerate(rules) if not r.keywords)
        by_stem: dict[tuple[str, bool], list[int]] = {}
        for i, r in enumerate(rules):
            for stem, (whole, _display) in r.keywords.items():
                by_stem.setdefault((stem, whole), []).append(i)
        table: dict[str, list[tuple[str, bool, tuple[int, ...]]]] = {}
        for (stem, whole), indices in by_stem.items():
            table.setdefault(stem[:_KEY_LEN], []).append((stem, whole, tuple(indices)))
        # Longest stems first, so each rule reports its most specific keyword at a position.
        self.table = {
            key: tuple(sorted(entries, key=lambda e: (-len(e[0]), e[0])))
            for key, entries in table.items()
        }
        self.key_lengths = tuple(sorted({len(k) for k in self.table}, reverse=True))
        self.finder = _prefix_filter(by_stem)

    def scan(self, text: str) -> dict[int, dict[str, None]]:
        """rule index -> canonical stems found at word starts of canonical ``text``."""
        hits: dict[int, dict[str, None]] = {}
        if self.finder is None or not text:
            return hits
        table = self.table
        lengths = self.key_lengths
        n = len(text)
        for m in self.finder.finditer(text):
            p = m.start()
            reported: set[int] | None = None
            for length in lengths:
                entries = table.get(text[p : p + length])
                if entries is None:
                    continue
                for stem, whole, indices in entries:
                    if not text.startswith(stem, p):
                        continue
                    if whole:
                        end = p + len(stem)
                        if end != n and text[end] != " ":
                            continue
                    if reported is None:
                        reported = set()
                    for i in indices:
                        if i not in reported:
                            reported.add(i)
                            hits.setdefault(i, {})[stem] = None
        return hits


class CompiledRules:
    """Rules ready for ``decide``: active, non-empty, grouped by scope, keywords indexed."""

    __slots__ = ("_counties", "_national", "by_county", "national", "skipped")

    def __init__(
        self,
        national: tuple[CompiledRule, ...],
        by_county: dict[str, tuple[CompiledRule, ...]],
        skipped: tuple[tuple[int, str], ...],
    ) -> None:
        self.national = national
        self.by_county = by_county
        # (rule id, reason) for rules dropped while compiling: "inactive", "no conditions".
        self.skipped = skipped
        self._national = _Scope(national)
        self._counties = {county: _Scope(rules) for county, rules in by_county.items()}

    def for_county(self, county_code: str) -> tuple[CompiledRule, ...]:
        """The rules that apply to a question from the county: national, then the county's."""
        return self.national + self.by_county.get(county_code, ())

    def __len__(self) -> int:
        return len(self.national) + sum(len(r) for r in self.by_county.values())

    def __repr__(self) -> str:
        return (
            f"<CompiledRules national={len(self.national)} counties={len(self.by_county)} "
            f"skipped={len(self.skipped)}>"
        )


def compile_rules(rules: Iterable[RuleSpec]) -> CompiledRules:
    """Compile once, decide many times. Drops inactive rules and rules without conditions."""
    national: list[CompiledRule] = []
    by_county: dict[str, list[CompiledRule]] = {}
    skipped: list[tuple[int, str]] = []
    for rule in rules:
        if not rule.active:
            skipped.append((rule.id, "inactive"))
            continue
        compiled = CompiledRule(rule)
        if not compiled.has_conditions:
            skipped.append((rule.id, "no conditions"))
            continue
        if rule.county_code is None:
            national.append(compiled)
        else:
            by_county.setdefault(rule.county_code, []).append(compiled)
    return CompiledRules(
        national=tuple(national),
        by_county={county: tuple(rs) for county, rs in by_county.items()},
        skipped=tuple(skipped),
    )


def rule_spec_from_dict(
    data: Mapping[str, Any],
    *,
    rule_id: int,
    county_code: str | None = None,
    active: bool = True,
) -> RuleSpec:
    """A ``RuleSpec`` from a plain dict such as those in ``default_rules``."""
    return RuleSpec(
        id=rule_id,
        name=data["name"],
        county_code=county_code,
        priority=int(data.get("priority", 0)),
        active=active,
        actor_type=data["actor_type"],
        weight=float(data["weight"]),
        topics=frozenset(data.get("topics", ())),
        keywords=tuple(data.get("keywords", ())),
        market_groups=frozenset(data.get("market_groups", ())),
        countries=frozenset(data.get("countries", ())),
        employee_bands=frozenset(data.get("employee_bands", ())),
        export_experience=frozenset(data.get("export_experience", ())),
    )


# --------------------------------------------------------------------------------------------
# Deciding


def _match(
    rule: CompiledRule,
    facts: QuestionFacts,
    targets: tuple[tuple[str, frozenset[str]], ...],
    stems: Iterable[str],
) -> tuple[str, ...] | None:
    """What the rule matched on, or None. ``stems``: the rule's keywords found in the text."""
    spec = rule.spec
    on: list[str] = []
    if spec.topics:
        if facts.topic not in spec.topics:
            return None
        on.append(f"{_ON_TOPIC}: {facts.topic}")
    if rule.has_market:
        hits: list[str] = []
        for country, groups in targets:
            if country in spec.countries:
                hits.append(f"{_ON_COUNTRY}: {country}")
            else:
                hits.extend(
                    f"{_ON_MARKET}: {g} ({country})" for g in sorted(groups & spec.market_groups)
                )
        if not hits:
            return None
        on.extend(hits)
    if spec.employee_bands:
        if facts.employees not in spec.employee_bands:
            return None
        on.append(f"{_ON_EMPLOYEES}: {facts.employees}")
    if spec.export_experience:
        if facts.export_experience not in spec.export_experience:
            return None
        on.append(f"{_ON_EXPERIENCE}: {facts.export_experience}")
    if rule.keywords:
        found = [f"{_ON_KEYWORD}: {rule.keywords[s][1]}" for s in stems]
        if not found:
            return None
        on.extend(found)
    return tuple(on)


def decide(
    facts: QuestionFacts,
    compiled: CompiledRules,
    *,
    services: Sequence[ServiceSpec] = (),
    front_door_actor: str = "region",
) -> Decision:
    """Route one question. See the module docstring for the semantics."""
    text = _canonical(facts.text) if facts.text else ""
    targets = tuple((c, groups_of(c)) for c in dict.fromkeys(facts.target_countries))

    matched: list[tuple[CompiledRule, tuple[str, ...]]] = []
    county_scope = compiled._counties.get(facts.county_code)
    for scope in (compiled._national, county_scope):
        if scope is None:
            continue
        rules = scope.rules
        for i in scope.plain:
            on = _match(rules[i], facts, targets, ())
            if on is not None:
                matched.append((rules[i], on))
        for i, stems in scope.scan(text).items():
            on = _match(rules[i], facts, targets, stems)
            if on is not None:
                matched.append((rules[i], on))

    # actor -> [score, has positive county rule, highest priority of positive rules]
    tally: dict[str, list[Any]] = {}
    for rule, _on in matched:
        spec = rule.spec
        entry = tally.setdefault(spec.actor_type, [0.0, False, None])
        entry[0] += spec.weight
        if spec.weight > 0:
            if spec.county_code is not None:
                entry[1] = True
            if entry[2] is None or spec.priority > entry[2]:
                entry[2] = spec.priority

    scored = []
    for actor, (score, county, prio) in tally.items():
        score = round(score, _SCORE_DIGITS)
        if score > 0:
            scored.append((actor, score, county, prio))
    scored.sort(key=lambda t: (not t[2], -t[1], -(t[3] or 0), t[0]))
    ranked = tuple((actor, score) for actor, score, _c, _p in scored)

    fallback = not ranked
    if fallback:
        ranked = ((front_door_actor, 0.0),)
    position = {actor: i for i, (actor, _s) in enumerate(ranked)}

    # Matches in ranking order (dropped actors last), then priority, then rule id.
    matched.sort(
        key=lambda rm: (
            position.get(rm[0].spec.actor_type, len(position)),
            rm[0].spec.actor_type,
            -rm[0].spec.priority,
            rm[0].spec.id,
        )
    )
    matches = tuple(
        RuleMatch(
            rule_id=rule.spec.id,
            rule_name=rule.spec.name,
            scope=rule.scope,
            actor_type=rule.spec.actor_type,
            weight=rule.spec.weight,
            matched_on=on,
        )
        for rule, on in matched
    )

    alternatives: tuple[ServiceSpec, ...] = ()
    if services:
        chosen = ranked[0][0]
        topics: set[str] = set()
        if facts.topic:
            topics.add(facts.topic)
        for rule, _on in matched:
            topics.update(rule.spec.topics)
        topics.discard(UNKNOWN_TOPIC)
        other_ranked = set(position) - {chosen}
        seen: set[int] = set()
        picked: list[ServiceSpec] = []
        for service in services:
            if service.actor_code == chosen or service.service_id in seen:
                continue
            if service.actor_code in other_ranked or not service.topics.isdisjoint(topics):
                seen.add(service.service_id)
                picked.append(service)
        alternatives = tuple(picked)

    return Decision(
        ranked=ranked,
        matches=matches,
        alternatives=alternatives,
        fallback_to_front_door=fallback,
        engine_version=ENGINE_VERSION,
    )
