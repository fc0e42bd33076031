"""Demo data helper: take an approval request through its chain with the real approval service, one
demo user per role, so demo records carry the trail a real one has (who signed which step, when)."""

from .services import approve_step


def users_by_role(users) -> dict:
    """role code → the first demo user holding it (`users`: login → User, in the organisation's order)."""
    out: dict = {}
    for user in users.values():
        for role in user.groups.values_list("name", flat=True):
            out.setdefault(role, user)
    return out


def approve_through(approval, approvers: dict, *, comment: str = "同意。", acknowledge: bool = False):
    """Approve every step of the current round in order (approve_step: four-eyes, step order, the
    kind's on_approved on the last step). Returns the request as it ends."""
    for step in approval.current_steps():
        approval = approve_step(
            approval=approval,
            approver=approvers[step.role],
            comment=comment,
            acknowledge_warnings=acknowledge,
        )
    return approval
