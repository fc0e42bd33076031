import pytest

from xindang.core import holds as holds_module

VALID_ID = "11010519491231002X"


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(
        salesperson,
        name="华夏科技有限公司",
        children={
            "contacts": [
                {"name": "张三", "title": "采购经理", "phone": "010-88886666", "mobile": "13800138000"}
            ],
            "managers": [{"name": "李四", "position": "总经理", "age": 45, "phone": "13900139000"}],
            "shareholders": [
                {"name": "王五", "kind": "person", "share_pct": 60},
                {"name": "华夏集团有限公司", "kind": "company", "share_pct": 40},
            ],
        },
    )


@pytest.fixture
def contact(customer):
    return customer.contacts.get()


@pytest.fixture
def with_id(credit_manager, customer, contact):
    from xindang.privacy import services

    return services.record_personal_data(
        by=credit_manager,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        collection_purpose="业务联络",
        collection_basis="consent",
        consent_on="2026-01-05",
        id_kind="id_card",
        id_number=VALID_ID,
    )


@pytest.fixture
def hold_on():
    """hold_on(customer, reason): a hold source for the test, removed afterwards."""
    added = []

    def _hold(customer, reason="未结应收款 ¥12,000.00"):
        def source(c):
            return [holds_module.Hold("ledger.receivables", reason)] if c.pk == customer.pk else []

        holds_module.register_hold_source(source)
        added.append(source)

    yield _hold
    for source in added:
        holds_module._SOURCES.remove(source)
