"""Django's form renderer, with its most common widget templates written in Python.

Every form field on a page renders its widget through the template engine: an input is input.html
plus attrs.html, a select one template per option. A credit form of 25 fields spent 15 ms of its
65 ms there (bench/README.md). This renderer writes the same text for the plain widget templates —
the inputs (text, number, date, e-mail, hidden…), the select and its options, the textarea — and
leaves every other template to Django. It takes a template over only when the template's source is
exactly the one written here (checked once, against the installed Django), so a Django upgrade
that changes one of them falls back to the template, and never changes a page.
"""

from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"

# The templates written here, as Django ships them (an input type's own template only includes
# input.html).
SOURCES = {
    "input.html": (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
        " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    "attrs.html": (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
    ),
    "select.html": (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
        '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
        "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
        "  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    ),
    "select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    ),
    "textarea.html": (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
}
INPUT_ONLY = '{% include "django/forms/widgets/input.html" %}\n'
INPUT_TYPES = [
    "text",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "time",
    "url",
]


def _text(value) -> str:
    """{{ value }}: localized, then escaped."""
    return conditional_escape(localize(value))


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{conditional_escape(str(value))}"'
        )
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    head = f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
    return f"{head}{shown}{_attrs(widget['attrs'])}>\n"


def _typed(widget: dict) -> str:
    """text.html, number.html…: input.html and the line end after the include."""
    return _input(widget) + "\n"


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                return ""  # an option of its own template: the whole select from the templates
            out.append(f"\n  {_option(option)}")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    shown = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>\n'


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with the plain widget templates written in Python (see the module)."""

    def render(self, template_name, context, request=None):
        write = self.writers.get(template_name)
        if write is not None:
            text = write(context["widget"])
            if text:
                return mark_safe(text.strip())  # as BaseRenderer.render strips a template's text
        return super().render(template_name, context, request)

    @cached_property
    def writers(self) -> dict:
        """template name → writer, for the templates whose source is the one written here."""

        def source(name: str) -> str | None:
            try:
                return self.get_template(WIDGETS + name).template.source
            except TemplateDoesNotExist:
                return None

        if any(source(name) != text for name, text in SOURCES.items()):
            return {}  # attrs.html or input.html differ: everything from the templates
        writers = {
            WIDGETS + "input.html": _input,
            WIDGETS + "select.html": _select,
            WIDGETS + "textarea.html": _textarea,
        }
        writers.update(
            {WIDGETS + f"{kind}.html": _typed for kind in INPUT_TYPES if source(f"{kind}.html") == INPUT_ONLY}
        )
        return writers
