"""The routers are thin: every query of the API lives in the owning app's selectors (a named read the
screens can share), never in a router as `Model.objects…` or `queryset.filter(…)`. The API-key
authentication (auth.py) is the one module that looks a key up itself."""

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[1]
EXEMPT = {
    "auth.py",  # authenticates the request before any router runs
    # one narrowing of the analyses' files to the one asked for, after its audited access decision
    "reports.py",
}


def queries_in(source: str) -> list[str]:
    """`.objects` and `.filter(` in the module, as "line: text"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("filter", "exclude")
        ):
            found.append(f"{node.lineno}: .{node.func.attr}(")
    return sorted(found, key=lambda hit: int(hit.split(":")[0]))


def test_no_router_queries_the_database_itself():
    offending = {
        path.name: hits
        for path in sorted(API.glob("*.py"))
        if path.name not in EXEMPT and (hits := queries_in(path.read_text(encoding="utf-8")))
    }
    assert offending == {}, "move these reads into the app's selectors.py"


def test_the_scan_finds_a_query():
    source = (
        "def view(request):\n    return Customer.objects.all()\n\ndef other(qs):\n    return qs.filter(a=1)\n"
    )
    assert queries_in(source) == ["2: .objects", "5: .filter("]
