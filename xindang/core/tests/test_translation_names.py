"""Every translatable string reaches the catalogue: makemessages (xgettext) finds only calls of the
names it knows (`_`, gettext, ngettext, gettext_lazy, pgettext…). A translation function imported or
assigned under another name (`from django.utils.translation import gettext as _t`) hides its strings
from the catalogue, so they stay English in the Chinese UI. This scans xindang/ for such aliases."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # xindang/
MODULE = "django.utils.translation"
FUNCTIONS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# The names xgettext is told to look for (its Python defaults plus makemessages' --keyword list).
RECOGNISED = FUNCTIONS | {"_"}


def hidden_aliases(source: str) -> list[str]:
    """`name as alias` for every translation function bound to a name xgettext does not know."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            for alias in node.names:
                if alias.name in FUNCTIONS and alias.asname and alias.asname not in RECOGNISED:
                    found.append(f"{alias.name} as {alias.asname} (line {node.lineno})")
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            continue  # `translation.gettext("…")` is found by xgettext (method-style call)
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute)):
            value = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
            if value in FUNCTIONS:
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in RECOGNISED:
                        found.append(f"{target.id} = {value} (line {node.lineno})")
    return found


@pytest.mark.parametrize(
    "source, hidden",
    [
        ("from django.utils.translation import gettext as _t\n", True),
        ("from django.utils.translation import gettext_lazy as lazy\n", True),
        ("from django.utils.translation import ngettext as n_\n", True),
        ("from django.utils import translation\nt = translation.gettext\n", True),
        ("from django.utils.translation import gettext\n_t = gettext\n", True),
        ("from django.utils.translation import gettext as _\n", False),
        ("from django.utils.translation import gettext_lazy as _\n", False),
        ("from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy\n", False),
        ("from django.utils.translation import get_language as lang\n", False),  # no string
        ("from other.module import gettext as _t\n", False),
    ],
)
def test_the_scanner_sees_aliases_that_hide_strings(source, hidden):
    assert bool(hidden_aliases(source)) is hidden


def test_no_translation_function_is_hidden_behind_an_alias():
    problems = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in f"/{rel}":
            continue
        found = hidden_aliases(path.read_text(encoding="utf-8"))
        if found:
            problems[rel] = found
    assert problems == {}, (
        "translation functions under names makemessages does not know (use _ or the function's own "
        f"name): {problems}"
    )


def strings_inside_fstrings(source: str) -> list[str]:
    """The literal msgids of `_("…")` calls written inside f-strings: xgettext does not look into an
    f-string, so such a string is only translated if the same msgid is extracted from elsewhere."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for part in ast.walk(node):
                if (
                    isinstance(part, ast.Call)
                    and isinstance(part.func, ast.Name)
                    and part.func.id in RECOGNISED
                    and part.args
                    and isinstance(part.args[0], ast.Constant)
                    and isinstance(part.args[0].value, str)
                ):
                    found.append(part.args[0].value)
    return found


def test_strings_translated_inside_fstrings_are_in_the_catalogue():
    catalogue = (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    msgids = {
        m.encode().decode("unicode_escape").encode("latin-1").decode()
        for m in re.findall(r'^msgid "(.*)"$', catalogue, re.M)
    }
    missing = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in f"/{rel}" or "/tests/" in f"/{rel}":
            continue
        lost = [s for s in strings_inside_fstrings(path.read_text(encoding="utf-8")) if s not in msgids]
        if lost:
            missing[rel] = lost
    assert missing == {}, f"msgids only used inside f-strings never reach the catalogue: {missing}"


def test_the_fstring_scanner_sees_a_translated_string():
    assert strings_inside_fstrings("x = f\"{_('Printed by')} {who}\"\n") == ["Printed by"]
    assert strings_inside_fstrings('x = _("Printed by") + f"{who}"\n') == []
