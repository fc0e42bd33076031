"""The lifecycle rules, table-driven, each citing its source."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.lifecycle import rules

D = date(2026, 6, 10)


# 001 客户信用档案建立与管理制度 6: the archivist writes the lending time and the return date.
@pytest.mark.parametrize(
    ("lent_on", "due_on", "expected"),
    [
        (D, D, None),
        (D, date(2026, 6, 24), None),
        (D, date(2026, 6, 9), "due_before_lent"),
        (date(2026, 6, 11), date(2026, 6, 30), "lent_in_future"),
    ],
)
def test_loan_dates(lent_on, due_on, expected):
    assert rules.loan_dates_problem(lent_on, due_on, today=D) == expected


@pytest.mark.parametrize(
    ("returned_on", "expected"),
    [
        (date(2026, 6, 1), None),
        (date(2026, 5, 31), "return_before_lent"),
        (date(2026, 6, 11), "return_in_future"),
    ],
)
def test_return_dates(returned_on, expected):
    assert rules.return_problem(date(2026, 6, 1), returned_on, today=D) == expected


@pytest.mark.parametrize(
    ("due_on", "returned_on", "expected"),
    [(date(2026, 6, 9), None, True), (D, None, False), (date(2026, 6, 1), date(2026, 6, 5), False)],
)
def test_overdue_only_while_out_and_past_due(due_on, returned_on, expected):
    assert rules.is_overdue(due_on, returned_on, D) is expected


# 000 客户信息管理办法 三.3: the credit department answers for every original; one out, none again.
@pytest.mark.parametrize(
    ("wanted", "lent", "expected"),
    [
        ([1, 2], [], False),
        ([1, 2], [3], False),
        ([1, 2], [2], 2),
        ([None], [3], 3),  # the whole file while a document is out
        ([4], [None], None),  # a document while the whole file is out
        ([None], [None], None),
    ],
)
def test_loan_conflict(wanted, lent, expected):
    assert rules.loan_conflict(wanted, lent) == expected


@given(st.sets(st.integers(1, 50)), st.sets(st.integers(1, 50)))
def test_documents_conflict_exactly_when_they_overlap(wanted, lent):
    conflict = rules.loan_conflict(sorted(wanted), sorted(lent))
    if wanted & lent:
        assert conflict in wanted & lent
    else:
        assert conflict is False


# 000 4.3: this year's and last year's files stay in the departments.
@pytest.mark.parametrize(("file_year", "due"), [(2026, False), (2025, False), (2024, True), (2019, True)])
def test_transfer_due_from_the_year_before_last(file_year, due):
    assert rules.is_transfer_due(file_year, 2026) is due


def test_archive_due_within_a_month_of_receipt():
    assert rules.archive_due_on(date(2026, 1, 15), 30) == date(2026, 2, 14)


@pytest.mark.parametrize(
    ("current", "wanted", "refused"),
    [
        (rules.PROPOSED, rules.AT_CREDIT_OFFICE, False),
        (rules.AT_CREDIT_OFFICE, rules.IN_ARCHIVE_ROOM, False),
        (rules.PROPOSED, rules.IN_ARCHIVE_ROOM, True),  # the credit office checks first
        (rules.AT_CREDIT_OFFICE, rules.AT_CREDIT_OFFICE, True),
        (rules.IN_ARCHIVE_ROOM, rules.IN_ARCHIVE_ROOM, True),
    ],
)
def test_stages_run_in_order_once(current, wanted, refused):
    assert rules.stage_problem(current, wanted) is refused


# DA/T 70-2018: authenticity, integrity, usability, security of what is handed over.
PDF = "application/pdf"


def _doc(**kw):
    base = {
        "document_id": 1,
        "title": "营业执照",
        "has_version": True,
        "detected_type": PDF,
        "recorded_type": PDF,
    }
    return rules.DocumentFacts(**{**base, **kw})


@pytest.mark.parametrize(
    ("facts", "prop", "code"),
    [
        (_doc(stored=False), rules.AUTHENTICITY, "checksum_mismatch"),
        (_doc(recorded_problem="SHA-256 differs"), rules.AUTHENTICITY, "audit_mismatch"),
        (_doc(metadata_missing=("retention_class",)), rules.INTEGRITY, "metadata_missing"),
        (_doc(has_version=False, electronic_only=True), rules.INTEGRITY, "no_content"),
        (_doc(stored=None), rules.USABILITY, "file_missing"),
        (_doc(opens=False), rules.USABILITY, "unreadable"),
        (_doc(detected_type="image/png"), rules.USABILITY, "type_mismatch"),
        (_doc(executable=True), rules.SECURITY, "executable"),
        (_doc(active_content=True), rules.SECURITY, "active_content"),
        (_doc(appended_data=True), rules.SECURITY, "appended_data"),
    ],
)
def test_each_finding_lands_on_its_property(facts, prop, code):
    result = rules.four_property_check([facts])
    assert not result.ok
    assert [p["code"] for p in result.problems[prop]] == [code]
    assert all(not result.problems[p] for p in rules.PROPERTIES if p != prop)


def test_a_sound_file_passes_and_paper_only_documents_need_only_metadata():
    result = rules.four_property_check([_doc(), _doc(document_id=2, has_version=False)])
    assert result.ok
    assert result.documents == 2
    assert result.as_dict()["properties"][rules.SECURITY] == {"ok": True, "problems": []}


def test_file_level_findings_missing_required_named_missing_and_broken_chain():
    result = rules.four_property_check(
        [], missing_categories=["financial_statement"], not_handed_over=["资产负债表"], chain_ok=False
    )
    codes = {p: [x["code"] for x in v] for p, v in result.problems.items()}
    assert codes[rules.AUTHENTICITY] == ["audit_chain_broken"]
    assert codes[rules.INTEGRITY] == ["required_missing", "not_handed_over"]


@pytest.mark.parametrize(
    ("detected", "recorded", "same"),
    [
        (PDF, PDF, True),
        ("application/x-ole-storage", "application/msword", True),
        ("text/plain", "text/csv", True),
        ("image/png", PDF, False),
    ],
)
def test_same_type_families(detected, recorded, same):
    assert rules.same_type(detected, recorded) is same


@pytest.mark.parametrize(
    ("content", "active"),
    [
        (b"%PDF-1.4 /OpenAction << /S /JavaScript >>", True),
        (b"%PDF-1.4 /Launch", True),
        (b"%PDF-1.4 plain", False),
    ],
)
def test_pdf_active_content(content, active):
    assert rules.pdf_has_active_content(content) is active


def test_office_macros():
    assert rules.zip_has_macros(["word/document.xml", "word/vbaProject.bin"])
    assert not rules.zip_has_macros(["word/document.xml"])
