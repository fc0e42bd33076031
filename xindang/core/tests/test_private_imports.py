"""No private `_name` is imported from another module of the xindang package: a helper two modules share
gets a public name, or the two modules are one concept cut in the wrong place (docs/architecture.md,
"One concept per module"). Both spellings count: `from .services import _helper` and
`services._helper` on an imported module. Aliasing a public name privately (`from x import y as _y`)
is fine, and so are test modules, which may reach inside what they test."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # xindang/
PACKAGE = ROOT.name

# (importing module, private name): a crossing tolerated while its modules are regrouped.
ALLOWED: set[tuple[str, str]] = set()  # (module, name) pairs allowed for a while; none today


def _is_private(name: str) -> bool:
    return name.startswith("_") and name != "_" and not (name.startswith("__") and name.endswith("__"))


def _is_test_file(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def _module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _resolve(node: ast.ImportFrom, here: list[str], is_package: bool) -> list[str] | None:
    """The dotted module an ImportFrom reads from, as parts; None if it is outside the package."""
    if node.level == 0:
        parts = (node.module or "").split(".")
        return parts if parts[0] == PACKAGE else None
    base = here if is_package else here[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return base + (node.module.split(".") if node.module else [])


def _is_module(parts: list[str], root: Path) -> bool:
    path = root.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_imports(source: str, module: list[str], *, is_package: bool = False, root: Path = ROOT.parent):
    """(module, line, name, where from) for every private name this module takes from another xindang
    module."""
    tree = ast.parse(source)
    where = ".".join(module)
    found, module_names = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _resolve(node, module, is_package)
            if origin is None:
                continue
            for alias in node.names:
                if _is_private(alias.name):
                    found.append((where, node.lineno, alias.name, ".".join(origin)))
                elif _is_module([*origin, alias.name], root):
                    module_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE and alias.asname:
                    module_names.add(alias.asname)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_names
            and _is_private(node.attr)
        ):
            found.append((where, node.lineno, node.attr, node.value.id))
    return found


def all_private_imports() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if _is_test_file(path) or "migrations" in path.parts:
            continue
        found += private_imports(
            path.read_text(encoding="utf-8"), _module_of(path), is_package=path.name == "__init__.py"
        )
    return found


def test_no_private_name_is_imported_from_another_module():
    found = [
        f"{where}:{line}: {name} from {origin}"
        for where, line, name, origin in all_private_imports()
        if (where, name) not in ALLOWED
    ]
    assert not found, "give these a public name, or regroup the modules by concept:\n" + "\n".join(found)


def test_the_check_sees_private_imports_and_accepts_public_ones(tmp_path):
    pkg = tmp_path / PACKAGE / "app"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "services.py").write_text("def _helper(): pass\ndef helper(): pass\n")
    here = [PACKAGE, "app", "views"]
    offending = [
        "from .services import _helper\n",
        f"from {PACKAGE}.app.services import _helper\n",
        "from . import services\nservices._helper()\n",
        f"from {PACKAGE}.app import services as s\ns._helper()\n",
        f"import {PACKAGE}.app.services as s\ns._helper()\n",
    ]
    accepted = [
        "from .services import helper\n",
        "from .services import helper as _helper\n",
        "from django.utils.translation import gettext as _\n",
        "from os import _exit\n",
        "from . import services\nservices.__name__\n",
        "class C:\n    def f(self):\n        return self._x\n",
    ]
    for source in offending:
        assert private_imports(source, here, root=tmp_path), source
    for source in accepted:
        assert not private_imports(source, here, root=tmp_path), source
