"""The yearly credit-management analysis report on the credit manager's workbench (000 合同 4: before
10 January), until it has been exported."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xindang.reports import selectors
from xindang.reports.services import record_export
from xindang.reports.tables import Document

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2026, 12, 1), (2026, date(2027, 1, 10))),
        (date(2027, 1, 31), (2026, date(2027, 1, 10))),
        (date(2027, 2, 1), None),
        (date(2026, 11, 30), None),
    ],
)
def test_yearly_report_period(today, expected):
    assert selectors.yearly_report_period(today) == expected


def test_yearly_report_is_due_until_exported(db, credit_manager, salesperson):
    with time_machine.travel(datetime(2027, 1, 12, 9, tzinfo=SHANGHAI), tick=False):
        [item] = selectors.workbench_items(credit_manager)
        assert (item.kind, item.due, item.overdue) == ("reports.yearly_report", date(2027, 1, 10), True)
        assert item.rule.startswith("000 合同 4")
        assert selectors.workbench_items(salesperson) == []
        record_export(
            by=credit_manager,
            document=Document("yearly", "2026", params={"year": 2026}),
            fmt="pdf",
            purpose="报送集团信用管理机构",
        )
        assert selectors.workbench_items(credit_manager) == []
