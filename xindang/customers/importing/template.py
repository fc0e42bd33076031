"""The import template: a workbook with the columns, drop-down lists for the classified columns
and a sheet explaining each column."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from xindang.accounts.models import Department
from xindang.core import xlsx

from .columns import COLUMN_BY_FIELD, COLUMNS, choice_options, column_header


def template_file() -> bytes:
    """The template for the active departments, in the user's language."""
    departments = list(Department.objects.filter(is_active=True).order_by("code").values_list("code", "name"))
    return template_workbook(departments=departments)


def template_workbook(*, departments: list[tuple[str, str]], language: str | None = None) -> bytes:
    """The import template: a sheet with the headers (required ones marked *), drop-down lists for
    the classified columns, and a sheet explaining each column."""

    lang = language or translation.get_language() or "zh-hans"
    zh = not lang.startswith("en")
    book = xlsx.Workbook()
    columns = [
        xlsx.Column(column_header(c, lang), 28 if c.field in ("name", "address") else 16) for c in COLUMNS
    ]
    sheet = book.sheet("客户" if zh else "Customers", columns, bold_header=True)
    lists = book.sheet("选项" if zh else "Lists", freeze=None)
    help_sheet = book.sheet("说明" if zh else "Instructions", freeze=None)
    options = {"department": [name for _code, name in departments]}
    options.update({c.field: choice_options(c.field, lang) for c in COLUMNS if c.kind == "choice"})
    # The lists sheet holds one list per column (header, then its values), written row by row.
    list_columns = [
        [column_header(COLUMN_BY_FIELD[name], lang).rstrip("*"), *values] for name, values in options.items()
    ]
    for row_no in range(max((len(c) for c in list_columns), default=0)):
        lists.append([c[row_no] if row_no < len(c) else None for c in list_columns])
    for col_no, (name, values) in enumerate(options.items(), start=1):
        if not values:
            continue
        letter = get_column_letter(col_no)
        target = get_column_letter([c.field for c in COLUMNS].index(name) + 1)
        sheet.list_validation(
            f"{target}2:{target}20001", f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}"
        )
    help_sheet.width(0, 28)
    help_sheet.width(2, 90)
    heads = ("列", "必填", "格式与取值") if zh else ("Column", "Required", "Format and values")
    help_sheet.append(list(heads), strong=True)
    with translation.override(lang):
        hints = column_hints()
        for column in COLUMNS:
            help_sheet.append(
                [
                    column_header(column, lang).rstrip("*"),
                    "*" if column.required else "",
                    str(hints.get(column.field, "")),
                ]
            )
    return book.bytes()


def column_hints() -> dict[str, str]:
    return {
        "name": _("The full registered name as on the business licence."),
        "credit_code": _("18 characters (GB 32100-2015); checked, must not exist yet."),
        "department": _("Department code or name, e.g. XS1 or 销售一部."),
        "owner": _(
            "User name or full name of the salesperson; empty means you, if you are in the department."
        ),
        "registered_capital": _(
            "As on the licence: a number, with 万 (× 10,000) or a currency, e.g. 500万, 1072526.4万美元, "
            "USD 10,000. A bare number is in the currency column's currency (default yuan)."
        ),
        "registered_capital_currency": _("CNY, USD, EUR, HKD, JPY, GBP … or 美元, 港元 …; empty means yuan."),
        "postal_code": _("Six digits, e.g. 100086."),
        "founded_on": _("YYYY-MM-DD or an Excel date."),
        "operating_from": _("YYYY-MM-DD or an Excel date."),
        "operating_to": _("YYYY-MM-DD or an Excel date; empty for an unlimited period."),
        "licence_valid_until": _("YYYY-MM-DD or an Excel date."),
        "enterprise_type": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "nature": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "relationship": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "tier": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "importance": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "industry": _("GB/T 4754 section letter or name, e.g. C or 制造业."),
        "region": _("Province name or GB/T 2260 code, e.g. 北京市 or 11."),
        "tags": _("Several tags separated by , ， 、 or ;"),
        "contact_name": _("Primary contact (optional)."),
    }
