"""ISO 3166-1 alpha-2 country codes (all 249 officially assigned), embedded so the check needs no
package; and a country's code from its name in the page's languages (CLDR's names, from Babel)."""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["ISO_COUNTRIES", "COUNTRY_ALIASES", "NAME_LANGUAGES", "country_code"]

ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    YE YT
    ZA ZM ZW
    """.split()  # noqa: SIM905 -- a table reads and checks better than 249 quoted strings
)

# Codes people commonly write that ISO reserves for the same country (EU and UK usage).
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}

# The languages a coordinator may name a country in: the web page's.
NAME_LANGUAGES = ("en", "es", "fr", "de", "pt", "ar")


def _fold(name: str) -> str:
    """Case, accents, "the" and punctuation aside: "the United Kingdom" ~ "united-kingdom"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


@functools.cache
def _codes_by_name() -> dict[str, str]:
    """Folded country name -> code, over CLDR's names in NAME_LANGUAGES; a name two countries share
    in some language is left out (better refused than guessed)."""
    from babel import Locale

    seen: dict[str, set[str]] = {}
    for lang in NAME_LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if code in ISO_COUNTRIES:
                seen.setdefault(_fold(name), set()).add(code)
    return {name: codes.pop() for name, codes in seen.items() if len(codes) == 1}


def country_code(text: str) -> str | None:
    """The ISO code `text` is or names ("de", "UK", "Germany", "Allemagne", "ألمانيا"), else None."""
    code = text.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    if code in ISO_COUNTRIES:
        return code
    return _codes_by_name().get(_fold(text))
