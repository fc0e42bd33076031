"""Spreadsheet import: preview posts nothing; confirm posts all rows in one transaction; re-import
posts nothing twice."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xindang.ledger import importing, selectors
from xindang.ledger.models import LedgerImport, TradeEntry

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["应收明细"])  # a title above the header
    ws.append(["档案号", "类型", "日期", "金额", "单据号", "账期(天)", "摘要"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(data: bytes, name="entries.xlsx"):
    return SimpleUploadedFile(name, data)


def test_preview_posts_nothing_and_confirm_posts_all(customer, credit_manager, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    data = _xlsx(
        [
            [customer.file_no, "赊销发货", "2026-01-05", "1,000.00", "XS-001", 30, "钢板"],
            [customer.file_no, "回款", "2026-02-01", 400, "HK-001", None, ""],
            [customer.file_no, "承兑汇票", "2026/2/15", "500", "PJ-001", None, "银行承兑"],
        ]
    )
    batch = importing.preview_ledger_import(by=credit_manager, upload=_upload(data), source_system="u8")
    assert (batch.total_rows, batch.error_rows, batch.new_rows) == (3, 0, 3)
    assert not TradeEntry.objects.exists()
    batch = importing.confirm_ledger_import(batch=batch, by=credit_manager)
    assert batch.status == LedgerImport.Status.IMPORTED and batch.imported_rows == 3
    e = selectors.exposure_of(customer)
    assert (e.open_shipments_amount, e.notes_amount, e.credit_balance_amount) == (100, 500, 0)
    again = importing.preview_ledger_import(by=credit_manager, upload=_upload(data), source_system="u8")
    assert (again.new_rows, again.existing_rows) == (0, 3)


def test_rows_with_errors_block_the_import(customer, credit_manager, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    data = _xlsx(
        [
            [customer.file_no, "赊销发货", "2026-01-05", "-5", "XS-001", 30, ""],
            ["NO-SUCH-FILE", "回款", "2026-02-01", 400, "HK-001", None, ""],
            [customer.file_no, "回款", "not a date", 400, "HK-002", None, ""],
        ]
    )
    batch = importing.preview_ledger_import(by=credit_manager, upload=_upload(data))
    assert batch.error_rows == 3 and {p["row"] for p in batch.problems} == {3, 4, 5}
    with pytest.raises(Exception) as exc:
        importing.confirm_ledger_import(batch=batch, by=credit_manager)
    assert exc.value.code == "ledger.import_has_errors"
    assert not TradeEntry.objects.exists()


def test_import_screens(client, customer, credit_manager, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client.force_login(credit_manager)
    csv_data = "档案号,类型,日期,金额,单据号\n" + f"{customer.file_no},发票,2026-01-05,88.00,FP-1\n"
    r = client.post(
        "/ledger/import/", {"file": _upload(csv_data.encode("gbk"), "a.csv"), "source_system": "csv"}
    )
    assert r.status_code == 302
    batch = LedgerImport.objects.get()
    page = client.get(r.url).content.decode()
    assert 'data-testid="import-confirm"' in page
    r = client.post(f"/ledger/import/{batch.pk}/confirm/")
    assert r.status_code == 302 and TradeEntry.objects.get().external_id == "FP-1"
    r = client.post(f"/ledger/import/{batch.pk}/confirm/", follow=True)
    assert TradeEntry.objects.count() == 1  # a second confirm posts nothing
