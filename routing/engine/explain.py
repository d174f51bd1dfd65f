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

from django.utils import translation
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
    from routing.engine.specs import RuleMatch

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


def explanation_lines(
    *,
    ranked: Sequence[tuple[str, float]],
    matches: Sequence[RuleMatch],
    alternatives: Sequence[tuple[str, Sequence[str]]],
    fallback: bool,
    labels: Labels | None = None,
    language: str | None = None,
    with_rules: bool = True,
) -> list[str]:
    """The sentences; ``alternatives`` as (actor name, service titles). ``with_rules=False``
    leaves out the sentence per matching rule (for pages that list the rules themselves)."""
    if language:
        with translation.override(language):
            return explanation_lines(
                ranked=ranked,
                matches=matches,
                alternatives=alternatives,
                fallback=fallback,
                labels=labels,
                with_rules=with_rules,
            )
    labels = labels or Labels()
    chosen, score = ranked[0]
    lines: list[str] = []
    if fallback:
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
