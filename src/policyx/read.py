"""Stage 1, read: raw bytes → a Document whose ``text`` is the decoded input (text or HTML).

Encoding: a BOM wins; then strict UTF-8 (most pages, and the cheapest check); then the charset an
HTML page declares (``<meta charset>`` / http-equiv), widened to GB18030 for the GB family; then
charset-normalizer's detection. Every failure is an ``InputError`` with a one-line message.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path

from policyx.models import Document, DocWarning, Source
from policyx.rules import RuleFile, RuleSet

# Not HTML parsing: a byte-level sniff of the first KiB for a declared charset, as browsers do
# before they parse (the HTML spec's "prescan"); the page itself is parsed in html.py.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HTML_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|table|p)\b", re.I | re.S)

#: the encoding recorded for UTF-8 read with a few undecodable bytes replaced by U+FFFD
UTF8_LOSSY = "utf-8 (lossy)"
_LOSSY_PER_CHARS = 2000  # at most one bad spot per this many characters still counts as UTF-8
_BAD_RUNS = re.compile("\ufffd+")  # one corrupt byte inside a character leaves a short run of U+FFFD

# The GB family is decoded as GB18030, the superset: pages that declare gb2312 use GBK characters.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "euc-cn", "x-gbk", "cp936"}


class InputError(ValueError):
    """A file that cannot become a Document: the message is one line, for the manifest and stderr."""


class InputRules(RuleFile):
    FILE = "input.yaml"
    max_bytes: int
    min_cjk_chars: int
    max_html_depth: int
    text_suffixes: list[str]
    html_suffixes: list[str]
    document_suffixes: list[str] = []  # PDF and Word (policyx.formats), and the legacy formats it refuses


#: ids that would name a batch's own files (``manifest.json``): a document of that name gets ``RESERVED_SUFFIX``
RESERVED_IDS = frozenset({"manifest", "documents"})
RESERVED_SUFFIX = "_doc"
#: joins the folders of a path below its input root in an id; never produced by ``_safe`` (not in [\w.-])
ID_SEPARATOR = "~"


def _safe(part: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", part).strip("._")


_ATTACHMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".ofd"}


def doc_id_for(name: str) -> str:
    """Stable id from the file name: the stem, with path-unsafe characters replaced. An attachment keeps its
    suffix (``plan.pdf`` → ``plan.pdf``): a notice page and its PDF and Word attachments often share a name."""
    stem = Path(name).stem or "document"
    if Path(name).suffix.lower() in _ATTACHMENT_SUFFIXES:  # hook (policyx.formats)
        stem = Path(name).name
    doc_id = _safe(stem) or "document"
    return doc_id + RESERVED_SUFFIX if doc_id.casefold() in RESERVED_IDS else doc_id


def relative_doc_id(relative: str | os.PathLike[str]) -> str:
    """Stable id of a file from its path below the input root: ``a/b/plan.txt`` → ``a~b~plan``.

    Depends on that path only (not on input order or on other files); two paths may still give one id
    (``a b.txt`` and ``a_b.txt``): the batch refuses both then, it never lets one overwrite the other."""
    rel = Path(relative)
    folders = [_safe(p) or "_" for p in rel.parent.parts]
    return ID_SEPARATOR.join([*folders, doc_id_for(rel.name)])


def _norm_encoding(name: str) -> str:
    try:
        canonical = codecs.lookup(name.decode("ascii", "ignore") if isinstance(name, bytes) else name).name
    except LookupError:
        return ""
    return "gb18030" if canonical in _GB_FAMILY or canonical.replace("_", "-") in _GB_FAMILY else canonical


def sniff_format(name: str, data: bytes, rules: InputRules) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in rules.html_suffixes:
        return "html"
    if suffix in rules.text_suffixes:
        return "text"
    return "html" if _HTML_SNIFF.match(data[:2048]) else "text"


_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):  # UTF-32 LE: FF FE 00 00
        return False  # UTF-16 text is full of bytes below 32 (一 is 00 4E): decode() handles it
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def decode(data: bytes, fmt: str) -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises InputError when no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in _UTF32_BOMS:  # before UTF-16: FF FE 00 00 is UTF-32 LE, not UTF-16 LE with a NUL
        if data.startswith(bom):
            try:
                return data[4:].decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {enc.upper()}, though it starts with its BOM: {exc.reason}") from None
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    candidates: list[str] = []
    if fmt == "html":
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = _norm_encoding(m.group(1).decode("ascii", "ignore"))
            if declared:
                candidates.append(declared)
    candidates.append("gb18030")
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            if enc == "gb18030" and exc.start >= len(data) - 3:
                raise InputError(
                    f"truncated GB18030/GBK text: the last {len(data) - exc.start} byte(s) are half a character"
                ) from None
    # neither GB nor whole UTF-8: UTF-8 that stops inside its last character was cut short
    if utf8_error.reason == "unexpected end of data" and utf8_error.start >= len(data) - 3:
        raise InputError(
            f"truncated UTF-8 text: the last {len(data) - utf8_error.start} byte(s) are half a character"
        ) from None
    # UTF-8 with a few corrupt bytes (a bad copy, a stray Latin-1 byte) is still UTF-8: keep it, mark the loss
    lossy = data.decode("utf-8", errors="replace")
    if len(_BAD_RUNS.findall(lossy)) <= max(1, len(lossy) // _LOSSY_PER_CHARS):
        return lossy, UTF8_LOSSY
    from charset_normalizer import from_bytes  # imported here: only the rare undecided file pays for it

    best = from_bytes(data).best()
    if best is not None and best.encoding not in {"ascii"}:
        enc = _norm_encoding(best.encoding) or best.encoding
        return str(best), enc
    raise InputError(f"cannot decode: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) nor GB18030")


def read_document(src: str | os.PathLike[str] | bytes, rules: RuleSet, *, name: str | None = None) -> Document:
    """Read a path or raw bytes into a Document (``text`` still raw: HTML stays HTML)."""
    cfg = rules.get(InputRules)
    if isinstance(src, bytes):
        data, path = src, name or "document.txt"
    else:
        path = os.fspath(src)
        try:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                raise InputError("is a directory")
            if not stat.S_ISREG(mode):  # a FIFO or a device would block or never end
                raise InputError("not a regular file (a FIFO, socket or device)")
            size = os.path.getsize(path)
            if size > cfg.max_bytes:
                raise InputError(f"too large: {size:,} bytes (limit {cfg.max_bytes:,}; see rules/input.yaml)")
            with open(path, "rb") as fh:
                data = fh.read()
        except IsADirectoryError:
            raise InputError("is a directory") from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > cfg.max_bytes:
        raise InputError(f"too large: {len(data):,} bytes (limit {cfg.max_bytes:,}; see rules/input.yaml)")
    if not data.strip():
        raise InputError("empty file")
    # --- hook: PDF and Word files are read by policyx.formats (legacy .doc/.wps/.ofd refused there) ---
    binary = _read_binary(path, data, name)
    if binary is not None:
        return binary
    # --- end hook ---
    if _looks_binary(data):
        raise InputError("binary file, not text or HTML")
    fmt = sniff_format(path, data, cfg)
    text, encoding = decode(data, fmt)
    text = unicodedata.normalize("NFC", text)
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding, format=fmt)  # type: ignore[arg-type]
    warnings = []
    if encoding == UTF8_LOSSY:
        bad = len(_BAD_RUNS.findall(text))
        warnings.append(DocWarning(code="lossy_decode", message=f"{bad} undecodable byte sequence(s) became U+FFFD"))
    return Document(doc_id=doc_id_for(name or path), source=source, text=text, warnings=warnings)


def _read_binary(path: str, data: bytes, name: str | None) -> Document | None:
    """A PDF or .docx as a Document of plain lines (policyx.formats); None for anything else."""
    from policyx import formats  # imported here: the readers load their libraries only for such files

    try:
        fmt = formats.sniff(name or path, data)
        if fmt is None:
            return None
        text = unicodedata.normalize("NFC", formats.to_text(fmt, data))
    except formats.FormatError as exc:
        raise InputError(str(exc)) from None
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), encoding="binary", format=fmt)
    return Document(doc_id=doc_id_for(name or path), source=source, text=text)
