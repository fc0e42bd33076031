"""Kinds of approval and what happens when one is decided.

A domain app registers each kind it submits, in its AppConfig.ready():

    from xindang.approvals import register
    register("credit.grant", on_approved=grant_approved, on_rejected=grant_rejected,
             on_returned=grant_returned, label=_("Credit grant"))

A kind may also render its title and summary when they are shown (title=, summary=: callables of the
ApprovalRequest returning text in the reader's language, from the codes and parameters the request
stores); without them the text stored at submission is shown.

Callbacks get the ApprovalRequest and run inside the deciding transaction (after the request row is
locked and updated). A DomainError raised by a callback rolls the whole decision back; the step
stays pending and the approver sees the message.

A kind may also register a panel: what the approver needs to see about the request's object, rendered
by the domain app into the approval page (e.g. credit's "credit picture" on grant approvals):

    register_panel("credit.grant", render)   # render(approval, request) -> HTML string
`describe(data)` turns the request's recorded data (plain keys and values, as the domain stored
them) into (label, value) pairs in the reader's language for the approval page; a kind without it
shows no recorded data (raw keys mean nothing to an approver).
"""

from collections.abc import Callable
from dataclasses import dataclass

Callback = Callable[[object], object] | None


@dataclass(frozen=True)
class ApprovalKind:
    kind: str
    on_approved: Callback
    on_rejected: Callback = None
    on_returned: Callback = None
    on_withdrawn: Callback = None
    on_resubmitted: Callback = None
    label: object = ""
    title: Callback = None
    summary: Callback = None
    describe: Callable[[dict], list[tuple[str, str]]] | None = None


KINDS: dict[str, ApprovalKind] = {}


def register(
    kind: str,
    *,
    on_approved: Callback,
    on_rejected: Callback = None,
    on_returned: Callback = None,
    on_withdrawn: Callback = None,
    on_resubmitted: Callback = None,
    label="",
    title: Callback = None,
    summary: Callback = None,
    describe: Callable[[dict], list[tuple[str, str]]] | None = None,
) -> ApprovalKind:
    """Register (or re-register: tests and reloads) the kind `kind`."""
    entry = ApprovalKind(
        kind=kind,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_returned=on_returned,
        on_withdrawn=on_withdrawn,
        on_resubmitted=on_resubmitted,
        label=label or kind,
        title=title,
        summary=summary,
        describe=describe,
    )
    KINDS[kind] = entry
    return entry


def unregister(kind: str) -> None:
    KINDS.pop(kind, None)


def get_kind(kind: str) -> ApprovalKind | None:
    return KINDS.get(kind)


def kind_label(kind: str) -> str:
    entry = KINDS.get(kind)
    return str(entry.label) if entry else kind


def describe_data(kind: str, data) -> list[tuple[str, str]]:
    """The recorded data of a request of `kind` as labelled values (see register); [] if the kind
    does not describe it or the data is not a mapping."""
    entry = KINDS.get(kind)
    if entry is None or entry.describe is None or not isinstance(data, dict):
        return []
    return [(str(label), str(value)) for label, value in entry.describe(data)]


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((k, str(v.label)) for k, v in KINDS.items()), key=lambda c: c[1])


Panel = Callable[[object, object], str]
PANELS: dict[str, Panel] = {}


def register_panel(kind: str, render: Panel) -> None:
    """The panel shown on the approval page of requests of `kind` (the domain app renders it; the
    approval page has already checked that the reader may see the request)."""
    PANELS[kind] = render


def render_panel(approval, request) -> str:
    render = PANELS.get(approval.kind)
    return render(approval, request) if render else ""


def render_text(approval, what: str, stored: str) -> str:
    """The kind's rendering of the request's title or summary (`what`), else the stored text."""
    entry = KINDS.get(approval.kind)
    render = getattr(entry, what, None) if entry else None
    if render is None:
        return stored
    try:
        return render(approval) or stored
    except (KeyError, TypeError, ValueError):  # stored parameters the renderer cannot read
        return stored
