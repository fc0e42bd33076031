import pytest
from django.db import connection


@pytest.fixture
def audit_tampering(db):
    """Act as someone who bypasses the append-only triggers (a DBA with maintenance rights): tests of
    tamper *detection* change rows behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('xindang.audit_maintenance', 'on', true)")
        elif connection.vendor == "mysql":
            cursor.execute("SET @xindang_audit_maintenance = 1")
    yield
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SET @xindang_audit_maintenance = NULL")
