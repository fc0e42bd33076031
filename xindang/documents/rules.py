"""Documents in the file (档案资料) as pure rules: retention clock, clearance per confidentiality level,
completeness, expiry, file names and content types. No Django, no queries, no I/O."""

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# --- Retention (保管期限; SPEC §2 after seed 001 档案管理制度及流程2 2.1.4) ---------------------------
# The events that start a retention clock. A class says which one applies to its documents.
UPLOAD = "upload"
TRADE_ENDED = "trade_ended"
CONTRACT_ENDED = "contract_ended"
DEBT_SETTLED = "debt_settled"
CLOCK_EVENTS = (UPLOAD, TRADE_ENDED, CONTRACT_ENDED, DEBT_SETTLED)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class RetentionClock:
    permanent: bool
    event: str
    started_on: date | None
    earliest_disposal_on: date | None

    @property
    def started(self) -> bool:
        return self.started_on is not None


def retention_clock(
    *, min_years: int | None, event: str, event_dates: Mapping[str, date | None]
) -> RetentionClock:
    """The clock of one document (seed 001 档案管理制度及流程2 2.1.4: permanent / long / short; SPEC §2).

    Permanent (min_years None) is never disposed of: no disposal date. Otherwise the clock starts on
    the date of the class's business event (upload, trade ended, contract ended, debt settled) and the
    document may be disposed of no earlier than `min_years` after it. An event that has not happened
    yet means the clock has not started and there is no disposal date either."""
    started_on = event_dates.get(event)
    if min_years is None:
        return RetentionClock(True, event, started_on, None)
    if started_on is None:
        return RetentionClock(False, event, None, None)
    return RetentionClock(False, event, started_on, add_years(started_on, min_years))


def may_dispose(clock: RetentionClock, today: date) -> bool:
    """Whether the retention period allows disposal today (disposal itself needs the GM, later)."""
    return clock.earliest_disposal_on is not None and clock.earliest_disposal_on <= today


# --- Clearance per confidentiality level (密级; seed 001 档案管理制度及流程2 1.4–1.5; SPEC §7) --------------
LEVELS = (1, 2, 3)
EVERYONE = "*"  # everyone who may see the customer file
OWNING_DEPARTMENT_MANAGER = "owning_department_manager"  # the manager of the file's department


def cleared_levels(
    *,
    user_roles: Iterable[str],
    is_owning_dept_manager: bool,
    sees_file: bool,
    clearance: Mapping[int, Iterable[str]],
) -> frozenset[int]:
    """The levels a user may read on one customer file. Access is decided per file first (who sees the
    file at all), then narrowed by level: level 1 is the most sensitive (seed 001 档案管理制度及流程2
    1.4–1.5).
    `clearance` maps a level to role codes, OWNING_DEPARTMENT_MANAGER and/or EVERYONE."""
    if not sees_file:
        return frozenset()
    roles = set(user_roles)
    levels = set()
    for level, tokens in clearance.items():
        tokens = set(tokens)
        if (
            EVERYONE in tokens
            or roles & tokens
            or (is_owning_dept_manager and OWNING_DEPARTMENT_MANAGER in tokens)
        ):
            levels.add(int(level))
    return frozenset(levels)


def may_read(
    level: int,
    user_roles: Iterable[str],
    is_owning_dept_manager: bool,
    sees_file: bool,
    policy_clearance: Mapping[int, Iterable[str]],
) -> bool:
    """May this user read a document of `level` on a file (see cleared_levels)."""
    return level in cleared_levels(
        user_roles=user_roles,
        is_owning_dept_manager=is_owning_dept_manager,
        sees_file=sees_file,
        clearance=policy_clearance,
    )


def needs_watermark(level: int, watermark_levels: Iterable[int], mime_type: str) -> bool:
    """Copies of level 1 and 2 PDFs and images name their reader (SPEC §7: no copying, 000 客户信息管理办法
    三.3–6)."""
    return level in set(watermark_levels) and (
        mime_type == "application/pdf" or mime_type in WATERMARK_IMAGES
    )


def can_watermark(mime_type: str) -> bool:
    """PDFs and images can carry the reader's name; Office files, archives, audio and video cannot."""
    return mime_type == "application/pdf" or mime_type in WATERMARK_IMAGES


WATERMARK_IMAGES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff"}
PREVIEWABLE = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}


def is_previewable(mime_type: str) -> bool:
    """Browsers show PDFs and common images inline; everything else is downloaded (TIFF: not in most)."""
    return mime_type in PREVIEWABLE


# --- Completeness (seed 002 第十八条: incomplete key data is never rated A) -------------------------------
def missing_categories(required: Iterable[str], present: Iterable[str]) -> list[str]:
    """The required category codes (in the policy's order) that the file does not hold yet."""
    have = set(present)
    seen: set[str] = set()
    missing = []
    for code in required:
        if code not in have and code not in seen:
            missing.append(code)
        seen.add(code)
    return missing


def is_complete(required: Iterable[str], present: Iterable[str]) -> bool:
    return not missing_categories(required, present)


# --- Expiry of licences and certificates (SPEC §2: validity dates raise reminders) --------------------
NO_EXPIRY = "none"
VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"


def expiry_status(valid_until: date | None, today: date, reminder_days: int) -> str:
    """none (no end date) / valid / expiring (within reminder_days, the end day included) / expired
    (the day after valid_until)."""
    if valid_until is None:
        return NO_EXPIRY
    if valid_until < today:
        return EXPIRED
    if valid_until <= today + timedelta(days=reminder_days):
        return EXPIRING
    return VALID


