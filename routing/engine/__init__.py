"""The routing rules engine: question facts + compiled rules -> ranked actor types.

A pure package: no database, no I/O (only ``explain`` uses Django's gettext). Modules:
``vocabulary`` (codes and the ``Condition`` a rule matched on), ``text`` (normalisation),
``specs`` (rules, facts, services, the ``Decision``), ``index`` (compiling rules and the keyword
index), ``decide`` (routing one question) and ``explain`` (sentences, through gettext).

Callers turn their models into ``RuleSpec`` and ``ServiceSpec`` values, compile the rules once
(``compile_rules``), and call ``decide`` for each question. The returned ``Decision`` is stored
with the case through ``routing.decision.RoutingDecision``, together with ``ENGINE_VERSION``.

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
    Each group records what it matched on (``RuleMatch.matched_on``, ``Condition`` values) for
    the explanation.

Keywords
    Matching is case- and diacritics-insensitive (``normalise``: å, ä -> a, ö -> o, é -> e ...)
    and by WORD PREFIX: a keyword must start at the beginning of a word but may end anywhere, so
    the stem "kreditförsäkr" matches "Kreditförsäkringen" and "KREDITFORSAKRING". A keyword that
    ends with ``$`` must match a whole word ("låna$" matches "låna", not "lånade"). Keywords may
    span several words ("letter of credit"); any run of non-word characters (spaces, hyphens,
    punctuation, line breaks) counts as one separator on both sides, so "ce-märk" matches
    "CE-märkning" and "CE märkning", and "letter of credit" matches "letter-of-credit".
    A one-word keyword of at least five letters (``routing.compounds``) also matches as the
    LAST PART of a Swedish compound, followed at most by an inflectional ending and preceded by a
    first part of at least three letters: "märkning" matches "livsmedelsmärkningen", "garanti"
    "exportkreditgarantin"; shorter keywords never match inside a word ("lån" is not in "plan").
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

The learned router (``advice``)
    The caller may pass the model's prediction (``ModelAdvice``) with the portal's confidence
    threshold. The rules decide where they decide clearly: one actor leads, and on more than
    keywords alone (a keyword-only lead is weak: "anbud" starts "anbudsgaranti"). Otherwise
    (no rule matched, the best two tie, or only keyword rules lead) the model decides when its
    confidence is at or above the threshold and it names another actor than the rules: its
    actor is ranked first with its probability as the score, the rules' ranking follows, and
    ``decided_by`` is "model". A county rule it puts aside is listed in
    ``overridden_county_rules`` and said in the explanation. Below the threshold the rules'
    outcome stands (the front door when nothing matched).

Fallback
    When no actor ends with a positive score (in particular when no rule matched), the ranking is
    ``((front_door_actor, 0.0),)`` and ``fallback_to_front_door`` is True: the county's front door
    triages the question by hand.

Alternatives
    Every service in the county's catalogue (``services``) of an actor type OTHER than the chosen
    one, when either its topics intersect the question topics, or its actor type is in the
    ranking or is the model's confident choice. Question topics = ``facts.topic`` (unless None or
    "unknown") plus the topics of every matching rule plus the topics the model predicts; a
    keyword-only rule contributes no topic, which is why the actors it ranks bring in their
    services. Also the model's runner-up: its most probable actor other than the chosen one,
    when that probability is at least ``advice.runner_up_cut`` and the actor is not listed
    otherwise, with its one service for the most likely topic (by ``advice.topic_scores``,
    "unknown" excepted) it serves. When the question fell back to the front door, likewise every
    actor of the model at or above ``advice.fallback_cut``. Deduplicated by service id, in the
    order of ``services``.
    The company must be told about EVERY actor offering similar services.
"""

from routing.engine.decide import decide
from routing.engine.explain import Labels, explanation_lines
from routing.engine.index import CompiledRule, CompiledRules, compile_rules, rule_spec_from_dict
from routing.engine.specs import (
    DECIDED_BY_FRONT_DOOR,
    DECIDED_BY_MODEL,
    DECIDED_BY_RULES,
    Decision,
    ModelAdvice,
    QuestionFacts,
    RuleMatch,
    RuleSpec,
    ServiceSpec,
)
from routing.engine.text import _canonical, _canonical_slow, keyword_problems, normalise
from routing.engine.vocabulary import (
    EMPLOYEE_BANDS,
    ENGINE_VERSION,
    EXPORT_EXPERIENCE,
    NATIONAL,
    TOPICS,
    UNKNOWN_TOPIC,
    Condition,
)

__all__ = [
    "DECIDED_BY_FRONT_DOOR",
    "DECIDED_BY_MODEL",
    "DECIDED_BY_RULES",
    "EMPLOYEE_BANDS",
    "ENGINE_VERSION",
    "EXPORT_EXPERIENCE",
    "NATIONAL",
    "TOPICS",
    "UNKNOWN_TOPIC",
    "CompiledRule",
    "CompiledRules",
    "Condition",
    "Decision",
    "Labels",
    "ModelAdvice",
    "QuestionFacts",
    "RuleMatch",
    "RuleSpec",
    "ServiceSpec",
    "_canonical",
    "_canonical_slow",
    "compile_rules",
    "decide",
    "explanation_lines",
    "keyword_problems",
    "normalise",
    "rule_spec_from_dict",
]
