"""Keywords inside Swedish compounds: real compounds match, near-misses do not."""

from __future__ import annotations

import pytest

from routing.compounds import keyword_matches, normalise_word

# (keyword as a rule writes it, a word from a real question)
COMPOUNDS = [
    ("märkning", "livsmedelsmärkning"),
    ("märkning", "Livsmedelsmärkningen"),
    ("märkning", "ursprungsmärkningar"),
    ("garanti", "exportkreditgaranti"),
    ("garanti", "exportkreditgarantin"),
    ("garanti", "förskottsgarantier"),
    ("garanti", "fullgörandegarantierna"),
    ("kredit", "leverantörskrediten"),
    ("försäkring", "kreditförsäkringen"),
    ("upphandling", "kommunupphandling"),
    ("upphandling", "byggupphandlingar"),
    ("distributör", "livsmedelsdistributörer"),
    ("avgift", "tullavgifter"),
    ("tillstånd", "exporttillståndet"),
    ("tillstånd", "miljötillstånd"),
    ("partner", "samarbetspartners"),
    ("partner", "affärspartnern"),
    ("analys", "marknadsanalysen"),
    ("mässa", "branschmässan"),
    ("agent", "försäljningsagenter"),
    ("direktiv", "maskindirektivet"),
]

NEAR_MISSES = [
    ("lån", "plan"),  # short keywords never match inside a word (lån folds to "lan")
    ("lån", "kaplan"),
    ("risk", "betalningsrisk"),
    ("moms", "kommoms"),
    ("kunder", "sekunder"),  # "se" is no first part
    ("agent", "reagent"),
    ("order", "border"),
    ("licens", "exportlicensiering"),  # "-iering" is no inflection
    ("garanti", "garanterat"),
    ("märkning", "anmärkningsvärt"),  # the tail must end the word
    ("tull", "kontrollen"),
    ("mässan$", "branschmässorna"),  # whole word "mässan" is not "mässorna"
]


@pytest.mark.parametrize(("keyword", "word"), COMPOUNDS)
def test_keyword_matches_the_last_part_of_a_compound(keyword, word):
    assert keyword_matches(normalise_word(keyword), normalise_word(word))


@pytest.mark.parametrize(("keyword", "word"), NEAR_MISSES)
def test_near_misses_do_not_match(keyword, word):
    assert not keyword_matches(normalise_word(keyword), normalise_word(word))


@pytest.mark.parametrize(
    ("keyword", "word"),
    [("märkning", "märkningskrav"), ("lån$", "lån"), ("risk", "riskerna"), ("ekn$", "ekn")],
)
def test_word_starts_match_as_before(keyword, word):
    assert keyword_matches(normalise_word(keyword), normalise_word(word))


def test_whole_word_keyword_allows_inflection_as_a_compound_tail():
    assert keyword_matches("garanti$", normalise_word("exportkreditgarantin"))
    assert not keyword_matches("garanti$", normalise_word("garantin"))


def test_empty_inputs_never_match():
    assert not keyword_matches("", "garanti")
    assert not keyword_matches("garanti", "")
    assert not keyword_matches("$", "garanti")
