"""`manage.py check --deploy` with the README's production settings ("Production basics": a secret
key, allowed hosts, the audit key, HTTPS from the environment) reports no issues; without the HTTPS
variables it warns, so the settings are what makes it clean. Django runs in a fresh interpreter."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "XINDANG_SECRET_KEY": secrets.token_urlsafe(64),
    "XINDANG_ALLOWED_HOSTS": "credit.example.com",
    "XINDANG_AUDIT_KEY": secrets.token_urlsafe(40),
    "XINDANG_FIELD_KEYS": "hGgd0yqvWmpGyGrQ0iGVmSuQkh3s2vc1vbdaqzPS1Bc=",
    "XINDANG_SECURE_COOKIES": "1",
    "XINDANG_SSL_REDIRECT": "1",
    "XINDANG_HSTS_SECONDS": "31536000",
    "XINDANG_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
}
HTTPS = ("XINDANG_SECURE_COOKIES", "XINDANG_SSL_REDIRECT", "XINDANG_HSTS_SECONDS")


def _check_deploy(tmp_path, env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XINDANG_")
        # the browser tests' live server sets DJANGO_ALLOW_ASYNC_UNSAFE in this process while they run
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update(
        PYTHONPATH=str(ROOT),
        XINDANG_ENV_FILE="",  # no local .env: production
        XINDANG_VAR_DIR=str(tmp_path / "var"),
        **env,
    )
    return subprocess.run(  # the interpreter running the tests, with an argument list: no shell
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=base,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize(
    "env, warnings",
    [
        (PRODUCTION, []),
        # without the HTTPS settings Django warns (the test is not clean by accident)
        (
            {k: v for k, v in PRODUCTION.items() if k not in HTTPS},
            ["security.W004", "security.W008", "security.W012", "security.W016"],
        ),
        # without its own audit key the audit app warns that the key is derived
        ({k: v for k, v in PRODUCTION.items() if k != "XINDANG_AUDIT_KEY"}, ["audit."]),
    ],
    ids=["production", "no-https", "no-audit-key"],
)
def test_check_deploy_is_clean_with_the_production_settings(tmp_path, env, warnings):
    done = _check_deploy(tmp_path, env)
    output = done.stdout + done.stderr
    if not warnings:
        assert done.returncode == 0, output
        assert "no issues" in output, output
    else:
        assert done.returncode != 0, output
        for code in warnings:
            assert code in output, output


def test_the_proxy_ssl_header_takes_a_name_or_name_and_value(tmp_path):
    code = "from django.conf import settings; print(repr(settings.SECURE_PROXY_SSL_HEADER))"
    seen = []
    for value in ("", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_SSL=on"):
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("XINDANG_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        base.update(
            PYTHONPATH=str(ROOT),
            DJANGO_SETTINGS_MODULE="xindang.settings",
            XINDANG_ENV_FILE="",
            XINDANG_VAR_DIR=str(tmp_path / "var"),
            XINDANG_SECRET_KEY="k" * 60,
            XINDANG_FIELD_KEYS="hGgd0yqvWmpGyGrQ0iGVmSuQkh3s2vc1vbdaqzPS1Bc=",
            XINDANG_PROXY_SSL_HEADER=value,
        )
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env=base,
            cwd=str(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
        seen.append(done.stdout.strip() or done.stderr)
    assert seen == ["None", "('HTTP_X_FORWARDED_PROTO', 'https')", "('HTTP_X_FORWARDED_SSL', 'on')"]
