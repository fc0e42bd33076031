"""Model fields shared by the apps."""

from django.db import models


class MoneyField(models.DecimalField):
    """An amount of money: Decimal with two places, up to 18 digits (core.money: never float).

    It deconstructs as a plain DecimalField, so the migrations read exactly as before it existed
    (makemigrations sees no change)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
