"""A browser's date field (<input type="date">) reads only ISO dates: every date widget of the app,
in Chinese and in English, renders its value as 2026-12-06, so that an edit form shows the date it
holds and saving it again keeps it (with Django's Chinese "2026/12/06" the field showed empty and an
optional date was erased on the next save)."""

from datetime import date

import pytest
from django import forms
from django.utils import translation

from xindang.credit.forms import InvestigationForm


class _Form(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    optional = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_widget_renders_the_iso_date_a_browser_reads(language):
    with translation.override(language):
        html = str(_Form(initial={"on": date(2026, 12, 6)})["on"])
    assert 'value="2026-12-06"' in html


@pytest.mark.parametrize(
    "language, typed", [("zh-hans", "2026-12-06"), ("zh-hans", "2026/12/06"), ("en", "2026-12-06")]
)
def test_a_typed_date_is_read_in_either_form(language, typed):
    with translation.override(language):
        form = _Form(data={"on": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == date(2026, 12, 6)


def test_an_edit_form_keeps_its_optional_dates_when_saved_again():
    """What the browser sends back is what the widget rendered: an untouched optional date survives."""
    with translation.override("zh-hans"):
        rendered = _Form(initial={"on": date(2026, 1, 2), "optional": date(2025, 3, 4)})
        sent = {name: rendered[name].value() for name in ("on", "optional")}
        sent = {k: rendered.fields[k].widget.format_value(v) for k, v in sent.items()}
        again = _Form(data=sent)
        assert again.is_valid(), again.errors
    assert again.cleaned_data["optional"] == date(2025, 3, 4)


@pytest.mark.parametrize("field", ["investigated_on", "founded_on", "cooperation_since"])
def test_the_investigation_forms_dates_render_as_iso(field):
    """One of the app's forms without a format of its own (credit/forms.py)."""
    widget = InvestigationForm.base_fields[field].widget
    with translation.override("zh-hans"):
        assert widget.format_value(date(2026, 12, 6)) == "2026-12-06"
