"""The handover pages: the administrator picks the leaver, sees what they hold, names successors and
confirms; the parties sign the list; the list prints."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from xindang.accounts.models import User
from xindang.core import pdf
from xindang.customers.models import Customer
from xindang.handovers import rules
from xindang.handovers.models import Handover, Signature


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def customers(salesperson, make_customer):
    return [make_customer(salesperson, name=n) for n in ("华夏钢铁贸易有限公司", "长江机电设备有限公司")]


def test_form_shows_what_the_leaver_holds(client, sysadmin, salesperson, customers):
    response = _login(client, sysadmin).get(reverse("handovers:new"), {"leaver": salesperson.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "华夏钢铁贸易有限公司" in body and f'name="customer_{customers[0].pk}"' in body


def test_handover_by_form_then_sign_and_print(client, sysadmin, salesperson, successor, manager, customers):
    c = _login(client, sysadmin)
    response = c.post(
        reverse("handovers:new"),
        {
            "leaver": salesperson.pk,
            "reason": rules.DEPARTURE,
            "successor": successor.pk,
            "manager": manager.pk,
        },
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and response["Location"] == handover.get_absolute_url()
    assert Customer.objects.filter(owner=successor).count() == 2
    assert not User.objects.get(pk=salesperson.pk).is_active
    page = c.get(handover.get_absolute_url()).content.decode()
    assert "长江机电设备有限公司" in page and 'data-testid="sign-leaver"' in page
    c.post(reverse("handovers:sign", args=[handover.pk]), {"line": rules.LEAVER, "signer": salesperson.pk})
    assert Signature.objects.filter(line=rules.LEAVER, recorded_by=sysadmin).exists()
    response = c.get(reverse("handovers:pdf", args=[handover.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert pdf.undrawn_characters(response.content) == {}
    # the successor signs from the workbench link
    c.logout()
    _login(client, successor)
    assert client.get(handover.get_absolute_url()).status_code == 200
    client.post(reverse("handovers:sign", args=[handover.pk]), {"line": rules.SUCCESSOR})
    assert Signature.objects.filter(line=rules.SUCCESSOR, signer=successor).exists()


def test_refusal_shown_nothing_changed(client, sysadmin, salesperson, other_salesperson, manager, customers):
    response = _login(client, sysadmin).post(
        reverse("handovers:new"),
        {
            "leaver": salesperson.pk,
            "reason": rules.DEPARTURE,
            "successor": other_salesperson.pk,
            "manager": manager.pk,
        },
    )
    assert response.status_code == 400
    assert customers[0].name in response.content.decode()
    assert not Handover.objects.exists() and User.objects.get(pk=salesperson.pk).is_active


def test_salesperson_cannot_hand_over_or_see_others(client, salesperson, other_salesperson):
    c = _login(client, salesperson)
    assert c.get(reverse("handovers:new")).status_code == 403
    assert c.get(reverse("handovers:detail", args=[999])).status_code == 404
