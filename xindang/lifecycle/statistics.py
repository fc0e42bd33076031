"""Archive statistics (统计, a step of the archive workflow: 001 公司档案管理流程范本 四; 001 档案管理制度
及流程 1.6): documents counted and sized by year, category, department, level, retention class and the
file's status; loans out; transfers. Reads only."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import Department
from xindang.core import xlsx
from xindang.customers.choices import Status
from xindang.customers.models import Customer
from xindang.documents.models import Document, DocumentCategory, Level

from .models import Loan, TransferAct, TransferList, TransferStage


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    size_columns: tuple[int, ...] = ()  # columns holding byte counts (shown as MB on screen)


def _grouped(by: str) -> list[tuple]:
    return list(
        Document.objects.values(by)
        .annotate(n=Count("pk"), size=Coalesce(Sum("current_version__size"), 0))
        .order_by(by)
        .values_list(by, "n", "size")
    )


def _document_table(key: str, title: str, first: str, rows) -> Table:
    total_n = sum(r[1] for r in rows)
    total_size = sum(r[2] for r in rows)
    out = [[label, n, size] for label, n, size in rows]
    out.append([_("Total"), total_n, total_size])
    return Table(key, title, [first, _("Documents"), _("Size (bytes)")], out, size_columns=(2,))


def archive_statistics() -> list[Table]:
    tables = []
    by_year = list(
        Document.objects.annotate(year=ExtractYear("filed_at"))
        .values("year")
        .annotate(n=Count("pk"), size=Coalesce(Sum("current_version__size"), 0))
        .order_by("year")
        .values_list("year", "n", "size")
    )
    tables.append(
        _document_table(
            "year", _("Documents by year filed"), _("Year"), [(str(y), n, s) for y, n, s in by_year]
        )
    )
    categories = DocumentCategory.objects.in_bulk()
    tables.append(
        _document_table(
            "category",
            _("Documents by category"),
            _("Category"),
            [(str(categories[c]) if c in categories else c, n, s) for c, n, s in _grouped("category")],
        )
    )
    departments = Department.objects.in_bulk()
    tables.append(
        _document_table(
            "department",
            _("Documents by department"),
            _("Department"),
            [(str(departments.get(d, d)), n, s) for d, n, s in _grouped("customer__department")],
        )
    )
    tables.append(
        _document_table(
            "level",
            _("Documents by confidentiality level"),
            _("Level"),
            [
                (str(Level(lv).label) if lv in Level.values else lv, n, s)
                for lv, n, s in _grouped("confidentiality")
            ],
        )
    )
    tables.append(
        _document_table(
            "retention",
            _("Documents by retention class"),
            _("Retention class"),
            [(rc or "—", n, s) for rc, n, s in _grouped("retention_class")],
        )
    )
    files = dict(Customer.objects.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    docs = {st: (n, s) for st, n, s in _grouped("customer__status")}
    status_rows = [
        [str(label), files.get(value, 0), docs.get(value, (0, 0))[0], docs.get(value, (0, 0))[1]]
        for value, label in Status.choices
    ]
    status_rows.append(
        [
            _("Total"),
            sum(r[1] for r in status_rows),
            sum(r[2] for r in status_rows),
            sum(r[3] for r in status_rows),
        ]
    )
    tables.append(
        Table(
            "status",
            _("Files by status"),
            [_("Status"), _("Customer files"), _("Documents"), _("Size (bytes)")],
            status_rows,
            size_columns=(3,),
        )
    )
    today = timezone.localdate()
    loans = Loan.objects.aggregate(
        out=Count("pk", filter=Q(returned_on__isnull=True)),
        overdue=Count("pk", filter=Q(returned_on__isnull=True, due_on__lt=today)),
        this_year=Count("pk", filter=Q(lent_on__year=today.year)),
        returned_damaged=Count("pk", filter=Q(returned_on__isnull=False) & ~Q(return_condition="intact")),
    )
    tables.append(
        Table(
            "loans",
            _("Loans of originals"),
            [_("Item"), _("Count")],
            [
                [_("Out now"), loans["out"]],
                [_("Overdue"), loans["overdue"]],
                [_("Lent this year"), loans["this_year"]],
                [_("Returned damaged or incomplete"), loans["returned_damaged"]],
            ],
        )
    )
    transfer_rows = []
    for tl in TransferList.objects.order_by("-year"):
        counts = tl.items.aggregate(
            total=Count("pk"),
            department=Count("pk", filter=Q(stage=TransferStage.PROPOSED)),
            credit=Count("pk", filter=Q(stage=TransferStage.AT_CREDIT_OFFICE)),
            archive=Count("pk", filter=Q(stage=TransferStage.IN_ARCHIVE_ROOM)),
        )
        failed = TransferAct.objects.filter(item__transfer_list=tl, check_ok=False).count()
        transfer_rows.append(
            [str(tl.year), counts["total"], counts["department"], counts["credit"], counts["archive"], failed]
        )
    tables.append(
        Table(
            "transfers",
            _("Transfers"),
            [
                _("Year"),
                _("Files on the list"),
                _("In the department"),
                _("At the credit office"),
                _("In the archive room"),
                _("Acts with check findings"),
            ],
            transfer_rows,
        )
    )
    return tables


def write_statistics_xlsx(tables: list[Table], out) -> None:
    """One sheet per table, through core.xlsx's formula-safe cells."""
    book = xlsx.Workbook()
    for table in tables:
        sheet = book.sheet(table.title.replace("/", "-"), freeze=None)
        sheet.width(0, 28)
        sheet.append([str(h) for h in table.headers])
        for row in table.rows:
            sheet.append([v if isinstance(v, int) else str(v) for v in row])
    book.save(out)
