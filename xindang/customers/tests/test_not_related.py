"""Related customers: the credit manager's "not related" findings (XinDang's addition, beyond the
regulation). A common name (王伟) links unrelated firms: two files, or the key, are marked not related
with a reason, audited and reversible; the group walk and the credit check's group step skip them."""

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.customers import services
from xindang.customers.errors import CustomerError
from xindang.customers.models import NotRelated, RelationKey
from xindang.customers.relations import related_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_customer, salesperson):
    """a and b share the legal representative 王伟 (a common name); b and c share a phone."""
    a = make_customer(salesperson, name="甲机电有限公司", legal_rep="王伟")
    b = make_customer(salesperson, name="乙物流有限公司", legal_rep="王伟", phone="010-62345678")
    c = make_customer(salesperson, name="丙贸易有限公司", legal_rep="李四", phone="010 6234 5678")
    return a, b, c


def _key(customer, shown):
    return RelationKey.objects.get(customer=customer, shown=shown)


def test_a_pair_marked_not_related_leaves_each_others_group(three, credit_manager):
    a, b, c = three
    assert set(related_group(a).member_ids) == {a.pk, b.pk, c.pk}
    finding = services.mark_not_related(
        by=credit_manager, customer_id=b.pk, other_id=a.pk, reason="同名不同人"
    )
    assert (finding.customer_id, finding.other_id) == (a.pk, b.pk)  # stored low, high
    assert related_group(a).member_ids == [a.pk]  # b never joins, nor c through b
    assert set(related_group(b).member_ids) == {b.pk, c.pk}
    assert set(related_group(c).member_ids) == {a.pk, b.pk, c.pk} - {a.pk}  # c–b by phone; a–b skipped
    event = AuditEvent.objects.filter(action=services.NOT_RELATED).latest("seq")
    assert event.actor == credit_manager and event.data["reason"] == "同名不同人"
    services.revoke_not_related(by=credit_manager, finding_id=finding.pk, reason="查实为同一人")
    assert set(related_group(a).member_ids) == {a.pk, b.pk, c.pk}  # reversible
    finding.refresh_from_db()
    assert finding.revoked_by == credit_manager and finding.revoke_reason == "查实为同一人"
    assert AuditEvent.objects.filter(action=services.NOT_RELATED_REVOKED).exists()


def test_a_key_marked_as_linking_nothing_links_no_file(three, credit_manager, make_customer, salesperson):
    a, b, c = three
    d = make_customer(salesperson, name="丁建材有限公司", chairman="王伟")
    services.mark_not_related(
        by=credit_manager, customer_id=a.pk, key_id=_key(a, "王伟").pk, reason="常见姓名"
    )
    assert related_group(a).member_ids == [a.pk]
    assert related_group(d).member_ids == [d.pk]
    assert set(related_group(b).member_ids) == {b.pk, c.pk}  # the phone still links


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"other": "self"}, CustomerError.NOT_RELATED_SELF),
        ({}, CustomerError.NOT_RELATED_NOTHING),
        ({"other": "b", "reason": "  "}, CustomerError.NOT_RELATED_NO_REASON),
        ({"key": "foreign"}, CustomerError.NOT_RELATED_UNKNOWN_KEY),  # a key of another file
        ({"key": 99999999}, CustomerError.NOT_RELATED_UNKNOWN_KEY),
    ],
)
def test_bad_findings_are_refused(three, credit_manager, kwargs, code):
    a, b, c = three
    other = {"self": a.pk, "b": b.pk}.get(kwargs.get("other"))
    key = kwargs.get("key")
    key = _key(c, "李四").pk if key == "foreign" else key
    with pytest.raises(DomainError) as exc:
        services.mark_not_related(
            by=credit_manager, customer_id=a.pk, other_id=other, key_id=key, reason=kwargs.get("reason", "x")
        )
    assert exc.value.code == code
    assert not NotRelated.objects.exists()


def test_the_same_finding_twice_and_a_revoked_one_revoked_again(three, credit_manager):
    a, b, _c = three
    finding = services.mark_not_related(by=credit_manager, customer_id=a.pk, other_id=b.pk, reason="x")
    with pytest.raises(DomainError) as exc:
        services.mark_not_related(by=credit_manager, customer_id=b.pk, other_id=a.pk, reason="y")
    assert exc.value.code == CustomerError.NOT_RELATED_ALREADY
    with pytest.raises(DomainError) as exc:
        services.revoke_not_related(by=credit_manager, finding_id=finding.pk, reason="")
    assert exc.value.code == CustomerError.NOT_RELATED_NO_REASON
    services.revoke_not_related(by=credit_manager, finding_id=finding.pk, reason="z")
    with pytest.raises(DomainError) as exc:
        services.revoke_not_related(by=credit_manager, finding_id=finding.pk, reason="z")
    assert exc.value.code == CustomerError.NOT_RELATED_REVOKED
    # once revoked, it can be marked again
    services.mark_not_related(by=credit_manager, customer_id=a.pk, other_id=b.pk, reason="again")


def test_only_the_credit_manager_marks(three, salesperson, manager):
    a, b, _c = three
    for actor in (salesperson, manager):
        with pytest.raises(DomainError) as exc:
            services.mark_not_related(by=actor, customer_id=a.pk, other_id=b.pk, reason="x")
        assert exc.value.code == CustomerError.PERMISSION_DENIED


def test_the_group_section_marks_and_revokes(three, client, credit_manager):
    a, b, c = three
    client.force_login(credit_manager)
    section = reverse("credit_control:group_section", args=[a.pk])
    html = client.get(section).content.decode()
    assert "not-related-form" in html and "own-keys" in html
    response = client.post(
        reverse("customers:not_related", args=[a.pk]), {"other": b.pk, "reason": "同名不同人"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#related")
    html = client.get(section).content.decode()
    assert "not-related-finding" in html and "乙物流有限公司" in html and "related-group" not in html
    finding = NotRelated.objects.get()
    client.post(reverse("customers:not_related_revoke", args=[a.pk, finding.pk]), {"reason": "撤销"})
    assert "related-group" in client.get(section).content.decode()
    # bad input: no reason — refused with a message, nothing recorded
    client.post(reverse("customers:not_related", args=[a.pk]), {"other": b.pk, "reason": ""})
    assert NotRelated.objects.filter(revoked_at__isnull=True).count() == 0


def test_the_salesperson_sees_no_buttons_and_is_refused(three, client, salesperson):
    a, b, _c = three
    client.force_login(salesperson)
    html = client.get(reverse("credit_control:group_section", args=[a.pk])).content.decode()
    assert "not-related-form" not in html
    response = client.post(reverse("customers:not_related", args=[a.pk]), {"other": b.pk, "reason": "x"})
    assert response.status_code == 403
