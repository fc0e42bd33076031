"""Reads for the import screens: a user sees and confirms only their own batches."""

from django.http import Http404

from ..models import ImportBatch


def batches_for_user(user):
    """A user's own imports (the upload page lists the recent ones)."""
    return ImportBatch.objects.filter(created_by=user).order_by("-created_at", "-id")


def get_batch_for_user(user, pk) -> ImportBatch:
    """The user's own batch, or 404 — another user's import is not theirs to see or confirm."""
    try:
        return batches_for_user(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
