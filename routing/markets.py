"""Country groups used by routing rules ("market" conditions).

Pure data and functions; no Django imports. Country codes are ISO 3166-1 alpha-2, upper-case.

Groups (the codes of ``MARKET_GROUPS``):

- ``eu_eea``: the EU member states plus Iceland, Liechtenstein and Norway, and the EU's own
  territories that have separate ISO codes (Åland, the French outermost regions), where EU rules
  apply as in the member state.
- ``nordic``: the Nordic countries, including the Faroe Islands, Greenland and Åland.
- ``outside_eu``: every valid country that is not in the EU. Norway, Iceland and Liechtenstein are
  both ``eu_eea`` and ``outside_eu`` (EEA, not EU: customs borders, Business Sweden's turf);
  the Faroe Islands and Greenland are ``nordic`` and ``outside_eu``.
"""

from __future__ import annotations

MARKET_GROUPS: frozenset[str] = frozenset({"eu_eea", "nordic", "outside_eu"})

# The 27 member states (Greece is "GR" in ISO 3166-1; the EU's own "EL" is not accepted).
EU: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip

# Parts of member states that ISO lists as separate codes but where EU law applies: Åland and
# the French outermost regions. Treated as inside the EU for routing.
EU_TERRITORIES: frozenset[str] = frozenset({"AX", "GF", "GP", "MQ", "RE", "YT", "MF"})

EEA: frozenset[str] = EU | {"IS", "LI", "NO"}

NORDIC: frozenset[str] = frozenset({"SE", "DK", "FI", "NO", "IS", "FO", "GL", "AX"})

# ISO 3166-1 alpha-2, the 249 officially assigned codes as of 2024 (no user-assigned codes such
# as XK; no exceptionally reserved codes such as EU, UK, EL).
ISO_3166_1_ALPHA_2: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ
    VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - compact, several codes per line
)

_IN_EU: frozenset[str] = EU | EU_TERRITORIES
_IN_EEA: frozenset[str] = EEA | EU_TERRITORIES


def is_valid_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code (upper-case, as stored)."""
    return code in ISO_3166_1_ALPHA_2


def _compute_groups(code: str) -> frozenset[str]:
    groups = set()
    if code in _IN_EEA:
        groups.add("eu_eea")
    if code in NORDIC:
        groups.add("nordic")
    if code not in _IN_EU:
        groups.add("outside_eu")
    return frozenset(groups)


# Precomputed: routing calls groups_of() for every target country of every question.
_GROUPS: dict[str, frozenset[str]] = {code: _compute_groups(code) for code in ISO_3166_1_ALPHA_2}


def groups_of(country_code: str) -> frozenset[str]:
    """The market groups of a country: a subset of ``MARKET_GROUPS``.

    Case-insensitive; surrounding whitespace ignored. An unknown code belongs to no group (it is
    not a country, so it is not "outside the EU" either).
    """
    return _GROUPS.get(country_code.strip().upper(), frozenset())
