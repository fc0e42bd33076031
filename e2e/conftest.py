"""Browser tests: Playwright (Python) driving Debian's Chromium, headless, against pytest-django's
live server. Never downloads a browser.

- Chromium missing (/usr/bin/chromium, or XINDANG_CHROMIUM) → the browser tests are skipped and the
  summary says so plainly; a user's fresh machine may not have it.
- XINDANG_REQUIRE_BROWSER=1 (CI) → a skipped browser test fails the run.
- A failing test leaves a screenshot in var/e2e/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("XINDANG_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_MESSAGE = "browser tests skipped: Debian chromium not installed (apt-get install chromium)"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000  # per action; generous because CI shares two cores with three database servers
SCREENSHOTS = Path(settings.VAR_DIR) / "e2e"

_skipped: list[str] = []


def browser_required() -> bool:
    return os.environ.get("XINDANG_REQUIRE_BROWSER", "") in {"1", "true", "yes"}


def chromium_missing_reason() -> str | None:
    path = shutil.which(CHROMIUM) if os.sep not in CHROMIUM else CHROMIUM
    if not path or not os.access(path, os.X_OK):
        return (
            SKIP_MESSAGE
            if CHROMIUM == "/usr/bin/chromium"
            else f"{SKIP_MESSAGE} [XINDANG_CHROMIUM={CHROMIUM}]"
        )
    return None


def pytest_collection_modifyitems(config, items):
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped.append(report.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_sessionfinish(session, exitstatus):
    if (
        _skipped
        and browser_required()
        and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _skipped:
        return
    reason = chromium_missing_reason() or "see the skip reasons above"
    if browser_required():
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} browser test(s) skipped but XINDANG_REQUIRE_BROWSER=1 — {reason}",
            red=True,
            bold=True,
        )
    else:
        terminalreporter.write_line(f"{reason} ({len(_skipped)} test(s))", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests skipped: playwright not installed"
    )
    from django.db import connections

    # Django keeps connections in context variables, and Playwright's sync API runs the rest of the
    # session in another context: the connection objects seen from here on lack the snapshot that
    # serialized_rollback restores after an earlier transactional test flushed the database (roles,
    # categories… would be gone). Hand the snapshot over.
    snapshots = {c.alias: getattr(c, "_test_serialized_contents", None) for c in connections.all()}
    # Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls from
    # test code and fixtures (SynchronousOnlyOperation). The test thread never awaits anything itself.
    # Set from here to the end of the session only (browser tests run last: they are transactional).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as pw:
            for alias, snapshot in snapshots.items():
                if snapshot is not None:
                    connections[alias]._test_serialized_contents = snapshot
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context per test (own cookies), fixed viewport, pointed at the live server."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        path = SCREENSHOTS / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"\nscreenshot of the failure: {path}")
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"\nno screenshot of the failure: {exc}")
    context.close()


@pytest.fixture
def approvers(marketing_manager, finance_controller, gm, vp_marketing, cfo, credit_manager):
    """Role code → the person who signs that step, for every role an approval chain of the
    policy may name (approve_through_chain in e2e/journey.py walks them)."""
    from conftest import make_user
    from xindang.accounts.roles import Role

    return {
        Role.MARKETING_MANAGER.value: marketing_manager,
        Role.FINANCE_CREDIT_CONTROLLER.value: finance_controller,
        Role.GENERAL_MANAGER.value: gm,
        Role.VP_MARKETING.value: vp_marketing,
        Role.CFO.value: cfo,
        Role.CHAIRMAN.value: make_user("dongshizhang_e2e", Role.CHAIRMAN),
        Role.CREDIT_MANAGER.value: credit_manager,
    }
