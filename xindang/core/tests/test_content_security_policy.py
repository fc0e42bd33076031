"""Content-Security-Policy without inline scripts: pages carry the policy, and no template holds an
inline script or an on* handler that the policy would block (static/js/app.js does that work)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("**/templates/**/*.html"))
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def test_templates_were_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p).split("xindang/", 1)[-1])
def test_no_template_has_an_inline_script_or_handler(path):
    text = path.read_text(encoding="utf-8")
    assert not HANDLER.search(text), HANDLER.search(text).group(0)
    assert not INLINE_SCRIPT.search(text), INLINE_SCRIPT.search(text).group(0)


def test_html_pages_carry_the_policy_and_scripts_come_from_our_files(client, salesperson):
    client.force_login(salesperson)
    response = client.get(reverse("customers:list"))
    policy = response["Content-Security-Policy"]
    scripts = policy.split("script-src", 1)[1].split(";")[0]
    assert scripts.strip() == "'self'"
    assert "js/app.js" in response.content.decode()


def test_the_login_page_too(client):
    assert "script-src 'self'" in client.get(reverse("accounts:login"))["Content-Security-Policy"]


def test_files_are_left_alone(client, salesperson):
    client.force_login(salesperson)
    response = client.get("/static/js/app.js")
    assert "Content-Security-Policy" not in response
