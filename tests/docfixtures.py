"""Seeds dressed as Word and PDF files, built in the test from the corpus (no third-party file in the repository).

``layout`` reads a seed with policyx itself into blocks: paragraphs, numbered headings (its sections), and
indicator tables (its ``tables`` records). ``to_docx`` writes them with python-docx: headings numbered by
Word (``numbering.xml``, the label removed from the text), indicator tables as real Word tables with the
merged category cells merged, a running header and footer. ``to_pdf`` writes them with reportlab's
built-in CID font STSong-Light, in one or two columns, with a running header and page numbers, tables
ruled and full width.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from policyx.pipeline import extract_document

_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
# written label form → (regex, Word numFmt, lvlText)
_FORMS = {
    "cn_dun": (re.compile(r"^([一二三四五六七八九十]+)、"), "chineseCounting", "%1、"),
    "cn_paren": (re.compile(r"^\(([一二三四五六七八九十]+)\)"), "chineseCounting", "(%1)"),
    "cn_fwparen": (re.compile(r"^（([一二三四五六七八九十]+)）"), "chineseCounting", "（%1）"),
    "dec_dot": (re.compile(r"^(\d+)\."), "decimal", "%1."),
    "dec_dun": (re.compile(r"^(\d+)、"), "decimal", "%1、"),
}
RUNNING_HEADER = "扬州市人民政府规范性文件汇编"


def cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)
    return _CN[text]


@dataclass
class Block:
    kind: str  # para | heading | table
    text: str = ""
    form: str = ""
    number: int = 0
    rows: list[list[str]] = field(default_factory=list)  # header first


def layout(seed: Path, kinds: tuple[str, ...] = ("indicator",)) -> list[Block]:
    """The seed as blocks; its tables of these kinds (policyx's reading of the flattened text) as real tables."""
    doc = extract_document(seed)
    text = doc.text
    starts = {s.span[0] for s in doc.sections if s.number}
    tables = [t for t in doc.tables if t.kind in kinds]
    blocks: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        table = next((t for t in tables if t.span[0] <= start < t.span[1]), None)
        if table is not None:
            if blocks and blocks[-1].kind == "table" and blocks[-1].rows[0] == table.header:
                continue
            squeezed = line.replace(" ", "")
            if (squeezed != table.header[0].replace(" ", "") and start < table.row_spans[0][0]
                    and not any(squeezed in h.replace(" ", "") for h in table.header)):
                blocks.append(Block("para", line))  # the caption above the header
                continue
            blocks.append(Block("table", rows=[table.header, *table.rows]))
            continue
        if not line.strip():
            continue
        if start in starts:
            for form, (rx, _, _) in _FORMS.items():
                m = rx.match(line)
                if m:
                    blocks.append(Block("heading", line[m.end():], form, cn_int(m.group(1))))
                    break
            else:
                blocks.append(Block("para", line))
            continue
        blocks.append(Block("para", line))
    return blocks


def to_docx(blocks: list[Block]) -> bytes:
    from docx import Document as Word
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word = Word()
    section = word.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    section.footer.paragraphs[0].text = "第 1 页"
    numbering = word.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract_ids: dict[str, int] = {}
    for k, (form, (_, fmt, lvl_text)) in enumerate(_FORMS.items()):
        aid = 90 + k
        abstract_ids[form] = aid
        ab = OxmlElement("w:abstractNum")
        ab.set(qn("w:abstractNumId"), str(aid))
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), "0")
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:suff", "nothing"), ("w:lvlText", lvl_text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        ab.append(lvl)
        if first_num is not None:
            first_num.addprevious(ab)
        else:
            numbering.append(ab)
    next_id = [100]
    current: dict[str, tuple[int, int]] = {}  # form → (numId, last number)

    def new_num(form: str, start: int) -> int:
        num_id = next_id[0]
        next_id[0] += 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(num_id))
        ab = OxmlElement("w:abstractNumId")
        ab.set(qn("w:val"), str(abstract_ids[form]))
        num.append(ab)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        so = OxmlElement("w:startOverride")
        so.set(qn("w:val"), str(start))
        override.append(so)
        num.append(override)
        numbering.append(num)
        return num_id

    for block in blocks:
        if block.kind == "para":
            word.add_paragraph(block.text)
        elif block.kind == "heading":
            num_id, last = current.get(block.form, (0, -1))
            if block.number != last + 1:  # Word's "restart numbering" (or "set numbering value")
                num_id = new_num(block.form, block.number)
            current[block.form] = (num_id, block.number)
            p = word.add_paragraph(block.text)
            numpr = OxmlElement("w:numPr")
            for tag, val in (("w:ilvl", "0"), ("w:numId", str(num_id))):
                el = OxmlElement(tag)
                el.set(qn("w:val"), val)
                numpr.append(el)
            p._p.get_or_add_pPr().append(numpr)
        else:
            rows = block.rows
            width = max(len(r) for r in rows)
            table = word.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            r = 0
            while r < len(rows):
                end = r + 1
                while r > 0 and end < len(rows) and rows[end][0] == rows[r][0]:
                    end += 1
                cell = table.cell(r, 0)
                if end - r > 1:
                    cell = cell.merge(table.cell(end - 1, 0))
                cell.text = rows[r][0]
                for rr in range(r, end):
                    for c in range(1, width):
                        table.cell(rr, c).text = rows[rr][c] if c < len(rows[rr]) else ""
                r = end
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


