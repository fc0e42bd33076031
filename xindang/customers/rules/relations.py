"""Related parties (关联客户): the normalised keys that link two files."""

import re
import unicodedata

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
