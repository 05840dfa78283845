"""A persistent cache of compiled rule files, the ``__pycache__`` of ``rules/``.

Why: loading a rule file means parsing its YAML, validating it with pydantic and compiling its
patterns with ``regex``, whose compiler is pure Python; for all of ``rules/`` that is most of a
one-document run. A loaded ``RuleFile`` pickles together with its patterns' compiled code
(``regex`` pickles a pattern as the arguments of its C constructor), and unpickling it costs
microseconds. So after a process loads a kind it writes the pickle to the cache, and the next
process reads that instead of compiling.

Key: sha256 over the rule file's bytes, the kind's module and name, the policyx version, the
digest of policyx's own code (``policyx.cache.code_digest``), the versions of Python, regex,
pydantic, pydantic-core and PyYAML, and the pickle protocol. Editing a rule file, editing or
upgrading policyx or one of those libraries each gives a new key, so the rules are compiled
afresh; no entry is ever served for inputs it was not made from. Only kinds defined in policyx
are cached, because the code digest covers only policyx's code.

Where: ``<cache dir>/rules/<module>.<Kind>.<key>.pickle``, next to the document cache:
``--cache-dir`` when given (``RuleSet(cache_dir=...)``), else ``$POLICYX_CACHE_DIR``, else
``$XDG_CACHE_HOME/policyx`` or ``~/.cache/policyx``. At most ``KEEP_PER_KIND`` entries per kind
are kept (the newest), so switching between versions or checkouts does not grow it forever.

``--no-cache`` does not switch this cache off. That flag means "extract every document again";
compiled rules are not results: every input of the compilation is in the key, so an entry
cannot change any output (as ``__pycache__`` cannot change what a program does). Set
``POLICYX_RULES_CACHE=0`` to switch it off, e.g. to time a first-ever run.

Failures are never errors: a missing, unreadable, corrupt or foreign entry (unpickling fails, or
gives something other than the kind) is ignored and the file compiled as if there were no
cache; a read-only, full or missing cache folder is simply not written. Entries are written
atomically (a temp file, then a rename), so parallel processes (pool workers) never read half
an entry; two processes that compile the same kind write the same bytes.

Trust: entries are pickles, and unpickling runs code, so an entry is loaded only when

- its folder is a real folder (not a symlink) owned by the user running policyx and closed to group and
  others (mode 0700; our own folder with a looser mode is tightened, another user's is never used, not even
  written), and the entry is a regular file of that user that no one else can write
  (``policyx.cache.PrivateFolder``); a folder another local user could write is therefore never read, so a
  pickle planted there cannot run, whoever runs policyx later (root included);
- the sha256 at its head matches its bytes (``policyx.cache.sealed``): a truncated or flipped entry is a miss
  and is removed, never handed to ``pickle`` (whose C code can crash on damaged input).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyx.cache import PrivateFolder, sealed, unsealed

if TYPE_CHECKING:
    from policyx.rules import RuleFile

RULES_CACHE_ENV = "POLICYX_RULES_CACHE"
#: entries kept per kind; older ones (other versions, other checkouts, old rule files) are removed
KEEP_PER_KIND = 8
_OFF = {"0", "off", "no", "false"}
_SUFFIX = ".pickle"


def enabled() -> bool:
    return os.environ.get(RULES_CACHE_ENV, "").strip().lower() not in _OFF


def _distribution_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def _library_versions() -> str:
    import pydantic
    import pydantic_core

    from policyx import __version__
    from policyx.cache import code_digest

    return "\0".join(
        (
            __version__,
            code_digest(),
            sys.version,
            pydantic.VERSION,
            pydantic_core.__version__,
            # from their metadata: importing regex or yaml is part of what a hit saves
            _distribution_version("regex"),
            _distribution_version("PyYAML"),
            str(pickle.HIGHEST_PROTOCOL),
        )
    )


class CompiledRules:
    """The compiled-rules folder of one cache dir: ``load`` and ``store`` by kind and file bytes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._salt: bytes | None = None
        self._checked: list[PrivateFolder | None] | None = None  # the folder, checked on first use

    @classmethod
    def for_cache_dir(cls, cache_dir: str | os.PathLike[str] | None) -> CompiledRules | None:
        """The cache under ``cache_dir`` (None: the default cache folder), or None when switched off."""
        if not enabled():
            return None
        if cache_dir is None:
            from policyx.cache import default_cache_dir

            cache_dir = default_cache_dir()
        return cls(Path(cache_dir) / "rules")

    @staticmethod
    def cacheable(kind: type[RuleFile]) -> bool:
        return kind.__module__.split(".", 1)[0] == "policyx"

    @staticmethod
    def _name(kind: type[RuleFile]) -> str:
        return f"{kind.__module__}.{kind.__qualname__}"

    def key(self, kind: type[RuleFile], data: bytes) -> str:
        if self._salt is None:
            self._salt = _library_versions().encode()
        h = hashlib.sha256(self._salt)
        h.update(b"\0" + self._name(kind).encode() + b"\0")
        h.update(data)
        return h.hexdigest()

    def _entry(self, kind: type[RuleFile], key: str) -> str:
        return f"{self._name(kind)}.{key}{_SUFFIX}"

    def _path(self, kind: type[RuleFile], key: str) -> Path:
        return self.folder / self._entry(kind, key)

    def _private(self) -> PrivateFolder | None:
        if self._checked is None:
            self._checked = [PrivateFolder.open(self.folder)]
        return self._checked[0]

    def load(self, kind: type[RuleFile], key: str) -> Any:
        """The kind compiled from these bytes, or None when there is no usable entry."""
        folder = self._private()
        raw = None if folder is None else folder.read(self._entry(kind, key))
        if folder is None or raw is None:
            return None
        data = unsealed(raw)
        if data is None:  # damaged: never unpickled
            folder.drop(self._entry(kind, key))
            return None
        collecting = gc.isenabled()
        gc.disable()  # unpickling allocates many small objects: collections would only slow it down
        try:
            found = pickle.loads(data)
        except Exception:  # a corrupt or foreign entry is a miss, never an error
            return None
        finally:
            if collecting:
                gc.enable()
        return found if type(found) is kind else None

    def store(self, kind: type[RuleFile], key: str, compiled: RuleFile) -> None:
        """Write the entry atomically; an unwritable folder or an object that does not pickle is skipped."""
        folder = self._private()
        if folder is None:  # missing and cannot be made, or not ours alone: compiled rules are just not kept
            return
        try:
            data = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        folder.write(self._entry(kind, key), sealed(data))
        with contextlib.suppress(OSError):
            self._prune(kind)

    def _prune(self, kind: type[RuleFile]) -> None:
        prefix = f"{self._name(kind)}."
        entries = []
        for path in self.folder.glob(f"{prefix}*{_SUFFIX}"):
            with contextlib.suppress(OSError):
                entries.append((path.stat().st_mtime, path))
        entries.sort(reverse=True)
        for _, path in entries[KEEP_PER_KIND:]:
            with contextlib.suppress(OSError):
                path.unlink()
