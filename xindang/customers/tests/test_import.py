"""Customer import from spreadsheets (SPEC 001 模式1): preview lists every row's
problems without saving anything; confirm imports all valid rows in one transaction."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_credit_code, make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.audit.selectors import verify_chain
from xindang.core.errors import DomainError
from xindang.core.models import Sequence
from xindang.customers import services as customer_services
from xindang.customers.choices import Nature, Tier
from xindang.customers.importing import columns, progress, reading, saving
from xindang.customers.importing import services as import_services
from xindang.customers.importing.errors import ImportErrorCode as E
from xindang.customers.models import Contact, Customer, ImportBatch, Tag
from xindang.policy.selectors import build_policy

HEAD = ["客户名称", "统一社会信用代码", "部门", "业务员"]


@pytest.fixture(autouse=True)
def _isolated_files_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"import-tests-{tmp_path.name}",
        }
    }


@pytest.fixture
def policy(monkeypatch):
    """policy(upload_limit_mb=1, import_max_rows=10) → the import sees that company policy."""

    def _set(**core):
        p = build_policy({"core": core}, version=7)
        monkeypatch.setattr(import_services, "current_policy", lambda: p)
        return p

    return _set


def xlsx(rows, head=HEAD) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if head:
        ws.append(head)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, head=HEAD, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if head:
        writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(content: bytes, name="客户.xlsx"):
    return SimpleUploadedFile(name, content)


def preview(by, content, name="客户.xlsx"):
    return import_services.preview_import(by=by, upload=upload(content, name))


def codes_by_row(batch):
    return {(p["row"], p["code"]) for p in batch.problems}


def used_numbers() -> dict:
    """Numbers handed out per sequence (on MySQL an unused counter row may exist at zero)."""
    return dict(Sequence.objects.filter(last_value__gt=0).values_list("key", "last_value"))


def refused(by, content, name="客户.xlsx") -> str:
    with pytest.raises(DomainError) as exc:
        preview(by, content, name)
    assert ImportBatch.objects.count() == 0
    return exc.value.code


# --- the happy path ---------------------------------------------------------------------------------
def test_template_round_trip_imports_the_filled_rows(client, credit_manager, salesperson):
    # given the downloaded template, filled in the way a user would
    client.force_login(credit_manager)
    response = client.get(reverse("customers:import_template"))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    col = {columns.HEADER_INDEX[columns.header_key(h)]: i for i, h in enumerate(headers)}

    def put(row_no, **values):
        for field, value in values.items():
            ws.cell(row=row_no, column=col[field] + 1, value=value)

    code_a, code_b = make_credit_code(), make_credit_code()
    put(
        2,
        name="华夏科技有限公司",
        credit_code=code_a,
        department="销售一部",
        owner="zhangsan",
        registered_capital="500万",
        nature="政府机关",
        tier="核心客户",
        founded_on=dt.date(2010, 5, 4),
        region="北京市",
        industry="制造业",
        tags="重点、华北",
        contact_name="刘经理",
        contact_phone="010-88886666",
        email="info@huaxia.example.cn",
    )
    put(
        3,
        name="远大贸易有限公司",
        credit_code=code_b,
        department="XS1",
        owner="张三",
        registered_capital=1250000,
        founded_on="2015-03-01",
    )
    filled = io.BytesIO()
    wb.save(filled)

    # when it is uploaded, previewed and confirmed
    response = client.post(reverse("customers:import"), {"file": upload(filled.getvalue(), "我的客户.xlsx")})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (2, 2, 0), batch.problems
    assert Customer.objects.count() == 0
    assert client.get(response["Location"]).status_code == 200
    response = client.post(reverse("customers:import_confirm", args=[batch.pk]))
    assert response.status_code == 302

    # then both files exist, numbered by department, with their data, history and audit trail
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.imported_rows == 2
    a = Customer.objects.get(credit_code=code_a)
    assert a.file_no.startswith("XS1-") and a.code
    assert a.owner == salesperson and a.created_by == credit_manager
    assert a.registered_capital == Decimal("5000000.00")
    assert (a.nature, a.tier, a.region, a.industry) == (Nature.GOVERNMENT, Tier.CORE, "11", "C")
    assert a.founded_on == dt.date(2010, 5, 4)
    assert sorted(a.tags.values_list("name", flat=True)) == ["华北", "重点"]
    assert "hxkj" in a.search_text
    assert Contact.objects.get(customer=a).name == "刘经理"
    b = Customer.objects.get(credit_code=code_b)
    assert b.registered_capital == Decimal("1250000.00") and b.founded_on == dt.date(2015, 3, 1)
    history = a.history.get()
    assert history.history_type == "+" and history.history_user == credit_manager
    assert sorted(t.tag.name for t in history.tags.all()) == ["华北", "重点"]
    assert AuditEvent.objects.filter(action="customer.create").count() == 2
    assert AuditEvent.objects.filter(action="customer.import", object_id=str(batch.pk)).count() == 1
    assert AuditEvent.objects.filter(action="customer.import_preview").count() == 1


def test_preview_saves_no_customer_and_keeps_the_file_under_a_random_name(credit_manager, salesperson):
    sequences = used_numbers()
    batch = preview(
        credit_manager,
        xlsx([["华夏科技有限公司", make_credit_code(), "XS1", "zhangsan"]]),
        name="客户名单.xlsx",
    )
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.valid_rows == 1
    assert Customer.objects.count() == 0
    assert used_numbers() == sequences
    assert batch.stored_name.startswith("imports/") and "客户名单" not in batch.stored_name
    assert batch.original_name == "客户名单.xlsx"
    assert default_storage.exists(batch.stored_name)
    event = AuditEvent.objects.get(action="customer.import_preview")
    assert event.object_id == str(batch.pk) and event.data["valid"] == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_is_read_in_utf8_or_gbk_with_english_headers(credit_manager, salesperson, encoding):
    head = ["Registered name", "Unified social credit code", "Department", "Salesperson", "Nature", "Tags"]
    rows = [["华夏科技有限公司", make_credit_code(), "Sales 1", "zhangsan", "Government", "重点;华北"]]
    batch = preview(credit_manager, csv_bytes(rows, head=head, encoding=encoding), name="customers.csv")
    assert (batch.file_format, batch.valid_rows, batch.error_rows) == ("csv", 1, 0), batch.problems
    import_services.run_import(batch=batch, by=credit_manager)
    customer = Customer.objects.get()
    assert customer.nature == Nature.GOVERNMENT
    assert sorted(customer.tags.values_list("name", flat=True)) == ["华北", "重点"]


def test_title_rows_above_the_header_and_unknown_columns_are_tolerated(credit_manager, salesperson):
    content = xlsx(
        [
            ["客户名单（2025年）"],
            [],
            ["序号", *HEAD],
            [1, "华夏科技有限公司", make_credit_code(), "XS1", "zhangsan"],
        ],
        head=None,
    )
    batch = preview(credit_manager, content)
    assert batch.valid_rows == 1
    assert batch.columns["ignored"] == ["序号"]


# --- bad files: refused as a whole, nothing stored ----------------------------------------------------
def test_oversized_upload_is_refused(credit_manager, policy):
    policy(upload_limit_mb=1)
    big = csv_bytes([["华夏科技有限公司", "", "XS1", "x" * 100]] * 11000)
    assert len(big) > 1024 * 1024
    assert refused(credit_manager, big, "big.csv") == E.TOO_LARGE
    assert not default_storage.exists("imports") or not default_storage.listdir("imports")[1]


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("客户.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),  # a picture renamed .xlsx
        ("客户.xlsx", _zip({"readme.txt": "hello"})),  # any zip
        ("客户.xlsx", _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})),  # a .docx
        ("客户.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),  # an old .xls
        ("客户.xlsx", "客户名称,部门\n华夏,XS1\n".encode()),  # a CSV named .xlsx
        ("客户.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),  # a program renamed .csv
        ("客户.csv", xlsx([])),  # a workbook named .csv
        ("客户.exe", "客户名称,部门\n华夏,XS1\n".encode()),  # neither extension
    ],
)
def test_wrong_file_types_are_refused_whatever_the_extension(credit_manager, name, content):
    assert refused(credit_manager, content, name) == E.WRONG_TYPE


def test_damaged_workbook_is_refused_as_unreadable(credit_manager):
    content = _zip({"[Content_Types].xml": "<Types", "xl/workbook.xml": "not xml"})
    assert refused(credit_manager, content) == E.UNREADABLE


@pytest.mark.parametrize(
    "head",
    [
        ["姓名", "年龄", "电话"],  # another kind of list altogether
        ["客户名称", "统一社会信用代码", "业务员"],  # the department column is missing
        ["客户名称", "部门", "电话", "联系电话"],  # two columns for the same field
    ],
)
def test_wrong_columns_are_refused(credit_manager, head):
    assert (
        refused(credit_manager, xlsx([["华夏科技有限公司", "XS1", "x", "y"]], head=head)) == E.WRONG_COLUMNS
    )


def test_a_header_without_rows_is_refused(credit_manager):
    assert refused(credit_manager, xlsx([[None, None], []])) == E.NO_ROWS


def test_too_many_rows_are_refused_before_any_row_is_checked(credit_manager, monkeypatch):
    def not_expected(*args, **kwargs):
        raise AssertionError("rows were validated")

    monkeypatch.setattr(import_services, "validate_table", not_expected)
    rows = [[f"公司{i}", "", "XS1", ""] for i in range(100_000)]
    assert refused(credit_manager, csv_bytes(rows), "big.csv") == E.TOO_MANY_ROWS


def test_too_many_rows_in_a_workbook_are_refused(credit_manager, policy):
    policy(import_max_rows=50)
    assert refused(credit_manager, xlsx([[f"公司{i}", "", "XS1", ""] for i in range(51)])) == E.TOO_MANY_ROWS
    assert ImportBatch.objects.count() == 0


def test_the_row_limit_itself_is_accepted(credit_manager, salesperson, policy):
    policy(import_max_rows=3)
    batch = preview(credit_manager, xlsx([[f"华夏{i}号科技公司", "", "XS1", "zhangsan"] for i in range(3)]))
    assert batch.total_rows == 3


def test_empty_rows_are_skipped_and_counted(credit_manager, salesperson):
    rows = [
        ["华夏科技有限公司", "", "XS1", "zhangsan"],
        [None, None, None, None],
        ["", " ", "", ""],
        ["远大贸易有限公司", "", "XS1", "zhangsan"],
    ]
    batch = preview(credit_manager, xlsx(rows))
    assert (batch.total_rows, batch.empty_rows, batch.valid_rows, batch.problem_count) == (2, 2, 2, 0)


# --- row problems -------------------------------------------------------------------------------------
def test_formulas_are_row_errors(credit_manager, salesperson):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEAD, "注册资本"])
    ws.append(["华夏科技有限公司", "", "XS1", "zhangsan", "=1000*10000"])
    ws.append(['=CONCAT("远大","贸易")', "", "XS1", "zhangsan", 100])
    ws.append(["正常贸易有限公司", "", "XS1", "zhangsan", 100])
    out = io.BytesIO()
    wb.save(out)
    batch = preview(credit_manager, out.getvalue())
    assert codes_by_row(batch) == {(2, E.FORMULA), (3, E.FORMULA)}
    assert batch.valid_rows == 1
    import_services.run_import(batch=batch, by=credit_manager)
    assert list(Customer.objects.values_list("name", flat=True)) == ["正常贸易有限公司"]


def test_formulas_in_csv_are_row_errors_too(credit_manager, salesperson):
    batch = preview(credit_manager, csv_bytes([['=HYPERLINK("http://x")', "", "XS1", "zhangsan"]]), "c.csv")
    assert codes_by_row(batch) == {(2, E.FORMULA)}


def test_each_row_problem_is_listed_with_its_code(credit_manager, salesperson, other_salesperson):
    head = [*HEAD, "注册资本", "成立日期", "客户性质", "电子邮箱", "联系人电话"]
    good = make_credit_code()
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        ["", good, "XS1", "zhangsan", "", "", "", "", ""],  # 2 no name
        ["华夏一号有限公司", bad_check, "XS1", "zhangsan", "", "", "", "", ""],  # 3 check digit
        ["华夏二号有限公司", "123", "XS1", "zhangsan", "", "", "", "", ""],  # 4 length
        ["华夏三号有限公司", "", "XS9", "zhangsan", "", "", "", "", ""],  # 5 unknown department
        ["华夏四号有限公司", "", "", "zhangsan", "", "", "", "", ""],  # 6 no department
        ["华夏五号有限公司", "", "XS1", "nobody", "", "", "", "", ""],  # 7 unknown user
        ["华夏六号有限公司", "", "XS1", "wangwu", "", "", "", "", ""],  # 8 owner of another department
        ["华夏七号有限公司", "", "XS1", "", "", "", "", "", ""],  # 9 importer is in no department
        ["华夏八号有限公司", "", "XS1", "zhangsan", "-5", "", "", "", ""],  # 10 negative capital
        ["华夏九号有限公司", "", "XS1", "zhangsan", "很多", "", "", "", ""],  # 11 not a number
        ["华夏十号有限公司", "", "XS1", "zhangsan", "", "2025-13-45", "", "", ""],  # 12 bad date
        ["华夏十一号有限公司", "", "XS1", "zhangsan", "", "去年", "", "", ""],  # 13 not a date
        ["华夏十二号有限公司", "", "XS1", "zhangsan", "", "", "外星公司", "", ""],  # 14 unknown choice
        ["华夏十三号有限公司", "", "XS1", "zhangsan", "", "", "", "not-an-email", ""],  # 15 model validation
        ["华夏十四号有限公司", "", "XS1", "zhangsan", "", "", "", "", "010-1"],  # 16 contact phone, no name
        ["华" * 201, "", "XS1", "zhangsan", "", "", "", "", ""],  # 17 name too long
        [
            "华夏十五号有限公司",
            "",
            "XS1",
            "zhangsan",
            "1,000万",
            "2020/1/2",
            "普通公司",
            "a@b.cn",
            "",
        ],  # 18 fine
    ]
    batch = preview(credit_manager, xlsx(rows, head=head))
    assert codes_by_row(batch) == {
        (2, E.NAME_REQUIRED),
        (3, E.CREDIT_CODE_INVALID),
        (4, E.CREDIT_CODE_INVALID),
        (5, E.DEPARTMENT_UNKNOWN),
        (6, E.DEPARTMENT_REQUIRED),
        (7, E.OWNER_UNKNOWN),
        (8, E.OWNER_NOT_IN_DEPARTMENT),
        (9, E.OWNER_REQUIRED),
        (10, E.NUMBER_NEGATIVE),
        (11, E.NUMBER_INVALID),
        (12, E.DATE_INVALID),
        (13, E.DATE_INVALID),
        (14, E.CHOICE_UNKNOWN),
        (15, E.INVALID),
        (16, E.INVALID),
        (17, E.INVALID),
    }
    problems = {p["row"]: p for p in batch.problems}
    assert problems[3]["params"] == {"problem": "check_digit"} and problems[4]["params"] == {
        "problem": "length"
    }
    assert problems[15]["field"] == "email" and problems[15]["column"] == "电子邮箱"
    assert problems[16]["field"] == "contact_name"
    assert (batch.total_rows, batch.error_rows, batch.valid_rows) == (17, 16, 1)
    import_services.run_import(batch=batch, by=credit_manager)
    assert Customer.objects.get().registered_capital == Decimal("10000000.00")


def test_duplicate_credit_codes_within_the_file_and_against_existing_files(
    credit_manager, salesperson, make_customer
):
    existing = make_customer(salesperson, name="已有客户有限公司")
    repeated = make_credit_code()
    rows = [
        ["华夏科技有限公司", existing.credit_code, "XS1", "zhangsan"],  # row 2
        ["远大贸易有限公司", repeated, "XS1", "zhangsan"],  # row 3
        ["光明食品有限公司", repeated.lower(), "XS1", "zhangsan"],  # row 4, same code in lower case
    ]
    batch = preview(credit_manager, xlsx(rows))
    assert codes_by_row(batch) == {(2, E.DUPLICATE_CREDIT_CODE), (4, E.DUPLICATE_IN_FILE)}
    problems = {p["row"]: p for p in batch.problems}
    assert problems[2]["params"] == {"file_no": existing.file_no}
    assert problems[4]["params"] == {"row": "3"}
    import_services.run_import(batch=batch, by=credit_manager)
    assert Customer.objects.filter(credit_code=repeated).count() == 1


@pytest.mark.parametrize(("tick", "imported"), [(False, 1), (True, 3)])
def test_similar_names_are_warnings_imported_only_when_ticked(
    credit_manager, salesperson, make_customer, tick, imported
):
    make_customer(salesperson, name="华夏科技有限公司")
    rows = [
        ["华夏科技股份有限公司", "", "XS1", "zhangsan"],  # like an existing file
        ["远大贸易有限公司", "", "XS1", "zhangsan"],
        ["远大贸易（集团）有限公司", "", "XS1", "zhangsan"],  # like the row above
    ]
    batch = preview(credit_manager, xlsx(rows))
    assert codes_by_row(batch) == {(2, E.SIMILAR_NAME), (4, E.SIMILAR_NAME)}
    assert {p["level"] for p in batch.problems} == {"warning"}
    assert (batch.valid_rows, batch.warning_rows) == (1, 2)
    batch = import_services.run_import(batch=batch, by=credit_manager, include_warnings=tick)
    assert batch.imported_rows == imported
    assert Customer.objects.count() == 1 + imported


def test_html_in_text_fields_is_stored_as_text_and_shown_escaped(client, credit_manager, salesperson):
    script = "<script>alert(1)</script>华夏科技有限公司"
    rows = [
        [script, "", "XS1", "zhangsan"],
        ["远大贸易有限公司", "", "<img src=x onerror=alert(2)>", "zhangsan"],
    ]
    client.force_login(credit_manager)
    client.post(reverse("customers:import"), {"file": upload(xlsx(rows))})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("customers:import_preview", args=[batch.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    client.post(reverse("customers:import_confirm", args=[batch.pk]))
    assert Customer.objects.get().name == script


def test_owner_defaults_to_an_importer_of_the_same_department(dept_xs1, salesperson):
    importer = make_user("qianjiu", Role.CREDIT_MANAGER, department=dept_xs1, display_name="钱九")
    batch = preview(importer, xlsx([["华夏科技有限公司", "", "XS1"]], head=HEAD[:3]))
    import_services.run_import(batch=batch, by=importer)
    assert Customer.objects.get().owner == importer


def test_an_ambiguous_display_name_must_be_a_user_name(credit_manager, dept_xs1, salesperson):
    make_user("zhangsan2", Role.SALESPERSON, department=dept_xs1, display_name="张三")
    batch = preview(credit_manager, xlsx([["华夏科技有限公司", "", "XS1", "张三"]]))
    assert codes_by_row(batch) == {(2, E.OWNER_AMBIGUOUS)}


def test_an_importer_without_the_see_all_permission_files_only_into_their_department(
    salesperson, dept_xs2, other_salesperson
):
    salesperson.user_permissions.add(Permission.objects.get(codename="import_customers"))
    importer = type(salesperson).objects.get(pk=salesperson.pk)
    rows = [["华夏科技有限公司", "", "XS1", ""], ["远大贸易有限公司", "", "XS2", "wangwu"]]
    batch = preview(importer, xlsx(rows))
    assert codes_by_row(batch) == {(3, E.NOT_ALLOWED)}


# --- confirm ------------------------------------------------------------------------------------------
POOL = "华夏远大光明东方长城金山银河新星恒通宏达振兴永安盛世天地海洋嘉禾瑞丰鼎和顺泰康宁"


def distinct_name(i: int) -> str:
    """Names no two of which are "very similar" (the duplicate-name rule would warn)."""
    a, b, c = i % 40, (i // 40) % 40, (i // 1600) % 40
    return f"{POOL[a]}{POOL[(b + 7 * a) % 40]}{POOL[(c + 13 * b + 3 * a) % 40]}贸易有限公司"


def _rows(n, dept="XS1", owner="zhangsan", start=1000):
    return [[distinct_name(i), make_credit_code(start + i), dept, owner] for i in range(n)]


def test_300_rows_are_imported_in_one_block_numbered_by_department(
    credit_manager, salesperson, other_salesperson
):
    rows = []
    for i in range(300):
        dept, owner = ("XS1", "zhangsan") if i % 3 else ("XS2", "wangwu")
        rows.append([distinct_name(i), make_credit_code(5000 + i), dept, owner])
    head = HEAD + ["标签"]
    rows = [[*r, "导入、批量" if i % 2 else ""] for i, r in enumerate(rows)]
    batch = preview(credit_manager, xlsx(rows, head=head))
    assert batch.valid_rows == 300, batch.problems[:5]
    batch = import_services.run_import(batch=batch, by=credit_manager)
    assert batch.status == ImportBatch.Status.IMPORTED and batch.imported_rows == 300
    xs1 = sorted(Customer.objects.filter(department__code="XS1").values_list("file_no", flat=True))
    xs2 = sorted(Customer.objects.filter(department__code="XS2").values_list("file_no", flat=True))
    assert len(xs1) == 200 and len(xs2) == 100
    assert [int(n.rsplit("-", 1)[1]) for n in xs1] == list(range(1, 201))
    assert [int(n.rsplit("-", 1)[1]) for n in xs2] == list(range(1, 101))
    assert batch.result["file_nos"]["XS2"] == [xs2[0], xs2[-1]]
    codes = sorted(Customer.objects.values_list("code", flat=True))
    assert len(set(codes)) == 300 and codes[0] == "KH000001" and codes[-1] == "KH000300"
    assert Customer.history.filter(history_type="+").count() == 300
    assert Customer.tags.through.objects.count() == 300 and Tag.objects.count() == 2
    assert AuditEvent.objects.filter(action="customer.create").count() == 300
    for customer in Customer.objects.all():
        assert (
            customer.file_no.lower() in customer.search_text and customer.code.lower() in customer.search_text
        )
    # the history rows, tag history and audit events written in bulk are those one save() each gives
    history = {h.id: h for h in Customer.history.filter(history_type="+")}
    for customer in Customer.objects.all():
        first = history[customer.pk]
        assert (first.file_no, first.code, first.name, first.owner_id, first.history_user_id) == (
            customer.file_no,
            customer.code,
            customer.name,
            customer.owner_id,
            credit_manager.pk,
        )
        assert {t.tag_id for t in first.tags.all()} == set(customer.tags.values_list("pk", flat=True))
    created = AuditEvent.objects.filter(action="customer.create")
    assert set(created.values_list("object_id", flat=True)) == {str(pk) for pk in history}
    assert verify_chain().ok


def test_numbers_taken_while_the_import_prepared_are_not_reused(
    credit_manager, salesperson, make_customer, monkeypatch
):
    # given someone files a customer between the import's preparation and its transaction
    batch = preview(credit_manager, xlsx(_rows(3)))
    prepare = saving.predict_numbers

    def prepare_then_someone_files_a_customer(customers, **kwargs):
        prepare(customers, **kwargs)
        jumped = make_customer(salesperson, name="插队客户有限公司", by=credit_manager)
        customer_services.assign_code(by=credit_manager, customer_id=jumped.pk)  # takes a code too

    monkeypatch.setattr(saving, "predict_numbers", prepare_then_someone_files_a_customer)
    batch = import_services.run_import(batch=batch, by=credit_manager)
    assert batch.imported_rows == 3
    numbers = sorted(Customer.objects.values_list("file_no", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3, 4]
    assert len(set(Customer.objects.values_list("code", flat=True))) == 4
    for customer in Customer.objects.all():
        assert (
            customer.file_no.lower() in customer.search_text and customer.code.lower() in customer.search_text
        )


def test_a_failure_midway_saves_nothing(credit_manager, salesperson, make_customer, monkeypatch):
    make_customer(salesperson, name="已有客户有限公司")  # the department's sequence exists already
    sequences = used_numbers()
    assert sequences  # the department's file numbers have started
    events = AuditEvent.objects.count()
    batch = preview(credit_manager, xlsx([[*r, "标签"] for r in _rows(20)], head=[*HEAD, "标签"]))

    def boom(rows):  # after the numbers were allocated and the customers inserted
        assert Customer.objects.count() == 21
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving, "save_tags", boom)
    batch = import_services.run_import(batch=batch, by=credit_manager)
    assert batch.status == ImportBatch.Status.FAILED and "disk full" in batch.message
    assert batch.imported_rows == 0
    assert Customer.objects.count() == 1
    assert Customer.history.count() == 1
    assert used_numbers() == sequences
    assert AuditEvent.objects.count() == events + 1  # the preview only
    assert progress.import_progress(batch)["status"] == ImportBatch.Status.FAILED


def test_a_batch_is_confirmed_only_once(client, credit_manager, salesperson):
    batch = preview(credit_manager, xlsx(_rows(2)))
    import_services.run_import(batch=batch, by=credit_manager)
    with pytest.raises(DomainError) as exc:
        import_services.run_import(batch=batch, by=credit_manager)
    assert exc.value.code == E.NOT_PREVIEWED
    client.force_login(credit_manager)
    response = client.post(reverse("customers:import_confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert Customer.objects.count() == 2


def test_confirm_checks_the_rows_again_and_imports_only_what_the_preview_showed(
    credit_manager, salesperson, make_customer
):
    """A row that became a duplicate since the preview: the confirm imports exactly the rows the
    preview showed or nothing, and says which rows changed."""
    rows = _rows(3)
    batch = preview(credit_manager, xlsx(rows))
    assert batch.valid_rows == 3
    make_customer(salesperson, name="抢先建档有限公司", credit_code=rows[1][1])
    batch = import_services.run_import(batch=batch, by=credit_manager)
    assert batch.status == ImportBatch.Status.FAILED and batch.imported_rows == 0
    assert "3" in batch.message
    assert Customer.objects.count() == 1


def test_a_confirm_with_nothing_to_import_says_so(credit_manager):
    rows = _rows(2)
    rows[0][1] = rows[1][1] = "91110000000000000X"  # invalid codes: every row has an error
    batch = preview(credit_manager, xlsx(rows))
    assert batch.valid_rows == 0
    with pytest.raises(DomainError) as err:
        import_services.run_import(batch=batch, by=credit_manager)
    assert err.value.code == "import.nothing_to_import"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_the_owner_cannot_be_confirmed_by_someone_else(credit_manager, archivist, salesperson):
    batch = preview(credit_manager, xlsx(_rows(1)))
    with pytest.raises(PermissionDenied):
        import_services.run_import(batch=batch, by=archivist)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


# --- screens and permissions --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "customers:import", []),
        ("post", "customers:import", []),
        ("get", "customers:import_template", []),
        ("get", "customers:import_preview", [1]),
        ("post", "customers:import_confirm", [1]),
        ("get", "customers:import_progress", [1]),
    ],
)
def test_a_salesperson_cannot_import(client, salesperson, method, name, args):
    client.force_login(salesperson)
    assert getattr(client, method)(reverse(name, args=args)).status_code == 403


def test_another_users_batch_is_not_found(client, credit_manager, archivist, salesperson):
    batch = preview(credit_manager, xlsx(_rows(1)))
    client.force_login(archivist)
    assert client.get(reverse("customers:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("customers:import_confirm", args=[batch.pk])).status_code == 404
    assert client.get(reverse("customers:import_progress", args=[batch.pk])).status_code == 404


def test_upload_page_shows_the_refusal_code(client, credit_manager):
    client.force_login(credit_manager)
    response = client.post(reverse("customers:import"), {"file": upload(b"\x89PNG\r\n\x1a\n\x00\x00")})
    assert response.status_code == 200
    assert f'data-error-code="{E.WRONG_TYPE}"' in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_upload_page_lists_recent_batches(client, credit_manager, salesperson):
    preview(credit_manager, xlsx(_rows(1)), name="旧客户表.xlsx")
    client.force_login(credit_manager)
    response = client.get(reverse("customers:import"))
    assert response.status_code == 200 and "旧客户表.xlsx" in response.content.decode()


def test_preview_paginates_many_problems(client, credit_manager):
    batch = preview(credit_manager, xlsx([[f"公司{i}", "", "XS9", ""] for i in range(150)]))
    client.force_login(credit_manager)
    first = client.get(reverse("customers:import_preview", args=[batch.pk])).content.decode()
    second = client.get(reverse("customers:import_preview", args=[batch.pk]) + "?page=2").content.decode()
    assert first.count(f'data-code="{E.DEPARTMENT_UNKNOWN}"') == 100
    assert second.count(f'data-code="{E.DEPARTMENT_UNKNOWN}"') == 50


def test_progress_partial_polls_while_importing_and_stops_when_done(client, credit_manager, salesperson):
    batch = preview(credit_manager, xlsx(_rows(2)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING)
    batch.refresh_from_db()
    progress.report_progress(batch, "saving", 50, 100)
    client.force_login(credit_manager)
    url = reverse("customers:import_progress", args=[batch.pk])
    page = client.get(url, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="75"' in html and "HX-Refresh" not in page
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTED, imported_rows=2)
    page = client.get(url, HTTP_HX_REQUEST="true")
    assert "every 1s" not in page.content.decode() and page["HX-Refresh"] == "true"


def test_an_import_interrupted_long_ago_is_shown_as_failed(credit_manager, salesperson):
    batch = preview(credit_manager, xlsx(_rows(1)))
    import datetime

    from django.utils import timezone

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.IMPORTING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    batch.refresh_from_db()
    assert progress.import_progress(batch)["status"] == ImportBatch.Status.FAILED


@pytest.mark.multidb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_worker_imports_and_reports_progress(credit_manager, salesperson):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    batch = preview(credit_manager, xlsx(_rows(30)))
    task_id = import_services.start_import(batch=batch, by=credit_manager)
    # queued, not run: the web process only claims the batch and writes the task
    assert DBTaskResult.objects.get(pk=task_id).status == "READY"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING and Customer.objects.count() == 0

    call_command("worker", batch=True, verbosity=0)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.imported_rows == 30
    assert Customer.objects.count() == 30
    assert progress.import_progress(batch)["percent"] == 100
    assert DBTaskResult.objects.get(pk=task_id).status == "SUCCESSFUL"


def test_an_import_whose_worker_died_goes_back_for_another_confirm(credit_manager, salesperson):
    import subprocess
    import sys

    from django_tasks_db.models import DBTaskResult

    from xindang.core.tasks import release_interrupted_tasks, worker_id

    batch = preview(credit_manager, xlsx(_rows(3)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    host = worker_id().rsplit(":", 1)[0]
    result = import_services.import_confirmed_batch.enqueue(batch.pk, credit_manager.pk, None)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=[f"{host}:{dead.stdout.strip()}"]
    )
    elsewhere = import_services.import_confirmed_batch.enqueue(batch.pk, credit_manager.pk, None)
    DBTaskResult.objects.filter(pk=elsewhere.id).update(status="RUNNING", worker_ids=["other-host:1"])

    assert release_interrupted_tasks() == 1

    assert DBTaskResult.objects.get(pk=result.id).status == "FAILED"
    assert DBTaskResult.objects.get(pk=elsewhere.id).status == "RUNNING"  # another machine's worker
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and Customer.objects.count() == 0
    assert AuditEvent.objects.filter(action="customer.import_interrupted", object_id=str(batch.pk)).exists()
    # and it can be confirmed again, once
    assert import_services.run_import(batch=batch, by=credit_manager).imported_rows == 3


def test_databases_that_return_no_ids_from_bulk_inserts_get_them_read_back(
    credit_manager, salesperson, monkeypatch
):
    # MySQL 8 cannot return ids from a bulk insert (SQLite, PostgreSQL and MariaDB can)
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    monkeypatch.delitem(connection.features.__dict__, "can_return_rows_from_bulk_insert", raising=False)
    head = [*HEAD, "标签", "联系人"]
    batch = preview(credit_manager, xlsx([[*r, "重点", "刘经理"] for r in _rows(12)], head=head))
    batch = import_services.run_import(batch=batch, by=credit_manager)
    assert batch.imported_rows == 12, batch.message
    for customer in Customer.objects.all():
        history = customer.history.get()
        assert [t.tag.name for t in history.tags.all()] == ["重点"]
        assert customer.contacts.get().history.count() == 1
    assert set(AuditEvent.objects.filter(action="customer.create").values_list("object_id", flat=True)) == {
        str(pk) for pk in Customer.objects.values_list("pk", flat=True)
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_value_the_template_offers_is_accepted(language):
    lookup = columns.choice_lookup()
    for column in columns.COLUMNS:
        if column.kind == "choice":
            for option in columns.choice_options(column.field, language):
                assert columns.header_key(option) in lookup[column.field], (column.field, option)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,250,000", "1250000.00"),
        ("¥1250000.5", "1250000.50"),
        ("500万", "5000000.00"),
        ("1.5万元", "15000.00"),
        ("１２３", "123.00"),
        (1250000, "1250000.00"),
        (0.5, "0.50"),
        ("", None),
    ],
)
def test_amounts_are_read_as_yuan(text, amount):
    assert reading.parse_amount(text) == (Decimal(amount) if amount else None)


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2026-01-05", dt.date(2026, 1, 5)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026年1月5日", dt.date(2026, 1, 5)),
        (dt.datetime(2026, 1, 5, 0, 0), dt.date(2026, 1, 5)),
        (46027, dt.date(2026, 1, 5)),
    ],
)
def test_dates_are_read_from_text_or_excel(value, date):
    assert reading.parse_date(value) == date
