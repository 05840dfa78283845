"""A content-addressed cache of extracted documents.

Key: sha256 of the raw bytes + the rule files' digest + the package version and the digest of
its own source, so editing a rule, upgrading policyx or editing its code invalidates every entry.

An entry is the document's output file as ``policyx extract`` writes it, minus the two values
that depend on where the file was found (``doc_id``, ``source.path``), plus a one-line header
with where those two go and the record counts for the manifest. A hit is served by splicing the
two values in, with no JSON parsing or encoding, and is byte-identical to extracting afresh
(the values are encoded by the same JSON encoder as the rest of the file).

Trust: an entry starts with the sha256 of the rest of it and is used only when that digest matches, so a
truncated or flipped entry is a miss (dropped, then rebuilt), never served. Entries are read only from a
folder owned by this user and closed to others (``private_folder``), and only when the file is this user's
and writable by no one else: a folder shared with other users is not used at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
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
_FORMAT = 2


class PrivateFolder:
    """A cache folder that only this user can have written: a real folder (not a symlink), owned by the
    effective user, with no permission for group or others (our own folder with a loose mode is tightened to
    0700). Files are opened relative to the checked folder, without following symlinks, and used only when
    they are regular files owned by this user and writable by no one else."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> PrivateFolder | None:
        """The folder, or None when it is missing (and cannot be made) or may hold another user's files."""
        if create:
            try:
                path.mkdir(parents=True, mode=0o700, exist_ok=True)
            except OSError:
                return None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if st.st_uid != os.geteuid():
                raise PermissionError("another user's folder")
            if st.st_mode & 0o077:
                os.fchmod(fd, 0o700)
        except OSError:
            os.close(fd)
            return None
        return cls(fd, path)

    def read(self, name: str) -> bytes | None:
        """The bytes of ``name`` in this folder, or None when it is missing, a symlink or not trusted."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
                return None
            with os.fdopen(os.dup(fd), "rb") as fh:
                return fh.read()
        except OSError:
            return None
        finally:
            os.close(fd)

    def drop(self, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=self.fd)

    def write(self, name: str, data: bytes) -> None:
        """Written atomically, mode 0600; a full or read-only folder is silently not written."""
        with contextlib.suppress(OSError):
            write_atomic(self.path / name, data, mode=0o600)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def __del__(self) -> None:
        self.close()


def sealed(payload: bytes) -> bytes:
    """``payload`` preceded by its sha256 (hex, one line): what ``unsealed`` verifies."""
    return hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def unsealed(raw: bytes) -> bytes | None:
    """The payload of a ``sealed`` entry, or None when its digest does not match (truncated, flipped)."""
    digest, sep, payload = raw[:64], raw[64:65], raw[65:]
    if sep != b"\n" or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    return payload


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
        return sealed(orjson.dumps(header) + b"\n" + self.body)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CachedDocument:
        """Raises ValueError (or a subclass) for anything that is not a whole, unaltered entry of this format."""
        payload = unsealed(raw)
        if payload is None:
            raise ValueError("document cache entry does not match its digest")
        line, sep, body = payload.partition(b"\n")
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
        self._folders: dict[str, PrivateFolder | None] = {}

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._salt + data).hexdigest()

    def _folder(self, key: str) -> PrivateFolder | None:
        sub = key[:2]
        if sub not in self._folders:
            top = PrivateFolder.open(self.root)  # checked first: a shared root is not used at all
            self._folders[sub] = None if top is None else PrivateFolder.open(self.root / sub)
        return self._folders[sub]

    def load(self, key: str) -> CachedDocument | None:
        """The entry for ``key``, or None when there is none or it cannot be trusted; a damaged entry is removed."""
        folder = self._folder(key)
        raw = None if folder is None else folder.read(f"{key}.doc")
        if folder is None or raw is None:
            return None
        try:
            return CachedDocument.from_bytes(raw)
        except (ValueError, KeyError, TypeError):
            folder.drop(f"{key}.doc")  # truncated, flipped or of another format: rebuilt by this run
            return None

    def store(self, key: str, doc: CachedDocument) -> None:
        folder = self._folder(key)  # a read-only, full or shared cache folder must not fail the extraction
        if folder is not None:
            folder.write(f"{key}.doc", doc.to_bytes())
