"""Content sniffing: the type comes from the bytes, never from the name."""

import io
import zipfile

import pytest

from xindang.documents import content, rules
from xindang.testing.samples import pdf_bytes, png_bytes


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in names.items():
            z.writestr(name, data)
    return buf.getvalue()


def _sniff(data: bytes) -> str:
    return content.sniff(data[: content.HEAD_BYTES], io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, rules.EXECUTABLE),
        (b"MZ\x90\x00" + b"\x00" * 100, rules.EXECUTABLE),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 100, rules.EXECUTABLE),
        (b"#!/bin/sh\nrm -rf /\n", rules.EXECUTABLE),
        (bytes(range(256)) * 4, rules.OCTET),
        (b"\x00\x01\x02\x03garbage", rules.OCTET),
        ("客户名称,金额\n华夏科技,1000\n".encode(), rules.TEXT),
        ("对账单".encode("gb18030") + b"\r\n", rules.TEXT),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, rules.OLE),
    ],
)
def test_sniff_signatures(data, mime):
    assert _sniff(data) == mime


def test_sniff_real_pdf_and_png():
    assert _sniff(pdf_bytes()) == "application/pdf"
    assert _sniff(png_bytes()) == "image/png"
    assert _sniff(b"junk before header\n" + pdf_bytes()) == "application/pdf"


def test_sniff_office_open_xml_by_its_parts():
    assert _sniff(_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})) == rules.DOCX
    assert _sniff(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})) == rules.XLSX
    assert _sniff(_zip({"readme.txt": b"hi"})) == rules.ZIP


def test_sniff_zip_holding_a_program_is_a_program():
    assert _sniff(_zip({"[Content_Types].xml": b"<x/>", "word/setup.exe": b"MZ"})) == rules.EXECUTABLE


def test_sniff_real_xlsx():
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "资产负债表"
    wb.save(buf)
    assert _sniff(buf.getvalue()) == rules.XLSX
