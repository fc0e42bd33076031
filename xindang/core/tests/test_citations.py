"""Citations of the regulations name the regulation where the seed file bundles several.

Seed 004 bundles several regulations whose article numbers repeat (客户信息管理制度, 客户信息保护管理制度,
客户实名管理制度 …), so "004 第九条3(3)" is ambiguous: it must read "004 客户信息管理制度 第九条3(3)".
The archive rules (retention 2.1.4, confidentiality levels 1.4–1.5) come from seed 001
档案管理制度及流程2, not 004. Pure test: it reads the source of the rules modules (no database).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the xindang package

# The regulations bundled in seed 004 that code may cite by article.
REGULATIONS_004 = (
    "客户信息管理制度",
    "客户信息保护管理制度",
    "客户实名管理制度",
    "顾客信息管理制度",
    "客户信息实行授权管理制度",
    "火锅店客户信息管理制度",
)

# The modules holding the article constants and reasons shown to users.
MODULES = (
    "credit/rules/__init__.py",
    "credit/rules/contradictions.py",
    "credit/rules/facts.py",
    "credit/rules/figures.py",
    "credit/rules/merging.py",
    "credit/rules/rating.py",
    "credit/sections.py",
    "credit/texts.py",
    "credit/control/rules/__init__.py",
    "credit/control/rules/decision.py",
    "credit/control/rules/group.py",
    "credit/control/rules/tiers.py",
    "credit/control/sections.py",
    "credit/control/texts.py",
    "credit/grants/rules.py",
    "credit/grants/sections.py",
    "credit/grants/texts.py",
    "credit/evaluations/rules.py",
    "credit/evaluations/sections.py",
    "ledger/rules.py",
    "ledger/sections.py",
    "ledger/collection/rules.py",
    "ledger/collection/sections.py",
    "documents/rules.py",
    "documents/sections.py",
    "documents/models.py",
    "contracts/rules.py",
    "contracts/sections.py",
    "customers/rules/capital.py",
    "customers/rules/filing.py",
    "customers/rules/identifiers.py",
    "customers/rules/lifecycle.py",
    "customers/rules/names.py",
    "customers/rules/relations.py",
    "customers/permissions.py",
    "customers/choices.py",
    "contracts/models.py",
    "contracts/services.py",
    "approvals/rules.py",
    "policy/sections.py",
)

_ARTICLE_004 = re.compile(r"\b004\s*(?P<between>[^第\d\"']{0,20}?)\s*第[一二三四五六七八九十百]+条")
_ARCHIVE_RULES = re.compile(r"(?P<seed>\b\d{3})?\s*档案管理制度及流程(?P<tail>\d?)")


def bad_citations(text):
    """The citations in `text` that do not say which regulation they come from."""
    bad = []
    for m in _ARTICLE_004.finditer(text):
        between = m.group("between").strip()
        if not any(between.endswith(name) for name in REGULATIONS_004):
            bad.append(m.group(0))
    for m in _ARCHIVE_RULES.finditer(text):
        if m.group("seed") != "001" or m.group("tail") != "2":
            bad.append(m.group(0).strip())
    if re.search(r"\b004 2\.[14]", text):
        bad.append("004 2.x (the archive rules are 001 档案管理制度及流程2)")
    # Seeds 000 and 001 bundle several regulations too: a bare section number ("001 三.8") is ambiguous.
    bad += [m.group(0) for m in re.finditer(r"\b00[01] [一二三四五六七八九十]+(?:[.、]\d*)?", text)]
    return bad


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("004 第九条3(3)", False),
        ("004 第八条", False),
        ("seed 004 2.1, 2.4", False),
        ("004 档案管理制度及流程 2.1.4", False),
        ("004 客户信息管理制度 第九条3(3)", True),
        ("004 客户信息保护管理制度 第五条", True),
        ("004 客户信息管理制度 第八条 + 002 第二十二条", True),
        ("001 档案管理制度及流程2 2.1.4", True),
        ("001 档案管理制度及流程2 1.4–1.5", True),
        ("002 客户信用管理制度 第四十条", True),
        ("001 三.8", False),
        ("000 二.7", False),
        ("000 客户信息管理办法 二.7", True),
        ("001 客户信用档案建立与管理制度 3", True),
    ],
)
def test_checker(text, ok):
    assert (bad_citations(text) == []) is ok, text


def _strings(path):
    """Every string literal of the module (constants, reasons, help texts, docstrings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@pytest.mark.parametrize("module", MODULES)
def test_article_constants_name_their_regulation(module):
    path = ROOT / module
    assert path.exists(), module
    bad = [(s[:80], b) for s in _strings(path) for b in bad_citations(s)]
    assert bad == [], f"{module}: {bad}"


def test_templates_name_their_regulation():
    bad = []
    for path in ROOT.rglob("templates/**/*.html"):
        bad += [(str(path.relative_to(ROOT)), b) for b in bad_citations(path.read_text(encoding="utf-8"))]
    assert bad == []
