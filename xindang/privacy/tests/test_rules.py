"""Personal-data rules (004 客户信息保护管理制度; 004 客户信息实行授权管理制度 六.1) and the identity
number format (GB 11643-1999), no database."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.core.fieldcrypto import mask
from xindang.customers.rules import ID_CHECK_CHARS, ID_CHECK_WEIGHTS, id_number_problem, normalize_id_number
from xindang.privacy import rules

VALID_ID = "11010519491231002X"  # the standard's example number


@pytest.mark.parametrize(
    "kind, number, problem",
    [
        ("id_card", VALID_ID, None),
        ("id_card", "110105194912310021", "check_digit"),
        ("id_card", "11010519491231002", "length"),
        ("id_card", "1101051949123100AX", "characters"),
        ("id_card", "110105194913310020", "birth_date"),  # month 13
        ("passport", "E12345678", None),
        ("passport", "E12", "length"),
        ("passport", "E1234-5678", "characters"),
        ("", VALID_ID, "kind"),
        ("id_card", "", None),
    ],
)
def test_identity_numbers_are_checked_gb_11643(kind, number, problem):
    assert id_number_problem(kind, number) == problem


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_a_computed_check_digit_is_accepted_or_the_date_is_refused(body):
    total = sum(int(d) * w for d, w in zip(body, ID_CHECK_WEIGHTS, strict=True))
    number = body + ID_CHECK_CHARS[total % 11]
    assert id_number_problem("id_card", number) in (None, "birth_date")


def test_full_width_and_lower_case_x_are_normalised():
    assert normalize_id_number("１１０１０５ 19491231002x") == VALID_ID


@pytest.mark.parametrize(
    "value, masked", [(VALID_ID, "110***********002X"), ("E12345678", "E12**5678"), ("ABC", "***"), ("", "")]
)
def test_numbers_are_masked_keeping_the_ends(value, masked):
    assert mask(value) == masked


@pytest.mark.parametrize(
    "roles, allowed, expected",
    [
        ({"credit_manager"}, ["credit_manager", "general_manager"], True),
        ({"salesperson"}, ["credit_manager", "general_manager"], False),
        (set(), ["credit_manager"], False),
        ({"archivist", "salesperson"}, ["archivist"], True),
    ],
)
def test_only_the_policys_roles_unmask_004_article_7(roles, allowed, expected):
    assert rules.may_unmask(roles, allowed) is expected


TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "consent_on, agreement_no, valid_until, withdrawn, expected",
    [
        (date(2026, 1, 1), "GX-1", None, False, True),
        (date(2026, 1, 1), "", None, False, False),  # no agreement signed (第十条 签订相关合同)
        (None, "GX-1", None, False, False),  # no consent
        (date(2026, 1, 1), "GX-1", date(2026, 5, 31), False, False),  # expired
        (date(2026, 1, 1), "GX-1", None, True, False),  # withdrawn
        (date(2026, 7, 1), "GX-1", None, False, False),  # consent not yet given
    ],
)
def test_sharing_needs_consent_and_agreement_004_article_10(
    consent_on, agreement_no, valid_until, withdrawn, expected
):
    assert (
        rules.consent_allows_sharing(
            consent_on=consent_on,
            agreement_no=agreement_no,
            valid_until=valid_until,
            withdrawn=withdrawn,
            on=TODAY,
        )
        is expected
    )


@pytest.mark.parametrize("kind", ["contact", "manager", "shareholder"])
def test_an_erasure_blanks_every_personal_field_and_keeps_a_placeholder_name(kind):
    values = rules.erased_values(kind)
    assert set(values) == set(rules.PERSONAL_FIELDS[kind])
    assert values["name"] == rules.ERASED_NAME
    assert all(v in ("", None) for k, v in values.items() if k != "name")


def test_a_request_is_handled_once():
    assert rules.can_transition(rules.RECEIVED, rules.DONE)
    assert rules.can_transition(rules.RECEIVED, rules.REFUSED)
    assert not rules.can_transition(rules.DONE, rules.REFUSED)
    assert not rules.can_transition(rules.REFUSED, rules.DONE)
