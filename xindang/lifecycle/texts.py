"""The four-property check's findings in the reader's language: the act stores codes and parameters,
the text is made when it is shown (UI.md, Messages)."""

from django.utils.translation import gettext_lazy as _

from . import rules

PROPERTY_LABELS = {
    rules.AUTHENTICITY: _("Authenticity"),
    rules.INTEGRITY: _("Integrity"),
    rules.USABILITY: _("Usability"),
    rules.SECURITY: _("Security"),
}

PROBLEM_LABELS = {
    "audit_chain_broken": _("The audit trail of these documents no longer holds."),
    "audit_mismatch": _("The stored checksum differs from the one the audit trail recorded."),
    "checksum_mismatch": _("The stored copy no longer matches its checksum."),
    "required_missing": _("A required document is missing from the file."),
    "not_handed_over": _("Named missing: not handed over."),
    "metadata_missing": _("Metadata missing."),
    "no_content": _("Filed as electronic only, but no stored copy."),
    "file_missing": _("The stored copy is gone."),
    "unreadable": _("The stored copy does not open."),
    "type_mismatch": _("The stored copy is no longer of its filed format."),
    "executable": _("The stored copy is a program."),
    "active_content": _("The stored copy carries scripts, launch actions or macros."),
    "appended_data": _("Data hidden after the end of the PDF."),
}


def describe_check(result: dict) -> list[dict]:
    """[{label, ok, problems: [text]}] per property, from an act's stored check result."""
    props = (result or {}).get("properties", {})
    out = []
    for prop in rules.PROPERTIES:
        entry = props.get(prop, {"ok": True, "problems": []})
        texts = []
        for problem in entry.get("problems", []):
            text = str(PROBLEM_LABELS.get(problem.get("code"), problem.get("code")))
            extra = " ".join(x for x in (problem.get("document"), problem.get("detail")) if x)
            texts.append(f"{text} {extra}".strip())
        out.append(
            {"key": prop, "label": PROPERTY_LABELS[prop], "ok": entry.get("ok", True), "problems": texts}
        )
    return out
