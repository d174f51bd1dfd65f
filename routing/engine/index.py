"""Compiling rules: active, non-empty rules grouped by scope, with a keyword index per scope."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from routing.compounds import MIN_FIRST_PART, MIN_SUFFIX_KEYWORD, compound_tail_matches, endings
from routing.engine.specs import RuleSpec
from routing.engine.text import _canonical, _keyword_form

#
# decide() must stay well under a millisecond with a few hundred rules. Running one regex per rule
# over the text costs a pass over the text per rule, so each scope (national, each county) also
# gets a keyword index: canonical stem -> rules, keyed by the stem's first characters. decide()
# walks the word starts of the text once and looks each up in the index. The per-rule regex
# (CompiledRule.pattern) is the reference definition of a keyword match; the tests hold the index
# to it. A one-word keyword long enough to be a word of its own (``routing.compounds``) also
# matches as the last part of a compound ("markning" in "livsmedelsmarkningen"); the index finds
# those through a second table keyed by the whole stem, looked up from each long word's end.

_KEY_LEN = 3
_MIN_COMPOUND_WORD = MIN_FIRST_PART + MIN_SUFFIX_KEYWORD


def _is_tail_stem(stem: str) -> bool:
    """Whether a canonical stem may also match as the last part of a compound."""
    return len(stem) >= MIN_SUFFIX_KEYWORD and stem.isalpha()


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
        """The rule's keywords (as written) found in ``text``: the reference regex at word
        starts, then ``compound_tail_matches`` on every word for the compound tails."""
        pattern = self.pattern
        if pattern is None:
            return []
        canonical = _canonical(text)
        found = list(pattern.finditer(canonical))
        stems = dict.fromkeys(m.group(0) for m in found)
        tails = [s for s in self.keywords if _is_tail_stem(s)]
        if tails:
            # A word whose start already matched reports that keyword only (the more specific:
            # "exportkreditgaranti", not also "garanti").
            starts = {m.start() for m in found}
            position = 0
            for word in canonical.split(" "):
                if position not in starts:
                    for stem in tails:
                        if compound_tail_matches(stem, word):
                            stems.setdefault(stem)
                position += len(word) + 1
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

    __slots__ = ("finder", "key_lengths", "plain", "rules", "table", "tail_lengths", "tails")

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
        # Compound tails: stem -> rules, whole-word or not alike (a tail may carry an ending).
        tails: dict[str, dict[int, None]] = {}
        for (stem, _whole), indices in by_stem.items():
            if _is_tail_stem(stem):
                tails.setdefault(stem, {}).update(dict.fromkeys(indices))
        self.tails = {stem: tuple(indices) for stem, indices in tails.items()}
        self.tail_lengths = tuple(sorted({len(s) for s in self.tails}, reverse=True))

    def scan(self, text: str) -> dict[int, dict[str, None]]:
        """rule index -> canonical stems found at word starts of canonical ``text``."""
        hits: dict[int, dict[str, None]] = {}
        if self.finder is None or not text:
            return hits
        table = self.table
        lengths = self.key_lengths
        n = len(text)
        at_start: set[tuple[int, int]] = set()  # (word start, rule index) matched there
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
                            at_start.add((p, i))
                            hits.setdefault(i, {})[stem] = None
        if self.tails:
            self._scan_tails(text, hits, at_start)
        return hits

    def _scan_tails(
        self, text: str, hits: dict[int, dict[str, None]], at_start: set[tuple[int, int]]
    ) -> None:
        """Add the compound tails (``routing.compounds.compound_tail_matches``) of each word,
        for the rules whose keyword did not already match at the word's start."""
        tails = self.tails
        lengths = self.tail_lengths
        position = -1
        for word in text.split(" "):
            p = position + 1
            position = p + len(word)
            if len(word) < _MIN_COMPOUND_WORD or not word.isalpha():
                continue
            for ending in endings(word):
                base = word[: len(word) - len(ending)] if ending else word
                for length in lengths:
                    if len(base) - length < MIN_FIRST_PART:
                        continue
                    stem = base[-length:]
                    indices = tails.get(stem)
                    if indices is not None:
                        for i in indices:
                            if (p, i) not in at_start:
                                hits.setdefault(i, {})[stem] = None


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
