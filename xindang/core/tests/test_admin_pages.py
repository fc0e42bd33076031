"""Every admin page the system administrator can reach opens, in Chinese and in English: each change
list (with and without a search), each add form and the change form of an existing row."""

import pytest
from django.contrib import admin
from django.urls import reverse

from xindang.accounts.models import User

from .demo_site import demo_site, login_as  # noqa: F401  (the fixture)

LANGUAGES = ["zh-hans", "en"]


def _admin_models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", ["admin", "root"])
def test_every_admin_page_opens_for_the_administrator(client, demo_site, language, username):  # noqa: F811
    # given the demo's system administrator (and a superuser, who sees every registered model),
    # reading in one language
    if username == "root":
        User.objects.create_superuser("root", password="x", display_name="root")
    user = login_as(client, username, language)
    opened = []
    for model, model_admin in _admin_models():
        meta = model._meta
        request = type("R", (), {"user": user})()
        if not model_admin.has_view_or_change_permission(request):
            continue
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        # when the change list opens, also with a search and a search in the other script
        for query in ("", "?q=a", "?q=华"):
            response = client.get(changelist + query)
            # then it answers 200
            assert response.status_code == 200, (changelist + query, response.status_code)
        if model_admin.has_add_permission(request):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert client.get(add).status_code == 200, add
        first = model_admin.get_queryset(type("R", (), {"user": user, "GET": {}})()).first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change
        opened.append(meta.label)
    # and the user list is among the pages opened (the superuser opens every registered model)
    assert {"accounts.User", "accounts.Department", "auth.Group"} <= set(opened)
    if username == "root":
        assert len(opened) == len(admin.site._registry)
