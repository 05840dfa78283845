"""Writing results: atomic files (temp name, then rename), JSON / JSONL, the manifest."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from policyx.models import Document, Manifest

_OPTS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def dumps(obj: Any, *, indent: bool = True) -> bytes:
    """JSON bytes, UTF-8, Chinese kept as is (orjson: ~10× the standard library on our documents)."""
    data = obj.model_dump(mode="json") if hasattr(obj, "model_dump") else obj
    return orjson.dumps(data, option=_OPTS if indent else orjson.OPT_NON_STR_KEYS)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> None:
    """``write_atomic``, unless ``path`` already holds exactly ``data``: a re-run over an unchanged corpus then
    only reads its outputs (a same-sized file is compared; a rename costs more than the read)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)


def document_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / f"{doc_id}.json"


def write_document(out_dir: Path, doc: Document | dict[str, Any]) -> Path:
    """``out_dir/<doc_id>.json``, written atomically; takes the model or its JSON data."""
    doc_id = doc["doc_id"] if isinstance(doc, dict) else doc.doc_id
    path = document_path(out_dir, doc_id)
    write_atomic(path, dumps(doc) + b"\n")
    return path


def write_jsonl(path: Path, docs: Iterable[Document | dict[str, Any]]) -> None:
    write_atomic(path, b"".join(dumps(d, indent=False) + b"\n" for d in docs))


def write_manifest(out_dir: Path, manifest: Manifest) -> Path:
    path = out_dir / "manifest.json"
    write_atomic(path, dumps(manifest) + b"\n")
    return path


def record_counts(doc: dict[str, Any]) -> dict[str, int]:
    return {
        k: len(doc[k])
        for k in (
            "sections",
            "targets",
            "statistics",
            "deadlines",
            "responsibilities",
            "references",
            "tables",
            "warnings",
        )
    }
