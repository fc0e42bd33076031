"""Backup and restore round trip on the real database (seed 004 客户信息保护管理制度: 定期对客户信息进行备份):
what comes back is identical — every table's rows, every stored file's bytes — and the audit chain
and the documents' checksums verify."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from xindang.core.backup import BackupError, backed_up_models, create_backup, restore_backup, verify_backup
from xindang.documents.services import upload_document
from xindang.testing.samples import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def table_rows() -> dict[str, list]:
    """Every backed-up table's rows, by primary key (what a restore must give back exactly)."""
    return {
        model._meta.label_lower: list(model._default_manager.order_by("pk").values_list())
        for model in backed_up_models()
    }


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_backup_restores_into_an_empty_instance_identically(tmp_path, media, settings):
    # given an installation with customer files, documents, ledger and an audit trail
    run("demo", "--customers", "12")
    credit_manager = apps.get_model("accounts", "User").objects.get(username="xinyong")
    licence = apps.get_model("documents", "DocumentCategory").objects.get(code="business_licence")
    for n, customer in enumerate(apps.get_model("customers", "Customer").objects.order_by("pk")[:2]):
        upload_document(
            by=credit_manager,
            customer=customer,
            category=licence,
            uploaded_file=upload("营业执照.pdf", pdf_bytes(f"营业执照 {n}")),
            title="营业执照(副本)",
            confidentiality=3,
        )
    before = table_rows()
    files_before = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert files_before

    # when it is backed up, the database emptied and the store lost, and the backup restored
    assert run("backup", str(tmp_path / "b1")).startswith("OK:")
    assert run("verify_backup", str(tmp_path / "b1")).startswith("OK:")
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "new-media"
    printed = run("restore", str(tmp_path / "b1"))

    # then every row and every file is back, and both integrity checks hold (they append their own
    # run and audit event after the restored rows)
    after = table_rows()
    written_by_checks = {"audit.auditchainhead", "documents.fixityrun", "documents.fixityfinding"}
    assert {k: v for k, v in after.items() if k not in written_by_checks | {"audit.auditevent"}} == {
        k: v for k, v in before.items() if k not in written_by_checks | {"audit.auditevent"}
    }
    events = before["audit.auditevent"]
    assert after["audit.auditevent"][: len(events)] == events
    assert len(after["audit.auditevent"]) == len(events) + 1  # the fixity run's event
    restored = settings.MEDIA_ROOT
    assert {
        p.relative_to(restored).as_posix(): p.read_bytes() for p in restored.rglob("*") if p.is_file()
    } == (files_before)
    assert "chain intact" in printed
    assert "missing 0, altered 0" in printed
    assert printed.rstrip().endswith("OK: restore complete")


def test_a_restore_into_an_instance_with_data_changes_nothing(tmp_path, media, make_customer, salesperson):
    make_customer(name="华夏科技有限公司", owner=salesperson)
    create_backup(tmp_path / "b")
    before = table_rows()
    with pytest.raises(BackupError, match="already holds"):
        restore_backup(tmp_path / "b")
    assert table_rows() == before


def test_verify_backup_finds_an_altered_missing_or_unlisted_file(tmp_path, media, make_customer, salesperson):
    make_customer(name="华夏科技有限公司", owner=salesperson)
    (media / "documents" / "ab").mkdir(parents=True)
    (media / "documents" / "ab" / "ab12").write_bytes(b"%PDF-1.4 test")
    create_backup(tmp_path / "b")
    assert verify_backup(tmp_path / "b") == []

    (tmp_path / "b" / "files" / "documents" / "ab" / "ab12").write_bytes(b"%PDF-1.4 tampered")
    (tmp_path / "b" / "files" / "extra.txt").write_text("x")
    problems = verify_backup(tmp_path / "b")
    assert problems == [
        "files/documents/ab/ab12: altered (checksum differs from the manifest)",
        "files/extra.txt: not in the manifest",
    ]
    (tmp_path / "b" / "database.exactjson.gz").unlink()
    with pytest.raises(CommandError, match="database.exactjson.gz: missing"):
        run("verify_backup", str(tmp_path / "b"))


def test_a_damaged_backup_is_refused_before_anything_is_loaded(tmp_path, media, make_customer, salesperson):
    make_customer(name="华夏科技有限公司", owner=salesperson)
    create_backup(tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["schema"]["customers"] = "9999_from_the_future"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(BackupError, match="schema differs"):
        restore_backup(tmp_path / "b")
    assert not apps.get_model("customers", "Customer").objects.exists()


def test_a_backup_goes_into_a_new_folder(tmp_path, media):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        run("backup", str(tmp_path / "b"))
