"""Customer-file rules as pure functions (no Django, no queries, no I/O)."""

import difflib
import re
import unicodedata
from collections.abc import Iterable
from datetime import date as _date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pypinyin import Style, lazy_pinyin

# --- Unified social credit code (统一社会信用代码), GB 32100-2015 ---------------------------------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalize_credit_code(value: str | None) -> str:
    """Upper case, no spaces; full-width characters folded (users paste from PDFs)."""
    if not value:
        return ""
    return unicodedata.normalize("NFKC", value).strip().replace(" ", "").upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character: 31 − (Σ value×weight mod 31), 31 → 0 (GB 32100-2015 §4)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def credit_code_problem(code: str) -> str | None:
    """None if valid, else "length" | "characters" | "check_digit" (SPEC §1, GB 32100-2015)."""
    if len(code) != 18:
        return "length"
    if not _USCC_SHAPE.match(code):
        return "characters"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None


def province_of_credit_code(code: str) -> str:
    """Positions 3–4 are the province of the registering authority (GB/T 2260)."""
    return code[2:4] if len(code) == 18 else ""


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


# --- Lifecycle (SPEC §8; seed 000 客户信息管理办法 二.8, 三.8) ----------------------------------------------
PROSPECTIVE, ACTIVE, SUSPENDED, PAST = "prospective", "active", "suspended", "past"
TRANSITIONS: dict[str, set[str]] = {
    PROSPECTIVE: {ACTIVE, PAST},
    ACTIVE: {SUSPENDED, PAST},
    SUSPENDED: {ACTIVE, PAST},
    PAST: {ACTIVE},  # trade may resume; destruction needs "can never resume" (000 客户信息管理办法 三.8)
}
# Files that stay on the default (active) list; the others are found with the status filter.
OPEN_STATUSES = (PROSPECTIVE, ACTIVE)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def notice_required(current: str, target: str) -> bool:
    """004 客户信息管理制度 第十一条2(4) (通知客户中止双方间的交易): suspending or ending trade with a
    customer that traded records how and when the customer was told; a prospect that never traded
    has nothing to be told."""
    return target in (SUSPENDED, PAST) and current in (ACTIVE, SUSPENDED)


# Why a user cannot be a file's salesperson (业务员), or None. The salesperson collects and passes on
# the customer's data (seed 001: 客户———收集———业务员传递———档案管理员; 专人负责) for the department
# that trades with it, so it is an active holder of the salesperson role in the file's department —
# not the administrator, a credit manager or someone of another department.
OWNER_INACTIVE, OWNER_OTHER_DEPARTMENT, OWNER_NOT_SALESPERSON = (
    "inactive",
    "other_department",
    "not_salesperson",
)


def owner_problem(*, is_active: bool, is_salesperson: bool, owner_department_id, department_id) -> str | None:
    if not is_active:
        return OWNER_INACTIVE
    if not is_salesperson:
        return OWNER_NOT_SALESPERSON
    if department_id is None or owner_department_id != department_id:
        return OWNER_OTHER_DEPARTMENT
    return None


def file_number(pattern: str, *, dept: str, year: int, seq: int) -> str:
    """Files are numbered by department (按部门编号, seed 000 4.2), e.g. XS1-2026-00017."""
    return pattern.format(dept=dept, year=year, seq=seq)


def file_sequence_key(dept: str, year: int) -> str:
    return f"customer.file_no:{dept}:{year}"


# --- The file's salesperson (业务员) ------------------------------------------------------------------
def may_be_salesperson_of(
    *, is_active: bool, is_salesperson: bool, department_id: int | None, file_department_id: int
) -> bool:
    """Who may be given a file: an active salesperson of the file's own department. A department keeps
    its customers' files when people change (seed 001 公司客户信息管理办法 五: when an employee leaves,
    "其业务部门会同信息部将其客户资料接收、整理、归档"), so files move within the department."""
    return is_active and is_salesperson and department_id is not None and department_id == file_department_id


# --- Registered capital (注册资本) in its own currency -------------------------------------------------
# ISO 4217 codes the file accepts; foreign-invested companies register in USD, HKD, EUR, JPY …
CAPITAL_CURRENCIES = (
    "CNY",
    "USD",
    "EUR",
    "HKD",
    "JPY",
    "GBP",
    "SGD",
    "AUD",
    "CAD",
    "CHF",
    "KRW",
    "TWD",
    "MOP",
)
# Chinese names as written in licences ("1072526.4万美元"), longest first when matched.
CURRENCY_WORDS = {
    "人民币": "CNY",
    "元人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "日圆": "JPY",
    "英镑": "GBP",
    "新加坡元": "SGD",
    "新元": "SGD",
    "澳元": "AUD",
    "澳大利亚元": "AUD",
    "加元": "CAD",
    "加拿大元": "CAD",
    "瑞士法郎": "CHF",
    "韩元": "KRW",
    "新台币": "TWD",
    "台币": "TWD",
    "澳门元": "MOP",
    "澳门币": "MOP",
}
_CURRENCY_SIGNS = {
    "US$": "USD",
    "HK$": "HKD",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "RMB": "CNY",
}
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1000, "百万": 1_000_000}
_NUMBER = re.compile(r"[-+]?(?:\d+(?:,\d{3})*|\d*)(?:\.\d+)?")


