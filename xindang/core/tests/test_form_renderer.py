"""The form renderer writes the plain widgets in Python, exactly as Django's templates write them:
each widget below is rendered both ways and compared, with values that need escaping, boolean and
empty attributes, localized numbers, option groups and selections."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.translation import override

from xindang.core.form_renderer import FastWidgetRenderer

ATTRS = {"class": "wide", "required": True, "disabled": False, "data-x": '"<&>', "maxlength": 30}
CHOICES = [("", "—"), ("a", "甲 <A>"), (3, 3000), ("组", [("b", "乙"), ("c", "丙&丁")])]

CASES = [
    (forms.TextInput(attrs=ATTRS), "name", 'O\'Brien <b> & "co"'),
    (forms.TextInput(), "name", None),
    (forms.TextInput(), "name", ""),
    (forms.NumberInput(attrs={"step": "0.01", "min": 0}), "amount", Decimal("12000.50")),
    (forms.NumberInput(), "days", 30),
    (forms.DateInput(attrs={"type": "date"}), "on", date(2026, 12, 7)),
    (forms.EmailInput(), "email", "a@b.cn"),
    (forms.HiddenInput(), "next", "/customers/?q=华夏&status=all"),
    (forms.PasswordInput(render_value=True), "secret", "x<y"),
    (forms.CheckboxInput(), "agree", True),
    (forms.CheckboxInput(), "agree", False),
    (forms.Textarea(attrs={"rows": 3}), "reason", "第一行\n<script>alert(1)</script>"),
    (forms.Textarea(), "reason", None),
    (forms.Select(choices=CHOICES, attrs={"data-autosubmit": True}), "kind", "b"),
    (forms.Select(choices=CHOICES), "kind", 3),
    (forms.Select(choices=[]), "kind", None),
    (forms.SelectMultiple(choices=CHOICES), "kinds", ["a", "c"]),
    (forms.NullBooleanSelect(), "flag", True),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("widget", "name", "value"), CASES, ids=[f"{type(w).__name__}-{i}" for i, (w, *_r) in enumerate(CASES)]
)
def test_each_widget_is_written_as_the_templates_write_it(widget, name, value, language):
    with override(language):
        templates = widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=DjangoTemplates())
        fast = widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=FastWidgetRenderer())
    assert fast == templates


def test_it_writes_them_itself_and_leaves_the_rest_to_the_templates():
    writers = FastWidgetRenderer().writers
    assert "django/forms/widgets/select.html" in writers and "django/forms/widgets/text.html" in writers
    assert "django/forms/widgets/radio.html" not in writers  # radio buttons: from the templates
    radio = forms.RadioSelect(choices=CHOICES[:2]).render("r", "a", renderer=FastWidgetRenderer())
    assert radio == forms.RadioSelect(choices=CHOICES[:2]).render("r", "a", renderer=DjangoTemplates())


def test_the_site_renders_forms_with_it():
    assert settings.FORM_RENDERER == "xindang.core.form_renderer.FastWidgetRenderer"
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
