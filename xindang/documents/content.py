"""What a file is, from its bytes (never from its name): `filetype` for the common signatures, plus our
own checks — executables of every platform, PDFs with leading junk, Office containers, plain text."""

import zipfile

import filetype

from . import rules

HEAD_BYTES = 8192
_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux/Unix
    b"MZ",  # Windows PE, DOS
    b"\xfe\xed\xfa\xce",  # Mach-O 32
    b"\xfe\xed\xfa\xcf",  # Mach-O 64
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_TEXT_TYPES = {"\t", "\n", "\r", "\f"}
_EXECUTABLE_TYPES = {"application/x-msdownload", "application/x-executable", "application/wasm"}


def sniff(head: bytes, fileobj=None) -> str:
    """The MIME type of the content. `head` is the first HEAD_BYTES bytes; `fileobj` (seekable) lets us
    look inside zip containers. Returns rules.EXECUTABLE for programs and rules.OCTET when unknown."""
    if not head:
        return rules.OCTET
    if head.startswith(_EXECUTABLE_MAGIC):
        return rules.EXECUTABLE
    # A PDF may carry up to 1 KB of junk before its header (PDF 1.7 §7.5.2 implementations tolerate it).
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(_OLE_MAGIC):
        return rules.OLE
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(fileobj)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in _EXECUTABLE_TYPES:
            return rules.EXECUTABLE
        return kind.mime
    if _looks_like_text(head):
        return rules.TEXT
    return rules.OCTET


_PDF_EOF = b"%%EOF"
_PDF_PADDING = b" \t\r\n\x00\x0c"
_CHUNK = 1024 * 1024


def pdf_is_whole(fileobj) -> bool:
    """Whether a PDF ends where its last %%EOF marker says it does (only whitespace or NUL padding
    after it) and is not a ZIP archive as well. A ZIP — with a program inside, say — appended after
    the end passes every PDF reader unnoticed, and an archive tool opens the same file as a ZIP (a
    polyglot); neither belongs in an archive of record. Reads the whole file, in
    chunks; a PDF without any %%EOF is judged by the ZIP test alone."""
    fileobj.seek(0)
    last_eof = -1
    offset = 0
    carry = b""
    trailing_data = False
    while True:
        chunk = fileobj.read(_CHUNK)
        if not chunk:
            break
        window = carry + chunk
        found = window.rfind(_PDF_EOF)
        if found >= 0:
            last_eof = offset - len(carry) + found
            trailing_data = bool(window[found + len(_PDF_EOF) :].strip(_PDF_PADDING))
        elif last_eof >= 0:
            trailing_data = trailing_data or bool(chunk.strip(_PDF_PADDING))
        offset += len(chunk)
        carry = window[-(len(_PDF_EOF) - 1) :]
    fileobj.seek(0)
    try:
        is_zip = zipfile.is_zipfile(fileobj)
    finally:
        fileobj.seek(0)
    return not trailing_data and not is_zip


def _zip_kind(fileobj) -> str:
    """OOXML (docx/xlsx/pptx) is a zip with [Content_Types].xml and its part folder; other zips are zip.
    A zip that holds a program counts as a program."""
    if fileobj is None:
        return rules.ZIP
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return rules.OCTET
    finally:
        fileobj.seek(0)
    lowered = [n.lower() for n in names]
    if any(
        n.endswith((".exe", ".dll", ".scr", ".bat", ".cmd", ".com", ".msi", ".ps1", ".vbs", ".js", ".jar"))
        for n in lowered
    ):
        return rules.EXECUTABLE
    if "[content_types].xml" in lowered:
        if any(n.startswith("word/") for n in lowered):
            return rules.DOCX
        if any(n.startswith("xl/") for n in lowered):
            return rules.XLSX
        if any(n.startswith("ppt/") for n in lowered):
            return rules.PPTX
    return rules.ZIP


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 or GB 18030 text without NUL or other control bytes (a cut multi-byte character at the end
    of the head is fine)."""
    if b"\x00" in head:
        return False
    text = None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:
                text = head[: exc.start].decode(encoding, errors="ignore")
                break
    if text is None:
        return False
    return not any(ord(ch) < 32 and ch not in _TEXT_TYPES for ch in text)
