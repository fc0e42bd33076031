"""Test support lives in xindang/testing (factories, sample files, the concurrency runner): the tests of
one app never import another app's tests, and production code never imports the test support."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "xindang"


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def is_test_module(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def app_of(path: Path) -> str:
    """The app a file belongs to, e.g. xindang.ledger.collection for xindang/ledger/collection/tests/x.py."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[: parts.index("tests")] if "tests" in parts else parts[:-1])


def test_the_tests_of_one_app_import_no_other_apps_tests():
    offences = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "e2e").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]:
        own = app_of(path) if path.is_relative_to(PACKAGE) else None
        for line, module in imported_modules(path):
            if ".tests" not in module or not module.startswith("xindang."):
                continue
            if own is None or not module.startswith(own + ".tests"):
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offences, "use xindang.testing (factories, samples) instead:\n" + "\n".join(offences)


def test_production_code_never_imports_the_test_support():
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in PACKAGE.rglob("*.py")
        if not is_test_module(path) and not path.is_relative_to(PACKAGE / "testing")
        for line, module in imported_modules(path)
        if module == "xindang.testing" or module.startswith("xindang.testing.")
    ]
    assert not offences, "\n".join(offences)
