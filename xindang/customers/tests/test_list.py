"""The customer list as a credit manager works it: credit columns registered by
the ledger and credit (grade, limit, exposure, utilisation, overdue, oldest overdue days, last
investigation) shown, sorted and exported; columns and page size chosen and remembered per user;
names sorted by pinyin; rows ticked for bulk actions; and the page stays a handful of queries."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from xindang.accounts.models import Department, ListPreference
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.customers import rules
from xindang.customers.columns import available_columns
from xindang.customers.models import Customer
from xindang.customers.views import customer_list
from xindang.testing.factories import credit_picture

LIST = reverse("customers:list")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def three(make_customer, salesperson):
    today = timezone.localdate()
    a = make_customer(salesperson, name="华夏科技有限公司")
    b = make_customer(salesperson, name="长城贸易有限公司")
    c = make_customer(salesperson, name="安徽机电设备有限公司")
    credit_picture(a, exposure="80000", limit="100000", grade="A", overdue_days=40, investigated=today)
    credit_picture(b, exposure="250000", limit="200000", grade="C", overdue_days=10)
    credit_picture(c, exposure="0")
    return a, b, c


def _names(response):
    return [row.name for row, _cells in response.context["rows"]]


def _cells(response, customer):
    for row, cells in response.context["rows"]:
        if row.pk == customer.pk:
            return {column.key: value for column, value in cells}
    raise AssertionError(customer)


@pytest.mark.django_db
def test_credit_columns_carry_the_credit_picture(client, credit_manager, three):
    a, b, c = three
    client.force_login(credit_manager)
    response = client.get(LIST)
    assert response.status_code == 200
    cells = _cells(response, a)
    assert cells["grade"] == "A"
    assert cells["limit_amount"] == Decimal("100000")
    assert cells["exposure"] == Decimal("80000")
    assert round(cells["utilisation"], 1) == 80.0
    assert cells["overdue_amount"] == Decimal("1500")  # both shipments are past due
    assert cells["oldest_overdue_days"] == 40
    assert cells["last_investigated_on"] == timezone.localdate()
    empty = _cells(response, c)
    assert empty["grade"] is None and empty["limit_amount"] is None and empty["utilisation"] is None
    assert empty["overdue_amount"] == 0 and empty["oldest_overdue_days"] is None
    html = response.content.decode()
    assert "¥80,000.00" in html and "125.0%" in html  # formatted like the figures beside them
    for customer in three:  # each row opens its file (file number and name link there)
        assert html.count(f'href="{customer.get_absolute_url()}"') == 2
        assert f'<tr data-customer="{customer.pk}">' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-exposure", ["长城贸易有限公司", "华夏科技有限公司", "安徽机电设备有限公司"]),
        ("exposure", ["安徽机电设备有限公司", "华夏科技有限公司", "长城贸易有限公司"]),
        ("-utilisation", ["长城贸易有限公司", "华夏科技有限公司", "安徽机电设备有限公司"]),  # no limit: last
        ("-oldest_overdue_days", ["华夏科技有限公司", "长城贸易有限公司", "安徽机电设备有限公司"]),
        ("oldest_overdue_days", ["长城贸易有限公司", "华夏科技有限公司", "安徽机电设备有限公司"]),
        ("grade", ["华夏科技有限公司", "长城贸易有限公司", "安徽机电设备有限公司"]),
        ("-limit", ["长城贸易有限公司", "华夏科技有限公司", "安徽机电设备有限公司"]),
        ("-overdue_amount", ["华夏科技有限公司", "长城贸易有限公司", "安徽机电设备有限公司"]),
        # pinyin: an(hui) < chang(cheng) < hua(xia); by code point it would be 华 < 安 < 长
        ("name", ["安徽机电设备有限公司", "长城贸易有限公司", "华夏科技有限公司"]),
        ("-name", ["华夏科技有限公司", "长城贸易有限公司", "安徽机电设备有限公司"]),
    ],
)
def test_sorting_by_credit_columns_and_pinyin(client, credit_manager, three, sort, expected):
    client.force_login(credit_manager)
    assert _names(client.get(LIST, {"sort": sort})) == expected


def _list_queries(client, **query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST, query)
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.django_db
def test_the_list_stays_a_handful_of_queries(
    client, rf, credit_manager, make_customer, salesperson, three, django_assert_max_num_queries
):
    # given 33 files with the whole credit picture, the credit manager's columns all shown, and
    # salespeople in several departments to give files to
    for n in range(4):
        department = Department.objects.create(code=f"QS{n}", name=f"区域{n}部")
        make_user(f"qs{n}", Role.SALESPERSON, department=department, display_name=f"区域业务员{n}")
    for n in range(30):
        customer = make_customer(salesperson, name=f"测试{n:02d}号贸易有限公司")
        credit_picture(customer, exposure=str(1000 * n), limit="50000", grade="B", overdue_days=n + 1)
    ListPreference.objects.create(
        user=credit_manager, list_key="customers", columns=[c.key for c in available_columns(credit_manager)]
    )
    # when the list is sorted by exposure: the view's own queries (preference, count, rows with every
    # credit column, departments, users, tags; the permissions once per user) stay within ten
    request = rf.get(LIST, {"sort": "-exposure"})
    request.user = credit_manager
    request._messages = CookieStorage(request)
    with django_assert_max_num_queries(10):
        response = customer_list(request)
    assert response.status_code == 200
    # and through the whole stack (session, policy, the session's last-seen write) the count does not
    # grow with the rows: 3 files cost as many queries as 33
    client.force_login(credit_manager)
    client.get(LIST)  # warm up the session
    many, response = _list_queries(client, sort="-exposure")
    assert len(response.context["rows"]) == 33
    Customer.objects.filter(name__startswith="测试").update(status="past")
    few, response = _list_queries(client, sort="-exposure")
    assert len(response.context["rows"]) == 3 and few == many


@pytest.mark.django_db
def test_column_choice_and_page_size_are_remembered_per_user(client, credit_manager, three):
    client.force_login(credit_manager)
    response = client.post(
        reverse("customers:list_columns"),
        {
            "columns": ["exposure", "grade", "no_such_column"],
            "page_size": "25",
            "next": LIST + "?sort=-exposure",
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST + "?sort=-exposure"
    response = client.get(LIST)
    assert [c.key for c in response.context["columns"]] == ["file_no", "name", "grade", "exposure"]
    assert response.context["page"].paginator.per_page == 25
    preference = ListPreference.objects.get(user=credit_manager, list_key="customers")
    assert preference.columns == ["exposure", "grade"]
    other = make_user("xinyong2", Role.CREDIT_MANAGER, display_name="钱七")
    client.force_login(other)  # another credit manager still sees the defaults
    response = client.get(LIST)
    assert {"utilisation", "overdue_amount", "last_investigated_on"} <= {
        c.key for c in response.context["columns"]
    }
    assert response.context["page"].paginator.per_page == 50


@pytest.mark.django_db
def test_a_page_size_not_offered_is_refused_and_nothing_saved(client, credit_manager, three):
    client.force_login(credit_manager)
    response = client.post(reverse("customers:list_columns"), {"columns": ["grade"], "page_size": "100000"})
    assert response.status_code == 400
    assert not ListPreference.objects.exists()


@pytest.mark.django_db
def test_who_may_not_see_limits_gets_no_limit_column_nor_sort(client, three, dept_xs1):
    # an archivist sees every file but neither the ledger nor the grants
    archivist = make_user("dangan2", Role.ARCHIVIST, display_name="档案员")
    client.force_login(archivist)
    response = client.get(LIST, {"sort": "-exposure"})
    keys = {c.key for c in response.context["available_columns"]}
    assert not keys & {"exposure", "limit_amount", "utilisation", "overdue_amount"}
    assert _names(response) != []  # falls back to the default order, no error


# --- Bulk actions ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("active", "salesperson", "department", "allowed"),
    [
        (True, True, 1, True),  # a salesperson of the file's department (001 公司客户信息管理办法 五)
        (True, True, 2, False),  # another department's salesperson
        (True, False, 1, False),  # the department manager is no salesperson
        (False, True, 1, False),  # someone who left
        (True, True, None, False),  # no department at all
    ],
)
def test_who_may_be_the_salesperson_of_a_file(active, salesperson, department, allowed):
    assert (
        rules.may_be_salesperson_of(
            is_active=active, is_salesperson=salesperson, department_id=department, file_department_id=1
        )
        is allowed
    )


@pytest.fixture
def colleague(dept_xs1):
    return make_user("zhaoer", Role.SALESPERSON, department=dept_xs1, display_name="赵二")


@pytest.mark.django_db
def test_reassign_gives_the_selected_files_to_a_salesperson_of_their_department(
    client, credit_manager, three, colleague
):
    a, b, c = three
    client.force_login(credit_manager)
    response = client.post(
        reverse("customers:bulk_reassign"),
        {"ids": [a.pk, b.pk], "owner": colleague.pk, "next": LIST + "?sort=name"},
    )
    assert response.status_code == 302 and response["Location"] == LIST + "?sort=name"
    owners = dict(Customer.objects.values_list("pk", "owner__username"))
    assert owners == {a.pk: "zhaoer", b.pk: "zhaoer", c.pk: "zhangsan"}
    events = AuditEvent.objects.filter(action="customer.update", actor=credit_manager)
    assert sorted(int(e.object_id) for e in events) == sorted([a.pk, b.pk])
    assert events.first().data["changes"]["owner"] == ["张三", "赵二"]
    assert Customer.objects.get(pk=a.pk).history.first().owner_id == colleague.pk


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_department", "not_salesperson", "nonsense"])
def test_reassign_to_someone_outside_the_department_changes_nothing(
    client, credit_manager, three, other_salesperson, manager, who
):
    a, b, _c = three
    owner = {"other_department": other_salesperson.pk, "not_salesperson": manager.pk, "nonsense": "x"}[who]
    client.force_login(credit_manager)
    response = client.post(
        reverse("customers:bulk_reassign"), {"ids": [a.pk, b.pk], "owner": owner, "next": LIST + "?sort=name"}
    )
    assert response.status_code == 400
    assert 'name="next" value="/customers/?sort=name"' in response.content.decode()  # the list, as it was
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"zhangsan"}
    assert not AuditEvent.objects.filter(action="customer.update", actor=credit_manager).exists()


@pytest.mark.django_db
def test_a_department_manager_reassigns_only_files_they_see(
    client, manager, three, other_salesperson, make_customer, dept_xs2
):
    a, _b, _c = three
    theirs = make_customer(other_salesperson, name="远大贸易有限公司")
    helper = make_user("xs2_b", Role.SALESPERSON, department=dept_xs2, display_name="钱二")
    client.force_login(manager)
    response = client.post(reverse("customers:bulk_reassign"), {"ids": [theirs.pk], "owner": helper.pk})
    assert response.status_code == 400
    assert Customer.objects.get(pk=theirs.pk).owner == other_salesperson


@pytest.mark.django_db
def test_a_department_manager_hands_files_over_within_the_department(client, manager, three, colleague):
    a, _b, _c = three
    client.force_login(manager)
    html = client.get(LIST).content.decode()
    assert f'<option value="{colleague.pk}">赵二</option>' in html  # offered: a salesperson of XS1
    response = client.post(reverse("customers:bulk_reassign"), {"ids": [a.pk], "owner": colleague.pk})
    assert response.status_code == 302
    assert Customer.objects.get(pk=a.pk).owner == colleague


@pytest.mark.django_db
def test_a_salesperson_may_not_reassign(client, salesperson, three, colleague):
    a, _b, _c = three
    client.force_login(salesperson)
    response = client.post(reverse("customers:bulk_reassign"), {"ids": [a.pk], "owner": colleague.pk})
    assert response.status_code == 403
    assert "bulk-reassign" not in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_nothing_selected_is_refused(client, credit_manager, three, colleague):
    client.force_login(credit_manager)
    response = client.post(reverse("customers:bulk_reassign"), {"owner": colleague.pk})
    assert response.status_code == 400
    response = client.get(reverse("customers:export"), {"selected": "1"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_add_tag_to_selected_files(client, credit_manager, three):
    a, b, c = three
    client.force_login(credit_manager)
    response = client.post(reverse("customers:bulk_tag"), {"ids": [a.pk, c.pk], "tag": "重点跟进"})
    assert response.status_code == 302
    tagged = set(Customer.objects.filter(tags__name="重点跟进").values_list("pk", flat=True))
    assert tagged == {a.pk, c.pk}
    # again: the files that have it are left alone
    client.post(reverse("customers:bulk_tag"), {"ids": [a.pk, b.pk], "tag": "重点跟进"})
    assert AuditEvent.objects.filter(action="customer.update", actor=credit_manager).count() == 3
    response = client.post(reverse("customers:bulk_tag"), {"ids": [a.pk], "tag": "  "})
    assert response.status_code == 400


@pytest.mark.django_db
def test_export_selected_rows_with_the_credit_columns(client, credit_manager, three):
    a, b, _c = three
    client.force_login(credit_manager)
    query = {"ids": [a.pk, b.pk], "selected": "1", "sort": "-exposure", "purpose": "核对"}
    response = client.get(reverse("customers:export"), query)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    records = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [r["客户名称"] for r in records] == ["长城贸易有限公司", "华夏科技有限公司"]
    first = records[1]
    assert first["等级"] == "A" and first["信用额度"] == 100000 and first["占用额度"] == 80000
    assert first["额度使用率"] == 80.0 and first["逾期金额"] == 1500 and first["最早逾期（天）"] == 40
    assert first["最近资信调查"].date() == timezone.localdate()
    event = AuditEvent.objects.get(action="customer.export")
    assert event.data["filter"]["ids"] == sorted([a.pk, b.pk]) and event.data["rows"] == 2


@pytest.mark.django_db
def test_the_search_box_answers_to_slash(client, credit_manager):
    client.force_login(credit_manager)
    html = client.get(LIST).content.decode()
    assert "data-search-box" in html and "js/list.js" in html
