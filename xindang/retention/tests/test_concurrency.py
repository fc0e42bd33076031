"""A destruction carried out by two people at once happens once: the disposal row is locked, the
second finds it destroyed (retention.wrong_state); the content is erased once, one audit event."""

import pytest

from xindang.approvals.services import approve_step
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.retention import services
from xindang.retention.errors import RetentionError
from xindang.retention.models import Decision, Disposal, DisposalStatus
from xindang.testing.concurrency import run_concurrently

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 4


def test_parallel_carry_out_destroys_once(
    archivist, archivist2, witness, gm, customer, file_document, blob_path
):
    doc = file_document(customer)
    path = blob_path(doc)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    approve_step(approval=disposal.approval, approver=gm)
    services.witness_disposal(by=archivist2, disposal=disposal)
    services.witness_disposal(by=witness, disposal=disposal)

    def work(i):
        from xindang.accounts.models import User

        user = User.objects.get(pk=archivist.pk)
        try:
            services.carry_out_disposal(by=user, disposal=Disposal.objects.get(pk=disposal.pk))
            return "done"
        except DomainError as exc:
            return exc.code

    results = run_concurrently(work, THREADS)
    assert sorted(results) == ["done"] + [RetentionError.WRONG_STATE.value] * (THREADS - 1)
    assert Disposal.objects.get(pk=disposal.pk).status == DisposalStatus.DESTROYED
    assert AuditEvent.objects.filter(action="retention.disposal_carried_out").count() == 1
    assert not path.exists()
