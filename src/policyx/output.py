"""Writing results: atomic files (temp name, then rename), JSON / JSONL, the manifest."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
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


class WriteError(OSError):
    """An output that could not be written (full disk, read-only folder): the message is one line."""

    def __str__(self) -> str:
        return str(self.strerror)


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore, once per process
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part.

    The file gets ``mode`` (default: 0666 less the umask, as ``open`` would give it; ``mkstemp`` alone gives 0600).
    Any failure (full disk, read-only folder) raises ``WriteError`` naming the path; no temporary file is left.
    """
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_umask() if mode is None else mode)
            fh.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from exc
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


# C0 and C1 controls, DEL, and the bidirectional overrides/isolates that reorder what a terminal shows
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\n``, ``\\u202e``): a file name
    can hold an escape sequence, which must reach a terminal or a CI log as text, not as a command."""
    return _UNPRINTABLE.sub(
        lambda m: repr(m.group())[1:-1] if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def manifest_documents(folder: Path) -> list[Path] | None:
    """The documents a batch folder holds, as its ``manifest.json`` lists them (the ``ok`` entries), or None
    when the folder has no readable manifest. Readers of a folder use this, not ``*.json``: an output the
    manifest does not list (stale, or someone else's) is not a document of that run. Each path is
    ``<folder>/<doc_id>.json``, whatever the entry's ``output`` says, so a manifest never points outside."""
    try:
        data = orjson.loads((folder / "manifest.json").read_bytes())
        entries = data["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(entries, list):
        return None
    found = []
    for e in entries:
        if not isinstance(e, dict) or e.get("status") != "ok":
            continue
        doc_id = e.get("doc_id")
        if isinstance(doc_id, str) and doc_id and os.path.basename(doc_id) == doc_id:
            path = document_path(folder, doc_id)
            if path.is_file():
                found.append(path)
    return found


def raw_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
