"""A client generated from the OpenAPI document runs the README's integration example: the schema is
dumped as /api/openapi.json serves it, openapi-python-client (the dev extras) generates a client into
a temporary directory (locally, no network), an app server of the test's own serves the test database,
and the README's Python example — an API key's credit check, then the shipment posted — runs through
the client unchanged but for the customer's id."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from xindang.accounts.services import create_api_key
from xindang.api.api import api
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.ledger.models import TradeEntry

from .appserver import ROOT, server_env, start_gunicorn, test_database_url

pytestmark = [pytest.mark.apiclient, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def readme_example() -> str:
    """The README's Python block that uses the generated client."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    (example,) = [b for b in blocks if "AuthenticatedClient" in b]
    return example


def generate_client(tmp_path: Path) -> Path:
    spec = tmp_path / "xindang-api.json"
    spec.write_text(json.dumps(api.get_openapi_schema(path_prefix="/api"), cls=DjangoJSONEncoder))
    config = tmp_path / "generator.json"
    config.write_text(json.dumps({"post_hooks": []}))  # no formatter run over the generated code
    out = tmp_path / "client"
    out.mkdir()
    done = subprocess.run(  # the installed generator on a local file
        [str(GENERATOR), "generate", "--path", str(spec), "--config", str(config), "--meta", "none"]
        + ["--output-path", str(out / "xindang_client"), "--fail-on-warning"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def server_database_url() -> str:
    if connection.vendor == "sqlite":  # the test database is a file (settings: TEST NAME)
        return "sqlite:///" + str(connection.settings_dict["NAME"])
    return test_database_url()


def test_the_readme_example_runs_through_the_generated_client(tmp_path, make_customer, salesperson, sysadmin):
    client_dir = generate_client(tmp_path)
    customer = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    on = timezone.localdate()
    CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal(100_000),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on - timedelta(days=30),
        valid_until=on + timedelta(days=300),
    )
    _key, raw = create_api_key(name="ERP", scopes=["credit:check", "ledger:write"], by=sysadmin)
    example = readme_example().replace("CUSTOMER = 12", f"CUSTOMER = {customer.pk}")
    assert f"CUSTOMER = {customer.pk}" in example
    (tmp_path / "example.py").write_text(example, encoding="utf-8")

    server = start_gunicorn(server_env(tmp_path, server_database_url()), tmp_path / "gunicorn.log", "-w", "1")
    try:
        server.wait_until_up()
        env = {
            **os.environ,
            "XINDANG_URL": server.base,
            "XINDANG_API_KEY": raw,
            "PYTHONPATH": str(client_dir),
        }
        for _ in range(2):  # the second run posts the same shipment again: counted once
            run = subprocess.run(
                [sys.executable, str(tmp_path / "example.py")],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            assert run.returncode == 0, run.stdout + run.stderr + server.log_path.read_text()
            assert "credit check: allow" in run.stdout, run.stdout
    finally:
        server.stop()
    assert "posted entry" in run.stdout and "already there" in run.stdout, run.stdout
    entry = TradeEntry.objects.get(source_system="erp", external_id="SO-2026-0815")
    assert (entry.customer_id, entry.kind, entry.amount) == (customer.pk, "shipment", Decimal("25000.00"))
