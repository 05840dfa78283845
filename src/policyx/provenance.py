"""Provenance you can see: one Document as a self-contained HTML page, and the record rows ``policyx show`` prints.

The page holds the cleaned text with every record marked where its span lies (targets, statistics, deadlines,
responsibilities, references and tables each in their own mark), a small id after each record that links to its
row, and one table per record kind whose rows link back to the place in the text, with the section title, the
quote and the rule id. Everything is inline (styles, no scripts, no fonts or images from elsewhere), and every
piece of text from the document is escaped, so a page that quotes ``<script>`` shows it and runs nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from policyx.models import Document

#: Document field → (kind shown, css class); in the order of the page and of ``policyx show``
KINDS: dict[str, tuple[str, str]] = {
    "targets": ("target", "k-target"),
    "statistics": ("statistic", "k-stat"),
    "deadlines": ("deadline", "k-deadline"),
    "responsibilities": ("responsibility", "k-resp"),
    "references": ("reference", "k-ref"),
    "tables": ("table", "k-table"),
}

#: how a comparator reads on a page (``~`` is "about", which a bare tilde does not say)
COMPARATOR_SIGN = {"=": "", ">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈"}
COMPARATOR_WORDS = {
    "=": "equal to",
    ">=": "at least",
    ">": "more than",
    "<=": "at most",
    "<": "less than",
    "~": "about",
}


def section_titles(doc: Document) -> dict[str, str]:
    """Section id → its number and title as written (``(一) 发展基础``)."""
    return {s.id: f"{s.number} {s.title}" if s.number else s.title for s in doc.sections}


def value_text(r: Any) -> str:
    """``≥ 55``, ``10–15``, ``≈ 0.55``: a quantity's comparator and value(s) as a reader expects them."""
    sign = COMPARATOR_SIGN.get(r.comparator, r.comparator)
    value = f"{r.value:g}" + (f"–{r.value_max:g}" if r.value_max is not None else "")
    return f"{sign} {value}".strip()


def record_fields(field: str, r: Any) -> dict[str, str]:
    """The columns particular to one record kind, as display strings (the id, section, quote and rule aside)."""
    if field in ("targets", "statistics"):
        out = {"indicator": r.indicator, "value": value_text(r), "unit": r.unit}
        if field == "statistics":
            return out | {"as of": r.as_of or ""}
        year = str(r.year or "") + (" every year" if r.recurring == "annual" else "")
        baseline = ""
        if r.baseline is not None:
            baseline = f"{r.baseline.value:g}" + (f" ({r.baseline.year})" if r.baseline.year else "")
        return out | {
            "year": year.strip(),
            "baseline": baseline,
            "binding": r.binding or "",
            "responsible": "、".join(r.responsible),
        }
    if field == "deadlines":
        return {"text": r.text, "kind": r.kind, "from": r.start or "", "to": r.end or ""}
    if field == "responsibilities":
        keys = list(r.unit_keys) + [None] * (len(r.units) - len(r.unit_keys))
        return {
            "units": " | ".join(r.units),
            "lead": " | ".join(r.lead),
            "keys": " | ".join(k or "?" for k in keys),
        }
    if field == "references":
        return {"title": r.title or "", "doc number": r.doc_number or ""}
    if field == "tables":
        return {"kind": r.kind, "columns": " | ".join(r.header), "rows": str(len(r.rows))}
    raise ValueError(f"not a record kind: {field}")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    field: str
    id: str
    rule: str


def _marks(doc: Document) -> list[Mark]:
    return [
        Mark(r.span[0], r.span[1], field, r.id, r.rule)
        for field in KINDS
        for r in getattr(doc, field)
        if 0 <= r.span[0] <= r.span[1] <= len(doc.text)
    ]


