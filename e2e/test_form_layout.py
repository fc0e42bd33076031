"""Form layout in a real browser: a checkbox sits with its label (the grants filter's 即将到期, the
ledger's open-items filter), not stretched to a field's width with its text pushed away."""

import pytest

from .journey import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _gap_between_box_and_text(page, name):
    return page.evaluate(
        """(name) => {
            const box = document.querySelector(`input[type=checkbox][name="${name}"]`);
            const label = box.closest("label");
            const range = document.createRange();
            range.selectNodeContents(label);
            range.setStartAfter(box);
            const text = range.getBoundingClientRect();
            const b = box.getBoundingClientRect();
            const middle = (r) => (r.top + r.bottom) / 2;
            return {width: b.width, gap: text.left - b.right, dy: Math.abs(middle(text) - middle(b))};
        }""",
        name,
    )


@pytest.mark.parametrize(("url", "name"), [("/credit/grants/", "expiring"), ("/ledger/", "open")])
def test_filter_checkbox_sits_with_its_label(page, credit_manager, url, name):
    # given the credit manager on a list with a checkbox filter
    log_in(page, credit_manager.username)
    page.goto(url)
    # when the checkbox and its text are measured
    m = _gap_between_box_and_text(page, name)
    # then the box is box-sized, its text right beside it on the same line
    assert m["width"] < 24, m
    assert 0 <= m["gap"] < 16, m
    assert m["dy"] < 6, m
