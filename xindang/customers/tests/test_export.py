"""Export of the customer list to .xlsx: the same visibility and filters as
the list page, a real workbook, text kept as text, and an audit event."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.customers.choices import Importance
from xindang.customers.importing.errors import ImportErrorCode
from xindang.customers.importing.services import preview_import


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def exported(client, user, query=""):
    client.force_login(user)
    # an export states its purpose (seed 003 篇一 二.4; custody policy "purpose_actions")
    response = client.get(reverse("customers:export") + (query + "&" if query else "?") + "purpose=核对")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return content, [dict(zip(header, r, strict=True)) for r in rows[1:]], sheet


def test_export_holds_only_the_files_the_user_sees(client, salesperson, other_salesperson, make_customer):
    mine = make_customer(salesperson, name="华夏科技有限公司", registered_capital=Decimal("5000000"))
    make_customer(other_salesperson, name="远大贸易有限公司")
    _content, rows, _sheet = exported(client, salesperson)
    assert [r["客户名称"] for r in rows] == ["华夏科技有限公司"]
    row = rows[0]
    assert row["档案编号"] == mine.file_no and row["部门"] == "销售一部" and row["业务员"] == "张三"
    assert row["统一社会信用代码"] == mine.credit_code
    assert row["注册资本"] == 5000000 and row["注册资本币种"] == "人民币 (CNY)"


def test_export_applies_the_list_filters_and_is_audited(client, credit_manager, salesperson, make_customer):
    make_customer(salesperson, name="华夏科技有限公司", importance=Importance.IMPORTANT)
    make_customer(salesperson, name="远大贸易有限公司", importance=Importance.GENERAL)
    make_customer(salesperson, name="华光电子有限公司", importance=Importance.IMPORTANT)
    _c, rows, _s = exported(client, credit_manager, "?importance=important&q=hxkj&page=3")
    assert [r["客户名称"] for r in rows] == ["华夏科技有限公司"]
    event = AuditEvent.objects.get(action="customer.export")
    assert event.actor == credit_manager
    assert event.data == {"filter": {"importance": "important", "q": "hxkj"}, "rows": 1}
    _c, rows, _s = exported(client, credit_manager)
    assert len(rows) == 3


def test_export_in_english_uses_english_headers(client, salesperson, make_customer):
    make_customer(salesperson, name="华夏科技有限公司")
    salesperson.language = "en"
    salesperson.save()
    _c, rows, _s = exported(client, salesperson)
    assert rows[0]["Registered name"] == "华夏科技有限公司"
    assert rows[0]["File number"].startswith("XS1-")


@pytest.mark.parametrize("role", [Role.SERVICE_AGENT, Role.SYSTEM_ADMIN])
def test_export_needs_the_export_permission(client, db, role):
    user = make_user("kefu", role, display_name="客服")
    client.force_login(user)
    assert client.get(reverse("customers:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="customer.export").exists()


def test_text_is_exported_as_text_never_as_formula(client, salesperson, make_customer):
    make_customer(
        salesperson,
        name="<script>alert(1)</script>华夏科技有限公司",
        notes='=HYPERLINK("http://evil.example","点我")',
        phone="+86 10 8888",
    )
    content, rows, sheet = exported(client, salesperson)
    assert rows[0]["客户名称"] == "<script>alert(1)</script>华夏科技有限公司"
    assert rows[0]["备注"] == '=HYPERLINK("http://evil.example","点我")'
    notes_cell = next(c for c in sheet[2] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert notes_cell.data_type == "s"
    assert b"<f>" not in content  # no formula anywhere in the workbook


def test_an_exported_list_reads_back_through_the_import(client, credit_manager, salesperson, make_customer):
    make_customer(
        salesperson, name="华夏科技有限公司", tags=["重点"], registered_capital=Decimal("1250000.50")
    )
    content, _rows, _s = exported(client, credit_manager)
    batch = preview_import(by=credit_manager, upload=SimpleUploadedFile("导出.xlsx", content))
    assert {p["code"] for p in batch.problems} == {ImportErrorCode.DUPLICATE_CREDIT_CODE}
    assert set(batch.columns["ignored"]) >= {"档案编号", "客户代码", "状态"}
