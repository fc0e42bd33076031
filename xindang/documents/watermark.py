"""Watermarked copies for readers of level 1 and 2 documents (SPEC §7: no copying; seed 000 客户信息管理办法
三.3–6):
the reader's name and the time, diagonally across every page or image, so a leaked copy names its
reader. The stored original is never changed.

PDFs: a reportlab overlay merged into each page with pypdf (reportlab's built-in CID font STSong-Light
renders Chinese without font files). Images: Pillow; its built-in font has no Chinese glyphs, so images
carry the ASCII user name.
"""

import io
import math
from functools import lru_cache

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

BRAND = "XinDang"
CJK_FONT = "STSong-Light"


class WatermarkError(Exception):
    pass


@lru_cache(maxsize=1)
def _register_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _overlay(width: float, height: float, text: str) -> bytes:
    font = _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFillColorRGB(0.75, 0.1, 0.1, alpha=0.22)
    size = max(10.0, min(width, height) / 28)
    c.setFont(font, size)
    step_y = size * 7
    step_x = c.stringWidth(text, font, size) + size * 4
    c.saveState()
    c.translate(width / 2, height / 2)
    c.rotate(35)
    span = int(math.hypot(width, height) / 2) + int(step_x)
    y = -span
    while y < span:
        x = -span
        while x < span:
            c.drawString(x, y, text)
            x += step_x
        y += step_y
    c.restoreState()
    # a plain line in the margin too, readable when the diagonal text is cropped away
    c.setFont(font, max(7.0, size * 0.6))
    c.setFillColorRGB(0.5, 0.1, 0.1, alpha=0.6)
    c.drawString(12, 8, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def watermark_pdf(data: bytes, text: str) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise WatermarkError("encrypted PDF")
        writer = PdfWriter(clone_from=reader)
        overlays: dict[tuple[float, float], object] = {}
        for page in writer.pages:
            box = page.mediabox
            key = (float(box.width), float(box.height))
            if key not in overlays:
                overlays[key] = PdfReader(io.BytesIO(_overlay(*key, text))).pages[0]
            page.merge_page(overlays[key])
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except WatermarkError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise WatermarkError(str(exc)) from exc


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


def watermark_image(data: bytes, text: str) -> bytes:
    """The image with `text` tiled diagonally (ASCII only), in its own format (first frame/page)."""
    try:
        with Image.open(io.BytesIO(data)) as src:
            fmt = src.format or "PNG"
            base = src.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise WatermarkError(str(exc)) from exc
    w, h = base.size
    size = max(10, min(w, h) // 18)
    font = _font(size)
    layer = Image.new("RGBA", (int(math.hypot(w, h)) + 1,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    tw, th = right - left + size * 3, bottom - top + size * 4
    for y in range(0, layer.size[1], max(th, 1)):
        for x in range(-tw, layer.size[0], max(tw, 1)):
            draw.text((x + (y // max(th, 1) % 2) * tw // 2, y), text, font=font, fill=(200, 20, 20, 80))
    layer = layer.rotate(30, resample=Image.Resampling.BICUBIC)
    lx, ly = (layer.size[0] - w) // 2, (layer.size[1] - h) // 2
    base.alpha_composite(layer.crop((lx, ly, lx + w, ly + h)))
    out = io.BytesIO()
    if fmt in {"JPEG", "MPO"}:
        base.convert("RGB").save(out, "JPEG", quality=90)
    elif fmt == "GIF":
        base.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE).save(out, "GIF")
    elif fmt in {"PNG", "WEBP", "TIFF"}:
        base.save(out, fmt)
    else:
        base.save(out, "PNG")
    return out.getvalue()


def ascii_name(user) -> str:
    name = getattr(user, "username", "") or ""
    return name if name.isascii() else name.encode("ascii", "replace").decode()


def watermark(data: bytes, mime_type: str, *, reader, at) -> bytes:
    """A marked copy for `reader` at `at` (aware datetime, shown in local time)."""

    stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    if mime_type == "application/pdf":
        full = reader.get_full_name() or reader.get_username()
        text = f"{full} ({reader.get_username()}) {stamp} {BRAND}"
        return watermark_pdf(data, text)
    return watermark_image(data, f"{ascii_name(reader)} {stamp} {BRAND}")
