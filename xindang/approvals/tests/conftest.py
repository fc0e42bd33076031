"""Approval fixtures: a test-only kind whose callbacks record their calls, a customer file as the
object under approval, and submit() to open a request through the service."""

from decimal import Decimal

import pytest
from django.db import models

from xindang.approvals import registry, services
from xindang.core.errors import DomainError

KIND = "test.thing"


class SampleError(models.TextChoices):
    REFUSED = "test.refused", "领域规则拒绝：总额度超过应收账款余额"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments go to a private folder per test, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


class Recorder:
    def __init__(self):
        self.calls: list[tuple[str, int, str]] = []
        self.fail_on_approved = False

    def _record(self, name, approval):
        self.calls.append((name, approval.pk, approval.status))

    def approved(self, approval):
        self._record("approved", approval)
        if self.fail_on_approved:
            raise DomainError(SampleError.REFUSED)

    def rejected(self, approval):
        self._record("rejected", approval)

    def returned(self, approval):
        self._record("returned", approval)

    def withdrawn(self, approval):
        self._record("withdrawn", approval)

    def names(self):
        return [c[0] for c in self.calls]


@pytest.fixture
def recorder():
    rec = Recorder()
    registry.register(
        KIND,
        on_approved=rec.approved,
        on_rejected=rec.rejected,
        on_returned=rec.returned,
        on_withdrawn=rec.withdrawn,
        label="测试审批",
    )
    yield rec
    registry.unregister(KIND)


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def submit(recorder, customer, salesperson):
    def _submit(chain=("marketing_manager", "vp_marketing"), by=None, obj=None, **kwargs):
        return services.submit_request(
            kind=kwargs.pop("kind", KIND),
            obj=obj or customer,
            chain=list(chain),
            requested_by=by or salesperson,
            title=kwargs.pop("title", "华夏钢铁 长期授信 50万元"),
            summary=kwargs.pop("summary", "年回款稳定，申请长期授信"),
            amount=kwargs.pop("amount", Decimal("500000.00")),
            **kwargs,
        )

    return _submit