def _text_html(doc: Document) -> str:
    """The text cut at every record boundary; each piece in one span carrying the classes of all records over it."""
    text, marks = doc.text, _marks(doc)
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[Mark]] = {}
    for s in doc.sections:
        starts.setdefault(s.span[0], []).append(f'<a class="anchor" id="sec-{_attr(s.id)}"></a>')
    for m in marks:
        starts.setdefault(m.start, []).append(f'<a class="anchor" id="rec-{_attr(m.id)}"></a>')
        if m.field != "tables":  # a table's id would land after its last cell: its mark and row say enough
            ends.setdefault(m.end, []).append(m)
    cuts = sorted({0, len(text), *starts, *(p for m in marks for p in (m.start, m.end))})
    parts: list[str] = []
    for i, a in enumerate(cuts):
        for m in ends.get(a, []):
            parts.append(f'<sup class="tag {KINDS[m.field][1]}"><a href="#row-{_attr(m.id)}">{_esc(m.id)}</a></sup>')
        parts.extend(starts.get(a, []))
        if i + 1 == len(cuts):
            break
        b = cuts[i + 1]
        over = [m for m in marks if m.start <= a and b <= m.end and m.start < m.end]
        piece = _esc(text[a:b])
        if over:
            classes = " ".join(dict.fromkeys(KINDS[m.field][1] for m in over))
            title = "; ".join(f"{m.id} {KINDS[m.field][0]} · {m.rule}" for m in over)
            piece = f'<span class="m {classes}" title="{_attr(title)}">{piece}</span>'
        parts.append(piece)
    return "".join(parts)


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _attr(s: str) -> str:
    return html.escape(s, quote=True)


def _record_table(doc: Document, field: str, titles: dict[str, str]) -> str:
    records = getattr(doc, field)
    css = KINDS[field][1]
    if not records:
        return ""
    columns = list(record_fields(field, records[0]))
    head = "".join(f"<th>{_esc(c)}</th>" for c in ["id", *columns, "section", "quote", "rule"])
    rows = []
    for r in records:
        cells = [f'<td><a class="{css} idlink" href="#rec-{_attr(r.id)}">{_esc(r.id)}</a></td>']
        fields = record_fields(field, r)
        for c in columns:
            value = fields[c]
            if c == "value":
                words = COMPARATOR_WORDS.get(r.comparator, r.comparator)
                cells.append(f'<td class="num" title="{_attr(words)}">{_esc(value)}</td>')
            else:
                cells.append(f"<td>{_esc(value)}</td>")
        section = titles.get(r.section or "", "")
        link = f'<a href="#sec-{_attr(r.section)}">{_esc(section)}</a>' if r.section in titles else ""
        quote = _esc(r.quote if field != "tables" else _short(r.quote))
        if field == "tables":
            quote += _grid(r.header, r.rows)
        cells += [f"<td>{link}</td>", f'<td class="quote">{quote}</td>', f"<td><code>{_esc(r.rule)}</code></td>"]
        rows.append(f'<tr id="row-{_attr(r.id)}">{"".join(cells)}</tr>')
    return (
        f'<section id="list-{field}"><h2><span class="swatch {css}"></span>{_esc(field)} ({len(records)})</h2>'
        f'<table class="records"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _grid(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<details><summary>cells</summary><table class="grid"><tr>{head}</tr>{body}</table></details>'


def _meta_html(doc: Document) -> str:
    m = doc.meta
    items: list[tuple[str, str | None]] = [
        ("region", m.region),
        ("province", m.province),
        ("issuer", m.issuer),
        ("doc number", m.doc_number),
        ("issued on", m.issued_on),
        ("type", m.doc_type),
        ("source", f"{doc.source.path} ({doc.source.format}, {doc.source.encoding})"),
        ("sha256", doc.source.sha256[:16] + "…"),
    ]
    return "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v or '—')}</dd>" for k, v in items)


def _legend(doc: Document) -> str:
    return "".join(
        f'<a class="legend" href="#list-{field}"><span class="m {css}">{_esc(kind)}</span> '
        f"{len(getattr(doc, field))}</a>"
        for field, (kind, css) in KINDS.items()
    )


def _sections_html(doc: Document) -> str:
    if not doc.sections:
        return ""
    titles = section_titles(doc)
    items = "".join(
        f'<li style="margin-left:{(s.level - 1) * 1.2:g}em"><a href="#sec-{_attr(s.id)}">{_esc(titles[s.id])}</a></li>'
        for s in doc.sections
    )
    return f'<details class="toc"><summary>sections ({len(doc.sections)})</summary><ul>{items}</ul></details>'


def _warnings_html(doc: Document) -> str:
    if not doc.warnings:
        return ""
    items = "".join(f"<li><code>{_esc(w.code)}</code> {_esc(w.message)}</li>" for w in doc.warnings)
    return f'<section id="list-warnings"><h2>warnings ({len(doc.warnings)})</h2><ul>{items}</ul></section>'


