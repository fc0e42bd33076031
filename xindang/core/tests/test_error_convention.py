"""The error convention holds everywhere in xindang/: a DomainError is raised with a member of an app's
errors.py enum, never with a raw string (a literal, an f-string, a gettext call or a `%` of one) and
never with a message of its own. DomainError itself refuses a non-enum code at run time (TypeError);
this scan also finds the raises no test reaches."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # xindang/
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}


def _is_raw_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):  # "..." % x, _("...") % x, "a" + b
        return _is_raw_text(node.left) or _is_raw_text(node.right)
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        return name in GETTEXT or (name == "format" and _is_raw_text(getattr(node.func, "value", None)))
    return False


def _domain_error_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else None)
            if name == "DomainError":
                yield node


def problems(source: str, filename: str = "<string>") -> list[str]:
    out = []
    for call in _domain_error_calls(ast.parse(source, filename)):
        where = f"{filename}:{call.lineno}"
        if not call.args:
            out.append(f"{where}: DomainError without a code")
            continue
        if _is_raw_text(call.args[0]) or isinstance(call.args[0], ast.Starred):
            out.append(f"{where}: a raw string as the code; use a member of the app's errors.py enum")
        if len(call.args) > 1:
            out.append(f"{where}: a second positional argument (a message?); the message is the enum's label")
        if any(k.arg == "message" for k in call.keywords):
            out.append(f"{where}: message=…; the message is the enum's label")
    return out


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def test_no_raw_string_reaches_domain_error_anywhere_in_xindang():
    found = []
    for path in _sources():
        found += problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT.parent)))
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'DomainError("app.code")',
        'DomainError(_("A message."))',
        'DomainError(f"app.{x}")',
        'DomainError("app.code", _("A message."))',
        'DomainError(AppError.X, _("Other %(n)s.") % {"n": 1})',
        "DomainError(AppError.X, message=text)",
        "DomainError(*error)",
        'raise errors.DomainError("app.code")',
    ],
)
def test_the_scan_finds_each_raw_form(source):
    assert problems(source)


@pytest.mark.parametrize(
    "source",
    [
        "DomainError(AppError.X)",
        'DomainError(AppError.X, field="name", n=1)',
        "DomainError(AppError(code), **params)",
        "DomainError(error, field=field)",
    ],
)
def test_the_scan_lets_enum_members_through(source):
    assert not problems(source)
