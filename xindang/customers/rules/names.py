"""Company names: normalised for search (pinyin, bigrams) and compared for duplicate detection."""

import difflib
import re
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

# --- Names: pinyin search and duplicate detection ---------------------------------------------
# Legal-form and filler words that make two names look alike without making them the same company.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "股份公司",
    "公司",
    "分公司",
    "合伙企业",
    "有限合伙",
    "个体工商户",
    "厂",
    "商行",
    "经营部",
)
_PUNCT = re.compile(r"[\s\(\)（）【】\[\]·.,，、\-—_/]+")


def normalize_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name or "").strip()


def name_core(name: str) -> str:
    """The distinctive part of a company name, for duplicate detection: no legal form, no punctuation."""
    core = _PUNCT.sub("", normalize_name(name)).lower()
    changed = True
    while changed:
        changed = False
        for form in _LEGAL_FORMS:
            if core.endswith(form) and len(core) > len(form):
                core = core[: -len(form)]
                changed = True
    return core


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case without separators: 华夏科技 → ("huaxiakeji", "hxkj")."""
    text = normalize_name(name)
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    full = re.sub(r"[^0-9a-z]", "", full)
    initials = re.sub(r"[^0-9a-z]", "", initials)
    return full, initials


def search_text(
    *,
    name: str,
    file_no: str,
    credit_code: str | None,
    code: str | None,
    pinyin: tuple[str, str] | None = None,
) -> str:
    """One lower-case string that the search box matches by substring: name, pinyin, initials,
    credit code, file number, customer code — separated by "|" so no match crosses two fields."""
    full, initials = pinyin or name_pinyin(name)  # callers that already have it skip the second pass
    lowered = normalize_name(name).lower()
    parts = [
        lowered,
        full,
        initials,
        (credit_code or "").lower(),
        (file_no or "").lower(),
        (code or "").lower(),
        name_bigram_tokens(lowered),
    ]
    return "|".join(parts)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def name_bigram_tokens(name: str) -> str:
    """Every two-character piece of the Chinese part of a name as a space-separated word list
    (" 华夏 夏科 科技 "). A two-character query (华夏) then matches the word " 华夏 ", which a
    trigram index can find — a bare two-character substring has no trigram and scans every row."""
    grams = []
    for i in range(len(name) - 1):
        pair = name[i : i + 2]
        if _is_cjk(pair[0]) and _is_cjk(pair[1]) and pair not in grams:
            grams.append(pair)
    return f" {' '.join(grams)} " if grams else ""


def search_pattern(query: str) -> tuple[str, str]:
    """How the search box matches a normalized query: ("word", " 华夏 ") for a two-character
    Chinese query (matched against the bigram words), else ("substring", query)."""
    if len(query) == 2 and _is_cjk(query[0]) and _is_cjk(query[1]):
        return "word", f" {query} "
    return "substring", query


def normalize_query(query: str) -> str:
    # "|" separates the fields of search_text: a query must not contain it, or it matches across two
    return unicodedata.normalize("NFKC", query or "").strip().lower().replace(" ", "").replace("|", "")


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of the distinctive parts of two names."""
    ca, cb = name_core(a), name_core(b)
    if not ca or not cb:
        return 0.0
    if ca == cb:
        return 1.0
    return difflib.SequenceMatcher(None, ca, cb).ratio()


def similar_names(
    name: str, candidates: Iterable[tuple[int, str]], threshold: float
) -> list[tuple[int, float]]:
    """Candidates (id, name) at or above the threshold, most similar first."""
    scored = [(cid, name_similarity(name, other)) for cid, other in candidates]
    return sorted([(cid, s) for cid, s in scored if s >= threshold], key=lambda t: -t[1])


def name_shingles(core: str, size: int = 2, limit: int = 6) -> list[str]:
    """A few distinct substrings of the core name used to fetch duplicate candidates cheaply."""
    if len(core) <= size:
        return [core] if core else []
    grams = [core[i : i + size] for i in range(len(core) - size + 1)]
    seen: list[str] = []
    for gram in grams:
        if gram not in seen:
            seen.append(gram)
    step = max(1, len(seen) // limit)
    return seen[::step][:limit]
