"""The administrator's first hour in a real browser: the user list (系统设置 → 用户), also with a
search, a user's change form and the other admin lists answer in the app's language, never a server
error (the user list once answered 500 in both languages). Each screen is saved under var/e2e/ and
checked: no server error, no English left on the Chinese page."""

import pytest

from .journey import expect, log_in, snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# "API" stands in the name of the API keys' list (API 密钥); the multiple-choice help names the keys
# ("按住 Control 键或 Mac 上的 Command 键"); user names are data.
ADMIN_WORDS = {"API", "Control", "Command", "Mac"}


def test_the_administrator_opens_the_user_list_and_a_users_form(page, sysadmin, salesperson, manager):
    names = {sysadmin.username, salesperson.username, manager.username}
    errors: list = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    log_in(page, sysadmin.username)

    response = page.goto("/admin/accounts/user/")
    assert response.status == 200
    expect(page.locator("#result_list")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text(salesperson.username)
    snapshot(page, "admin-users", errors, allowed=ADMIN_WORDS | names)

    page.fill("#searchbar", salesperson.username)
    page.locator("#changelist-search input[type=submit]").click()
    assert "q=" in page.url
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    snapshot(page, "admin-users-search", errors, allowed=ADMIN_WORDS | names)

    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator("#user_form, form#user_form, form[method=post]").first).to_be_visible()
    snapshot(page, "admin-user-form", errors, allowed=ADMIN_WORDS | names)
