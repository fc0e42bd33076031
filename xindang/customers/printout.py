"""The customer file printed as one PDF (客户资料表 / 客户卡, seed 000 4.1.1; 001 公司客户信息管理办法
三.3(2)): basic data,
address and contacts, bank accounts, shareholders and management, classification, and — from the
credit module, which sits above this app — the grade and the credit limit.

Modules above `customers` add sections with register_card_section() in their AppConfig.ready(): a
function (customer, user) → (title, [(label, value), …]) or None when the user may not see it."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from xindang.core import pdf
from xindang.core.money import format_money, format_yuan

from .models import Customer

CardSection = Callable[[Customer, object], tuple[str, list[tuple[str, str]]] | None]
_SECTIONS: list[CardSection] = []


def register_card_section(provider: CardSection) -> None:
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)


def _label(name: str) -> str:
    return str(Customer._meta.get_field(name).verbose_name)


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _pairs(rows: list[tuple[str, str]], widths=(30, 59, 30, 59)) -> object:
    """(label, value) pairs two to a row, like the paper form."""
    cells = [[label, value] for label, value in rows]
    grid = []
    for i in range(0, len(cells), 2):
        left = cells[i]
        right = cells[i + 1] if i + 1 < len(cells) else ["", ""]
        grid.append([*left, *right])
    return pdf.table(grid, [w * mm for w in widths], label_columns=(0, 2))


def _section(title: str, flowable) -> object:
    st = pdf.styles()
    return KeepTogether([pdf.para(title, st.head), flowable])


def card_pdf(customer: Customer, *, user, company: str = "") -> bytes:
    """The file as one PDF; `user` decides which registered sections (grade, limit) it carries."""
    c = customer
    operating = (
        f"{_day(c.operating_from)} – {_day(c.operating_to) or _('unlimited')}" if c.operating_from else ""
    )
    basic = [
        (_label("file_no"), c.file_no),
        (_label("code"), c.code or ""),
        (_label("name"), c.name),
        (_label("credit_code"), c.credit_code or ""),
        (_label("enterprise_type"), c.get_enterprise_type_display()),
        (_label("nature"), c.get_nature_display()),
        (_label("registered_capital"), format_money(c.registered_capital, c.registered_capital_currency)),
        (_label("legal_rep"), c.legal_rep),
        (_label("chairman"), c.chairman),
        (_label("general_manager"), c.general_manager),
        (_label("founded_on"), _day(c.founded_on)),
        (_("Operating period"), operating),
        (_label("licence_valid_until"), _day(c.licence_valid_until)),
        (_label("licence_authority"), c.licence_authority),
    ]
    address = [
        (_label("address"), c.address),
        (_label("postal_code"), c.postal_code),
        (_label("region"), f"{c.region_label()} {c.city}".strip()),
        (_label("phone"), c.phone),
        (_label("fax"), c.fax),
        (_label("email"), c.email),
        (_label("website"), c.website),
    ]
    classification = [
        (_label("status"), c.get_status_display()),
        (_label("relationship"), c.get_relationship_display()),
        (_label("tier"), c.get_tier_display()),
        (_label("importance"), c.get_importance_display()),
        (_label("industry"), c.get_industry_display()),
        (_label("tags"), "、".join(c.tags.values_list("name", flat=True))),
        (_label("department"), c.department.name),
        (_label("owner"), c.owner.get_full_name() or c.owner.get_username()),
    ]
    number = f"{_('File number')}: {c.file_no}"
    story = pdf.letterhead(company, _("Customer file"), number=number)
    story.append(_section(_("Basic data"), _pairs(basic)))
    if c.business_scope or c.certifications:
        rows = [[_label("business_scope"), c.business_scope], [_label("certifications"), c.certifications]]
        story.append(Spacer(1, 2 * mm))
        story.append(pdf.table([r for r in rows if r[1]], [30 * mm, 148 * mm]))
    story.append(_section(_("Address and contact"), _pairs(address)))
    children = [
        (
            _("Contacts"),
            [_("Name"), _("Position"), _("Phone"), _("Mobile"), _("Email")],
            [
                [x.name + (" ★" if x.is_primary else ""), x.title, x.phone, x.mobile, x.email]
                for x in c.contacts.all()
            ],
            (30, 30, 38, 32, 48),
        ),
        (
            _("Bank accounts"),
            [_("Bank"), _("Account name"), _("Account number"), _("Main settlement account")],
            [
                [b.bank_name, b.account_name, b.account_no, _("Yes") if b.is_settlement else ""]
                for b in c.bank_accounts.all()
            ],
            (50, 50, 52, 26),
        ),
        (
            _("Shareholders"),
            [_("Name"), _("Kind"), _("Share (%)"), _("Capital contribution")],
            [
                [
                    s.name,
                    s.get_kind_display(),
                    "" if s.share_pct is None else f"{s.share_pct:.2f}",
                    format_yuan(s.contribution_amount),
                ]
                for s in c.shareholders.all()
            ],
            (70, 30, 28, 50),
        ),
        (
            _("Management"),
            [_("Name"), _("Position"), _("Age"), _("Phone")],
            [[m.name, m.position, "" if m.age is None else str(m.age), m.phone] for m in c.managers.all()],
            (50, 50, 28, 50),
        ),
    ]
    for title, head, rows, widths in children:
        body = [head, *rows] if rows else [head, [_("None recorded")] + [""] * (len(head) - 1)]
        story.append(
            _section(title, pdf.table(body, [w * mm for w in widths], header=True, label_columns=()))
        )
    story.append(_section(_("Classification"), _pairs(classification)))
    for provider in _SECTIONS:
        part = provider(c, user)
        if part:
            title, rows = part
            story.append(_section(title, _pairs(rows)))
    if c.notes:
        story.append(_section(_("Notes"), pdf.table([[c.notes]], [178 * mm], label_columns=())))
    printed = timezone.localtime()
    who = user.get_full_name() or user.get_username()
    printed_by = _("Printed by")  # outside the f-string: makemessages cannot see into one
    footer = f"{c.name} {c.file_no} · {printed_by} {who} {printed:%Y-%m-%d %H:%M}"
    return pdf.render(story, title=f"{_('Customer file')} {c.name}", author=company, footer=footer)
