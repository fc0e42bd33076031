"""The error convention: an enum member carries the message and the HTTP status."""

from django.db import models

from xindang.core.errors import DomainError, http_status, register_statuses


class SampleError(models.TextChoices):
    PLAIN = "sample.plain", "Nothing to do."
    FILLED = "sample.filled", "%(name)s is already lent until %(until)s."


register_statuses({SampleError.FILLED: 409})


def test_message_comes_from_the_enum_label():
    err = DomainError(SampleError.PLAIN)
    assert (err.code, err.message, err.status) == ("sample.plain", "Nothing to do.", 422)


def test_params_fill_the_label_and_status_comes_from_the_registry():
    err = DomainError(SampleError.FILLED, name="合同", until="2026-12-31")
    assert err.message == "合同 is already lent until 2026-12-31."
    assert err.status == 409 == http_status("sample.filled")


def test_missing_param_leaves_the_label_unfilled_rather_than_failing():
    assert DomainError(SampleError.FILLED).message == SampleError.FILLED.label


def test_an_explicit_message_still_wins():
    assert DomainError(SampleError.PLAIN, "Other.").message == "Other."
