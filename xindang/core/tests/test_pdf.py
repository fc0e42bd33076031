"""The shared PDF helper: which font is used, what it draws for characters it lacks, Latin runs."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics

from xindang.core import pdf


@pytest.fixture
def cid(settings):
    settings.XINDANG_PDF_FONT = "cid"
    return pdfmetrics.getFont(pdf.cjk_font())


def test_cid_is_forced_by_the_setting(cid):
    assert pdf.font_info().kind == "cid" and pdf.FONT in pdfmetrics.getRegisteredFontNames()


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("客户 • 名称", "客户 ・ 名称"),
        ("打印人 · 张三", "打印人 ・ 张三"),
        ("—", "―"),
        ("¥1,250.00", "￥1,250.00"),
        ("a\u00a0b", "a b"),  # a no-break space (an "empty" cell) drew a box
        ("堃喆有限公司", "堃喆有限公司"),  # GBK ideographs of company names stay
        ("HD-2026", "HD-2026"),
        ("😀", pdf.MISSING),
    ],
)
def test_cid_font_draws_a_covered_stand_in(cid, text, drawn):
    assert cid.drawable(text) == drawn
    assert all(pdf.cid_covers(ch) for ch in cid.drawable(text))


def test_latin_runs_are_set_in_helvetica_with_the_cid_font(cid):
    assert pdf.markup("编号 HD-2026 客户") == '编号 <font name="Helvetica">HD-2026</font> 客户'


def test_a_configured_font_that_cannot_be_read_is_a_configuration_error(settings, tmp_path):
    bad = tmp_path / "not-a-font.ttf"
    bad.write_bytes(b"not a font")
    settings.XINDANG_PDF_FONT = str(bad)
    with pytest.raises(ImproperlyConfigured):
        pdf.cjk_font()
    settings.XINDANG_PDF_FONT = "cid"
    pdf.cjk_font()


def test_an_installed_truetype_font_is_embedded(settings):
    settings.XINDANG_PDF_FONT = ""
    if pdf.font_info().kind != "ttf":
        pytest.skip("no TrueType CJK font installed")
    story = [pdf.para("客户 • 名称 HD-2026")]
    content = pdf.render(story, title="t")
    assert b"/FontFile2" in content  # embedded
    assert pdf.undrawn_characters(content) == {}
