"""ISO 3166 country codes: which codes a record may carry, and how subdivisions relate to them."""

from __future__ import annotations

import re

ISO_ALPHA2: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW XK
    """.split()
)
"""The 249 officially assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which OFAC, the EU
and the UN use as a user-assigned code."""

_SUBDIVISION = re.compile(r"^([A-Z]{2})-[A-Z0-9]{1,3}$")


def clean_country(value: str) -> str | None:
    """Upper-case code if it is a known alpha-2 code or a subdivision of one (UA-43), else None."""
    code = value.strip().upper()
    if code in ISO_ALPHA2:
        return code
    m = _SUBDIVISION.match(code)
    if m and m.group(1) in ISO_ALPHA2:
        return code
    return None


COUNTRY_NAMES: dict[str, str] = {
    "afghanistan": "AF",
    "albania": "AL",
    "algeria": "DZ",
    "bangladesh": "BD",
    "belgium": "BE",
    "bosnia and herzegovina": "BA",
    "british virgin islands": "VG",
    "burma": "MM",
    "central african republic": "CF",
    "chad": "TD",
    "china": "CN",
    "prc": "CN",
    "china, hong kong special administrative region": "HK",
    "hong kong": "HK",
    "comoros": "KM",
    "congo": "CG",
    "cuba": "CU",
    "democratic people's republic of korea": "KP",
    "north korea": "KP",
    "korea, north": "KP",
    "democratic republic of the congo": "CD",
    "egypt": "EG",
    "eritrea": "ER",
    "ethiopia": "ET",
    "france": "FR",
    "georgia": "GE",
    "germany": "DE",
    "guinea-bissau": "GW",
    "haiti": "HT",
    "india": "IN",
    "indonesia": "ID",
    "iran": "IR",
    "iran (islamic republic of)": "IR",
    "iraq": "IQ",
    "jordan": "JO",
    "kenya": "KE",
    "kuwait": "KW",
    "lebanon": "LB",
    "libya": "LY",
    "liechtenstein": "LI",
    "malaysia": "MY",
    "mali": "ML",
    "marshall islands": "MH",
    "mauritania": "MR",
    "morocco": "MA",
    "myanmar": "MM",
    "netherlands": "NL",
    "niger": "NE",
    "nigeria": "NG",
    "norway": "NO",
    "pakistan": "PK",
    "panama": "PA",
    "philippines": "PH",
    "qatar": "QA",
    "russia": "RU",
    "russian federation": "RU",
    "rwanda": "RW",
    "saudi arabia": "SA",
    "senegal": "SN",
    "singapore": "SG",
    "somalia": "SO",
    "south sudan": "SS",
    "state of palestine": "PS",
    "sudan": "SD",
    "sweden": "SE",
    "switzerland": "CH",
    "syria": "SY",
    "syrian arab republic": "SY",
    "tajikistan": "TJ",
    "trinidad and tobago": "TT",
    "tunisia": "TN",
    "turkey": "TR",
    "türkiye": "TR",
    "uganda": "UG",
    "united arab emirates": "AE",
    "united kingdom": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "united republic of tanzania": "TZ",
    "united states": "US",
    "united states of america": "US",
    "uzbekistan": "UZ",
    "venezuela": "VE",
    "yemen": "YE",
}
"""English country names as the UN, OFAC and EU lists write them in addresses and
nationalities, for comparing a listed party's country with a record's. Names not here stay
unknown: a country that cannot be compared is left out, never guessed."""


def country_code(value: str) -> str | None:
    """The alpha-2 code a list's country field or an address's last part stands for: a code
    (subdivisions give their country) or a name in COUNTRY_NAMES; None when unknown."""
    text = value.strip()
    code = clean_country(text)
    if code is not None:
        return code.split("-", 1)[0]
    return COUNTRY_NAMES.get(text.casefold())
