"""The chart data the screen draws from a document's rows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..tables import Document

PARETO_POINTS = 200  # the largest customers drawn; the table (paginated) and the export hold them all


def chart_data(doc: Document) -> dict:
    """The screen's charts, from the document's own tables (the same figures as the tables)."""

    def series(key: str, label_col: int, value_col: int) -> dict:
        table = next((t for t in doc.tables if t.key == key), None)
        if table is None:
            return {}
        return {
            "title": table.title,
            "labels": [str(r[label_col]) for r in table.rows],
            "values": [float(r[value_col] or 0) for r in table.rows],
            "links": table.links,
        }

    data = {}
    if doc.slug == "credit":
        data["grades"] = {**series("grades", 0, 1), "type": "bar"}
        data["utilisation"] = {**series("utilisation", 0, 1), "type": "bar"}
        data["ageing"] = {**series("ageing", 0, 1), "type": "bar"}
        trend = next(t for t in doc.tables if t.key == "trend")
        data["trend"] = {
            "title": trend.title,
            "type": "lines",
            "labels": [r[0] for r in trend.rows],
            "series": [
                {"name": str(trend.columns[c].label), "values": [float(r[c] or 0) for r in trend.rows]}
                for c in (1, 2, 5)
            ],
            "links": trend.links,
        }
    elif doc.slug == "abc":
        table = next(t for t in doc.tables if t.key == "abc_customers")
        shown = table.rows[:PARETO_POINTS]
        title = _("Pareto chart")
        if len(table.rows) > PARETO_POINTS:
            title = _("Pareto chart: the %(n)s largest of %(total)s customers") % {
                "n": PARETO_POINTS,
                "total": f"{len(table.rows):,}",
            }
        data["pareto"] = {
            "title": title,
            "type": "pareto",
            "labels": [str(r[1]) for r in shown],
            "values": [float(r[3]) for r in shown],
            "cumulative": [round(float(r[5] or 0) * 100, 1) for r in shown],
            "links": table.links[:PARETO_POINTS],
            "names": [_("Sales"), _("Cumulative share")],
        }
    elif doc.slug == "composition":
        table = doc.tables[0]
        data["composition"] = {
            "title": table.title,
            "type": "pie",
            "labels": [str(r[0]) for r in table.rows[:-1]],
            "values": [float(r[2]) for r in table.rows[:-1]],
            "links": table.links[:-1],
        }
    elif doc.slug == "sales":
        table = doc.tables[0]
        if table.rows:
            index_col = len(table.columns) - 3
            data["seasonal"] = {
                "title": table.title,
                "type": "bar",
                "labels": [r[0] for r in table.rows],
                "values": [float(r[index_col]) for r in table.rows],
                "links": [],
            }
    return data
