"""Steps the browser journeys share: logging in as someone, walking a request through its approval
chain as each approver in turn, and a checked screenshot of a page."""

import re

import pytest

from conftest import PASSWORD
from e2e.conftest import SCREENSHOTS
from xindang.approvals.models import ApprovalRequest

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect


def log_in(page, username):
    # Leave the page first: an htmx request still in flight (the to-do badge) could set the old
    # session cookie again after it was cleared.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    if not page.locator("#id_username").count():  # still signed in: log out through the form
        page.locator("form[action*=logout] button").click()
        page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("nav.side")).to_be_visible()


def approve_through_chain(page, approval_id, people, *, acknowledge=False):
    """Each current approver logs in, opens the request and approves; returns the roles in order."""
    roles = []
    while True:
        approval = ApprovalRequest.objects.get(pk=approval_id)
        if approval.status != "pending":
            return roles
        step = approval.current_step()
        roles.append(step.role)
        log_in(page, people[step.role].username)
        page.goto(f"/approvals/{approval_id}/")
        expect(page.locator("[data-testid=current-role]")).to_be_visible()
        page.fill("[data-testid=comment]", "同意")
        if acknowledge and page.locator("[data-testid=acknowledge]").count():
            page.check("[data-testid=acknowledge]")
        page.click("[data-testid=approve]")
        expect(page.locator("[data-testid=status]")).to_be_visible()
        assert len(roles) < 8, "the chain does not end"


# Latin words that may stand on a Chinese page: names of things, not untranslated UI text.
ALLOWED_LATIN = {"Excel", "XinDang", "PDF", "English"}  # "English": the language switch's own name
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z]{3,}(?![A-Za-z0-9_-])")


def snapshot(page, name: str, errors: list, *, allowed=()) -> None:
    """Save the page as var/e2e/<name>.png and check it: no server error so far, no English words in
    the Chinese page's text (data like file numbers and credit codes carry no such words)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} is empty"
    assert not errors, f"server errors before {name}: {errors}"
    text = page.locator("body").inner_text()
    assert "Server Error" not in text and "Traceback" not in text
    english = sorted(set(LATIN_WORD.findall(text)) - ALLOWED_LATIN - set(allowed))
    assert not english, f"untranslated English on {name}: {english}"
