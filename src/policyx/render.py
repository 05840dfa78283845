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


def _quantity_table(title: str, rows: list, year_field: str) -> Table:  # type: ignore[type-arg]
    t = Table(title=title, title_justify="left")
    for col in ("indicator", "value", "unit", year_field, "section", "rule"):
        t.add_column(col)
    for r in rows:
        value = f"{r.comparator} {r.value:g}" + (f"–{r.value_max:g}" if r.value_max is not None else "")
        t.add_row(r.indicator, value, r.unit, str(getattr(r, year_field) or ""), r.section or "", r.rule)
    return t


def render_document(console: Console, doc: Document) -> None:
    m = doc.meta
    meta = Table.grid(padding=(0, 2))
    for k in ("title", "region", "province", "issuer", "doc_number", "issued_on", "doc_type"):
        meta.add_row(f"[dim]{k}[/]", str(getattr(m, k) or "—"))
    meta.add_row("[dim]source[/]", f"{doc.source.path} ({doc.source.format}, {doc.source.encoding})")
    console.print(meta)
    console.print(section_tree(doc))
    if doc.targets:
        console.print(_quantity_table("targets", doc.targets, "year"))
    if doc.statistics:
        console.print(_quantity_table("statistics", doc.statistics, "as_of"))
    if doc.responsibilities:
        t = Table(title="responsibilities", title_justify="left")
        for col in ("units", "lead", "keys", "section"):
            t.add_column(col)
        for r in doc.responsibilities:
            keys = ", ".join(k or "?" for k in r.unit_keys)
            t.add_row("、".join(r.units), "、".join(r.lead), keys, r.section or "")
        console.print(t)
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