class CapitalUnitError(ValueError):
    """The registered capital names a unit or currency the file does not know; `unit` says which."""

    def __init__(self, unit: str):
        super().__init__(unit)
        self.unit = unit


def parse_capital(text, default_currency: str = "CNY") -> tuple[Decimal | None, str]:
    """(amount, currency) from a registered capital as people write it: "500万", "500万元",
    "人民币500万元", "1072526.4万美元", "USD 10,000", "10,000 EUR", "HK$ 1,000万", "1.2亿港元".
    A bare number is in `default_currency`. Raises CapitalUnitError naming an unknown unit (e.g. "万卢布"
    → "卢布") and ValueError for what is not a number. The amount is in the currency's own units."""
    if text is None:
        return None, default_currency
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float | Decimal):
        return _two_places(Decimal(repr(text) if isinstance(text, float) else text)), default_currency
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        return None, default_currency
    rest = raw.replace(" ", "").replace("，", ",")
    currency = None
    # a code or sign in front ("USD10,000", "US$10,000", "人民币500万")
    for prefix, code in sorted(
        {**_CURRENCY_SIGNS, **{c: c for c in CAPITAL_CURRENCIES}, **CURRENCY_WORDS}.items(),
        key=lambda kv: -len(kv[0]),
    ):
        if rest.upper().startswith(prefix.upper()) and prefix not in ("元", "元人民币"):
            currency, rest = code, rest[len(prefix) :]
            break
    match = _NUMBER.match(rest)
    if not match or not match.group().strip("+-.,"):
        raise ValueError(raw)
    number, unit = match.group(), rest[match.end() :]
    factor = Decimal(1)
    for word in sorted(_MULTIPLIERS, key=len, reverse=True):
        if unit.startswith(word):
            factor, unit = Decimal(_MULTIPLIERS[word]), unit[len(word) :]
            break
    if unit:
        code = CURRENCY_WORDS.get(unit) or (unit.upper() if unit.upper() in CAPITAL_CURRENCIES else None)
        if code is None:
            raise CapitalUnitError(unit)
        if currency is not None and code != currency and unit not in ("元",):
            raise CapitalUnitError(unit)
        currency = currency or code
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    return _two_places(amount * factor), currency or default_currency


def _two_places(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise ValueError(amount)
    try:
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(amount) from exc


def is_postal_code(value: str) -> bool:
    """邮政编码: six digits (GB/T 2260 regions; the first two name the province)."""
    return bool(re.fullmatch(r"\d{6}", value or ""))


# --- Personal identity numbers (身份证号 / 护照号) ------------------------------------------------------
ID_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def normalize_id_number(value: str) -> str:
    """Spaces and full-width characters removed, letters in capitals (a lower-case x check digit)."""
    value = "".join(ch for ch in (value or "") if not ch.isspace())
    value = value.translate({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})
    return value.upper()


def id_number_problem(kind: str, number: str) -> str | None:
    """What is wrong with an identity number, or None. A resident identity card number (居民身份证,
    GB 11643-1999) has 17 digits — the 6-digit area code, the birth date YYYYMMDD, a 3-digit sequence —
    and an ISO 7064 MOD 11-2 check character (0–9 or X). A passport number is 5–20 letters or digits.
    Returns "kind" (a number without its kind), "length", "characters", "birth_date" or "check_digit"."""
    if not number:
        return None
    if kind == "passport":
        if not 5 <= len(number) <= 20:
            return "length"
        return None if number.isascii() and number.isalnum() else "characters"
    if kind != "id_card":
        return "kind"
    if len(number) != 18:
        return "length"
    if not (number[:17].isdigit() and number[:17].isascii() and (number[17].isdigit() or number[17] == "X")):
        return "characters"
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        _date(year, month, day)
    except ValueError:
        return "birth_date"
    if year < 1900:
        return "birth_date"
    total = sum(int(d) * w for d, w in zip(number[:17], ID_CHECK_WEIGHTS, strict=True))
    return None if ID_CHECK_CHARS[total % 11] == number[17] else "check_digit"


# --- Related parties (关联客户): the keys that link two files ------------------------------------
# XinDang's addition, beyond the regulation. Nearest seed text: the credit report covers 股东及管理层情况
# and 关联企业及关联方交易情况 (001 客户信用档案建立与管理制度 2(2)、(7)); the seeds do not ask to link
# files. Two files sharing one of these keys are related.
PERSON, PHONE, ADDRESS, ACCOUNT = "person", "phone", "address", "account"
RELATION_KINDS = (PERSON, PHONE, ADDRESS, ACCOUNT)
_KEY_PUNCT = re.compile(r"[\s\(\)（）【】\[\]《》<>·•.,，。、;；:：'\"“”‘’\-—–_/\\|#＃]+")
# What people type when they do not know: never a link.
_PLACEHOLDERS = frozenset(
    {"无", "不详", "未知", "暂无", "没有", "na", "n/a", "none", "null", "tbd", "待定", "同上"}
)
_ADDRESS_PREFIXES = ("中华人民共和国", "中国")
_PHONE_SPLIT = re.compile(r"[/,;，；、|]+|\s{2,}|或")
_EXTENSION = re.compile(r"(转|分机|ext\.?|x|#).*$", re.IGNORECASE)


def _folded(value) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(value or "")).strip().casefold())


