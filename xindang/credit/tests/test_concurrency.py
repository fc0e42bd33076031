"""Proposers at once: the customer row lock leaves exactly one proposal open (the others withdrawn);
it waits for the salesperson in charge (002 第十九条) before the approval chain."""

import pytest
from django.contrib.auth.models import Group

from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.core.errors import DomainError
from xindang.credit import services
from xindang.credit.models import Rating, RatingStatus
from xindang.testing.concurrency import run_concurrently

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 4


def test_parallel_proposals_leave_one_pending(customer, investigate):
    investigate(customer)
    group = Group.objects.get(name=Role.CREDIT_MANAGER)
    proposers = []
    for i in range(THREADS):
        user = User.objects.create_user(username=f"xy{i}", password="x", display_name=f"信用经理{i}")
        user.groups.add(group)
        proposers.append(user.pk)

    def work(i):
        try:
            services.propose_rating(customer_id=customer.pk, by=User.objects.get(pk=proposers[i]))
        except DomainError as exc:
            return exc.code
        return "won"

    # The proposals wait for the salesperson in charge (002 第十九条): each withdraws the one before.
    results = run_concurrently(work, threads=THREADS)
    assert results.count("won") == THREADS, results
    open_ones = Rating.objects.filter(customer=customer, status=RatingStatus.PROPOSED)
    assert open_ones.count() == 1
    assert Rating.objects.filter(customer=customer, status=RatingStatus.WITHDRAWN).count() == THREADS - 1
