"""A small demo site (manage.py demo) loaded once per test module and rolled back afterwards, for
tests that walk many pages as the demo's roles."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

DEMO_PASSWORD = "demo12345"


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", customers=10, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def login_as(client, username: str, language: str):
    from xindang.accounts.models import User

    user = User.objects.get(username=username)
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    return user
