"""Selectors only read (ARCHITECTURE.md): an access decision that also writes an audit event lives in
the app's permissions.py (`get_<thing>_for_user`), a write in its services. This test reads every
selectors module under xindang/ (a `selectors.py`, or any module of a `selectors/` package) and fails
on an import of the audit writer (`xindang.audit.services`), a call of `record_event`/`record_events`,
or a call of a permissions module's access helper (`get_*_for_user`, which audits a refused attempt)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # xindang/

AUDIT_WRITERS = {"record_event", "record_events"}

# Selectors modules allowed to write for a while (each entry says why); none today.
ALLOWED: set[str] = set()


def selector_modules() -> list[Path]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        if path.name == "selectors.py" or "selectors" in parts[:-1]:
            out.append(path)
    return out


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def writes_in(source: str, filename: str = "<string>") -> list[str]:
    tree = ast.parse(source, filename)
    helpers: set[str] = set()  # access helpers imported from a permissions module
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if module.endswith("audit.services") or (module.endswith("audit") and "services" in names):
                out.append(f"{filename}:{node.lineno}: imports the audit writer")
            if module.split(".")[-1] == "permissions":
                helpers |= {
                    alias.asname or alias.name
                    for alias in node.names
                    if alias.name.startswith("get_") and alias.name.endswith("_for_user")
                }
        elif isinstance(node, ast.Import) and any(a.name.endswith("audit.services") for a in node.names):
            out.append(f"{filename}:{node.lineno}: imports the audit writer")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in AUDIT_WRITERS:
                out.append(f"{filename}:{node.lineno}: calls {name}()")
            elif name in helpers and isinstance(node.func, ast.Name):
                out.append(f"{filename}:{node.lineno}: calls the access helper {name}() (it audits)")
    return out


def test_selectors_write_no_audit_event():
    found = []
    for path in selector_modules():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        found += writes_in(path.read_text(encoding="utf-8"), f"xindang/{rel}")
    assert not found, (
        "selectors only read: move the access decision and its audit event to the app's permissions.py "
        "(a write to its services):\n" + "\n".join(found)
    )


def test_the_check_sees_each_kind_of_write_and_accepts_a_read():
    imports_writer = "from xindang.audit.services import record_event\n"
    imports_module = "from xindang.audit import services\n"
    calls_writer = "def f():\n    audit.record_events([])\n"
    calls_helper = (
        "from .permissions import get_thing_for_user\ndef f(u):\n    return get_thing_for_user(u, 1)\n"
    )
    reads = (
        "from .permissions import ThingPermission\nfrom xindang.audit.models import AuditEvent\n"
        "def f(u):\n    return u.has_perm(ThingPermission.VIEW) and AuditEvent.objects.count()\n"
    )
    for source in (imports_writer, imports_module, calls_writer, calls_helper):
        assert writes_in(source), source
    assert not writes_in(reads)


def test_the_scan_reaches_the_selectors_packages():
    modules = {p.relative_to(ROOT).as_posix() for p in selector_modules()}
    assert "customers/selectors/__init__.py" in modules and "customers/selectors/sections.py" in modules
    assert any(m.startswith("reports/selectors/") for m in modules)
    assert modules >= ALLOWED  # an entry for a module that is gone is dead: remove it
