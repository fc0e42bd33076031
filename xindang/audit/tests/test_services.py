import pytest
from django.test import RequestFactory

from xindang.audit.models import AuditEvent
from xindang.audit.selectors import verify_chain
from xindang.audit.services import client_ip, record_event


@pytest.mark.parametrize(
    ("meta", "header", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.8"}, "", "10.0.0.8"),
        ({"REMOTE_ADDR": "2001:DB8:0:0::1"}, "", "2001:db8::1"),
        ({"REMOTE_ADDR": ""}, "", None),
        (
            {"REMOTE_ADDR": "10.0.0.8", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.1"},
            "HTTP_X_FORWARDED_FOR",
            "203.0.113.9",
        ),
        ({"REMOTE_ADDR": "10.0.0.8", "HTTP_X_FORWARDED_FOR": "<script>"}, "HTTP_X_FORWARDED_FOR", None),
        (
            {"REMOTE_ADDR": "10.0.0.8", "HTTP_X_FORWARDED_FOR": "fe80::1%eth0"},
            "HTTP_X_FORWARDED_FOR",
            "fe80::1",
        ),
    ],
)
def test_client_ip_is_canonical_or_none(settings, meta, header, expected):
    settings.XINDANG_CLIENT_IP_HEADER = header
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@pytest.mark.django_db
def test_a_forged_forwarded_header_is_recorded_without_an_address(settings):
    settings.XINDANG_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-address")
    event = record_event("auth.login_failed", request=request, object_id="zhangsan")
    assert AuditEvent.objects.get(pk=event.pk).ip is None
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_over_long_failed_login_name_is_cut_to_the_column_and_still_verifies():
    name = "用" * 150
    event = record_event("auth.login_failed", object_type="accounts.user", object_id=name, object_repr=name)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.object_id == name[:64]
    assert stored.object_repr == name
    assert verify_chain().ok
