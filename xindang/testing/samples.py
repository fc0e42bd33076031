"""Sample files (a real PDF, a PNG), a policy change and an upload: for the tests, the browser journeys
and the bench."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(text: str = "营业执照", pages: int = 1) -> bytes:
    """A real one-page PDF (reportlab), different for each text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(pages):
        c.setFont("STSong-Light", 14)
        c.drawString(72, 760, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes(color=(200, 30, 30), size=(60, 40)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def set_policy(by, section: str, **values):
    """Put a new policy version in force with `values` changed in `section` (the tests change one value
    on purpose, so a credit draft's back-test is skipped with a reason)."""
    from xindang.policy import services as policy_services
    from xindang.policy.selectors import current_policy

    draft = policy_services.create_draft(by=by, comment="test")
    current = current_policy().sections[section].model_dump(mode="json")
    policy_services.update_draft_section(
        draft_id=draft.pk, section=section, values={**current, **values}, by=by
    )
    return policy_services.put_in_force(
        draft_id=draft.pk, by=by, comment="test", skip_checks_reason="单元测试"
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
