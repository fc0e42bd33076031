"""GET /api/privacy/requests: the requests on the files the user sees, read only."""

from xindang.privacy import services


def _request(by, customer, contact, kind="access"):
    return services.receive_request(
        by=by,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        kind=kind,
        received_on="2026-03-01",
    )


def test_the_api_lists_and_reads_requests(client, credit_manager, customer, contact):
    dsr = _request(credit_manager, customer, contact)
    client.force_login(credit_manager)
    page = client.get("/api/privacy/requests?state=received").json()
    assert page["count"] == 1 and page["results"][0]["id"] == dsr.pk
    one = client.get(f"/api/privacy/requests/{dsr.pk}").json()
    assert one["kind"] == "access" and one["state"] == "received" and one["due_on"] == "2026-03-16"
    assert "张三" not in str(one)  # the person by kind and record, not by data
    assert client.get("/api/privacy/requests?state=done").json()["count"] == 0


def test_the_api_hides_other_files_and_needs_the_permission(
    client, credit_manager, other_salesperson, make_customer, customer, contact, dept_xs2
):
    dsr = _request(credit_manager, customer, contact)
    client.force_login(other_salesperson)
    assert client.get("/api/privacy/requests").status_code == 403
    from xindang.accounts.models import User

    manager2 = User.objects.create_user("jingli2", department=dept_xs2)
    from django.contrib.auth.models import Group

    manager2.groups.add(Group.objects.get(name="department_manager"))
    client.force_login(manager2)
    assert client.get("/api/privacy/requests").json()["count"] == 0
    assert client.get(f"/api/privacy/requests/{dsr.pk}").status_code == 404
