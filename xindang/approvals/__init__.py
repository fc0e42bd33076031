"""The approval engine (审批). Domain apps: `from xindang.approvals import register` (see registry.py)
and `xindang.approvals.services.submit_request(...)`."""

from .registry import register

__all__ = ["register"]
