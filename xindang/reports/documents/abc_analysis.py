"""ABC analysis, share of our sales, and the core and tail customers (抓两头放中间)."""

from __future__ import annotations

from datetime import date

from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ..selectors import ranking
from ..tables import INT, MONEY, RATIO, SHARE, Column, Document, Table, each
from .common import customer_links, drill


def abc_document(
    customers, *, year: int, today: date, policy, core_tail=None, core_tail_as_of=None
) -> Document:
    """The ABC analysis of `year` (and the two ends when given): from the ranking the daily run stored
    when there is one (selectors.ranking; the notes say as of when), else computed from the ledger."""
    report = ranking.abc_of_year(customers, year, today, policy)
    start, end = report.start, report.end
    summary = Table(
        "abc_summary",
        _("ABC classes"),
        [
            Column(_("Class")),
            Column(_("Customers"), INT),
            Column(_("Sales"), MONEY),
            Column(_("Share"), SHARE),
        ],
        empty=_("No sales in this period."),
    )
    for s in report.summary:
        summary.rows.append([s.klass, s.count, s.amount, s.share])
        summary.links.append(drill(abc=s.klass, year=year) if s.count else "")
    required = report.required_pct
    rows = Table(
        "abc_customers",
        _("Customers by cumulative share of sales"),
        [
            Column(_("Rank"), INT),
            Column(_("Customer")),
            Column(_("File number")),
            Column(_("Sales"), MONEY),
            Column(_("Share of our sales"), SHARE),
            Column(_("Cumulative share"), SHARE),
            Column(_("Class")),
            Column(_("Meets the required share")),
        ],
        empty=_("No sales in this period."),
        link_column=1,
        note=(
            _("Required share of our sales: %(pct)s %%.") % {"pct": required}
            if required is not None
            else _(
                "The company policy sets no required share of our sales (004 客户信息管理制度 第三条3(4))."
            )
        ),
    )
    yes, no = _("Yes"), _("No")
    link = customer_links()

    def cells(r):
        meets = "—" if r.meets is None else yes if r.meets else no
        return [r.rank, r.customer.name, r.customer.file_no, r.amount, r.share, r.cumulative, r.klass, meets]

    rows.rows = each(report.rows, cells)
    rows.links = each(report.rows, lambda r: link(r.customer.pk))
    doc = Document(
        "abc",
        _("ABC analysis (004 客户信息管理制度 第三条2–3)"),
        _("%(start)s to %(end)s · A %(a)s %%, B %(b)s %%, C the rest")
        % {"start": start, "end": end, "a": report.a_pct, "b": report.b_pct},
        [summary, rows],
        params={"year": year},
    )
    if report.as_of is not None:
        doc.notes.append(
            _(
                "Sales and classes as stored by the daily run of %(at)s; entries posted since then are "
                "counted from the next run."
            )
            % {"at": localtime(report.as_of).strftime("%Y-%m-%d %H:%M")}
        )
    if core_tail is not None:
        doc.tables += core_tail_tables(core_tail)
    if core_tail_as_of is not None:
        doc.notes.append(
            _("Core and tail customers as of %(on)s (the daily run of %(at)s).")
            % {
                "on": core_tail_as_of.on,
                "at": localtime(core_tail_as_of.computed_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    doc.data["abc"] = report
    return doc


def tail_reason_labels() -> dict[str, str]:
    return {
        "grade_c": _("Grade C"),
        "overdue": _("Overdue"),
        "grade_fell": _("Grade fallen"),
        "bad_debt": _("Bad debt"),
    }


def tail_reason_label(code: str) -> str:
    return tail_reason_labels().get(code, code)


def core_tail_tables(ct) -> list[Table]:
    core = Table(
        "core",
        _("Core customers (抓两头: the big ones)"),
        [
            Column(_("Customer")),
            Column(_("File number")),
            Column(_("Average yearly sales"), MONEY),
            Column(_("Years of trade"), RATIO),
            Column(_("Grade")),
        ],
        empty=_("No customer is class A with the years of trade the policy asks."),
    )
    link = customer_links()
    core.rows = each(ct.core, lambda r: [r[0].name, r[0].file_no, r[1], r[2], r[3] or "—"])
    core.links = each(ct.core, lambda r: link(r[0].pk))
    tail = Table(
        "tail",
        _("Tail customers (抓两头: the risky ones)"),
        [
            Column(_("Customer")),
            Column(_("File number")),
            Column(_("Signs")),
            Column(_("Overdue"), MONEY),
            Column(_("Grade")),
        ],
        empty=_("No customer shows a sign of risk."),
        note=_("%(n)s customers in the middle (放中间).") % {"n": ct.middle_count},
    )
    labels = tail_reason_labels()  # once: a tail can hold tens of thousands of files
    tail.rows = each(
        ct.tail,
        lambda r: [r[0].name, r[0].file_no, "、".join(labels.get(x, x) for x in r[1]), r[2], r[3] or "—"],
    )
    tail.links = each(ct.tail, lambda r: link(r[0].pk))
    return [core, tail]
