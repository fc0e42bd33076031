"""Policy values are read by their names: an approval chain of role codes as the roles' names in
order, codes of the control matrix by their labels, anything else unknown shown as code."""

import pytest
from django.utils import translation

from xindang.policy.views import _display


@pytest.mark.parametrize(
    "language, chain",
    [
        ("zh-hans", "营销部经理 → 财务信用控制主管 → 总经理"),
        ("en", "Marketing manager → Finance credit controller → General manager"),
    ],
)
def test_an_approval_chain_reads_as_the_roles_names(language, chain):
    with translation.override(language):
        shown = str(_display(["marketing_manager", "finance_credit_controller", "general_manager"]))
    assert shown == chain
    assert "marketing_manager" not in shown


def test_a_control_matrix_reads_by_labels_and_unknown_codes_stay_codes():
    with translation.override("zh-hans"):
        shown = str(_display({"A": {"shipment": "warn", "order": "ignore"}, "default": "block"}))
    assert "发货: 预警" in shown and "销售订单: 不控制" in shown
    assert "<code>default</code>: 拦截" in shown
    assert "<code>A</code>" in shown


def test_values_are_escaped():
    shown = str(_display(["<script>x</script>"]))
    assert "<script>" not in shown and "&lt;script&gt;" in shown
