"""Documents built from the gold targets of tests/gold/, for the diff tests (independent of the extractor)."""

from __future__ import annotations

from pathlib import Path

import yaml

from policyx.diff.model import Column
from policyx.models import Baseline, Document, Meta, Source, Target

GOLD = Path(__file__).resolve().parent / "gold"


def gold_document(path: Path) -> Document:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    targets = [
        Target(
            id=f"t{i}",
            section=None,
            span=(0, len(t["quote"])),
            quote=t["quote"],
            rule="gold",
            indicator=t["indicator"],
            value=t["value"],
            unit=t["unit"],
            comparator=t["comparator"],
            year=t.get("year"),
            baseline=Baseline(**t["baseline"]) if t.get("baseline") else None,
        )
        for i, t in enumerate(data.get("targets") or [])
    ]
    meta = data.get("meta") or {}
    return Document(
        doc_id=path.stem,
        source=Source(path=data["doc"], sha256="", encoding="utf-8", format="text"),
        meta=Meta(region=meta.get("region"), title=meta.get("title")),
        targets=targets,
    )


def gold_documents() -> list[tuple[Column, Document]]:
    """The five gold documents as labelled diff columns, in file order (泊头市, 扬州市, 郑州市, 平顶山市, 贵州省)."""
    out = []
    for path in sorted(GOLD.glob("0*.yaml")):
        doc = gold_document(path)
        label = doc.meta.region or doc.doc_id
        col = Column(label=label, doc_id=doc.doc_id, path=str(path), region=doc.meta.region, targets=len(doc.targets))
        out.append((col, doc))
    return out
