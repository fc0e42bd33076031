"""Shared pieces of the printed forms (授信通知函, 客户信用调查评定表, 评价表, 收款异样报告表 …):
reportlab's built-in CID font, so Chinese renders without shipping or downloading a font file."""

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"


def cjk_font() -> str:
    """Register the CID font once per process; return its name for ParagraphStyle(fontName=…)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def esc(text) -> str:
    """Text for a reportlab Paragraph (its mini-markup): escape &, <, > and keep line breaks."""
    return (
        str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def yuan(amount) -> str:
    return "—" if amount is None else f"¥{amount:,.2f}"
