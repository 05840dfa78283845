"""A content-addressed cache of extracted documents.

Key: sha256 of the raw bytes + the rule files' digest + the package version and the digest of
its own source, so editing a rule, upgrading policyx or editing its code invalidates every entry.

An entry is the document's output file as ``policyx extract`` writes it, minus the two values
that depend on where the file was found (``doc_id``, ``source.path``), plus a one-line header
with where those two go and the record counts for the manifest. A hit is served by splicing the
two values in, with no JSON parsing or encoding, and is byte-identical to extracting afresh
(the values are encoded by the same JSON encoder as the rest of the file).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from policyx import __version__
from policyx.output import dumps, record_counts, write_atomic

CACHE_ENV = "POLICYX_CACHE_DIR"


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policyx"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over the package's own modules: a changed extractor must not serve old results."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


#: the entry format; entries of another format are misses
_FORMAT = 1


class CachedDocument:
    """One document's output file with two holes, one for ``doc_id`` and one for ``source.path``."""

    __slots__ = ("body", "counts", "holes")

    def __init__(self, body: bytes, holes: tuple[int, int], counts: dict[str, int]) -> None:
        self.body = body
        self.holes = holes  # offsets in body of doc_id's value and of source.path's value
        self.counts = counts

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CachedDocument:
        """From a document's JSON data (``model_dump(mode="json")``); ``data`` is left as it was."""
        token = secrets.token_hex(16)  # markers no document can contain, so each is found exactly once
        marks = (f"doc_id:{token}", f"path:{token}")
        doc_id, path = data["doc_id"], data["source"]["path"]
        data["doc_id"], data["source"]["path"] = marks
        try:
            full = dumps(data) + b"\n"
        finally:
            data["doc_id"], data["source"]["path"] = doc_id, path
        encoded = [orjson.dumps(m) for m in marks]
        if any(full.count(e) != 1 for e in encoded):
            raise ValueError("document cache: a marker is not unique in the document")
        (first, a), (second, b) = sorted((full.index(e), e) for e in encoded)
        body = full[:first] + full[first + len(a) : second] + full[second + len(b) :]
        at_doc_id = first if a == encoded[0] else second - len(a)
        at_path = first if a == encoded[1] else second - len(a)
        return cls(body, (at_doc_id, at_path), record_counts(data))

    def render(self, doc_id: str, path: str) -> bytes:
        """The output file of this document found at ``path`` under ``doc_id``."""
        (first, x), (second, y) = sorted(zip(self.holes, (orjson.dumps(doc_id), orjson.dumps(path)), strict=True))
        body = self.body
        return b"".join((body[:first], x, body[first:second], y, body[second:]))

    def data(self, doc_id: str, path: str) -> dict[str, Any]:
        """The document's JSON data (for ``--format jsonl``)."""
        return orjson.loads(self.render(doc_id, path))  # type: ignore[no-any-return]

    def to_bytes(self) -> bytes:
        header = {"format": _FORMAT, "holes": list(self.holes), "counts": self.counts}
        return orjson.dumps(header) + b"\n" + self.body

    @classmethod
    def from_bytes(cls, raw: bytes) -> CachedDocument:
        """Raises ValueError (or a subclass) for anything that is not a whole entry of this format."""
        line, sep, body = raw.partition(b"\n")
        header = orjson.loads(line)
        holes = tuple(header["holes"])
        if not sep or header["format"] != _FORMAT or len(holes) != 2:
            raise ValueError("not a document cache entry")
        if not all(isinstance(h, int) and 0 <= h <= len(body) for h in holes):
            raise ValueError("not a document cache entry")
        return cls(body, holes, dict(header["counts"]))  # type: ignore[arg-type]


class DocumentCache:
    def __init__(self, root: Path, rules_digest: str) -> None:
        self.root = root
        self._salt = f"{__version__}\0{code_digest()}\0{rules_digest}\0".encode()

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._salt + data).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.doc"

    def load(self, key: str) -> CachedDocument | None:
        """The entry for ``key``, or None when there is none or it cannot be read."""
        try:
            return CachedDocument.from_bytes(self._path(key).read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, key: str, doc: CachedDocument) -> None:
        with contextlib.suppress(OSError):  # a read-only or full cache folder must not fail the extraction
            write_atomic(self._path(key), doc.to_bytes())
