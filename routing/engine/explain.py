"""Why a question went where it went, as sentences for staff, through gettext.

The sentences are built when shown, in the active language (or ``language``), from what the
engine decided: nothing is stored as text. ``Labels`` says how codes read; the defaults show
actor types by name and other codes as they are (the engine has no database), callers with one
pass topic and county names (see ``routing.decision``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from routing.engine.vocabulary import (
    COUNTRY,
    EMPLOYEES,
    EXPERIENCE,
    KEYWORD,
    MARKET,
    NATIONAL,
    TOPIC,
    Condition,
)

if TYPE_CHECKING:
    from routing.engine.specs import ModelAdvice, RuleMatch

MODEL = "model"  # routing.engine.specs.DECIDED_BY_MODEL (specs imports this module)
ADVICE_SHOWN = 3

# Actor types by name; the actor set is open, so an unknown code shows as it is.
ACTOR_NAMES = {
    "almi": "Almi",
    "business_sweden": "Business Sweden",
    "een": "Enterprise Europe Network",
    "ekn": "EKN",
    "tillvaxtverket": "Tillväxtverket",
    "region": gettext_lazy("regionen"),
    "chamber_of_commerce": gettext_lazy("handelskammaren"),
    "sek": "SEK",
    "prv": "PRV",
}


def actor_name(code: str) -> str:
    return str(ACTOR_NAMES.get(code, code))


def _as_is(code: str) -> str:
    return code


@dataclass(frozen=True)
class Labels:
    """How codes read in the sentences."""

    actor: Callable[[str], str] = actor_name
    topic: Callable[[str], str] = _as_is
    market: Callable[[str], str] = _as_is
    country: Callable[[str], str] = _as_is
    employees: Callable[[str], str] = _as_is
    experience: Callable[[str], str] = _as_is
    county: Callable[[str], str] = _as_is


def condition_text(condition: Condition, labels: Labels | None = None) -> str:
    """ "ämne: Finansiering", "marknad: utanför EU (US)" …"""
    labels = labels or Labels()
    kind, value = condition.kind, condition.value
    if kind == TOPIC:
        return _("ämne: %(value)s") % {"value": labels.topic(value)}
    if kind == KEYWORD:
        return _("nyckelord: %(value)s") % {"value": value}
    if kind == MARKET:
        return _("marknad: %(value)s (%(country)s)") % {
            "value": labels.market(value),
            "country": labels.country(condition.country),
        }
    if kind == COUNTRY:
        return _("land: %(value)s") % {"value": labels.country(value)}
    if kind == EMPLOYEES:
        return _("storlek: %(value)s") % {"value": labels.employees(value)}
    if kind == EXPERIENCE:
        return _("exporterfarenhet: %(value)s") % {"value": labels.experience(value)}
    return value


def rule_scope_text(scope: str, labels: Labels | None = None) -> str:
    labels = labels or Labels()
    if scope == NATIONAL:
        return _("nationell")
    name = labels.county(scope)
    # A county's name already says "län" ("Skåne län"); only a bare code needs the word.
    return name if name != scope else _("län %(county)s") % {"county": scope}


def match_sentence(match: RuleMatch, labels: Labels | None = None) -> str:
    labels = labels or Labels()
    return _(
        'Regeln "%(rule)s" (%(scope)s) matchade på %(conditions)s och ger %(actor)s %(weight)s.'
    ) % {
        "rule": match.rule_name,
        "scope": rule_scope_text(match.scope, labels),
        "conditions": ", ".join(condition_text(c, labels) for c in match.matched_on),
        "actor": labels.actor(match.actor_type),
        "weight": f"{match.weight:+g}",
    }


def probability_text(p: float) -> str:
    """A probability as staff read it, in the active language's number format: "0,91"."""
    return formats.number_format(round(p, 2), 2)


def advice_sentence(advice: ModelAdvice, labels: Labels | None = None) -> str:
    """The model's top actors with their probabilities and the portal's threshold."""
    labels = labels or Labels()
    listed = ", ".join(
        f"{labels.actor(a)} {probability_text(p)}" for a, p in advice.actors[:ADVICE_SHOWN]
    )
    return _("Modellens råd: %(actors)s (tröskel %(threshold)s).") % {
        "actors": listed,
        "threshold": probability_text(advice.threshold),
    }


