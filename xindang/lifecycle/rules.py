"""The archive's custody as pure rules: loans of physical originals, the yearly transfer to the
archive room and the four-property check of what a transfer hands over. No Django, no queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# --- Loans of originals (借阅; 000 客户信息管理办法 三.2–三.6, 5.1.3; 001 客户信用档案建立与管理制度 6)
WHOLE_FILE = None  # a loan item without a document: the whole customer file


def loan_dates_problem(lent_on: date, due_on: date, today: date) -> str | None:
    """The archivist writes the lending time and the return date on the slip (001 客户信用档案建立与管理制度
    6): a loan is not recorded ahead of the day, and it cannot be due before it was lent."""
    if lent_on > today:
        return "lent_in_future"
    if due_on < lent_on:
        return "due_before_lent"
    return None


def return_problem(lent_on: date, returned_on: date, today: date) -> str | None:
    """A return is recorded on or after the day of lending and not ahead of today."""
    if returned_on < lent_on:
        return "return_before_lent"
    if returned_on > today:
        return "return_in_future"
    return None


def is_overdue(due_on: date, returned_on: date | None, today: date) -> bool:
    """Out past its due date (due on the due date itself is not overdue yet)."""
    return returned_on is None and due_on < today


def loan_conflict(wanted: Iterable[int | None], lent: Iterable[int | None]) -> int | None | bool:
    """What of `wanted` is out already, given the open loan items `lent` of the same file (document
    ids; None = the whole file). A document lent cannot be lent again until it is back
    (000 客户信息管理办法 三.3: the credit department answers for every original); lending the whole
    file takes every document, so it conflicts with any open loan of the file, and any document
    conflicts with a whole file out.
    Returns the conflicting item (a document id or None for the whole file), or False."""
    wanted = list(wanted)
    lent = list(lent)
    if not lent:
        return False
    if WHOLE_FILE in lent:
        return WHOLE_FILE
    if WHOLE_FILE in wanted:
        return lent[0]
    out = set(lent)
    for doc in wanted:
        if doc in out:
            return doc
    return False


# --- Transfer to the archive room (移交; seed 000 4.3) -----------------------------------------------
PROPOSED = "proposed"
AT_CREDIT_OFFICE = "credit_office"
IN_ARCHIVE_ROOM = "archive_room"
STAGES = (PROPOSED, AT_CREDIT_OFFICE, IN_ARCHIVE_ROOM)
# an act moves an item one stage on; the act's stage is where the file goes
NEXT_STAGE = {PROPOSED: AT_CREDIT_OFFICE, AT_CREDIT_OFFICE: IN_ARCHIVE_ROOM}


def is_transfer_due(file_year: int, this_year: int, stay_years: int = 2) -> bool:
    """Files of this year and last year stay in the sales departments; older ones go to the credit
    office (000 4.3: 当年和去年的信用管理档案保存在各市场部门,前年的信用档案必须移交)."""
    return file_year <= this_year - stay_years


def archive_due_on(received_on: date, days: int) -> date:
    """The credit office checks the files and hands them to the archive room within a month of
    receiving them (000 4.3: 核实后一个月内移交档案室归档)."""
    return received_on + timedelta(days=days)


def stage_problem(current: str, wanted: str) -> bool:
    """True when an act to `wanted` cannot follow `current` (stages run in order, once each)."""
    return NEXT_STAGE.get(current) != wanted


# --- The four-property check (DA/T 70-2018: 真实性、完整性、可用性、安全性) ---------------------------
AUTHENTICITY = "authenticity"
INTEGRITY = "integrity"
USABILITY = "usability"
SECURITY = "security"
PROPERTIES = (AUTHENTICITY, INTEGRITY, USABILITY, SECURITY)

# the metadata every document must carry to be usable in the archive (DA/T 70 完整性: 元数据齐全)
REQUIRED_METADATA = ("title", "category", "retention_class", "filed_by", "filed_at")


@dataclass(frozen=True)
class DocumentFacts:
    """What the check found about one document handed over. has_version False: a paper original only
    (nothing electronic to check but its metadata). stored: the stored copy re-read matches its
    checksums (None: the copy is gone). recorded_problem: the stored checksums differ from those the
    audit trail recorded at upload (None: they agree)."""

    document_id: int
    title: str
    has_version: bool = False
    electronic_only: bool = False
    stored: bool | None = True
    recorded_problem: str | None = None
    detected_type: str = ""
    recorded_type: str = ""
    opens: bool = True
    executable: bool = False
    active_content: bool = False
    appended_data: bool = False
    metadata_missing: tuple[str, ...] = ()


@dataclass
class CheckResult:
    """Problems per property: each a dict {"code": …, "document": title, "detail": …}."""

    problems: dict[str, list[dict]] = field(default_factory=lambda: {p: [] for p in PROPERTIES})
    documents: int = 0

    def add(self, prop: str, code: str, document: str = "", detail: str = "") -> None:
        self.problems[prop].append({"code": code, "document": document, "detail": detail})

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "documents": self.documents,
            "properties": {p: {"ok": not self.problems[p], "problems": self.problems[p]} for p in PROPERTIES},
        }


def same_type(detected: str, recorded: str) -> bool:
    """Whether the bytes are still what the file was filed as (legacy Office and plain text files are
    detected by their container, filed by their extension: compatible families count as the same)."""
    if detected == recorded:
        return True
    families = {
        "application/x-ole-storage": {
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
        },
        "text/plain": {"text/csv"},
    }
    return recorded in families.get(detected, set())


def four_property_check(
    facts: Iterable[DocumentFacts],
    *,
    missing_categories: Iterable[str] = (),
    not_handed_over: Iterable[str] = (),
    chain_ok: bool = True,
) -> CheckResult:
    """Check what a transfer hands over against the four properties of DA/T 70-2018 (electronic
    records handed to an archive):
    - authenticity: each stored copy re-reads to its recorded checksum, the checksum is the one the
      audit trail recorded at upload, and the documents' audit trail holds (chain_ok);
    - integrity: the file holds its required documents, none named missing, each with its metadata;
    - usability: each stored copy is there, opens and is still of its filed format;
    - security: no executable or active content (programs, PDF scripts and launch actions, Office
      macros, data hidden after a PDF's end).
    A paper-only document is checked for its metadata only; one filed as electronic only must have
    a stored copy."""
    result = CheckResult()
    if not chain_ok:
        result.add(AUTHENTICITY, "audit_chain_broken")
    for code in missing_categories:
        result.add(INTEGRITY, "required_missing", detail=code)
    for title in not_handed_over:
        result.add(INTEGRITY, "not_handed_over", document=title)
    for doc in facts:
        result.documents += 1
        for name in doc.metadata_missing:
            result.add(INTEGRITY, "metadata_missing", doc.title, name)
        if not doc.has_version:
            if doc.electronic_only:
                result.add(INTEGRITY, "no_content", doc.title)
            continue
        if doc.recorded_problem:
            result.add(AUTHENTICITY, "audit_mismatch", doc.title, doc.recorded_problem)
        if doc.stored is None:
            result.add(USABILITY, "file_missing", doc.title)
            continue
        if doc.stored is False:
            result.add(AUTHENTICITY, "checksum_mismatch", doc.title)
        if doc.executable:
            result.add(SECURITY, "executable", doc.title)
        if doc.active_content:
            result.add(SECURITY, "active_content", doc.title)
        if doc.appended_data:
            result.add(SECURITY, "appended_data", doc.title)
        if not doc.opens:
            result.add(USABILITY, "unreadable", doc.title)
        elif not same_type(doc.detected_type, doc.recorded_type):
            result.add(USABILITY, "type_mismatch", doc.title, f"{doc.detected_type} ≠ {doc.recorded_type}")
    return result


# PDF operators that run something when the file is opened (ISO 32000: JavaScript, Launch actions,
# embedded files) and the macro part of an Office Open XML package.
PDF_ACTIVE_MARKERS = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile")
OOXML_MACRO_PARTS = ("vbaProject.bin",)


def pdf_has_active_content(content: bytes) -> bool:
    return any(marker in content for marker in PDF_ACTIVE_MARKERS)


def zip_has_macros(names: Iterable[str]) -> bool:
    return any(name.rsplit("/", 1)[-1] in OOXML_MACRO_PARTS for name in names)
