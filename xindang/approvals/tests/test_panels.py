"""A kind's panel: the domain app renders what the approver needs about the object into the approval
page (approvals knows no domain app); a kind without a panel shows none."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from xindang.approvals import registry

from .conftest import KIND


@pytest.fixture
def panel():
    seen = []

    def render(approval, request):
        seen.append((approval.pk, request.user.pk))
        return format_html('<section data-testid="domain-panel">{}</section>', approval.customer_name)

    registry.register_panel(KIND, render)
    yield seen
    registry.PANELS.pop(KIND, None)


@pytest.mark.django_db
def test_the_kinds_panel_is_shown_on_the_approval_page(client, submit, panel, marketing_manager):
    approval = submit()
    client.force_login(marketing_manager)
    html = client.get(reverse("approvals:detail", args=[approval.pk])).content.decode()
    assert '<section data-testid="domain-panel">华夏钢铁贸易有限公司</section>' in html
    assert panel == [(approval.pk, marketing_manager.pk)]


@pytest.mark.django_db
def test_a_kind_without_a_panel_shows_none(client, submit, marketing_manager):
    approval = submit()
    client.force_login(marketing_manager)
    html = client.get(reverse("approvals:detail", args=[approval.pk])).content.decode()
    assert 'data-testid="approval-panel"' not in html


@pytest.mark.django_db
def test_an_invisible_approval_renders_no_panel(client, submit, panel, other_salesperson):
    approval = submit()
    client.force_login(other_salesperson)
    assert client.get(reverse("approvals:detail", args=[approval.pk])).status_code == 404
    assert panel == []