def model_decided_sentence(advice: ModelAdvice, labels: Labels | None = None) -> str:
    """Why the model's actor: "liknar tidigare frågor om exportkreditgarantier, 0,91"."""
    labels = labels or Labels()
    about = labels.topic(advice.topics[0]) if advice.topics else labels.actor(advice.actor)
    return _(
        "Reglerna avgjorde inte frågan tydligt. Frågan går till %(actor)s enligt modellen: "
        "liknar tidigare frågor om %(about)s, %(confidence)s."
    ) % {
        "actor": labels.actor(advice.actor),
        "about": about,
        "confidence": probability_text(advice.confidence),
    }


def explanation_lines(
    *,
    ranked: Sequence[tuple[str, float]],
    matches: Sequence[RuleMatch],
    alternatives: Sequence[tuple[str, Sequence[str]]],
    fallback: bool,
    labels: Labels | None = None,
    language: str | None = None,
    with_rules: bool = True,
    decided_by: str = "rules",
    advice: ModelAdvice | None = None,
    overridden_county_rules: Sequence[int] = (),
) -> list[str]:
    """The sentences; ``alternatives`` as (actor name, service titles). ``with_rules=False``
    leaves out the sentence per matching rule (for pages that list the rules themselves).
    With ``advice`` the model's top actors and confidence are always said; when it decided,
    why, and which county rule it put aside."""
    if language:
        with translation.override(language):
            return explanation_lines(
                ranked=ranked,
                matches=matches,
                alternatives=alternatives,
                fallback=fallback,
                labels=labels,
                with_rules=with_rules,
                decided_by=decided_by,
                advice=advice,
                overridden_county_rules=overridden_county_rules,
            )
    labels = labels or Labels()
    chosen, score = ranked[0]
    lines: list[str] = []
    if decided_by == MODEL and advice is not None:
        lines.append(model_decided_sentence(advice, labels))
        put_aside = [m.rule_name for m in matches if m.rule_id in set(overridden_county_rules)]
        if put_aside:
            lines.append(
                _(
                    "Modellen gick före länets regel %(rules)s, som bara matchade på nyckelord. "
                    "Ändra regeln eller tröskeln om länets regel ska gälla."
                )
                % {"rules": ", ".join(f'"{name}"' for name in dict.fromkeys(put_aside))}
            )
    elif fallback:
        door = labels.actor(chosen)
        if not matches:
            lines.append(
                _(
                    "Ingen regel matchade frågan, så den går till den främre dörren (%(door)s) "
                    "för manuell bedömning."
                )
                % {"door": door}
            )
        else:
            lines.append(
                _(
                    "Reglerna som matchade gav ingen aktör positiv poäng, så frågan går till den "
                    "främre dörren (%(door)s) för manuell bedömning."
                )
                % {"door": door}
            )
    else:
        lines.append(
            _("Frågan dirigeras till %(actor)s (poäng %(score)s).")
            % {"actor": labels.actor(chosen), "score": f"{score:g}"}
        )
        if any(m.actor_type == chosen and m.scope != NATIONAL and m.weight > 0 for m in matches):
            lines.append(
                _("En regel för länet matchade; en länsregel går alltid före nationella regler.")
            )
    if advice is not None and advice.actors:
        lines.append(advice_sentence(advice, labels))
    if with_rules:
        lines.extend(match_sentence(m, labels) for m in matches)
    others = ranked[1:]
    if others:
        listed = ", ".join(f"{labels.actor(a)} ({s:g})" for a, s in others)
        lines.append(_("Även aktuella: %(actors)s.") % {"actors": listed})
    if alternatives:
        listed = "; ".join(f"{name}: {', '.join(titles)}" for name, titles in alternatives)
        lines.append(_("Andra aktörer med liknande tjänster: %(services)s.") % {"services": listed})
    return lines
