"""What kind of document some bytes are, from their content.

People send 绩效目标表 as whatever their office software saved: an `.xls` renamed `.xlsx`, a web page
saved as `.xls`, a download with no extension at all. The CLI therefore picks a reader by looking at the
bytes, and uses the extension only when the content says nothing. Each test is a cheap look at the head
of the file (or at a zip's list of members); none parses the document.
"""

from __future__ import annotations

import io
import zipfile

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A pdf may have a little junk before its header (some generators write a line first); readers accept
# the header anywhere in the first kilobyte, so this does too.
_PDF_WINDOW = 1024
_HTML_WINDOW = 4096


def sniff(data: bytes) -> str | None:
    """`xls`, `ods`, `xlsx`, `docx`, `pdf` or `html`; None for anything else (text, an image, damage).

    `xls` means an OLE2 compound file, which is also what old Word `.doc` and encrypted Office files are:
    the spreadsheet reader then says the file is not a workbook."""
    if data.startswith(_OLE2):
        return "xls"
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return "pdf"
    if _looks_like_html(data[:_HTML_WINDOW]):
        return "html"
    return None


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # the member is a few dozen bytes; reading a bounded amount keeps a hostile archive harmless
                with archive.open("mimetype") as member:
                    if member.read(len(_ODS_MIMETYPE) + 16).strip() == _ODS_MIMETYPE:
                        return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        # a damaged or encrypted zip is no document we can name
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def _looks_like_html(head: bytes) -> bool:
    text = _head_text(head).lstrip().lower()
    return text.startswith(("<!doctype html", "<html")) or "<table" in text


def _head_text(head: bytes) -> str:
    # A page saved by Windows software may be UTF-16; any other encoding a Chinese page uses (UTF-8, GBK,
    # GB18030, Big5) keeps ASCII bytes as ASCII, and the tags looked for are ASCII, so latin-1 (which
    # never fails) is enough to find them.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.decode("latin-1")
