"""Pure rules of the documents app (no database): retention (seed 001 档案管理制度及流程2 2.1.4, SPEC §2),
clearance per level (seed 001 档案管理制度及流程2 1.4–1.5; SPEC §7), completeness (seed 002 第十八条), expiry,
names, types."""

from datetime import date

import pytest

from xindang.documents import rules
from xindang.documents.sections import RETENTION_PRESETS, DocumentsSection

D = date


# --- Retention clock (001 档案管理制度及流程2 2.1.4: permanent / long / short;
# the enterprise rule 永久/30年/10年) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("min_years", "event", "dates", "started_on", "disposal_on", "permanent"),
    [
        # permanent: kept for ever, no disposal date whatever happened
        (None, "upload", {"upload": D(2026, 3, 1)}, D(2026, 3, 1), None, True),
        # enterprise short (10 years) from upload
        (10, "upload", {"upload": D(2026, 3, 1)}, D(2026, 3, 1), D(2036, 3, 1), False),
        # enterprise long (30 years) from the end of trade: not ended yet → clock not started
        (30, "trade_ended", {"upload": D(2026, 3, 1), "trade_ended": None}, None, None, False),
        (
            30,
            "trade_ended",
            {"upload": D(2026, 3, 1), "trade_ended": D(2030, 6, 30)},
            D(2030, 6, 30),
            D(2060, 6, 30),
            False,
        ),
        # regulation long: at least 16 years after the contract ended
        (16, "contract_ended", {"contract_ended": D(2027, 1, 15)}, D(2027, 1, 15), D(2043, 1, 15), False),
        # regulation short: 15 years after the debt was settled
        (15, "debt_settled", {"debt_settled": D(2028, 2, 29)}, D(2028, 2, 29), D(2043, 2, 28), False),
        # an event the caller knows nothing about has not happened
        (10, "debt_settled", {}, None, None, False),
    ],
)
def test_retention_clock_follows_class_and_event(min_years, event, dates, started_on, disposal_on, permanent):
    clock = rules.retention_clock(min_years=min_years, event=event, event_dates=dates)
    assert clock.started_on == started_on
    assert clock.earliest_disposal_on == disposal_on
    assert clock.permanent is permanent


def test_may_dispose_only_from_the_earliest_disposal_date():
    clock = rules.retention_clock(min_years=10, event="upload", event_dates={"upload": D(2026, 3, 1)})
    assert not rules.may_dispose(clock, D(2036, 2, 28))
    assert rules.may_dispose(clock, D(2036, 3, 1))
    forever = rules.retention_clock(min_years=None, event="upload", event_dates={"upload": D(1990, 1, 1)})
    assert not rules.may_dispose(forever, D(2100, 1, 1))


def test_add_years_maps_29_february_to_28_february():
    assert rules.add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert rules.add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        # seed 001 档案管理制度及流程2 2.1.4: permanent; long 16–50 years; short up to 15 years
        ("regulation", {"permanent": None, "long": 16, "short": 15}),
        # the current enterprise rule: permanent / 30 years / 10 years
        ("enterprise", {"permanent": None, "long": 30, "short": 10}),
    ],
)
def test_shipped_retention_presets(preset, expected):
    classes = {c.code: c for c in RETENTION_PRESETS[preset]}
    for code, years in expected.items():
        assert classes[code].min_years == years
    assert {c.clock for c in classes.values()} == set(rules.CLOCK_EVENTS)  # every event is used once at least


# --- Clearance per level (001 档案管理制度及流程2 1.4–1.5) --------------------------------------------------
CLEARANCE = DocumentsSection().clearance()


@pytest.mark.parametrize(
    ("roles", "dept_manager", "sees_file", "levels"),
    [
        ({"credit_manager"}, False, True, {1, 2, 3}),
        ({"archivist"}, False, True, {1, 2, 3}),
        ({"general_manager"}, False, True, {1, 2, 3}),
        ({"chairman"}, False, True, {1, 2, 3}),
        # the owning department's manager reads level 2 and 3, not level 1
        ({"department_manager"}, True, True, {2, 3}),
        # a department manager of another department gets no level 2 from the token
        ({"department_manager"}, False, True, {3}),
        # everyone who may see the file reads level 3
        ({"salesperson"}, False, True, {3}),
        ({"cfo"}, False, True, {3}),
        # no file, no documents — whatever the role (access is decided per file first)
        ({"credit_manager"}, False, False, set()),
        (set(), False, False, set()),
    ],
)
def test_cleared_levels_default_policy(roles, dept_manager, sees_file, levels):
    assert (
        rules.cleared_levels(
            user_roles=roles, is_owning_dept_manager=dept_manager, sees_file=sees_file, clearance=CLEARANCE
        )
        == levels
    )


