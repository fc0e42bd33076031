"""The word tables of the demo data, read once from data/demo_words.json (UTF-8): real places with
their GB/T 2260 division codes and telephone area codes, the parts of company names, people's names,
banks and the like. Typed here as the generator uses them.
"""

import json
import re
from pathlib import Path

from ..choices import PROVINCES, EnterpriseType

_WORDS = json.loads((Path(__file__).resolve().parent.parent / "data" / "demo_words.json").read_text("utf-8"))

# --- Geography ------------------------------------------------------------------------------------
# province code -> [(city, area code, [(district, 6-digit division code), …])]
CITIES: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    province: [(city, area, [tuple(d) for d in districts]) for city, area, districts in cities]
    for province, cities in _WORDS["cities"].items()
}
MUNICIPALITIES = set(_WORDS["municipalities"])
EAST_CHINA = set(_WORDS["east_china"])
# Where the customers are: weighted towards the coastal provinces, as a trading company's would be.
PROVINCE_WEIGHTS: dict[str, int] = _WORDS["province_weights"]
PROVINCE_NAMES = {p["code"]: p["zh"] for p in PROVINCES}
PROVINCE_SHORT = {
    code: re.sub(r"(壮族|回族|维吾尔)?自治区$|省$|市$", "", zh) for code, zh in PROVINCE_NAMES.items()
}
ROADS: list[str] = _WORDS["roads"]
BUILDINGS: list[str] = _WORDS["buildings"]

# --- Company names: region + word stem + industry word + legal form ---------------------------------
STEM_FIRST: str = _WORDS["stem_first"]
STEM_SECOND: str = _WORDS["stem_second"]
# (word, industry section GB/T 4754, business scope)
INDUSTRY_WORDS: list[tuple[str, str, str]] = [tuple(w) for w in _WORDS["industry_words"]]
# (legal form, enterprise type, weight)
LEGAL_FORMS: list[tuple[str, EnterpriseType, int]] = [
    (form, EnterpriseType(kind), weight) for form, kind, weight in _WORDS["legal_forms"]
]

# --- People, numbers and the rest of a file -----------------------------------------------------------
SURNAMES: str = _WORDS["surnames"]
GIVEN: str = _WORDS["given_name_characters"]
MOBILE_PREFIXES: list[str] = _WORDS["mobile_prefixes"]
CONTACT_TITLES: list[str] = _WORDS["contact_titles"]
MANAGER_POSITIONS: list[str] = _WORDS["manager_positions"]
BANKS: list[str] = _WORDS["banks"]
CERTIFICATIONS: list[str] = _WORDS["certifications"]
CAPITALS_WAN: list[tuple[int, int]] = [tuple(c) for c in _WORDS["capitals_wan"]]  # (10,000 yuan, weight)
SUSPEND_REASONS: list[str] = _WORDS["suspend_reasons"]
PAST_REASONS: list[str] = _WORDS["past_reasons"]
DEMO_TAGS: list[str] = _WORDS["tags"]