def validity_ok(valid_from: date | None, valid_until: date | None) -> bool:
    return valid_from is None or valid_until is None or valid_until >= valid_from


# --- File names ---------------------------------------------------------------------------------------
MAX_NAME = 200


class BadFileName(ValueError):
    pass


def clean_file_name(name: str) -> str:
    """The user's file name, kept for display and the download's name only (storage names are
    content-addressed). Refuses path separators, control characters and '.'/'..'; NFC-normalises,
    trims blanks and shortens a long name keeping its extension."""
    if name is None:
        raise BadFileName("empty")
    name = unicodedata.normalize("NFC", str(name)).strip()
    if not name or name in {".", ".."}:
        raise BadFileName("empty")
    if "/" in name or "\\" in name:
        raise BadFileName("separator")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in name):
        raise BadFileName("control")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = stem[: MAX_NAME - len(ext) - 1] + "." + ext if dot and 0 < len(ext) <= 10 else name[:MAX_NAME]
    return name


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# --- Content types: what the bytes are, against what the name says -------------------------------
EXECUTABLE = "application/x-executable"
OCTET = "application/octet-stream"
OLE = "application/x-ole-storage"  # legacy Office (doc/xls/ppt) share one container
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEXT = "text/plain"

# extension → the content types it may hold; the first is the type the file is filed as.
EXTENSION_TYPES: dict[str, tuple[str, ...]] = {
    "pdf": ("application/pdf",),
    "png": ("image/png",),
    "jpg": ("image/jpeg",),
    "jpeg": ("image/jpeg",),
    "gif": ("image/gif",),
    "webp": ("image/webp",),
    "tif": ("image/tiff",),
    "tiff": ("image/tiff",),
    "docx": (DOCX,),
    "xlsx": (XLSX,),
    "pptx": (PPTX,),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "txt": (TEXT,),
    "csv": ("text/csv", TEXT),
    "mp3": ("audio/mpeg",),
    "wav": ("audio/x-wav",),
    "m4a": ("audio/mp4",),
    "amr": ("audio/amr",),
    "mp4": ("video/mp4",),
    "zip": (ZIP,),
}
# Never accepted, whatever the policy says.
FORBIDDEN_TYPES = frozenset({EXECUTABLE, "application/x-msdownload", "application/x-sharedlib", OCTET})


@dataclass(frozen=True)
class ContentDecision:
    mime_type: str
    error: str | None = None  # "executable", "unknown", "mismatch", "not_allowed"


def content_decision(detected: str, file_name: str, allowed: Iterable[str]) -> ContentDecision:
    """Accept a file only when its content is a known, allowed type and its extension (if any) agrees.
    An executable is refused whatever its name (a program disguised as a PDF); unknown binary too."""
    allowed = set(allowed) - FORBIDDEN_TYPES
    if detected == EXECUTABLE:
        return ContentDecision(detected, "executable")
    if detected == OCTET or not detected:
        return ContentDecision(OCTET, "unknown")
    ext = extension(file_name)
    if ext:
        types = EXTENSION_TYPES.get(ext)
        if types is None or detected not in types:
            return ContentDecision(detected, "mismatch")
        mime = types[0]  # OLE and plain text take the type their extension names
    else:
        mime = detected
        if mime == OLE:
            return ContentDecision(mime, "unknown")
    if mime not in allowed:
        return ContentDecision(mime, "not_allowed")
    return ContentDecision(mime, None)


# Fixity checksums: SHA-256 (FIPS 180-4) or SM3 (GB/T 32905-2016, the national hash standard).
CHECKSUM_ALGORITHMS = ("sha256", "sm3")


def checksum_algorithm_available(name: str, available) -> bool:
    """Whether `name` can be chosen: one we support and one the crypto library provides
    (hashlib.algorithms_available; SM3 comes from OpenSSL and is missing from some builds)."""
    return name in CHECKSUM_ALGORITHMS and (name == "sha256" or name in set(available))


def findings_digest(findings) -> str:
    """SHA-256 over a fixity run's findings (kind, version id, storage name, expected, actual, in a
    fixed order), recorded in the run's audit event so a rewritten result is seen (seed 004
    客户信息保护管理制度 第十三条: a tracking and monitoring mechanism keeps customer information
    complete and authentic)."""
    lines = sorted(
        "\x1f".join(str(part if part is not None else "") for part in finding) for finding in findings
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def recorded_checksum_mismatch(stored: dict, recorded: dict | None) -> str | None:
    """Compare a version's stored checksums with those its creating audit event recorded; a short
    reason when they differ (None when they agree). `recorded` None: no event records the version."""
    if recorded is None:
        return "no audit event records this version"
    algorithm = recorded.get("checksum_algorithm", "sha256")
    checksum = recorded.get("checksum") or recorded.get("sha256")
    if recorded.get("sha256") != stored["sha256"]:
        return "SHA-256 differs from the audit trail"
    if algorithm != stored["checksum_algorithm"]:
        return f"algorithm {stored['checksum_algorithm']} (audit trail: {algorithm})"
    if checksum != stored["checksum"]:
        return f"{algorithm.upper()} checksum differs from the audit trail"
    if "size" in recorded and recorded["size"] != stored["size"]:
        return f"size {stored['size']} (audit trail: {recorded['size']})"
    return None
