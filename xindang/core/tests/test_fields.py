"""MoneyField: two places, 18 digits, and migrations that read as a plain DecimalField."""

from django.db import models

from xindang.core.fields import MoneyField


def test_money_field_deconstructs_as_a_decimal_field():
    field = MoneyField("amount", null=True)
    field.set_attributes_from_name("amount")
    name, path, args, kwargs = field.deconstruct()
    assert path == "django.db.models.DecimalField"
    assert kwargs["max_digits"] == 18 and kwargs["decimal_places"] == 2 and kwargs["null"] is True
    plain = models.DecimalField("amount", max_digits=18, decimal_places=2, null=True)
    plain.set_attributes_from_name("amount")
    assert plain.deconstruct()[1:] == (path, args, kwargs)
