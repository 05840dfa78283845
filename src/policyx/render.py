"""Terminal rendering of one Document (``policyx show``)."""

from __future__ import annotations

from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.read import InputError
from policyx.rules import RuleSet


def load_or_extract(path: Path, rules: RuleSet) -> Document:
    """An extracted ``.json`` is loaded as is; anything else goes through the pipeline. A file that is neither
    raises ``InputError`` with a one-line message."""
    if path.suffix.lower() == ".json":
        try:
            return Document.model_validate(orjson.loads(path.read_bytes()))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}") from None
        except ValueError as exc:  # not JSON, or JSON that is not a policyx document (pydantic's error)
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"not an extracted policyx document: {first}") from None
    return extract_document(path, rules=rules)


def section_tree(doc: Document) -> Tree:
    root = Tree(f"[bold]{doc.meta.title or doc.doc_id}[/]")
    nodes: dict[str | None, Tree] = {None: root}
    for s in doc.sections:
        label = f"[cyan]{s.number}[/] {s.title}" if s.number else f"[magenta]{s.title}[/]"
        parent = nodes.get(s.parent, root)
        nodes[s.id] = parent.add(label)
    return root


def records_table(doc: Document, field: str) -> Table:
    """One record kind with the section title, quote and rule of each record (the fields of policyx.provenance)."""
    from policyx.provenance import record_fields, section_titles

    records, titles = getattr(doc, field), section_titles(doc)
    t = Table(title=f"{field} ({len(records)})", title_justify="left")
    rows = [record_fields(field, r) for r in records]
    columns = [c for c in rows[0] if any(row[c] for row in rows)]  # a column empty for every record is left out
    for col in ("id", *columns, "section", "quote", "rule"):
        t.add_column(col, overflow="fold")
    for r, fields in zip(records, rows, strict=True):
        quote = r.quote if field != "tables" else " ".join(r.quote.split())[:60] + "…"
        t.add_row(r.id, *(fields[c] for c in columns), titles.get(r.section or "", ""), quote, r.rule)
    if field in ("targets", "statistics") and any(r.comparator == "~" for r in records):
        t.caption, t.caption_justify = "≈: about (左右, 约)", "left"
    return t


def render_document(console: Console, doc: Document) -> None:
    m = doc.meta
    meta = Table.grid(padding=(0, 2))
    for k in ("title", "region", "province", "issuer", "doc_number", "issued_on", "doc_type"):
        meta.add_row(f"[dim]{k}[/]", str(getattr(m, k) or "—"))
    meta.add_row("[dim]source[/]", f"{doc.source.path} ({doc.source.format}, {doc.source.encoding})")
    console.print(meta)
    console.print(section_tree(doc))
    from policyx.provenance import KINDS

    for field in KINDS:  # every record kind, each with its quote and section title
        if getattr(doc, field):
            console.print(records_table(doc, field))
    for w in doc.warnings:
        console.print(f"[yellow]warning[/] {w.code}: {w.message}")


def render_unknown_units(console: Console, doc: Document, rules: RuleSet) -> int:
    """Units of the responsibility records that rules/departments.yaml neither keys nor lists as keyless."""
    from policyx.departments import unknown_units

    names = [u for r in doc.responsibilities for u in r.units]
    unknown = unknown_units(names, rules)
    if not names:
        console.print("no responsibility records: no units to look up")
        return 0
    if not unknown:
        console.print(f"all {len(set(names))} responsible units have a department key or are deliberately keyless")
        return 0
    t = Table(title=f"unknown units ({len(unknown)} of {len(set(names))})", title_justify="left")
    t.add_column("unit")
    t.add_column("records", justify="right")
    for u in unknown:
        t.add_row(u, str(sum(u in r.units for r in doc.responsibilities)))
    console.print(t)
    return len(unknown)
