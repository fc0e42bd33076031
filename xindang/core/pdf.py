"""Shared pieces of the printed forms (授信通知函, 客户信用调查评定表, 评价表, 收款异样报告表, 客户资料表 …):
the font, the glyph handling, the letterhead, page footers and grid tables.

The font. A TrueType CJK font is embedded when one is configured (setting XINDANG_PDF_FONT: a .ttf or
.ttc path, optionally ``path#index`` for a collection) or found at a usual place (WenQuanYi, Noto,
AR PL, Droid); the PDF then shows Chinese on any machine. Otherwise reportlab's built-in CID font
STSong-Light is used, which is not embedded: the reader's PDF viewer supplies it (Adobe's Asian font
pack, or a substitute). XINDANG_PDF_FONT=cid forces the built-in font. Either way the font is
registered under one name, FONT, so a style can name it before knowing which one it is.

Glyphs. The font refuses to draw a character it has no glyph for (a box in the reader's viewer):
every string drawn goes through `drawable()`, which keeps what the font covers, puts a covered
look-alike in place of the rest ("•" → "●", "·" → "・", "—" → "―", "¥" → "￥", no-break space → space)
and 〓 (the typesetter's mark for a missing character) where there is none. Latin letters and digits
keep their own widths: the TrueType font has Latin glyphs; with the CID font, text that goes through
`para()` / `table()` sets runs of Latin text in Helvetica (the CID font's Latin metrics do not match
the substitute a viewer draws them with, which spaces "HD-2026" as "H D-2026").
"""

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .money import format_yuan

FONT = "XinDang-CJK"  # the registered name of whichever font is in use
CID_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"

# Usual places of TrueType CJK fonts (Debian/Ubuntu packages fonts-wqy-microhei, fonts-wqy-zenhei,
# fonts-arphic-uming, fonts-droid-fallback; Windows; macOS). Fonts with PostScript (CFF) outlines,
# such as the OpenType Noto Sans CJK, cannot be embedded by reportlab and are skipped.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto-cjk/NotoSansSC-Regular.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)

# A covered look-alike for characters a CJK font often lacks; tried in order.
SUBSTITUTES = {
    "•": "・●*",
    "·": "・.",
    "‧": "・.",
    "∙": "・.",
    "—": "―-",
    "–": "-",
    "−": "-",
    "¥": "￥",
    "€": "EUR",
    "£": "GBP",
    "✓": "√",
    "✔": "√",
    "✗": "×x",
    "✘": "×x",
    "…": "...",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}
MISSING = "〓"  # 〓 (U+3013, in GB 2312): the Chinese typesetter's mark for a missing character


@dataclass(frozen=True)
class FontInfo:
    name: str  # FONT
    kind: str  # "ttf" (embedded) or "cid" (built-in, not embedded)
    path: str = ""  # the font file of a TrueType font


def _is_ideograph(code: int) -> bool:
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


@lru_cache(maxsize=65536)
def cid_covers(ch: str) -> bool:
    """What STSong-Light (Adobe-GB1, through the UniGB-UCS2-H CMap) draws, read conservatively:
    printable ASCII, the GB 2312 repertoire, and ideographs of GB 18030 (Adobe-GB1-4 holds them).
    Punctuation outside GB 2312 (•, ·, —, ¥, no-break space) is missing in viewers' substitutes."""
    code = ord(ch)
    if 0x20 <= code <= 0x7E:
        return True
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    if _is_ideograph(code):
        try:
            ch.encode("gb18030")
            return True
        except UnicodeEncodeError:
            return False
    return False


class _Coverage:
    """The glyph handling both fonts share: `covers(ch)` is the font's own; `drawable(text)` keeps a
    string to what the font can draw."""

    def drawable(self, text):
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if all(self.covers(ch) for ch in text):
            return text
        out = []
        for ch in text:
            if self.covers(ch):
                out.append(ch)
            elif ch.isspace():
                out.append(" ")
            else:
                out.append(self._stand_in(ch))
        return "".join(out)

    def _stand_in(self, ch: str) -> str:
        for option in SUBSTITUTES.get(ch, ""):
            if self.covers(option):
                return option
        if ch in SUBSTITUTES and all(self.covers(c) for c in SUBSTITUTES[ch]):
            return SUBSTITUTES[ch]  # a multi-letter stand-in such as "EUR"
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and folded and all(self.covers(c) for c in folded):
            return folded
        return MISSING


class CoveredTTFont(_Coverage, TTFont):
    """An embedded TrueType font that never draws a character missing from its cmap."""

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.face.charToGlyph

    def stringWidth(self, text, size, encoding="utf8"):
        return super().stringWidth(self.drawable(text), size, encoding)

    def splitString(self, text, doc, encoding="utf-8"):
        return super().splitString(self.drawable(text), doc, encoding)


