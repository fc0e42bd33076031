"""Fixtures of the API tests: a private MEDIA_ROOT per test (documents filed through the API or for
its tests land there, never in var/media)."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
