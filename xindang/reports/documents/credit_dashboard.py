"""The credit dashboard: grades, utilisation, ageing, the monthly trend, risks."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan

from ..selectors import credit, snapshot
from ..tables import INT, MONEY, PERCENT, Column, Document, Table
from .common import drill

BAND_ORDER = ("lt50", "50to80", "80to100", "over", "no_limit")


def band_labels() -> dict:
    return {
        "lt50": _("Below 50 %"),
        "50to80": _("50–80 %"),
        "80to100": _("80–100 %"),
        "over": _("Over the limit"),
        "no_limit": _("Exposure without a limit"),
    }


def credit_document(
    customers, *, on: date, months: int = 12, then: date | None = None, snap=None
) -> Document:
    """The dashboard as of `on`. `snap`: a snapshot of `on` (selectors.snapshot), from which the
    grades, the utilisation, the ageing and the top risks are read instead of the ledger."""
    then = then or snapshot.year_before(on)
    if snap is not None and snap.on != on:
        snap = None
    dist = snapshot.grade_distribution(customers, snap) if snap else credit.grade_distribution(customers)
    grades = Table(
        "grades",
        _("Rating distribution"),
        [Column(_("Grade")), Column(_("Customers"), INT)],
        empty=_("No open customer files."),
    )
    for g in [*[g for g in credit.ALL_GRADES if g in dist or g in credit.GRADES], ""]:
        grades.rows.append([g or _("Not rated"), dist.get(g, 0)])
        grades.links.append(drill(grade=g or "none"))
    if snap and then == snapshot.year_before(on):
        mig = credit.migration_of(snapshot.migration_pairs(customers, snap=snap))
    elif snap and then == snapshot.last_year_end(on) and snapshot.has_year_migration(snap):
        mig = credit.migration_of(snapshot.migration_pairs(customers, since_year_end=True, snap=snap))
    else:
        mig = credit.migration(customers, then)
    keys = [*mig["grades"], ""]
    migration = Table(
        "migration",
        _("Rating migration since %(then)s") % {"then": then},
        [Column(_("Before → now")), *[Column(k or _("Not rated"), INT) for k in keys]],
    )
    for b in keys:
        migration.rows.append([b or _("Not rated"), *[mig["matrix"][b][a] for a in keys]])
        migration.links.append("")
    if snap:
        by_band, (n_limits, total_limit, total_exposure) = snapshot.bands(customers, snap)
    else:
        by_band, (n_limits, total_limit, total_exposure) = credit.bands(customers, on)
    bands = Table(
        "utilisation",
        _("Limits against exposure"),
        [
            Column(_("Utilisation")),
            Column(_("Customers"), INT),
            Column(_("Limits"), MONEY),
            Column(_("Exposure"), MONEY),
        ],
        empty=_("No limits and no exposure."),
    )
    labels = band_labels()
    for band in BAND_ORDER:
        if band not in by_band:
            continue
        n, limits, exposure = by_band[band]
        bands.rows.append([labels[band], n, limits, exposure])
        bands.links.append(drill(band=band))
    if n_limits:
        bands.note = _("Limits in force %(limit)s, exposure %(exposure)s, utilisation %(pct)s.") % {
            "limit": format_yuan(total_limit),
            "exposure": format_yuan(total_exposure),
            "pct": f"{total_exposure / total_limit * 100:.1f} %" if total_limit else "—",
        }
    ageing = Table(
        "ageing", _("Ageing of receivables"), [Column(_("Days overdue")), Column(_("Amount"), MONEY)]
    )
    codes = snapshot.bucket_codes()
    if snap:
        aged = None
        total = snapshot.ageing_total(customers, len(codes), snap)
    else:
        aged = credit.ageing_by_customer(customers, on)  # one aggregate: ageing, running month, risks
        total = credit.ageing_total(aged)
    for code, amount in zip(codes, total, strict=True):
        ageing.rows.append([_("Not due") if code == "not_due" else code, amount])
        ageing.links.append(drill(overdue="1") if code != "not_due" else "")
    trend_rows = credit.monthly_trend(customers, on, months, current=total)
    trend = Table(
        "trend",
        _("By month"),
        [
            Column(_("Month")),
            Column(_("Receivables"), MONEY),
            Column(_("Overdue"), MONEY),
            Column(_("Credit sales"), MONEY),
            Column(_("Collections"), MONEY),
            Column(_("Bad debts"), MONEY),
            Column(_("Collection effectiveness"), PERCENT),
        ],
        note=_(
            "Collection effectiveness: (opening receivables + credit sales − closing receivables) ÷ "
            "(opening receivables + credit sales − closing receivables not yet due)."
        ),
    )
    for f in trend_rows:
        trend.rows.append(
            [f.label, f.receivable, f.overdue, f.sales, f.collections, f.bad_debts, f.effectiveness]
        )
        trend.links.append(drill(bad_debt=f.label) if f.bad_debts else "")
    risks = Table(
        "risks",
        _("Top risks: most overdue"),
        [
            Column(_("Customer")),
            Column(_("Grade")),
            Column(_("Overdue"), MONEY),
            Column(_("Exposure"), MONEY),
            Column(_("Limit"), MONEY),
        ],
        empty=_("Nothing overdue."),
    )
    if snap:
        top = snapshot.top_risks(customers, snap=snap)
    else:
        top = credit.top_risks(
            customers, on, overdue=credit.overdue_by_customer(customers, on, by_customer=aged)
        )
    for r in top:
        risks.rows.append([r["name"], r["grade"] or "—", r["overdue"], r["exposure"], r["limit"]])
        risks.links.append(reverse("customers:detail", args=[r["pk"]]))
    first = date(*credit.last_months(on, months)[0], 1)
    over = credit.over_limit_by_status(customers, first, on)
    olr = Table(
        "over_limit",
        _("Over-limit approvals since %(start)s") % {"start": first},
        [Column(_("Status")), Column(_("Requests"), INT), Column(_("Amount"), MONEY)],
        empty=_("No over-limit requests."),
    )
    for status, r in sorted(over.items()):
        olr.rows.append([r["label"], r["n"], r["amount"]])
        olr.links.append(drill(over_limit=status, since=first.isoformat()))
    notes = []
    if snap:
        notes.append(
            _(
                "Grades, limits, ageing and risks as stored by the daily run of %(at)s; entries posted "
                "since then are counted from the next run."
            )
            % {"at": timezone.localtime(snap.computed_at).strftime("%Y-%m-%d %H:%M")}
        )
    doc = Document(
        "credit",
        _("Credit dashboard"),
        _("As of %(on)s") % {"on": on},
        [grades, migration, bands, ageing, trend, risks, olr],
        notes=notes,
        params={"on": on.isoformat()},
    )
    doc.data["trend"] = trend_rows
    return doc
