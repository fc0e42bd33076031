"""The printed 客户信用调查评定表: the investigation, its figures and findings, signature lines, the
rating and its approval trail; the 客户信用等级分类表 of a rating (002 第十九条). reportlab with its
built-in CID font STSong-Light (no font file)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from xindang.accounts.roles import Role, role_label
from xindang.core import pdf
from xindang.core.pdf import FONT, cjk_font, esc

from .models import Source
from .rules import FINDINGS
from .texts import reason_rows


def _money(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _yes(value) -> str:
    return _("Yes") if value else _("No")


def _when(at) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at else "________"


def investigation_pdf(inv, *, rating=None, approval=None, steps=(), printed_by=None) -> bytes:
    cjk_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=body, fontSize=15, leading=20, alignment=1, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=11, leading=15, spaceBefore=8, spaceAfter=3)
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )
    c = inv.customer
    header = [
        f"{_('Customer')}: {c.name}",
        f"{_('File number')}: {c.file_no}",
        f"{_('Investigated on')}: {inv.investigated_on:%Y-%m-%d}",
    ]
    if inv.valid_until:
        header.append(f"{_('Valid until')}: {inv.valid_until:%Y-%m-%d}")
    story = [
        Paragraph("客户信用调查评定表", head),
        Paragraph(esc("    ".join(header)), body),
        Spacer(1, 4),
    ]
    items = [
        ("1. " + _("Basic information"), inv.basic_info),
        ("2. " + _("Shareholders and managers"), inv.shareholders),
        ("3. " + _("Settlement bank accounts"), inv.bank_accounts),
        (_("Bank credit"), inv.bank_credit),
        ("4. " + _("Business operations"), inv.operations),
        (_("Site visit findings"), inv.site_visit),
        ("5. " + _("Financial situation"), inv.financial_notes),
        ("6. " + _("Our trade with the customer"), inv.trade_history),
        ("7. " + _("Credit record"), inv.credit_record),
        (_("Public records: courts (lawsuits, enforcement)"), inv.public_records_court),
        (_("Public records: tax"), inv.public_records_tax),
        (_("Public records: administrative penalties"), inv.public_records_penalties),
        (_("Media reports and comments"), inv.media),
        ("8. " + _("Other matters"), inv.other_matters),
    ]
    rows = [
        [
            _("Item (002 第八条; 001 客户档案专题 客户档案的内容 2 客户资信调查报告)"),
            _("Findings of the investigation"),
        ]
    ]
    rows += [[Paragraph(esc(label), body), Paragraph(esc(text) or "—", body)] for label, text in items]
    t = Table(rows, colWidths=[48 * mm, 124 * mm])
    t.setStyle(grid)
    story += [t]
    # The figures the screen holds beside the items (employees, founding, wholesaler, trade with us).
    facts = [
        (_("Employees"), "—" if inv.employee_count is None else str(inv.employee_count)),
        (_("Founded on"), f"{inv.founded_on:%Y-%m-%d}" if inv.founded_on else "—"),
        (_("Intermediate wholesaler"), _yes(inv.is_wholesaler)),
        (_("Trading with us since"), f"{inv.cooperation_since:%Y-%m-%d}" if inv.cooperation_since else "—"),
        (_("Yearly collections"), _money(inv.yearly_collections_amount)),
        (_("Yearly shipments"), _money(inv.yearly_shipments_amount)),
    ]
    cells = [Paragraph(esc(f"{label}: {value}"), body) for label, value in facts]
    t = Table([cells[i : i + 3] for i in range(0, len(cells), 3)], colWidths=[57 * mm, 57 * mm, 58 * mm])
    t.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey)])
    )
    story += [Spacer(1, 3), t]
    sources = [str(Source(s).label) for s in inv.sources or [] if s in Source.values]
    if inv.sources_other:
        sources.append(inv.sources_other)
    story.append(Paragraph(esc(f"{_('Sources used (002 第九条)')}: {'; '.join(sources) or '—'}"), body))
    story.append(Paragraph(esc(_("Financial figures (yuan)")), h2))
    yrows = [
        [
            _("Year"),
            _("Revenue"),
            _("Net profit"),
            _("Total assets"),
            _("Liabilities"),
            _("Equity"),
            _("Cash flow"),
        ]
    ]
    for y in inv.years.all():
        yrows.append(
            [
                str(y.year),
                _money(y.revenue_amount),
                _money(y.profit_amount),
                _money(y.total_assets_amount),
                _money(y.liabilities_amount),
                _money(y.equity_amount),
                _money(y.cash_flow_amount),
            ]
        )
    t = Table(yrows, colWidths=[16 * mm] + [26 * mm] * 6)
    t.setStyle(grid)
    story.append(t)
    story.append(Paragraph(esc(_("Findings")), h2))
    cells = []
    for f in FINDINGS:
        text = f"{inv._meta.get_field(f.field).verbose_name}: {_yes(getattr(inv, f.field))}"
        if f.count_field:
            text += f" ({inv._meta.get_field(f.count_field).verbose_name}: {getattr(inv, f.count_field)})"
        cells.append(Paragraph(esc(f"{text} — {f.article}"), body))
    frows = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    t = Table(frows, colWidths=[86 * mm, 86 * mm])
    t.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey)])
    )
    story.append(t)
    story.append(Paragraph(esc(_("Conclusion")), h2))
    story.append(Paragraph(esc(inv.conclusion) or "—", body))
    story.append(Paragraph(esc(_("Credit proposal")), h2))
    proposal = [
        inv.credit_proposal or "—",
        f"{_('Proposed credit limit')}: {_money(inv.proposed_limit_amount)}",
        f"{_('Proposed payment term (days)')}: {inv.proposed_term_days or '—'}",
    ]
    story.append(Paragraph(esc("    ".join(proposal)), body))
    # Signatures (002 第十条, 第十一条)
    story.append(Paragraph(esc(_("Signatures")), h2))
    sig = [
        [
            _("Filled in by (answers for the truth of this form, 002 第十条)"),
            str(inv.signed_by or "________"),
            f"{timezone.localtime(inv.signed_at):%Y-%m-%d %H:%M}" if inv.signed_at else "________",
        ],
        [
            _("Reviewed by the department manager (002 第十条, 第十一条)"),
            str(inv.reviewed_by or "________"),
            f"{timezone.localtime(inv.reviewed_at):%Y-%m-%d %H:%M}" if inv.reviewed_at else "________",
        ],
        [
            _("Filed by the finance department (002 第十条)"),
            str(inv.filed_by or "________"),
            _when(inv.filed_at),
        ],
    ]
    t = Table([[Paragraph(esc(a), body), b, c2] for a, b, c2 in sig], colWidths=[92 * mm, 40 * mm, 40 * mm])
    t.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
    )
    story.append(t)
    if inv.review_notes:
        story.append(Paragraph(esc(f"{_('Review notes')}: {inv.review_notes}"), body))
    # The rating (002 第十九条)
    story.append(Paragraph(esc(_("Credit rating")), h2))
    if rating is None:
        story.append(Paragraph(esc(_("Not rated on this investigation yet.")), body))
    else:
        parts = [
            f"{_('Grade')}: {rating.get_grade_display()}",
            f"{_('Computed grade')}: {rating.get_computed_grade_display()}",
            f"{_('Status')}: {rating.get_status_display()}",
            f"{_('Policy version')}: {rating.policy_version}",
        ]
        line = "    ".join(parts)
        story.append(Paragraph(esc(line), body))
        if rating.is_override:
            story.append(Paragraph(esc(f"{_('Override reason')}: {rating.override_reason}"), body))
        for r in reason_rows(rating.reasons):
            story.append(Paragraph(esc(f"• {r['text']} — {r['article']}"), body))
        if approval is not None:
            arows = [[_("Step"), _("Role"), _("Decision"), _("By"), _("At"), _("Comment")]]
            for s in steps:
                arows.append(
                    [
                        str(s.position),
                        str(s.role_label),
                        s.get_status_display(),
                        str(s.acted_by or ""),
                        f"{timezone.localtime(s.acted_at):%Y-%m-%d %H:%M}" if s.acted_at else "",
                        Paragraph(esc(s.comment), body),
                    ]
                )
            t = Table(arows, colWidths=[12 * mm, 34 * mm, 22 * mm, 28 * mm, 30 * mm, 46 * mm])
            t.setStyle(grid)
            story.append(Spacer(1, 4))
            story.append(t)
    return _finish(story, body, printed_by, title=f"客户信用调查评定表 {c.name}")


def rating_pdf(rating, *, steps=(), printed_by=None) -> bytes:
    """The 客户信用等级分类表 (002 第十九条): the grade and its reasons as a table, and the signatures of
    the marketing manager, the salesperson in charge (经办业务员) and the finance credit controller who
    rate together, then the rest of the approval chain."""

    cjk_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=body, fontSize=15, leading=20, alignment=1, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=11, leading=15, spaceBefore=8, spaceAfter=3)
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )
    c = rating.customer
    inv = rating.investigation

    def cell(text):
        return Paragraph(esc(str(text)) or "—", body)

    story = [Paragraph("客户信用等级分类表", head)]
    info = [
        [cell(_("Customer")), cell(c.name), cell(_("File number")), cell(c.file_no)],
        [
            cell(_("Department")),
            cell(c.department or "—"),
            cell(_("Salesperson in charge")),
            cell(rating.salesperson or "—"),
        ],
        [
            cell(_("Grade")),
            cell(rating.get_grade_display()),
            cell(_("Computed grade")),
            cell(rating.get_computed_grade_display()),
        ],
        [
            cell(_("Investigation")),
            cell(f"{inv.investigated_on:%Y-%m-%d}" if inv else "—"),
            cell(_("Policy version")),
            cell(rating.policy_version),
        ],
        [
            cell(_("Status")),
            cell(rating.get_status_display()),
            cell(_("In force from")),
            cell(f"{timezone.localtime(rating.effective_at):%Y-%m-%d}" if rating.effective_at else "—"),
        ],
    ]
    t = Table(info, colWidths=[30 * mm, 56 * mm, 30 * mm, 56 * mm])
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("BACKGROUND", (2, 0), (2, -1), colors.whitesmoke),
            ]
        )
    )
    story.append(t)
    if rating.is_override:
        story.append(Paragraph(esc(f"{_('Override reason')}: {rating.override_reason}"), body))
    story.append(Paragraph(esc(_("Reasons (002 第十五–十八条)")), h2))
    rows = [[_("Article"), _("Reason")]]
    rows += [[cell(r["article"]), cell(r["text"])] for r in reason_rows(rating.reasons)]
    t = Table(rows, colWidths=[36 * mm, 136 * mm])
    t.setStyle(grid)
    story.append(t)

    # Signatures: who rates together (002 第十九条), then the rest of the chain.
    story.append(Paragraph(esc(_("Signatures (002 第十九条)")), h2))
    by_role = {}
    for s in steps:
        by_role.setdefault(s.role, s)

    def step_row(role):
        s = by_role.get(role)
        if s is None:
            return [cell(role_label(role)), cell("________"), cell(""), cell("________")]
        return [
            cell(role_label(role)),
            cell(s.acted_by or "________"),
            cell(f"{s.get_status_display()} {s.comment}".strip()),
            cell(_when(s.acted_at)),
        ]

    if rating.salesperson_signed_at:
        opinion = _("Agrees") if rating.salesperson_agrees else _("Does not agree")
        if rating.salesperson_opinion:
            opinion = f"{opinion}: {rating.salesperson_opinion}"
    else:
        opinion = ""
    sig = [
        [_("Role"), _("Name"), _("Decision / opinion"), _("Date")],
        step_row(Role.MARKETING_MANAGER.value),
        [
            cell(_("Salesperson in charge")),
            cell(rating.salesperson or "________"),
            cell(opinion),
            cell(_when(rating.salesperson_signed_at)),
        ],
        step_row(Role.FINANCE_CREDIT_CONTROLLER.value),
    ]
    named = {Role.MARKETING_MANAGER.value, Role.FINANCE_CREDIT_CONTROLLER.value}
    sig += [step_row(s.role) for s in steps if s.role not in named]
    t = Table(sig, colWidths=[40 * mm, 34 * mm, 66 * mm, 32 * mm])
    t.setStyle(grid)
    story.append(t)
    story.append(
        Paragraph(
            esc(
                f"{_('Proposed by')}: {rating.proposed_by or '—'} · "
                f"{timezone.localtime(rating.proposed_at):%Y-%m-%d %H:%M}"
            ),
            body,
        )
    )
    return _finish(story, body, printed_by, title=f"客户信用等级分类表 {c.name}")


def _finish(story: list, body, printed_by, *, title: str) -> bytes:
    """The printed-by line (when asked) and the A4 document of both forms of this module."""
    if printed_by is not None:
        story.append(Spacer(1, 8))
        story.append(
            Paragraph(
                esc(
                    _("Printed by %(who)s · %(at)s")
                    % {"who": printed_by, "at": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
                ),
                ParagraphStyle("small", parent=body, fontSize=8, textColor=colors.grey),
            )
        )
    return pdf.render(story, title=title, margins=(18, 18, 15, 15), page_numbers=False, invariant=True)
