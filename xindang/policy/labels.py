"""Labels of the codes that policy values hold (role codes in approval chains, control points and
strengths of the credit-control matrix…), so that the policy pages show "营销部经理 → 财务信用控制主管"
instead of "marketing_manager → finance_credit_controller". The app that owns a code registers its
label in its AppConfig.ready() (policy sits below those apps and imports none of them); a code
without a label is shown as a code."""

_LABELS: dict[str, object] = {}


def register_value_labels(labels: dict[str, object]) -> None:
    """code → label (a lazy translation); later registrations of the same code win."""
    _LABELS.update({str(code): label for code, label in labels.items()})


def value_label(code) -> str | None:
    label = _LABELS.get(str(code))
    return None if label is None else str(label)
