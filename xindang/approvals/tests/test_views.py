"""The approvals screens: tabs, filters, export, the request page with its actions, comments,
attachments; who sees what (404 + audit for outsiders)."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.approvals import registry, selectors, services
from xindang.approvals.models import ApprovalAttachment, ApprovalStatus
from xindang.audit.models import AuditEvent
from xindang.testing.samples import set_policy

from .conftest import KIND

pytestmark = pytest.mark.django_db


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def detail_url(approval):
    return reverse("approvals:detail", args=[approval.pk])


# who may open a request: (persona, status code)
VISIBILITY = [
    ("salesperson", 200),  # the requester
    ("marketing_manager", 200),  # step 1's role
    ("vp_marketing", 200),  # step 2's role
    ("gm", 200),  # view-all
    ("chairman", 200),  # view-all
    ("credit_manager", 200),  # view-all (keeps the credit files)
    ("sysadmin", 200),  # view-all
    ("other_salesperson", 404),
    ("manager", 404),  # a department manager not in the chain
    ("cfo", 404),
    ("archivist", 404),
]


@pytest.mark.parametrize("persona, status", VISIBILITY)
def test_request_page_visibility(client, submit, request, persona, status):
    approval = submit()
    user = request.getfixturevalue(persona)
    response = page(client, user, detail_url(approval))
    assert response.status_code == status
    denied = AuditEvent.objects.filter(
        action="approval.access_denied", object_id=str(approval.pk), actor=user
    )
    assert denied.exists() is (status == 404)
    if status == 200:
        assert "华夏钢铁 长期授信 50万元" in response.content.decode()


def test_someone_who_acted_keeps_seeing_it_after_losing_the_role(client, submit, marketing_manager):
    approval = submit()
    services.approve_step(approval=approval, approver=marketing_manager)
    marketing_manager.groups.set([Group.objects.get(name=Role.SALESPERSON)])  # moved to sales
    fresh = type(marketing_manager).objects.get(pk=marketing_manager.pk)
    assert page(client, fresh, detail_url(approval)).status_code == 200


def test_tabs_list_what_waits_what_i_asked_and_what_i_decided(
    client, submit, salesperson, marketing_manager, make_customer
):
    first = submit()
    second = submit(
        obj=make_customer(salesperson, name="远东机械制造有限公司"), title="远东机械 临时授信", amount=200000
    )
    services.approve_step(approval=first, approver=marketing_manager)

    def titles(user, tab, **params):
        response = page(client, user, reverse("approvals:list"), tab=tab, **params)
        assert response.status_code == 200
        return [a.title for a in response.context["page"].object_list]

    assert titles(marketing_manager, "waiting") == ["远东机械 临时授信"]
    assert titles(marketing_manager, "decided") == ["华夏钢铁 长期授信 50万元"]
    assert sorted(titles(salesperson, "mine")) == sorted([first.title, second.title])
    assert titles(salesperson, "waiting") == []
    # "all" is only for view-all holders; others fall back to "waiting"
    assert titles(marketing_manager, "all") == ["远东机械 临时授信"]
    assert titles(salesperson, "mine", q="远东") == ["远东机械 临时授信"]
    assert (
        titles(salesperson, "mine", status="pending") and titles(salesperson, "mine", status="approved") == []
    )
    assert titles(salesperson, "mine", kind="test.thing", date_from="2000-01-01")
    assert titles(salesperson, "mine", sort="amount") == [second.title, first.title]
    assert titles(salesperson, "mine", sort="-amount") == [first.title, second.title]


def test_all_tab_for_view_all_holders(client, submit, gm):
    submit()
    response = page(client, gm, reverse("approvals:list"), tab="all")
    assert [a.pk for a in response.context["page"].object_list]
    assert "all" in dict(response.context["tabs"])


def test_export_is_audited_and_lists_the_tab(client, submit, salesperson):
    submit()
    response = page(client, salesperson, reverse("approvals:export"), tab="mine")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert (
        len(rows) == 2 and rows[1][2] == "华夏钢铁 长期授信 50万元" and rows[1][3] == "华夏钢铁贸易有限公司"
    )
    assert AuditEvent.objects.filter(action="approval.export", actor=salesperson).exists()


def decide(client, user, approval, decision, **data):
    client.force_login(user)
    return client.post(
        reverse("approvals:decide", args=[approval.pk]),
        {"decision": decision, "position": approval.current_position, **data},
    )


def test_approving_through_the_page(client, submit, recorder, marketing_manager, vp_marketing):
    approval = submit(warnings=["调整后的额度应低于原额度(第四十二条)"])
    response = page(client, marketing_manager, detail_url(approval))
    assert response.context["can_sign"] and 'data-testid="acknowledge"' in response.content.decode()
    decide(client, marketing_manager, approval, "approve")  # warnings not acknowledged
    approval.refresh_from_db()
    assert approval.current_position == 1
    decide(client, marketing_manager, approval, "approve", acknowledge_warnings="on", comment="同意")
    approval.refresh_from_db()
    assert approval.current_position == 2
    assert not page(client, marketing_manager, detail_url(approval)).context["can_sign"]
    decide(client, vp_marketing, approval, "approve", acknowledge_warnings="on")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and recorder.names() == ["approved"]


def test_a_stale_page_gets_already_decided(client, submit, marketing_manager, dept_xs1):
    approval = submit()
    other = make_user("yingxiao2", Role.MARKETING_MANAGER, department=dept_xs1)
    decide(client, marketing_manager, approval, "approve")
    client.force_login(other)  # posts position 1 from a page loaded before the signature
    response = client.post(
        reverse("approvals:decide", args=[approval.pk]), {"decision": "approve", "position": 1}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("already been decided" in m or "已" in m for m in messages), messages


def test_reject_and_return_need_a_reason(client, submit, marketing_manager):
    approval = submit()
    decide(client, marketing_manager, approval, "reject")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    decide(client, marketing_manager, approval, "return", comment="请补充担保合同")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.RETURNED


def test_outsider_cannot_decide(client, submit, other_salesperson):
    approval = submit()
    assert decide(client, other_salesperson, approval, "approve").status_code == 404


def test_requester_resubmits_and_withdraws_through_the_page(client, submit, salesperson, marketing_manager):
    approval = submit()
    services.return_for_changes(approval=approval, approver=marketing_manager, reason="补材料")
    response = page(client, salesperson, detail_url(approval))
    assert response.context["can_resubmit"] and response.context["can_withdraw"]
    client.post(reverse("approvals:resubmit", args=[approval.pk]), {"comment": "已补充"})
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING and approval.round == 2
    client.force_login(marketing_manager)  # not the requester
    client.post(reverse("approvals:withdraw", args=[approval.pk]), {"reason": "撤回"})
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    client.force_login(salesperson)
    client.post(reverse("approvals:withdraw", args=[approval.pk]), {"reason": "客户取消"})
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN


def test_comments_while_open(client, submit, vp_marketing, other_salesperson):
    approval = submit()
    client.force_login(vp_marketing)
    client.post(reverse("approvals:comment", args=[approval.pk]), {"body": "担保人是谁？"})
    assert approval.comments.get().body == "担保人是谁？"
    client.force_login(other_salesperson)
    assert client.post(reverse("approvals:comment", args=[approval.pk]), {"body": "x"}).status_code == 404


def test_attachments_upload_limit_and_checked_audited_download(
    client, submit, salesperson, marketing_manager, other_salesperson, sysadmin
):
    approval = submit()
    client.force_login(salesperson)
    client.post(
        reverse("approvals:attach", args=[approval.pk]),
        {"file": SimpleUploadedFile("担保函.pdf", b"%PDF-1.4 test", content_type="application/pdf")},
    )
    attachment = ApprovalAttachment.objects.get()
    assert attachment.name == "担保函.pdf" and attachment.size == 13
    url = reverse("approvals:download", args=[attachment.pk])
    response = page(client, marketing_manager, url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert AuditEvent.objects.filter(action="approval.attachment_download", actor=marketing_manager).exists()
    assert page(client, other_salesperson, url).status_code == 404
    assert AuditEvent.objects.filter(action="approval.access_denied", actor=other_salesperson).exists()
    assert page(client, marketing_manager, reverse("approvals:download", args=[999999])).status_code == 404
    # over the policy's upload limit, or a program: refused
    set_policy(sysadmin, "core", upload_limit_mb=1)
    client.force_login(salesperson)
    for upload in (
        SimpleUploadedFile("大文件.pdf", b"x" * (1024 * 1024 + 1), content_type="application/pdf"),
        SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream"),
    ):
        client.post(reverse("approvals:attach", args=[approval.pk]), {"file": upload})
    assert ApprovalAttachment.objects.count() == 1


def test_closed_requests_take_no_comments_or_files(submit, salesperson, marketing_manager, vp_marketing):
    approval = submit(chain=["marketing_manager"])
    services.approve_step(approval=approval, approver=marketing_manager)
    with pytest.raises(Exception) as exc:
        services.add_comment(approval=approval, by=salesperson, body="晚了")
    assert exc.value.code == "approval.closed"


def test_object_fragment_and_trail_fragment_render(client, submit, customer, marketing_manager):
    from django.template import Context, Template

    approval = submit()
    services.approve_step(approval=approval, approver=marketing_manager, comment="同意授信")
    html = Template("{% load approval_tags %}{% object_approvals obj %}{% approval_trail a %}").render(
        Context({"obj": customer, "a": approval})
    )
    assert detail_url(approval) in html and "同意授信" in html and "吴九" in html
    assert selectors.latest_for_object(customer) == approval


def test_workbench_lists_waiting_approvals_overdue_after_the_policy_days(
    client, submit, marketing_manager, sysadmin
):
    from datetime import timedelta

    from django.utils import timezone

    from xindang.approvals.models import ApprovalRequest

    approval = submit()
    items = selectors.workbench_items(marketing_manager)
    assert [i.url for i in items] == [detail_url(approval)]
    assert items[0].overdue is False and items[0].due == timezone.localdate() + timedelta(days=3)
    ApprovalRequest.objects.filter(pk=approval.pk).update(submitted_at=timezone.now() - timedelta(days=4))
    assert selectors.workbench_items(marketing_manager)[0].overdue is True
    set_policy(sysadmin, "approvals", pending_reminder_days=10)
    assert selectors.workbench_items(marketing_manager)[0].overdue is False
    assert selectors.workbench_items(sysadmin) == []


def test_the_approver_sees_the_domain_refusal_and_the_step_stays_open(
    client, submit, recorder, marketing_manager
):
    approval = submit(chain=["marketing_manager"])
    recorder.fail_on_approved = True
    response = decide(client, marketing_manager, approval, "approve")
    response = client.get(response.url)
    assert "领域规则拒绝" in response.content.decode()
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING and response.context["can_sign"]


def test_workbench_reminds_the_requester_of_a_returned_request(submit, salesperson, marketing_manager):
    approval = submit()
    assert selectors.workbench_items(salesperson) == []
    services.return_for_changes(approval=approval, approver=marketing_manager, reason="请补充担保合同")
    items = selectors.workbench_items(salesperson)
    assert [i.url for i in items] == [detail_url(approval)] and items[0].overdue is False
    assert selectors.workbench_items(marketing_manager) == []
    services.resubmit(approval=approval, by=salesperson)
    assert selectors.workbench_items(salesperson) == []


def _stored(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_an_attachment_whose_transaction_rolls_back_leaves_no_file(
    submit, salesperson, media_root, monkeypatch
):
    # given a pending request
    approval = submit()

    # when the attachment's audit record fails after the file was written, the whole write rolls back
    class AuditDown(Exception):
        pass

    def failing_record_event(*args, **kwargs):
        assert len(_stored(media_root)) == 1  # the file was written before the failure
        raise AuditDown

    monkeypatch.setattr("xindang.approvals.services.discussion.record_event", failing_record_event)
    with pytest.raises(AuditDown):
        services.add_attachment(
            approval=approval,
            by=salesperson,
            file=SimpleUploadedFile("担保函.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
    # then neither the row nor the file is left behind
    assert ApprovalAttachment.objects.count() == 0
    assert _stored(media_root) == []


def test_an_attachment_in_a_callers_rolled_back_transaction_leaves_no_file(submit, salesperson, media_root):
    from django.db import transaction

    approval = submit()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.add_attachment(
            approval=approval,
            by=salesperson,
            file=SimpleUploadedFile("担保函.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
        raise Abort
    assert ApprovalAttachment.objects.count() == 0 and _stored(media_root) == []
    # and one that commits keeps its file
    services.add_attachment(
        approval=approval,
        by=salesperson,
        file=SimpleUploadedFile("担保函.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert ApprovalAttachment.objects.count() == 1 and len(_stored(media_root)) == 1


def test_recorded_data_is_shown_as_the_kind_describes_it_never_as_raw_keys(
    client, submit, recorder, marketing_manager
):
    # given a request whose data holds internal keys and codes
    data = {"grant": 7, "kind": "long_term", "limit_amount": "80000.00"}
    approval = submit(data=data)
    # when the kind does not describe its data, the page shows none of it
    html = page(client, marketing_manager, detail_url(approval)).content.decode()
    assert "limit_amount" not in html and "long_term" not in html
    # and when it does, the approver reads labelled, formatted values
    registry.register(
        KIND,
        on_approved=recorder.approved,
        label="测试审批",
        describe=lambda d: [("申请额度", "¥80,000.00"), ("类型", "长期")],
    )
    html = page(client, marketing_manager, detail_url(approval)).content.decode()
    assert "申请额度" in html and "¥80,000.00" in html and "长期" in html
    assert "limit_amount" not in html and "long_term" not in html
