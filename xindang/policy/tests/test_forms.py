"""Section forms are generated from the pydantic models; pydantic's errors come back translated."""

import enum
from typing import Literal

from django import forms
from django.utils import translation
from pydantic import BaseModel, Field, ValidationError

from xindang.policy.forms import apply_pydantic_errors, pydantic_error_message, section_form
from xindang.policy.sections import SECTIONS, CoreSection, SectionInfo


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Sample(BaseModel):
    enabled: bool = True
    days: int = Field(30, ge=1, le=365)
    ratio: float = 0.5
    name: str = Field("甲", max_length=10)
    grade: Literal["A", "B", "C"] = "A"
    months: Literal[3, 6, 12] = 3
    colour: Colour = Colour.RED
    cap: int | None = None
    buckets: list[int] = [30, 60, 90]


SAMPLE = SectionInfo("sample", Sample, "Sample", {"days": ("Days", "How many days.")})


def test_each_pydantic_type_gets_its_form_field():
    form = section_form(SAMPLE)
    kinds = {name: type(field) for name, field in form.fields.items()}
    assert kinds == {
        "enabled": forms.BooleanField,
        "days": forms.IntegerField,
        "ratio": forms.FloatField,
        "name": forms.CharField,
        "grade": forms.TypedChoiceField,
        "months": forms.TypedChoiceField,
        "colour": forms.TypedChoiceField,
        "cap": forms.IntegerField,
        "buckets": forms.JSONField,
    }
    assert not form.fields["cap"].required and form.fields["days"].required
    assert (str(form.fields["days"].label), str(form.fields["days"].help_text)) == ("Days", "How many days.")
    assert form.fields["days"].widget.attrs == {"min": 1, "max": 365}
    assert form.prefix == "sample"


def test_a_bound_form_gives_values_pydantic_accepts():
    data = {
        "sample-enabled": "on",
        "sample-days": "90",
        "sample-ratio": "0.25",
        "sample-name": "乙",
        "sample-grade": "B",
        "sample-months": "12",
        "sample-colour": "green",
        "sample-cap": "",
        "sample-buckets": "[30, 90]",
    }
    form = section_form(SAMPLE, data=data)
    assert form.is_valid(), form.errors
    model = Sample.model_validate(form.cleaned_data)
    assert (model.months, model.colour, model.cap, model.buckets) == (12, Colour.GREEN, None, [30, 90])


def test_the_core_section_form_shows_its_values():
    form = section_form(SECTIONS["core"], initial=CoreSection().model_dump())
    assert form["session_timeout_minutes"].value() == 30
    assert set(form.fields) == set(CoreSection.model_fields)


def errors_of(values: dict) -> list[dict]:
    try:
        CoreSection.model_validate(values)
    except ValidationError as exc:
        return exc.errors()
    raise AssertionError("valid")


def test_pydantic_errors_become_messages_with_their_limits():
    with translation.override("en"):
        assert pydantic_error_message(errors_of({"session_timeout_minutes": 1})[0]) == "Must be at least 5."
        assert pydantic_error_message(errors_of({"upload_limit_mb": 5000})[0]) == "Must be at most 2048."
        assert pydantic_error_message(errors_of({"file_no_format": "{dept}-{year}"})[0]) == (
            "Invalid value: must contain {seq}"
        )
        assert pydantic_error_message({"type": "something_new", "msg": "pydantic says"}) == "pydantic says"


def test_errors_go_next_to_their_field_or_to_the_top():
    form = section_form(SECTIONS["core"], data={})
    form.is_valid()
    form.errors.clear()
    apply_pydantic_errors(
        form,
        [
            *errors_of({"session_timeout_minutes": 1}),
            {"type": "value_error", "loc": (), "msg": "x", "ctx": {"error": "whole model"}},
        ],
    )
    assert list(form.errors) == ["session_timeout_minutes", "__all__"]
