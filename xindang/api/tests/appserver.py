"""Gunicorn app servers of the tests' own, on loopback, for the tests that need real processes (several
app servers, a worker killed mid-batch, a database restarted under load)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlparse, urlunparse

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """The test database (pytest-django's test_<name>) as a URL for the server processes."""
    url = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(url._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False  # a helper, not a test


def server_env(tmp_path: Path, database_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "XINDANG_DEV": "1",
        "XINDANG_VAR_DIR": str(tmp_path / "var"),
        "XINDANG_MEDIA_ROOT": str(tmp_path / "media"),
        **extra,
    }


@dataclass
class AppServer:
    base: str
    proc: subprocess.Popen
    log_path: Path
    log: IO[bytes]

    def wait_until_up(self, timeout: float = 120) -> None:
        """Until the login page answers; fails the test with the server's log if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(self.base + "/accounts/login/", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail("the app server did not start: " + self.log_path.read_text())
            time.sleep(0.3)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        # no worker outlives the test with a database connection of its own
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def start_gunicorn(env: dict, log_path: Path, *options: str) -> AppServer:
    """gunicorn xindang.wsgi on a free loopback port, master and workers in a process group of their
    own (stop() kills the group)."""
    port = free_port()
    log = open(log_path, "wb")  # noqa: SIM115 — closed by stop()
    proc = subprocess.Popen(  # our own server, loopback only
        [sys.executable, "-m", "gunicorn", "xindang.wsgi", "-b", f"127.0.0.1:{port}", *options],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return AppServer(f"http://127.0.0.1:{port}", proc, log_path, log)
