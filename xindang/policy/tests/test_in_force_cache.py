"""Pages read the policy in force from the shared cache (selectors.current_policy): a version put in
force is seen by the very next request, in every process; outside a request the policy is read
afresh."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xindang.core.request_cache import RequestCacheMiddleware
from xindang.policy import services
from xindang.policy.selectors import current_policy
from xindang.testing.samples import set_policy

pytestmark = pytest.mark.django_db


def in_a_request(fn):
    """fn() as a view would call it: inside the request cache's store."""
    return RequestCacheMiddleware(lambda request: fn())(None)


def test_a_request_reads_the_policy_from_the_cache(sysadmin, django_assert_num_queries):
    first = in_a_request(current_policy)
    with django_assert_num_queries(0):
        again = in_a_request(current_policy)
    assert again.version == first.version and again.core == first.core


def test_a_version_put_in_force_is_seen_by_the_next_request(sysadmin):
    before = in_a_request(current_policy)
    set_policy(sysadmin, "core", session_timeout_minutes=10)
    after = in_a_request(current_policy)
    assert after.version == before.version + 1
    assert after.core.session_timeout_minutes == 10


def test_the_idle_timeout_follows_the_new_version_at_once(client, salesperson, sysadmin, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(salesperson)
    assert client.get("/customers/").status_code == 200  # the policy in force (30 minutes) is cached
    set_policy(sysadmin, "core", session_timeout_minutes=10)
    time_machine.shift(timedelta(minutes=15))
    response = client.get("/customers/")
    assert response.status_code == 302 and "timeout=1" in response.url


def test_outside_a_request_the_policy_is_read_afresh(sysadmin, django_assert_num_queries):
    current_policy()
    with django_assert_num_queries(1):
        current_policy()


def test_the_commit_of_a_new_version_moves_the_cache_again(
    sysadmin, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A request between put_in_force and its commit may have cached the old version under the new
    generation: the commit moves the generation once more."""
    draft = services.create_draft(by=sysadmin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.put_in_force(draft_id=draft.pk, by=sysadmin, skip_checks_reason="单元测试")
    in_a_request(current_policy)  # cached under the generation the change moved to
    for callback in callbacks:
        callback()
    with django_assert_num_queries(1):
        in_a_request(current_policy)
