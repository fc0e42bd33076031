"""Settings read a local development `.env` (written by `make install`), so the README's commands
work outside make; production without a .env and without XINDANG_DEV refuses to start without its
own secret key. Each case imports the settings in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRINT_KEY = "from django.conf import settings; print('KEY=' + settings.SECRET_KEY)"


def _settings(tmp_path, env_file: str | None, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XINDANG_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    base.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="xindang.settings",
        XINDANG_VAR_DIR=str(tmp_path / "var"),
    )
    if env_file is not None:
        base["XINDANG_ENV_FILE"] = env_file
    base.update(env)
    return subprocess.run(  # the interpreter running the tests, with an argument list: no shell
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_KEY}"],
        env=base,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env_file_text, env, expected",
    [
        # production: no .env, no XINDANG_DEV, no key → refuses to start
        (None, {}, "refuses"),
        # production with its own key in the environment
        (
            None,
            {
                "XINDANG_SECRET_KEY": "prod-secret-from-environment",
                "XINDANG_FIELD_KEYS": "hGgd0yqvWmpGyGrQ0iGVmSuQkh3s2vc1vbdaqzPS1Bc=",
            },
            "prod-secret-from-environment",
        ),
        # the .env written by make install: development, random key
        ("XINDANG_DEV=1\nXINDANG_SECRET_KEY=dev-secret-from-dotenv\n", {}, "dev-secret-from-dotenv"),
        # the real environment wins over the .env
        (
            "XINDANG_DEV=1\nXINDANG_SECRET_KEY=dev-secret-from-dotenv\n",
            {"XINDANG_SECRET_KEY": "prod-secret-from-environment"},
            "prod-secret-from-environment",
        ),
        # a .env without a key does not make a production server start
        ("XINDANG_ALLOWED_HOSTS=example.com\n", {}, "refuses"),
    ],
)
def test_settings_read_a_local_env_file_and_production_needs_its_key(tmp_path, env_file_text, env, expected):
    # given an .env file (or none) and an environment
    env_file = tmp_path / ".env"
    if env_file_text is not None:
        env_file.write_text(env_file_text)
    # when the settings are loaded in a fresh interpreter
    result = _settings(tmp_path, str(env_file), **env)
    # then the key comes from where it should, or the start is refused with a clear reason
    if expected == "refuses":
        assert result.returncode != 0
        assert "XINDANG_SECRET_KEY is required" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert f"KEY={expected}" in result.stdout


def test_settings_read_the_env_file_beside_manage_py_by_default(tmp_path):
    # given no XINDANG_ENV_FILE: the default is the .env in the project folder (absent in a clone)
    result = _settings(tmp_path, None)
    # then without it, and without XINDANG_DEV, the settings refuse to load
    if (ROOT / ".env").exists():
        pytest.skip("this checkout has a local .env (make install wrote it)")
    assert result.returncode != 0
    assert "XINDANG_SECRET_KEY is required" in result.stderr