class CoveredCIDFont(_Coverage, UnicodeCIDFont):
    """reportlab's built-in STSong-Light that never draws a character the CID font lacks."""

    def covers(self, ch: str) -> bool:
        return cid_covers(ch)

    def formatForPdf(self, text):
        return super().formatForPdf(self.drawable(text))

    def stringWidth(self, text, size, encoding=None):
        return super().stringWidth(self.drawable(text), size, encoding)


def _configured() -> str:
    return (getattr(settings, "XINDANG_PDF_FONT", "") or os.environ.get("XINDANG_PDF_FONT", "")).strip()


def _load_ttf(spec: str) -> CoveredTTFont:
    path, _, index = spec.partition("#")
    return CoveredTTFont(FONT, path, subfontIndex=int(index or 0))


def _choose():
    """(font object, FontInfo): the configured font, else the first usable installed one, else CID."""
    spec = _configured()
    if spec.lower() in ("cid", CID_FONT.lower()):
        return _cid(), FontInfo(FONT, "cid")
    if spec:
        try:
            return _load_ttf(spec), FontInfo(FONT, "ttf", spec.partition("#")[0])
        except (OSError, TTFError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"XINDANG_PDF_FONT={spec!r} is not a TrueType font reportlab can embed: {exc}"
            ) from exc
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            try:
                return _load_ttf(path), FontInfo(FONT, "ttf", path)
            except (OSError, TTFError, ValueError):
                continue  # e.g. PostScript outlines: try the next one
    return _cid(), FontInfo(FONT, "cid")


def _cid() -> CoveredCIDFont:
    font = CoveredCIDFont(CID_FONT)
    font.fontName = font.name = FONT  # registered under FONT; the PDF still names STSong-Light
    return font


_INFO: FontInfo | None = None
_SPEC: str | None = None  # the setting the registered font was chosen for


def cjk_font() -> str:
    """Register the CJK font once per process (again if the setting changes); return its name for
    ParagraphStyle(fontName=…)."""
    global _INFO, _SPEC
    spec = _configured()
    if _INFO is None or spec != _SPEC or FONT not in pdfmetrics.getRegisteredFontNames():
        font, info = _choose()
        pdfmetrics._fonts.pop(FONT, None)  # registerFont keeps the first font of a name
        pdfmetrics.registerFont(font)
        _INFO, _SPEC = info, spec
    return FONT


def font_info() -> FontInfo:
    cjk_font()
    return _INFO


def covers(ch: str) -> bool:
    """Whether the CJK font in use has a glyph for `ch`."""
    return pdfmetrics.getFont(cjk_font()).covers(ch)


def drawable(text: str) -> str:
    return pdfmetrics.getFont(cjk_font()).drawable(text)


# --- Text ------------------------------------------------------------------------------------------
def esc(text) -> str:
    """Text for a reportlab Paragraph (its mini-markup): escape &, <, > and keep line breaks."""
    return (
        str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def yuan(amount) -> str:
    return "—" if amount is None else format_yuan(amount)


_LATIN_RUN = re.compile(r"[¥A-Za-z0-9][A-Za-z0-9 .,:;/#%+()\-_@]*[A-Za-z0-9.%)]|[A-Za-z0-9]")


def markup(text) -> str:
    """Plain text → Paragraph markup: escaped, line breaks kept; with the CID font, runs of Latin
    letters and digits set in Helvetica so they are spaced normally."""
    text = str(text if text is not None else "")
    if font_info().kind != "cid":
        return esc(text)
    out, last = [], 0
    for m in _LATIN_RUN.finditer(text):
        out.append(esc(text[last : m.start()]))
        out.append(f'<font name="{LATIN_FONT}">{esc(m.group())}</font>')
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


# --- Styles, paragraphs and tables -----------------------------------------------------------------
@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    label: ParagraphStyle
    centre: ParagraphStyle
    right: ParagraphStyle
    title: ParagraphStyle
    head: ParagraphStyle
    company: ParagraphStyle
    letter: ParagraphStyle  # a letter's paragraph: first line indented two characters


def styles(size: float = 10) -> Styles:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.5)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=size - 2, leading=(size - 2) * 1.4),
        cell=ParagraphStyle("cell", parent=body, fontSize=size - 0.5, leading=(size - 0.5) * 1.35),
        label=ParagraphStyle("label", parent=body, fontSize=size - 0.5, leading=(size - 0.5) * 1.35),
        centre=ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
        right=ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        title=ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=TA_CENTER),
        head=ParagraphStyle("head", parent=body, fontSize=11.5, leading=16, spaceBefore=6, spaceAfter=3),
        company=ParagraphStyle("company", parent=body, fontSize=14, leading=20, alignment=TA_CENTER),
        letter=ParagraphStyle("letter", parent=body, firstLineIndent=2 * size, spaceAfter=size * 0.5),
    )


