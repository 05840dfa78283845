"""The library behind ``policyx refs``: which documents a corpus cites most, and who cites them.

Inputs are raw documents (extracted on the fly) or extracted ``.json`` files. A cited document is known by
its number when any citation gives one (``国办发〔2020〕52号``), else by its title; a title-only citation
joins the number that a paired citation anywhere in the corpus gives the same title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from policyx.models import Document
from policyx.rules import RuleSet


@dataclass(slots=True)
class Cited:
    key: str
    doc_number: str | None
    titles: Counter[str] = field(default_factory=Counter)
    citing: dict[str, int] = field(default_factory=dict)  # doc_id → mentions, in first-citation order

    @property
    def title(self) -> str | None:
        return self.titles.most_common(1)[0][0] if self.titles else None

    @property
    def mentions(self) -> int:
        return sum(self.citing.values())

    def as_json(self) -> dict[str, object]:
        return {
            "doc_number": self.doc_number,
            "title": self.title,
            "cited_by": len(self.citing),
            "mentions": self.mentions,
            "citing": list(self.citing),
        }


def _title_key(title: str) -> str:
    return "".join(title.split())


def load_documents(paths: Iterable[str | Path], rules: RuleSet) -> tuple[list[Document], list[str]]:
    """Documents from extracted JSON and raw files; errors as one-line messages. A folder is read as
    ``policyx diff`` reads it (``policyx.diff.load.collect``): a batch folder through its manifest."""
    from policyx.batch import collect_inputs
    from policyx.diff.load import collect
    from policyx.pipeline import extract_document
    from policyx.read import InputError

    json_files: list[Path] = []
    raw: list[str | Path] = []
    for p in map(Path, paths):
        if p.is_dir():  # a batch folder through its manifest; a raw file of an extracted one's bytes counted once
            for f in collect([p], rules):
                (json_files if f.suffix.lower() == ".json" else raw).append(f)
        elif p.suffix.lower() == ".json":
            json_files.append(p)
        else:
            raw.append(p)
    docs: list[Document] = []
    errors: list[str] = []
    for f in json_files:
        try:
            docs.append(Document.model_validate(orjson.loads(f.read_bytes())))
        except (OSError, ValueError) as exc:
            errors.append(f"{f}: not an extracted document: {str(exc).splitlines()[0]}")
    for path in collect_inputs(raw, rules) if raw else []:  # files: as given
        try:
            docs.append(extract_document(path, rules=rules))
        except (InputError, OSError) as exc:
            errors.append(f"{path}: {exc}")
    return docs, errors


def most_cited(docs: Iterable[Document]) -> list[Cited]:
    """Cited documents, most citing documents first (then most mentions, then by key)."""
    docs = list(docs)
    number_of_title: dict[str, str] = {}
    for d in docs:
        for r in d.references:
            if r.title and r.doc_number:
                number_of_title.setdefault(_title_key(r.title), r.doc_number)
    groups: dict[str, Cited] = {}
    for d in docs:
        for r in d.references:
            number = r.doc_number or (number_of_title.get(_title_key(r.title)) if r.title else None)
            key = number or f"《{_title_key(r.title or '')}》"
            c = groups.get(key)
            if c is None:
                c = groups[key] = Cited(key, number)
            if r.title:
                c.titles[r.title] += 1
            c.citing[d.doc_id] = c.citing.get(d.doc_id, 0) + 1
    return sorted(groups.values(), key=lambda c: (-len(c.citing), -c.mentions, c.key))