CSS = """
:root { --target:#ffe08a; --stat:#bfe3ff; --deadline:#1a8f3c; --resp:#c2410c; --ref:#7c3aed; --table:#eeeeee; }
body { font: 15px/1.7 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif; margin: 0;
  color: #1f2328; background: #fff; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 16px; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 26px 0 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0 14px; margin: 6px 0 10px; font-size: 13px; }
dl.meta dt { color: #57606a; } dl.meta dd { margin: 0; }
nav.legend-bar { position: sticky; top: 0; background: #fff; padding: 8px 0; z-index: 2;
  border-bottom: 1px solid #d0d7de; font-size: 13px; }
a.legend { margin-right: 14px; color: #1f2328; text-decoration: none; }
.doctext { white-space: pre-wrap; overflow-wrap: anywhere; background: #fcfcfc; border: 1px solid #d0d7de;
  padding: 14px 18px; border-radius: 6px; }
.m { border-radius: 2px; }
.m.k-table { background: var(--table); }
.m.k-stat { background: var(--stat); }
.m.k-target { background: var(--target); }
.m.k-deadline { border-bottom: 2px solid var(--deadline); }
.m.k-resp { text-decoration: underline wavy var(--resp); text-underline-offset: 4px; }
.m.k-ref { box-shadow: inset 0 -0.45em 0 rgba(124,58,237,.22); color: #4c1d95; }
sup.tag { font-size: 10px; line-height: 0; margin: 0 1px; }
sup.tag a { text-decoration: none; padding: 0 2px; border-radius: 3px; color: #fff; }
sup.k-target a { background: #b7791f; } sup.k-stat a { background: #2b6cb0; }
sup.k-deadline a { background: var(--deadline); } sup.k-resp a { background: var(--resp); }
sup.k-ref a { background: var(--ref); }
.anchor:target + .m { outline: 2px solid #d1242f; outline-offset: 1px; }
table.records { border-collapse: collapse; width: 100%; font-size: 13px; }
table.records th, table.records td { border: 1px solid #d0d7de; padding: 3px 6px; vertical-align: top;
  text-align: left; }
table.records th { background: #f6f8fa; position: sticky; top: 38px; }
table.records tr:target { background: #fff8c5; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.records td.quote { max-width: 360px; }
a.idlink { padding: 0 4px; border-radius: 3px; color: #1f2328; }
a.idlink.k-target { background: var(--target); } a.idlink.k-stat { background: var(--stat); }
a.idlink.k-deadline { border-bottom: 2px solid var(--deadline); } a.idlink.k-resp { color: var(--resp); }
a.idlink.k-ref { color: var(--ref); } a.idlink.k-table { background: var(--table); }
span.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border: 1px solid #999; }
span.swatch.k-target { background: var(--target); } span.swatch.k-stat { background: var(--stat); }
span.swatch.k-deadline { background: var(--deadline); } span.swatch.k-resp { background: var(--resp); }
span.swatch.k-ref { background: var(--ref); } span.swatch.k-table { background: var(--table); }
table.grid { border-collapse: collapse; margin-top: 4px; } table.grid td, table.grid th { border: 1px solid #ccc;
  padding: 1px 4px; }
code { font-size: 12px; color: #57606a; }
table.records td { max-width: 240px; } table.records td:last-child { white-space: nowrap; max-width: none; }
details.toc { font-size: 13px; margin: 8px 0; } details.toc ul { list-style: none; padding-left: 0; margin: 4px 0; }
@media print { nav.legend-bar, table.records th { position: static; } }
"""


def document_html(doc: Document) -> str:
    """One self-contained HTML page showing where every record of ``doc`` comes from."""
    titles = section_titles(doc)
    title = doc.meta.title or doc.doc_id
    tables = "".join(_record_table(doc, field, titles) for field in KINDS)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)} · policyx</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_esc(title)}</h1><dl class="meta">{_meta_html(doc)}</dl>'
        f"{_sections_html(doc)}</header>"
        f'<main><nav class="legend-bar">{_legend(doc)} <a class="legend" href="#text">text</a></nav>'
        f'<h2 id="text">text ({len(doc.text)} characters; hover a mark for its record and rule, click an id for '
        f'its row)</h2><div class="doctext">{_text_html(doc)}</div>'
        f"{tables}{_warnings_html(doc)}"
        f"<footer><p><small>policyx · {_esc(doc.doc_id)} · schema {_esc(doc.schema_version)}</small></p></footer>"
        "</main></body></html>\n"
    )
