"""Imports sit at the top of the module in the older apps: an import inside a function says why in a
comment on its line or the line above (an import cycle that remains, a name the module uses otherwise).
Django's AppConfig.ready() is exempt: it runs once the app registry is loaded, which is what its
imports wait for."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # xindang/
APPS = [
    "accounts",
    "api",
    "approvals",
    "audit",
    "contracts",
    "credit",
    "customers",
    "documents",
    "ledger",
    "policy",
]


def unexplained_imports(source: str, filename: str = "<string>") -> list[str]:
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    out = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) or fn.name == "ready":
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Import | ast.ImportFrom):
                here = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                if "#" not in here and not above.startswith("#"):
                    out.append(f"{filename}:{node.lineno}: {lines[node.lineno - 1].strip()} (in {fn.name})")
    return out


def test_imports_inside_functions_say_why():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            found += unexplained_imports(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT.parent)))
    assert not found, "move these imports to the top of the module, or say why in a comment:\n" + "\n".join(
        found
    )


def test_the_check_sees_a_bare_import_and_accepts_a_commented_one():
    bare = "def f():\n    from x import y\n    return y\n"
    commented = "def f():\n    # x imports this module\n    from x import y\n    return y\n"
    ready = "class C:\n    def ready(self):\n        from x import y\n"
    assert unexplained_imports(bare) and not unexplained_imports(commented) and not unexplained_imports(ready)
