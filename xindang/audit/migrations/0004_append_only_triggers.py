"""Audit events are append-only in the database too: on PostgreSQL and MariaDB/MySQL a trigger refuses
UPDATE and DELETE of audit rows, whatever the application or a careless script sends.

A maintenance escape exists for what must clear whole tables (test databases being flushed, a
restore): on PostgreSQL `SET LOCAL xindang.audit_maintenance = 'on'` (TRUNCATE fires no row trigger),
on MariaDB/MySQL a session with FOREIGN_KEY_CHECKS = 0 (as Django's flush) or
`@xindang_audit_maintenance = 1`. Whoever can do that can also drop the trigger: the keyed hash chain
and its anchors outside the database are what detect such a change (verify_audit --anchors).
SQLite has no session setting to tell a flush from a tamper, so there the chain alone guards.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('xindang.audit_maintenance', true), '') = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
MY_FORWARD = [
    """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent FOR EACH ROW
BEGIN
    IF @@foreign_key_checks = 1 AND coalesce(@xindang_audit_maintenance, 0) <> 1 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only (UPDATE refused)';
    END IF;
END
""",
    """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent FOR EACH ROW
BEGIN
    IF @@foreign_key_checks = 1 AND coalesce(@xindang_audit_maintenance, 0) <> 1 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only (DELETE refused)';
    END IF;
END
""",
]
MY_BACKWARD = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "mysql":
        for statement in MY_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "mysql":
        for statement in MY_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_key_id")]

    operations = [migrations.RunPython(forward, backward, atomic=False, elidable=False)]
