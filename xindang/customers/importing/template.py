"""The import template: a workbook with the columns, drop-down lists for the classified columns
and a sheet explaining each column."""

import io

import openpyxl
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xindang.accounts.models import Department

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
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户" if zh else "Customers"
    lists = workbook.create_sheet("选项" if zh else "Lists")
    help_sheet = workbook.create_sheet("说明" if zh else "Instructions")
    sheet.append([column_header(c, lang) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    options = {"department": [name for _code, name in departments]}
    options.update({c.field: choice_options(c.field, lang) for c in COLUMNS if c.kind == "choice"})
    for col_no, (name, values) in enumerate(options.items(), start=1):
        letter = get_column_letter(col_no)
        lists.cell(row=1, column=col_no, value=column_header(COLUMN_BY_FIELD[name], lang).rstrip("*"))
        for row_no, value in enumerate(values, start=2):
            lists.cell(row=row_no, column=col_no, value=value)
        if not values:
            continue
        target = get_column_letter([c.field for c in COLUMNS].index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        validation.add(f"{target}2:{target}20001")
        sheet.add_data_validation(validation)
    for col_no, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col_no)].width = (
            28 if column.field in ("name", "address") else 16
        )
    heads = ("列", "必填", "格式与取值") if zh else ("Column", "Required", "Format and values")
    help_sheet.append(list(heads))
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
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
    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