def person_key(name) -> str:
    """A person's or shareholder's name as a link key: full-width folded, no spaces or punctuation
    (张 三, 张三, 張三 stays 張三: no simplified/traditional folding), lower case; "" for placeholders and
    one-character names (a surname alone links nothing). XinDang's addition (beyond the regulation;
    nearest text 001 客户信用档案建立与管理制度 2(7))."""
    folded = _folded(name)
    if folded in _PLACEHOLDERS:
        return ""
    key = unicodedata.normalize("NFKC", _KEY_PUNCT.sub("", folded))
    return key if len(key) >= 2 and key not in _PLACEHOLDERS else ""


def phone_keys(text) -> list[str]:
    """Each phone number in a phone field as a link key: digits only, extension dropped, the country
    code +86/0086 dropped; several numbers split on / , ; 、 or 或. Fewer than 7 digits is no number.
    XinDang's addition (beyond the regulation; nearest text 001 客户信用档案建立与管理制度 2(7))."""
    out: list[str] = []
    for part in _PHONE_SPLIT.split(unicodedata.normalize("NFKC", str(text or ""))):
        part = _EXTENSION.sub("", part.strip())
        digits = "".join(ch for ch in part if ch.isdigit())
        if digits.startswith("0086"):
            digits = digits[4:]
        elif digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if len(digits) >= 7 and len(set(digits)) > 1 and digits not in out:
            out.append(digits)
    return out


def address_key(address) -> str:
    """An address as a link key: full-width folded, lower case, no spaces or punctuation, without a
    leading 中国/中华人民共和国; "" when shorter than 6 characters (a city alone links nothing).
    XinDang's addition (beyond the regulation; nearest text 001 客户信用档案建立与管理制度 2(7))."""
    key = _KEY_PUNCT.sub("", _folded(address))
    for prefix in _ADDRESS_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    return key if len(key) >= 6 and key not in _PLACEHOLDERS else ""


def account_key(account_no) -> str:
    """A bank account number as a link key: full-width folded, upper case, only letters and digits;
    "" when fewer than 6 digits. XinDang's addition (beyond the regulation; nearest text
    001 客户信用档案建立与管理制度 2(7))."""
    key = "".join(ch for ch in unicodedata.normalize("NFKC", str(account_no or "")).upper() if ch.isalnum())
    return key if sum(ch.isdigit() for ch in key) >= 6 and len(set(key)) > 1 else ""


def customer_relation_keys(
    *, legal_rep="", chairman="", general_manager="", phone="", address=""
) -> list[tuple[str, str, str]]:
    """(kind, key, role) of the file's own fields; duplicates dropped, order kept."""
    found = [
        (PERSON, person_key(legal_rep), "legal_rep"),
        (PERSON, person_key(chairman), "chairman"),
        (PERSON, person_key(general_manager), "general_manager"),
        (ADDRESS, address_key(address), "address"),
    ] + [(PHONE, key, "phone") for key in phone_keys(phone)]
    return _dedupe(found)


def _dedupe(found) -> list[tuple[str, str, str]]:
    seen, out = set(), []
    for kind, key, role in found:
        if key and (kind, key) not in seen:
            seen.add((kind, key))
            out.append((kind, key, role))
    return out


def manager_relation_keys(*, name="", phone="") -> list[tuple[str, str, str]]:
    """(kind, key, role) of a director or manager (name and phone)."""
    return _dedupe(
        [(PERSON, person_key(name), "manager")] + [(PHONE, k, "manager_phone") for k in phone_keys(phone)]
    )


def shareholder_relation_keys(*, name="") -> list[tuple[str, str, str]]:
    """(kind, key, role) of a shareholder (by name: identity numbers are stored encrypted)."""
    return _dedupe([(PERSON, person_key(name), "shareholder")])


def account_relation_keys(*, account_no="") -> list[tuple[str, str, str]]:
    return _dedupe([(ACCOUNT, account_key(account_no), "bank_account")])
