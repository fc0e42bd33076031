"""The `options` tag writes a select's options in Python, as the template loop it replaces did: the
chosen one marked (compared as text), values and labels escaped."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load xd %}" + source).render(Context(context))


def test_pairs_objects_and_plain_values():
    pairs = [("a", "甲"), ("b", "<乙>")]
    assert render("{% options pairs chosen %}", pairs=pairs, chosen="b") == (
        '<option value="a">甲</option><option value="b" selected>&lt;乙&gt;</option>'
    )
    depts = [SimpleNamespace(pk=1, name="销售一部"), SimpleNamespace(pk=12, name="销售二部")]
    html = render('{% options depts chosen value="pk" label="name" %}', depts=depts, chosen="12")
    assert html == '<option value="1">销售一部</option><option value="12" selected>销售二部</option>'
    assert render('{% options tags chosen value="-" %}', tags=["重点", "A&B"], chosen="") == (
        '<option value="重点">重点</option><option value="A&amp;B">A&amp;B</option>'
    )


def test_an_object_without_label_shows_its_text():
    class Person(SimpleNamespace):
        def __str__(self):
            return self.display

    people = [Person(pk=3, display="张三")]
    html = render('{% options people missing value="pk" %}', people=people)
    assert html == '<option value="3">张三</option>'


def test_grouped_options_write_what_regroup_and_two_loops_wrote():
    class Person(SimpleNamespace):
        def __str__(self):
            return self.display

    one, two = SimpleNamespace(pk=1, name="销售一部"), SimpleNamespace(pk=2, name="<二部>")
    people = [
        Person(pk=3, display="张三", department=one),
        Person(pk=4, display="李&四", department=one),
        Person(pk=5, display="王五", department=two),
    ]
    regrouped = render(
        "{% regroup people by department as groups %}{% for g in groups %}"
        '<optgroup label="{{ g.grouper.name }}">{% for u in g.list %}<option value="{{ u.pk }}">{{ u }}'
        "</option>{% endfor %}</optgroup>{% endfor %}",
        people=people,
    )
    assert render('{% grouped_options people "department" %}', people=people) == regrouped
    assert regrouped.count("<optgroup") == 2 and "&lt;二部&gt;" in regrouped and "李&amp;四" in regrouped
    assert render('{% grouped_options people "department" %}', people=[]) == ""


# The sortable header as an included template wrote it, before the sort_th tag replaced it.
OLD_SORT_TH = (
    '{% load xd %}<th{% if num %} class="num"{% endif %}>{% if sort == key %}<a href="?{% query_with'
    ' sort="-"|add:key page=None %}">{{ label }} ▲</a>{% elif sort == "-"|add:key %}<a href="?{%'
    ' query_with sort=key page=None %}">{{ label }} ▼</a>{% else %}<a href="?{% query_with sort=key'
    ' page=None %}">{{ label }}</a>{% endif %}</th>'
)


@pytest.mark.parametrize("query", ["", "q=华夏&page=3", "sort=exposure&status=all", "sort=-exposure&x=<a>"])
@pytest.mark.parametrize("num", [False, True])
def test_sort_th_writes_what_the_included_template_wrote(rf, query, num):
    request = rf.get("/customers/?" + query)
    context = {"request": request, "sort": request.GET.get("sort", "-updated"), "num": num}
    context.update(key="exposure", label="占用<额度>")
    old = Template(OLD_SORT_TH).render(Context(context))
    assert render("{% sort_th key label num %}", **context) == old
