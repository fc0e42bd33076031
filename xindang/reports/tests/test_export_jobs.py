"""A long export runs in the task worker (django-tasks): the form answers at once with a status page
that follows its progress, the file is audited as any export and downloaded by its requester only."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.reports import services
from xindang.reports.models import ExportJob

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def trade(make_customer, salesperson, post):
    shop = make_customer(salesperson, name="华夏电气商店", industry="F")
    post(shop, "shipment", 7000, entry_on=date(TODAY.year, 1, 10))
    return shop


def test_a_queued_export_shows_its_progress_and_is_downloaded_by_its_requester(
    client, salesperson, other_salesperson, trade, monkeypatch
):
    monkeypatch.setattr(services, "should_queue", lambda **kw: True)
    client.force_login(salesperson)
    response = client.post(
        reverse("reports:export", args=["abc"]),
        {"query": f"year={TODAY.year}", "format": "xlsx", "purpose": "月度经营分析会"},
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:export_job", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and "hx-trigger" in page  # polled until ready
    assert not AuditEvent.objects.filter(action="reports.export").exists()
    # the worker runs it
    services.run_export(job)
    job.refresh_from_db()
    assert job.status == "done" and job.rows > 0
    event = AuditEvent.objects.get(action="reports.export")
    assert (event.actor_id, event.purpose, event.object_id) == (salesperson.pk, "月度经营分析会", "abc")
    partial = client.get(
        reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-status="done"' in partial and "hx-trigger" not in partial
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert any(row[1] == "华夏电气商店" for row in book.worksheets[1].iter_rows(min_row=4, values_only=True))
    client.force_login(other_salesperson)
    assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


def test_the_form_refuses_before_queueing(client, salesperson, monkeypatch):
    monkeypatch.setattr(services, "should_queue", lambda **kw: True)
    client.force_login(salesperson)
    refused = client.post(
        reverse("reports:export", args=["abc"]), {"query": "", "format": "xlsx", "purpose": ""}
    )
    assert refused.status_code == 422 and not ExportJob.objects.exists()
    with pytest.raises(DomainError):
        services.start_export(by=salesperson, slug="abc", query="", fmt="docx", purpose="x")


def test_a_failed_or_interrupted_export_says_so(salesperson, credit_manager):
    job = ExportJob.objects.create(user=salesperson, slug="yearly", query="", fmt="pdf", purpose="年报")
    services.run_export(job)  # a salesperson may not see the yearly report
    job.refresh_from_db()
    assert job.status == "failed" and not AuditEvent.objects.filter(action="reports.export").exists()
    other = ExportJob.objects.create(user=credit_manager, slug="yearly", query="", fmt="pdf", purpose="年报")
    services.release_interrupted_exports([[str(other.pk)]])
    other.refresh_from_db()
    assert other.status == "failed" and other.message


def test_the_yearly_report_and_large_sets_go_to_the_worker_outside_a_transaction(credit_manager):
    assert services.should_queue(user=credit_manager, slug="yearly") is False  # a test's transaction
    assert "yearly" in services.QUEUED_EXPORTS


def _exported(user, *, days_ago, status=ExportJob.Status.DONE):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    job = ExportJob.objects.create(user=user, slug="abc", fmt="xlsx", purpose="月度经营分析会", status=status)
    stored = default_storage.save(f"reports/exports/{job.pk}.xlsx", ContentFile(b"x"))
    ExportJob.objects.filter(pk=job.pk).update(
        stored_name=stored, filename="abc.xlsx", created_at=timezone.now() - timedelta(days=days_ago)
    )
    job.refresh_from_db()
    return job


def test_exported_files_are_deleted_after_the_policys_days(
    client, salesperson, django_capture_on_commit_callbacks, monkeypatch
):
    """Exported files follow the working files' retention rule with their own days (export_file_days,
    7 by default): the file goes, the job and the export's audit event stay, its page says why."""
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from xindang.reports.sections import ReportsSection

    assert ReportsSection().export_file_days == 7
    old = _exported(salesperson, days_ago=8)
    young = _exported(salesperson, days_ago=6)
    running = _exported(salesperson, days_ago=9, status=ExportJob.Status.RUNNING)
    names = {j.pk: j.stored_name for j in (old, young, running)}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_working_files", verbosity=0)
    for job in (old, young, running):
        job.refresh_from_db()
    assert (old.stored_name, old.status) == ("", ExportJob.Status.DONE)
    assert young.stored_name and running.stored_name
    assert not default_storage.exists(names[old.pk]) and default_storage.exists(names[young.pk])
    event = AuditEvent.objects.get(action="core.working_files_pruned")
    assert event.data["pruned"]["reports.ExportJob"] == [str(old.pk)]
    client.force_login(salesperson)
    assert client.get(reverse("reports:export_download", args=[old.pk])).status_code == 404
    page = client.get(reverse("reports:export_job", args=[old.pk])).content.decode()
    assert 'data-testid="export-pruned"' in page and "export-download" not in page

    # the days are the policy's
    monkeypatch.setattr("xindang.reports.apps.export_file_days", lambda: 5)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_working_files", verbosity=0)
    young.refresh_from_db()
    assert young.stored_name == "" and not default_storage.exists(names[young.pk])
