"""The printed 客户信用调查评定表 draws no character its font lacks: the reasons' "•" and the "·" of
"Printed by" were boxes with reportlab's CID font (core.pdf handles the glyphs for every printout)."""

import pytest
from django.urls import reverse

from xindang.core.pdf import undrawn_characters
from xindang.credit import services


@pytest.mark.parametrize("font", ["cid", ""])
def test_investigation_pdf_draws_only_covered_characters(
    client,
    customer,
    salesperson,
    credit_manager,
    investigate,
    docs_complete,
    marketing_manager,
    settings,
    font,
):
    settings.XINDANG_PDF_FONT = font
    inv = investigate(customer)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager)
    # 002 第十九条: the salesperson in charge takes part before the rating goes for approval
    services.sign_rating_as_salesperson(rating_id=rating.pk, by=salesperson, agrees=True, opinion="同意")
    rating = services.submit_rating(rating_id=rating.pk, by=credit_manager)
    from xindang.approvals import services as approvals

    approvals.approve_step(approval=rating.approval, approver=marketing_manager, comment="同意 · 按制度")
    client.force_login(credit_manager)
    response = client.get(reverse("credit:investigation_pdf", args=[inv.pk]))
    assert response.status_code == 200
    assert undrawn_characters(response.content) == {}
