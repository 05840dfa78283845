"""The summary table printed after a batch."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from policyx.cli.common import shown
from policyx.models import Manifest

# record kind → column header short enough for an 80-column terminal
_COLUMNS = {
    "sections": "sec",
    "targets": "tgt",
    "statistics": "stat",
    "deadlines": "ddl",
    "responsibilities": "resp",
    "references": "refs",
    "tables": "tbl",
}


def _caption() -> str:
    return "  ".join(f"{h}={k}" for k, h in _COLUMNS.items())


def print_summary(console: Console, manifest: Manifest, out: Path) -> None:
    table = Table(title=f"policyx extract → {out}", show_lines=False, caption=_caption())
    table.add_column("document", overflow="fold")
    table.add_column("status")
    for header in _COLUMNS.values():
        table.add_column(header, justify="right")
    for e in manifest.entries:
        name = shown(e.doc_id or Path(e.path).name)
        if e.status == "ok":
            table.add_row(name, "[green]ok[/]", *(str(e.counts.get(c, 0)) for c in _COLUMNS))
        elif e.status == "skipped":
            table.add_row(name, "[yellow]skipped[/]", *("–" for _ in _COLUMNS))
        else:
            table.add_row(name, "[red]error[/]", *("–" for _ in _COLUMNS))
    console.print(table)
    for e in manifest.entries:
        if e.status == "error":
            console.print(f"[red]error:[/] {shown(e.path)}: {shown(e.error)}", soft_wrap=True)
        elif e.status == "skipped":
            console.print(f"[yellow]skipped:[/] {shown(e.path)}: {shown(e.error)}", soft_wrap=True)
    ok = sum(e.status == "ok" for e in manifest.entries)
    skipped = sum(e.status == "skipped" for e in manifest.entries)
    extracted = f"{ok} of {len(manifest.entries) - skipped} documents extracted"
    extracted += f" ({skipped} other entries skipped)" if skipped else ""
    console.print(f"{extracted}; manifest: {shown(out / 'manifest.json')}", soft_wrap=True)