def para(text, style: ParagraphStyle | None = None) -> Paragraph:
    """A Paragraph of plain text (escaped; wraps inside table cells instead of running over)."""
    return Paragraph(markup(text), style or styles().body)


def table(
    rows,
    widths,
    *,
    label_columns=(0,),
    header: bool = False,
    grid: bool = True,
    style: ParagraphStyle | None = None,
    extra=(),
) -> Table:
    """A grid table like the paper form's: every text cell is a wrapping Paragraph (labels and
    values never overlap), label columns shaded, an empty cell drawn empty."""
    st = styles()
    cell_style = style or st.cell
    data = [
        [para(c, cell_style) if isinstance(c, str | int | float) or c is None else c for c in row]
        for row in rows
    ]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        for col in label_columns:
            commands.append(("BACKGROUND", (col, 0), (col, -1), colors.whitesmoke))
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")))
    commands.extend(extra)
    return Table(data, colWidths=widths, style=TableStyle(commands), repeatRows=1 if header else 0)


def approval_trail(trail: list[dict], headers=None, **options) -> Table:
    """An approval trail (approvals.selectors.trail_rows) as a table: step, who signed, decision and
    comment, when; a step still open keeps an empty signature line to sign on paper."""
    body = [list(headers or (_("Step"), _("Signed by"), _("Decision"), _("Signed at")))]
    for row in trail:
        at = timezone.localtime(row["at"]).strftime("%Y-%m-%d %H:%M") if row.get("at") else ""
        decision = f"{row.get('decision_label', '')} {row.get('comment', '')}".strip()
        body.append([str(row.get("role_label", "")), row.get("who") or "________________", decision, at])
    return table(body, [40 * mm, 40 * mm, 64 * mm, 34 * mm], header=True, **options)


def letterhead(company: str, title: str, *, number: str = "", subtitle: str = "") -> list:
    """The company's name over a rule, the form's title, its number on the right."""
    st = styles()
    story = []
    if company:
        story += [
            para(company, st.company),
            HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceBefore=1, spaceAfter=4),
        ]
    story.append(para(title, st.title))
    if subtitle:
        story.append(para(subtitle, st.centre))
    if number:
        story.append(para(number, st.right))
    story.append(Spacer(1, 3 * mm))
    return story


def render(
    story,
    *,
    title: str,
    author: str = "",
    footer: str = "",
    margins=(16, 16, 14, 16),
    page_numbers: bool = True,
    invariant: bool = False,
) -> bytes:
    """Build an A4 document; every page carries `footer` on the left and the page number on the
    right (margins in mm: left, right, top, bottom). `page_numbers=False` without a footer: no page
    line at all (a one-page form). `invariant`: the same bytes for the same story (no timestamp or
    random document id), for a form whose tests compare printouts."""
    font = cjk_font()
    out = BytesIO()
    left, right, top, bottom = margins
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=left * mm,
        rightMargin=right * mm,
        topMargin=top * mm,
        bottomMargin=bottom * mm,
        title=title,
        author=author,
        invariant=1 if invariant else None,
    )
    if not page_numbers and not footer:
        doc.build(list(story))
        return out.getvalue()

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        y = max(6 * mm, (bottom - 8) * mm)
        if footer:
            canvas.drawString(left * mm, y, footer)
        if page_numbers:
            canvas.drawRightString(A4[0] - right * mm, y, f"第 {document.page} 页")
        canvas.restoreState()

    doc.build(list(story), onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


# --- Checking a printout ---------------------------------------------------------------------------
def undrawn_characters(content: bytes) -> dict[str, set[str]]:
    """{font name: characters drawn with that font that it has no glyph for} — empty when every
    character of the PDF is covered by the font it is drawn in (the tests of every printed form)."""
    from pypdf import PdfReader

    info = font_info()
    ttf_cmap = set(_load_ttf(info.path).face.charToGlyph) if info.kind == "ttf" else set()
    problems: dict[str, set[str]] = {}

    def check(text, _cm, _tm, font_dict, _size):
        if not text or not font_dict:
            return
        base = str(font_dict.get("/BaseFont", ""))
        if "STSong" in base:
            ok = cid_covers
        elif "Helvetica" in base or "Times" in base or "Courier" in base:
            ok = lambda ch: 0x20 <= ord(ch) <= 0x7E or 0xA0 <= ord(ch) <= 0xFF  # noqa: E731 (WinAnsi)
        else:
            ok = lambda ch: ord(ch) in ttf_cmap  # noqa: E731 (the embedded subset of our TrueType)
        bad = {ch for ch in text if not ch.isspace() and not ok(ch)}
        if bad:
            problems.setdefault(base, set()).update(bad)

    for page in PdfReader(BytesIO(content)).pages:
        page.extract_text(visitor_text=check)
    return problems
