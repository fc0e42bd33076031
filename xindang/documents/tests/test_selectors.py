"""Who reads which documents (file visibility first, then level), completeness, expiry reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xindang.accounts.roles import Role
from xindang.customers import services as customer_services
from xindang.documents import selectors
from xindang.testing.samples import set_policy


@pytest.fixture
def three_levels(customer, credit_manager, file_document):
    """One document per level in the salesperson's customer file, filed by the credit manager."""
    return {
        level: file_document(credit_manager, customer, level=level, title=f"{level}级资料")
        for level in (1, 2, 3)
    }


def _levels(qs):
    return sorted(d.confidentiality for d in qs)


def test_level_narrows_what_the_file_shows(
    customer, salesperson, manager, credit_manager, archivist, gm, three_levels
):
    # seed 001 档案管理制度及流程2 1.4–1.5 as the default policy: level 1 → credit managers, archivists, GM,
    # chairman;
    # level 2 → also the owning department's manager; level 3 → everyone who sees the file
    assert _levels(selectors.visible_documents(salesperson, customer)) == [3]
    assert _levels(selectors.visible_documents(manager, customer)) == [2, 3]
    for reader in (credit_manager, archivist, gm):
        assert _levels(selectors.visible_documents(reader, customer)) == [1, 2, 3]


def test_no_file_no_documents(customer, other_salesperson, sysadmin, three_levels):
    assert list(selectors.visible_documents(other_salesperson, customer)) == []
    assert list(selectors.visible_documents(sysadmin, customer)) == []
    assert not selectors.can_read(other_salesperson, three_levels[3])


def test_level_2_goes_to_the_manager_of_the_files_department_only(
    make_customer, dept_xs2, manager, credit_manager, file_document
):
    from conftest import make_user

    xs2_manager = make_user("qianjiu", Role.DEPARTMENT_MANAGER, department=dept_xs2)
    owner = make_user("zhoushi", Role.SALESPERSON, department=dept_xs2)
    customer = make_customer(owner, name="东方贸易有限公司")
    doc = file_document(credit_manager, customer, level=2)
    assert selectors.can_read(xs2_manager, doc)
    assert not selectors.can_read(manager, doc)  # XS1's manager does not even see the file
    assert not selectors.can_read(owner, doc)


def test_clearance_follows_the_policy_in_force(customer, salesperson, sysadmin, three_levels):
    set_policy(sysadmin, "documents", level2_clearance=["*"])
    assert _levels(selectors.visible_documents(salesperson, customer)) == [2, 3]


def test_readable_documents_matches_visible_documents_per_file(
    make_customer, salesperson, manager, credit_manager, other_salesperson, file_document
):
    a = make_customer(salesperson, name="华夏科技有限公司")
    b = make_customer(other_salesperson, name="长城贸易有限公司")
    for c in (a, b):
        for level in (1, 2, 3):
            file_document(credit_manager, c, level=level)
    for user in (salesperson, manager, credit_manager, other_salesperson):
        expected = {d.pk for c in (a, b) for d in selectors.visible_documents(user, c)}
        assert {d.pk for d in selectors.readable_documents(user)} == expected


def test_completeness_per_stage(customer, salesperson, credit_manager, file_document, category):
    # a prospective file needs its business licence
    assert [c.code for c in selectors.completeness(customer)["missing"]] == ["business_licence"]
    file_document(salesperson, customer)
    assert selectors.is_file_complete(customer)
    # an active (current) file also needs a credit application
    customer_services.change_status(
        by=credit_manager, customer_id=customer.pk, to_status="active", reason="首次交易"
    )
    customer.refresh_from_db()
    assert [c.code for c in selectors.completeness(customer)["missing"]] == ["credit_application"]
    # a level 1 credit application the salesperson cannot read still makes the file complete
    file_document(
        credit_manager, customer, level=1, category=category("credit_application"), title="信用申请表"
    )
    assert selectors.is_file_complete(customer)


