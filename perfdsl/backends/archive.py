"""Office files (a zip of XML parts) with fixed times, so that an unchanged spec rebuilds to unchanged bytes."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

FIXED_TIME = datetime.datetime(2000, 1, 1)
"""The documents' created/modified dates: the bytes must not depend on when the build ran."""


def steady(data: bytes) -> bytes:
    """The same archive with fixed times: openpyxl and python-docx stamp the save time into the zip entries,
    openpyxl into docProps/core.xml too."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), content,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
