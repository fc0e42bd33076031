"""Identifiers on a file, their shape and check characters: the unified social credit code, the
postal code, personal identity numbers."""

import datetime
import re
import unicodedata

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
        datetime.date(year, month, day)
    except ValueError:
        return "birth_date"
    if year < 1900:
        return "birth_date"
    total = sum(int(d) * w for d, w in zip(number[:17], ID_CHECK_WEIGHTS, strict=True))
    return None if ID_CHECK_CHARS[total % 11] == number[17] else "check_digit"
