"""Binary document formats: PDF (with a text layer) and Word ``.docx`` become plain lines for the pipeline.

``sniff`` decides from the magic bytes (the suffix only breaks ties) and refuses, in one line naming a tool
that converts them, what cannot be read: legacy ``.doc``/``.wps`` (OLE2 compound files) and ``.ofd``.
``to_text`` returns the text the later stages read: paragraphs as lines, tables as TAB-separated rows
(html.py's form). The readers are imported on first use: text and HTML batches never load them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Literal

BinaryFormat = Literal["pdf", "docx"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONVERT = "convert to .docx or .pdf first (e.g. LibreOffice: soffice --headless --convert-to docx FILE)"
_LEGACY = {
    ".doc": f"legacy Word 97-2003 .doc: {_CONVERT}",
    ".wps": f"WPS Office .wps: {_CONVERT}",
    ".ofd": "OFD fixed-layout file: convert to .pdf first (e.g. with an OFD reader's export, or ofdrw's OFD-to-PDF)",
}


class FormatError(ValueError):
    """A binary file policyx does not read; the message is one line."""


def _zip_names(data: bytes) -> set[str] | None:
    """The member names, or None for a zip that cannot be read (cut short, damaged)."""
    try:
        return set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError):
        return None


def sniff(name: str, data: bytes) -> BinaryFormat | None:
    """``pdf`` or ``docx`` for those files, None for text/HTML; raises FormatError for formats to convert first."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if names is None:
            if suffix == ".docx":
                raise FormatError("damaged .docx: not a readable zip")
            return None
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names or suffix == ".ofd":
            raise FormatError(_LEGACY[".ofd"])
        if suffix == ".docx":
            raise FormatError("not a Word document: the zip holds no word/document.xml")
        return None
    if data.startswith(_OLE2):
        raise FormatError(_LEGACY.get(suffix, _LEGACY[".doc"]))
    if suffix in _LEGACY:
        raise FormatError(_LEGACY[suffix])
    if suffix == ".pdf":
        raise FormatError("not a PDF: no %PDF- header")
    if suffix == ".docx":
        raise FormatError("not a Word document: not a zip file")
    return None


def to_text(fmt: BinaryFormat, data: bytes) -> str:
    """The document's text as lines; raises FormatError (one line) when it cannot be read."""
    if fmt == "docx":
        from policyx.formats.docx import DocxError, docx_text

        try:
            return docx_text(data)
        except DocxError as exc:
            raise FormatError(str(exc)) from None
    from policyx.formats.pdf import PdfError, pdf_text

    try:
        return pdf_text(data)
    except PdfError as exc:
        raise FormatError(str(exc)) from None
