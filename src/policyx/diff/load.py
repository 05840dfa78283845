"""The arguments of ``policyx diff`` → labelled Documents.

An argument is a raw document (extracted on the fly), an extracted ``.json``, or a folder of either.
A column is labelled by the region that issued the document, else by its file name; two documents of
one region are told apart by their doc_id.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from policyx.diff.model import Column
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.read import InputError, InputRules
from policyx.rules import RuleSet

#: batch output files that are not documents
_NOT_DOCUMENTS = {"manifest.json"}


def collect(paths: Iterable[str | os.PathLike[str]], rules: RuleSet) -> list[Path]:
    """Files as given; under a folder (recursively, hidden entries skipped) every .json and text/HTML file."""
    cfg = rules.get(InputRules)
    wanted = {".json", *cfg.text_suffixes, *cfg.html_suffixes}
    found: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            found.append(p)
            continue
        for sub in sorted(p.rglob("*")):
            rel = sub.relative_to(p)
            if any(part.startswith(".") for part in rel.parts) or not sub.is_file():
                continue
            if sub.suffix.lower() in wanted and sub.name not in _NOT_DOCUMENTS:
                found.append(sub)
    return found


def load_one(path: Path, rules: RuleSet) -> Document:
    """An extracted ``.json`` is read as is; anything else goes through the pipeline."""
    if path.suffix.lower() == ".json":
        try:
            return Document.model_validate(orjson.loads(path.read_bytes()))
        except (OSError, ValueError) as exc:
            raise InputError(f"not an extracted policyx document: {str(exc).splitlines()[0]}") from None
    return extract_document(path, rules=rules)


def label_columns(docs: list[tuple[Path, Document]]) -> list[Column]:
    """One unique label per document: the region, else the file name; duplicates get their doc_id."""
    base = [doc.meta.region or path.stem for path, doc in docs]
    counts = Counter(base)
    labels: list[str] = []
    for (_path, doc), label in zip(docs, base, strict=True):
        if counts[label] > 1:
            label = f"{label} ({doc.doc_id})"
        while label in labels:  # the same file given twice
            label = f"{label}′"
        labels.append(label)
    return [
        Column(
            label=label,
            doc_id=doc.doc_id,
            path=str(path),
            region=doc.meta.region,
            title=doc.meta.title,
            targets=len(doc.targets),
        )
        for (path, doc), label in zip(docs, labels, strict=True)
    ]


def load_documents(
    paths: Iterable[str | os.PathLike[str]],
    rules: RuleSet,
    on_error: Callable[[Path, str], None] | None = None,
) -> list[tuple[Column, Document]]:
    """Every document the arguments name, labelled; a file that fails is reported and left out."""
    loaded: list[tuple[Path, Document]] = []
    for path in collect(paths, rules):
        try:
            loaded.append((path, load_one(path, rules)))
        except (InputError, OSError) as exc:
            if on_error is None:
                raise
            on_error(path, str(exc))
    return list(zip(label_columns(loaded), (doc for _, doc in loaded), strict=True))