def test_may_read_is_level_in_cleared_levels():
    assert rules.may_read(1, {"general_manager"}, False, True, CLEARANCE)
    assert not rules.may_read(1, {"department_manager"}, True, True, CLEARANCE)
    assert rules.may_read(2, {"department_manager"}, True, True, CLEARANCE)
    assert not rules.may_read(3, {"salesperson"}, False, False, CLEARANCE)


def test_clearance_is_policy_not_code():
    strict = {1: ["general_manager"], 2: ["general_manager"], 3: ["credit_manager", "general_manager"]}
    assert rules.cleared_levels(
        user_roles={"credit_manager"}, is_owning_dept_manager=False, sees_file=True, clearance=strict
    ) == {3}


@pytest.mark.parametrize(
    ("level", "mime", "marked"),
    [
        (1, "application/pdf", True),
        (2, "image/jpeg", True),
        (3, "application/pdf", False),
        (1, rules.DOCX, False),  # cannot be marked; handed out as is, audited
    ],
)
def test_needs_watermark_for_levels_1_and_2_pdfs_and_images(level, mime, marked):
    assert rules.needs_watermark(level, [1, 2], mime) is marked


# --- Completeness (002 第十八条: key data incomplete → never A) -----------------------------------
@pytest.mark.parametrize(
    ("required", "present", "missing"),
    [
        (["business_licence", "credit_application"], [], ["business_licence", "credit_application"]),
        (["business_licence", "credit_application"], ["business_licence"], ["credit_application"]),
        (
            ["business_licence", "credit_application"],
            ["credit_application", "business_licence", "brochure"],
            [],
        ),
        ([], ["brochure"], []),
        (["business_licence", "business_licence"], [], ["business_licence"]),
    ],
)
def test_missing_categories(required, present, missing):
    assert rules.missing_categories(required, present) == missing
    assert rules.is_complete(required, present) is (not missing)


# --- Expiry (SPEC §2: validity dates raise reminders) ----------------------------------------------
@pytest.mark.parametrize(
    ("valid_until", "status"),
    [
        (None, rules.NO_EXPIRY),
        (D(2026, 5, 1), rules.VALID),
        (D(2026, 4, 30), rules.EXPIRING),  # exactly 30 days ahead
        (D(2026, 3, 31), rules.EXPIRING),  # today
        (D(2026, 3, 30), rules.EXPIRED),  # yesterday
    ],
)
def test_expiry_status(valid_until, status):
    assert rules.expiry_status(valid_until, D(2026, 3, 31), 30) == status


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (None, None, True),
        (D(2026, 1, 1), None, True),
        (D(2026, 1, 1), D(2026, 1, 1), True),
        (D(2026, 1, 2), D(2026, 1, 1), False),
    ],
)
def test_validity_ok(start, end, ok):
    assert rules.validity_ok(start, end) is ok


# --- File names and content types -----------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "a/b.pdf",
        "..\\evil.pdf",
        "bad\x00.pdf",
        "line\nbreak.pdf",
        "rtl\u202efdp.exe",
        "",
        "..",
    ],
)
def test_clean_file_name_refuses_separators_and_control_characters(name):
    with pytest.raises(rules.BadFileName):
        rules.clean_file_name(name)


def test_clean_file_name_keeps_chinese_and_extension_of_long_names():
    assert rules.clean_file_name("  营业执照副本.pdf ") == "营业执照副本.pdf"
    long = "资" * 300 + ".pdf"
    cleaned = rules.clean_file_name(long)
    assert len(cleaned) == rules.MAX_NAME and cleaned.endswith(".pdf")


ALLOWED = DocumentsSection().allowed_mime_types


@pytest.mark.parametrize(
    ("detected", "name", "mime", "err"),
    [
        ("application/pdf", "营业执照.pdf", "application/pdf", None),
        ("application/pdf", "营业执照.PDF", "application/pdf", None),
        (rules.EXECUTABLE, "营业执照.pdf", rules.EXECUTABLE, "executable"),
        (rules.OCTET, "营业执照.pdf", rules.OCTET, "unknown"),
        ("image/png", "营业执照.pdf", "image/png", "mismatch"),
        ("application/pdf", "report.exe", "application/pdf", "mismatch"),
        (rules.OLE, "报表.xls", "application/vnd.ms-excel", None),
        (rules.OLE, "报表.doc", "application/msword", None),
        (rules.TEXT, "对账单.csv", "text/csv", None),
        (rules.ZIP, "材料.zip", rules.ZIP, "not_allowed"),  # zip is not in the default policy
        ("application/pdf", "no_extension", "application/pdf", None),
    ],
)
def test_content_decision(detected, name, mime, err):
    decision = rules.content_decision(detected, name, ALLOWED)
    assert (decision.mime_type, decision.error) == (mime, err)


def test_executables_stay_refused_even_if_a_policy_lists_them():
    decision = rules.content_decision(rules.EXECUTABLE, "tool", [rules.EXECUTABLE])
    assert decision.error == "executable"