def test_customer_section_groups_by_category_and_flags_expired(
    customer, salesperson, file_document, category
):
    today = timezone.localdate()
    old = file_document(salesperson, customer, valid_until=today - timedelta(days=1), title="旧营业执照")
    soon = file_document(
        salesperson,
        customer,
        valid_until=today + timedelta(days=10),
        title="许可证",
        category=category("permit"),
    )
    file_document(salesperson, customer, category=category("brochure"), title="宣传册")
    section = selectors.customer_section(salesperson, customer)
    assert [c.code for c, _docs in section["groups"]] == ["business_licence", "permit", "brochure"]
    assert [row["pk"] for row in section["expired"]] == [old.pk]
    flags = {row["pk"]: row["expiry"] for _c, rows in section["groups"] for row in rows}
    assert flags[old.pk] == "expired" and flags[soon.pk] == "expiring"


def test_section_counts_documents_hidden_by_level(customer, salesperson, three_levels):
    section = selectors.customer_section(salesperson, customer)
    assert section["count"] == 1 and section["hidden_count"] == 2


def test_workbench_lists_expiring_documents_for_owner_and_credit_manager(
    customer, salesperson, credit_manager, manager, file_document
):
    today = timezone.localdate()
    doc = file_document(salesperson, customer, valid_until=today + timedelta(days=20), title="营业执照")
    file_document(salesperson, customer, valid_until=today + timedelta(days=90), title="远期许可证")
    for user in (salesperson, credit_manager):
        items = selectors.workbench_items(user)
        assert [i.url for i in items] == [doc.get_absolute_url()]
        assert items[0].overdue is False
    assert selectors.workbench_items(manager) == []  # sees the file, but is neither owner nor credit manager


def test_workbench_reminder_window_is_policy(customer, salesperson, sysadmin, file_document):
    today = timezone.localdate()
    file_document(salesperson, customer, valid_until=today + timedelta(days=50))
    assert selectors.workbench_items(salesperson) == []
    set_policy(sysadmin, "documents", expiry_reminder_days=60)
    assert len(selectors.workbench_items(salesperson)) == 1


def test_document_list_filters(make_customer, salesperson, credit_manager, file_document, category):
    a = make_customer(salesperson, name="华夏科技有限公司")
    b = make_customer(salesperson, name="长城贸易有限公司")
    today = timezone.localdate()
    lic = file_document(credit_manager, a, level=3, valid_until=today - timedelta(days=3))
    rep = file_document(credit_manager, a, level=1, category=category("credit_report"), title="资信调查报告")
    bro = file_document(credit_manager, b, level=3, category=category("brochure"), title="宣传册")

    def ids(user, **params):
        return {d.pk for d in selectors.document_list(user, params)}

    assert ids(credit_manager) == {lic.pk, rep.pk, bro.pk}
    assert ids(salesperson) == {lic.pk, bro.pk}
    assert ids(credit_manager, category="credit_report") == {rep.pk}
    assert ids(credit_manager, level="1") == {rep.pk}
    assert ids(credit_manager, expiry="expired") == {lic.pk}
    assert ids(credit_manager, customer=str(b.pk)) == {bro.pk}
    assert ids(credit_manager, q="长城") == {bro.pk}


def test_retention_clock_of_long_class_starts_when_trade_ends(
    customer, salesperson, credit_manager, file_document
):
    doc = file_document(salesperson, customer)  # basic → long (30 years from the end of trade)
    _cls, clock = selectors.retention_of(doc)
    assert clock.event == "trade_ended" and not clock.started
    customer_services.change_status(
        by=credit_manager, customer_id=customer.pk, to_status="active", reason="交易"
    )
    customer_services.change_status(
        by=credit_manager,
        customer_id=customer.pk,
        to_status="past",
        reason="停止往来",
        notified_via="letter",
        notified_on=timezone.localdate(),
    )
    doc.refresh_from_db()
    _cls, clock = selectors.retention_of(doc)
    ended = timezone.localdate()
    assert clock.started_on == ended and clock.earliest_disposal_on == ended.replace(year=ended.year + 30)
