"""Related parties (关联客户): the key normalisers (pure, table-driven and hypothesis) and the stored
keys and group walk. XinDang's addition, beyond the regulation (nearest seed text: 001 客户信用档案
建立与管理制度 2(7) 关联企业及关联方交易情况)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.customers import rules
from xindang.customers.models import RelationKey, Shareholder
from xindang.customers.relations import refresh_all, related_group


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("张三", "张三"),
        (" 张 三 ", "张三"),
        ("张·三", "张三"),
        ("ＺＨＡＮＧ  San", "zhangsan"),  # full-width folded, case folded
        ("张", ""),  # a surname alone links nothing
        ("无", ""),
        ("不详", ""),
        ("N/A", ""),
        ("", ""),
        (None, ""),
        ("华夏投资（集团）有限公司", "华夏投资集团有限公司"),
    ],
)
def test_person_key(raw, key):
    assert rules.person_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "keys"),
    [
        ("010-62345678", ["01062345678"]),
        ("(010) 6234 5678", ["01062345678"]),
        ("+86 138 0013 8000", ["13800138000"]),
        ("0086-13800138000", ["13800138000"]),
        ("13800138000", ["13800138000"]),
        ("010-62345678转801", ["01062345678"]),
        ("010-62345678 ext. 801", ["01062345678"]),
        ("010-62345678 / 13800138000", ["01062345678", "13800138000"]),
        ("010-62345678、010-62345678", ["01062345678"]),
        ("123", []),  # too short to be a number
        ("0000000", []),  # one digit repeated
        ("无", []),
        ("", []),
    ],
)
def test_phone_keys(raw, keys):
    assert rules.phone_keys(raw) == keys


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("北京市海淀区中关村大街1号", "北京市海淀区中关村大街1号"),
        ("中国北京市海淀区中关村大街１号", "北京市海淀区中关村大街1号"),
        ("中华人民共和国 北京市 海淀区 中关村大街 1 号", "北京市海淀区中关村大街1号"),
        ("北京市", ""),  # a city alone links nothing
        ("Room 5, No. 8 Road", "room5no8road"),
        ("", ""),
    ],
)
def test_address_key(raw, key):
    assert rules.address_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("6222 0210 0112 3456 789", "6222021001123456789"),
        ("6222-0210-0112-3456-789", "6222021001123456789"),
        ("６２２２０２１００１１２３４５６７８９", "6222021001123456789"),
        ("12345", ""),
        ("000000000", ""),
        ("", ""),
    ],
)
def test_account_key(raw, key):
    assert rules.account_key(raw) == key


_spaces = st.sampled_from([" ", "  ", "\u3000", "-", "·", "/"])


@given(st.text(alphabet="张王李赵华夏科技0123456789abc", min_size=2, max_size=12), _spaces)
def test_person_key_ignores_spacing(name, sep):
    """Inserting spaces or separators between the characters never changes the key."""
    assert rules.person_key(sep.join(name)) == rules.person_key(name)


@given(st.text(alphabet="0123456789", min_size=7, max_size=12), st.sampled_from(["-", " ", "(", ")", ""]))
def test_phone_keys_ignore_formatting(digits, sep):
    spaced = sep.join([digits[:3], digits[3:7], digits[7:]])
    assert rules.phone_keys(spaced) == rules.phone_keys(digits)


@given(st.text(max_size=60))
def test_normalisers_never_fail(text):
    """Any text gives a key (maybe empty) — never an exception; a key is idempotent."""
    for fn in (rules.person_key, rules.address_key, rules.account_key):
        key = fn(text)
        assert isinstance(key, str)
        if key and fn is not rules.address_key:
            assert fn(key) == key
    for key in rules.phone_keys(text):
        assert key.isdigit() and len(key) >= 7


def test_keys_of_a_file_deduplicated():
    keys = rules.customer_relation_keys(legal_rep="张三", chairman="张 三", phone="010-62345678", address="")
    assert keys == [("person", "张三", "legal_rep"), ("phone", "01062345678", "phone")]


# --- Stored keys and the group -----------------------------------------------------------------
@pytest.mark.django_db
def test_keys_follow_saves_and_deletes(make_customer, salesperson):
    a = make_customer(
        salesperson, name="甲公司", legal_rep="张三", children={"shareholders": [{"name": "李四"}]}
    )
    assert set(RelationKey.objects.filter(customer=a).values_list("kind", "key")) == {
        ("person", "张三"),
        ("person", "李四"),
    }
    a.legal_rep = "王五"
    a.save()
    assert RelationKey.objects.filter(customer=a, role="legal_rep").get().key == "王五"
    Shareholder.objects.filter(customer=a).delete()
    assert not RelationKey.objects.filter(customer=a, role="shareholder").exists()


@pytest.mark.django_db
def test_group_by_shared_keys_transitively(make_customer, salesperson):
    a = make_customer(salesperson, name="甲公司", legal_rep="张三", phone="010-62345678")
    b = make_customer(salesperson, name="乙公司", phone="(010) 6234 5678")  # shares a's phone
    c = make_customer(
        salesperson,
        name="丙公司",
        children={"bank_accounts": [{"bank_name": "工行", "account_no": "6222 0210 0112 3456 789"}]},
    )
    d = make_customer(
        salesperson,
        name="丁公司",
        children={
            "bank_accounts": [{"bank_name": "工行", "account_no": "6222021001123456789"}],
            "shareholders": [{"name": "张 三"}],  # a's legal representative
        },
    )
    lonely = make_customer(salesperson, name="戊公司", legal_rep="赵六")
    group = related_group(a)
    assert set(group.members) == {a.pk, b.pk, c.pk, d.pk}  # c through d's bank account
    assert group.members[b.pk][0].role == "phone"
    assert group.members[d.pk][0].via == a.pk
    assert group.members[c.pk][0].via == d.pk
    assert not related_group(lonely)
    assert set(related_group(c).members) == {a.pk, b.pk, c.pk, d.pk}


@pytest.mark.django_db
def test_group_capped(make_customer, salesperson):
    files = [
        make_customer(salesperson, name=f"公司{i}", address="北京市海淀区中关村大街1号") for i in range(5)
    ]
    group = related_group(files[0], cap=3)
    assert len(group.members) == 3 and group.truncated


@pytest.mark.django_db
def test_refresh_all_rebuilds(make_customer, salesperson):
    a = make_customer(salesperson, name="甲公司", legal_rep="张三")
    RelationKey.objects.all().delete()
    assert refresh_all() == 1
    assert RelationKey.objects.get(customer=a).key == "张三"


@pytest.mark.django_db
def test_group_lookup_uses_few_queries(make_customer, salesperson, django_assert_max_num_queries):
    a = make_customer(salesperson, name="甲公司", legal_rep="张三")
    make_customer(salesperson, name="乙公司", legal_rep="张三")
    with django_assert_max_num_queries(3 * 3):  # three per walk step (keys, shared, not-related findings)
        related_group(a)


@pytest.mark.django_db
def test_forget_drops_an_erased_persons_keys(make_customer, salesperson):
    from xindang.customers.relations import forget

    a = make_customer(
        salesperson, name="甲公司", children={"managers": [{"name": "李四", "position": "经理"}]}
    )
    manager = a.managers.get()
    assert RelationKey.objects.filter(source="manager", source_id=manager.pk).exists()
    forget(manager)
    assert not RelationKey.objects.filter(customer=a, role="manager").exists()
