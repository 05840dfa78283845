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
from policyx.output import manifest_documents, raw_sha256
from policyx.pipeline import extract_document
from policyx.read import InputError, InputRules
from policyx.rules import RuleSet

#: batch output files that are not documents
_NOT_DOCUMENTS = {"manifest.json"}


def collect(paths: Iterable[str | os.PathLike[str]], rules: RuleSet) -> list[Path]:
    """Files as given; under a folder (recursively, hidden entries skipped) every .json and text/HTML file.

    A folder (or sub-folder) holding a ``manifest.json`` is a batch's output: its documents are the ones the
    manifest lists (``policyx.output.manifest_documents``), not every ``*.json`` in it; a raw file of the
    same bytes as one of them is the same document and is not read twice."""
    found: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            found.append(p)
            continue
        found += _folder_documents(p, rules)
    return found


def _folder_documents(folder: Path, rules: RuleSet) -> list[Path]:
    cfg = rules.get(InputRules)
    raw_suffixes = {*cfg.text_suffixes, *cfg.html_suffixes}
    outputs: list[Path] = []
    batch_folders: set[Path] = set()
    raw: list[Path] = []
    loose_json: list[Path] = []
    for sub in sorted(folder.rglob("*")):
        rel = sub.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if sub.is_dir():
            continue
        if sub.name in _NOT_DOCUMENTS:
            listed = manifest_documents(sub.parent)
            if listed is not None:
                batch_folders.add(sub.parent)
                outputs += listed
        elif sub.suffix.lower() == ".json" and sub.is_file():
            loose_json.append(sub)
        elif sub.suffix.lower() in raw_suffixes and sub.is_file():
            raw.append(sub)
    found = sorted(set(outputs)) + [j for j in loose_json if j.parent not in batch_folders]
    if outputs:
        extracted = {_source_sha(p) for p in outputs}
        raw = [r for r in raw if raw_sha256(r) not in extracted]
    return sorted(found + raw)


def _source_sha(path: Path) -> str | None:
    try:
        sha = orjson.loads(path.read_bytes())["source"]["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return sha if isinstance(sha, str) else None


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