def to_pdf(blocks: list[Block], columns: int = 1) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    margin, gutter, size, leading, space_after = 60.0, 24.0, 10.5, 16.0, 6.0
    col_w = (width - 2 * margin - (columns - 1) * gutter) / columns
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    state = {"page": 0, "col": 0, "y": 0.0, "top": 0.0}

    def new_page() -> None:
        if state["page"]:
            pdf.showPage()
        state["page"] += 1
        pdf.setFont(font, 9)
        pdf.drawCentredString(width / 2, height - 36, RUNNING_HEADER)
        pdf.drawCentredString(width / 2, 30, f"- {state['page']} -")
        state["col"], state["top"] = 0, height - margin
        state["y"] = state["top"]

    def next_line() -> tuple[float, float]:
        if state["y"] - leading < margin:
            if state["col"] + 1 < columns:
                state["col"] += 1
                state["y"] = state["top"]
            else:
                new_page()
        state["y"] -= leading
        return margin + state["col"] * (col_w + gutter), state["y"]

    def wrap(text: str, w: float, fsize: float) -> list[str]:
        lines, cur = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, font, fsize) > w:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        return [*lines, cur] if cur else lines

    new_page()
    for block in blocks:
        if block.kind in ("para", "heading"):
            text = block.text
            if block.kind == "heading":
                text = _FORMS[block.form][2].replace("%1", _label_number(block)) + text
            indent = 2 * size if block.kind == "para" and len(text) > 40 else 0.0  # 公文: prose starts two in
            for k, line in enumerate(wrap(text, col_w - indent, size) if indent else wrap(text, col_w, size)):
                x, y = next_line()
                pdf.setFont(font, size)
                pdf.drawString(x + (indent if k == 0 else 0), y, line)
                if k == 0 and indent:
                    # the rest wraps at the full width
                    rest = text[len(line):]
                    for more in wrap(rest, col_w, size):
                        x, y = next_line()
                        pdf.setFont(font, size)  # a new page set the running header's size
                        pdf.drawString(x, y, more)
                    break
            state["y"] -= space_after
            continue
        # a ruled table across the full width, on a page of its own in two columns: cells wrap inside their
        # column, a category cell that covers several rows is one tall rectangle (no inner borders)
        rows = block.rows
        ncols = max(len(r) for r in rows)
        fsize, line_h, pad = 7.5, 10.0, 3.0
        avail = width - 2 * margin
        natural = [max(pdfmetrics.stringWidth(r[c] if c < len(r) else "", font, fsize) for r in rows) + 2 * pad
                   for c in range(ncols)]
        widths = list(natural)
        while sum(widths) > avail:  # narrow the widest column until the table fits
            k = widths.index(max(widths))
            widths[k] = max(widths[k] - 4, 40.0)
            if all(w <= 40.0 for w in widths):
                break
        texts = [[wrap((r[c] if c < len(r) else "").replace("\n", ""), widths[c] - 2 * pad, fsize) or [""]
                  for c in range(ncols)] for r in rows]
        heights = [max(len(cell) for cell in row) * line_h + 2 * pad for row in texts]
        if columns > 1 or state["y"] - sum(heights[:3]) < margin:
            new_page()
        y = state["y"]
        r = 0
        while r < len(rows):
            end = r + 1  # rows sharing the category cell of row r
            while r > 0 and end < len(rows) and rows[end][0] == rows[r][0]:
                end += 1
            span_h = sum(heights[r:end])
            if y - span_h < margin:
                new_page()
                y = state["y"]
                state["col"] = columns - 1  # the table took the page's width
            pdf.setFont(font, fsize)
            pdf.rect(margin, y - span_h, widths[0], span_h, stroke=1, fill=0)
            for k, text in enumerate(texts[r][0]):
                pdf.drawString(margin + pad, y - pad - (k + 1) * line_h + 2, text)
            for rr in range(r, end):
                x = margin + widths[0]
                for c in range(1, ncols):
                    pdf.rect(x, y - heights[rr], widths[c], heights[rr], stroke=1, fill=0)
                    for k, text in enumerate(texts[rr][c]):
                        pdf.drawString(x + pad, y - pad - (k + 1) * line_h + 2, text)
                    x += widths[c]
                y -= heights[rr]
            r = end
        state["y"] = state["top"] = y - leading / 2  # the columns go on below the table
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _label_number(block: Block) -> str:
    if _FORMS[block.form][1] == "decimal":
        return str(block.number)
    from policyx.formats.docx import chinese_counting

    return chinese_counting(block.number)


def scanned_pdf() -> bytes:
    """A page that is only an image: what a scanner makes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = io.BytesIO()
    from PIL import Image

    Image.new("L", (200, 280), 255).save(png, format="PNG")
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.drawImage(ImageReader(io.BytesIO(png.getvalue())), 40, 40, 500, 700)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def encrypted_pdf(text: str) -> bytes:
    """A PDF that opens only with a password."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128)
    pdf = canvas.Canvas(buf, encrypt=enc)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
