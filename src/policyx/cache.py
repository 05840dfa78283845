"""A content-addressed cache of extracted documents.

Key: sha256 of the raw bytes + the rule files' digest + the package version and the digest of
its own source, so editing a rule, upgrading policyx or editing its code invalidates every entry.
An entry is the document's JSON; the two fields that depend on where the file was found
(``doc_id``, ``source.path``) are put back on load, so output is byte-identical with and without
the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from policyx import __version__
from policyx.output import write_atomic

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


class DocumentCache:
    def __init__(self, root: Path, rules_digest: str) -> None:
        self.root = root
        self._salt = f"{__version__}\0{code_digest()}\0{rules_digest}\0".encode()

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._salt + data).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str, *, doc_id: str, path: str) -> dict[str, Any] | None:
        """The cached document as plain JSON data with this input's doc_id and path, or None."""
        try:
            data = orjson.loads(self._path(key).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        data["doc_id"] = doc_id
        data["source"]["path"] = path
        return data

    def store(self, key: str, doc: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # a read-only or full cache folder must not fail the extraction
            write_atomic(self._path(key), orjson.dumps(doc))
