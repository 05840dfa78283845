"""Run ``extract_document`` over many files: a process pool, one manifest entry per input.

A bad file becomes an ``error`` entry and the batch goes on; each document file is written
atomically by the worker that made it, so an interrupted batch leaves only whole files.

With a cache, the parent process serves every hit itself (hash the bytes, splice doc_id and path
into the cached output, write it) and only the misses go to workers, so an unchanged corpus
starts no pool at all and never imports the pipeline or compiles a rule.

Guarantees (see README "What policyx guarantees"):

- ids: a file's id comes from its path below the folder given (``a/b/plan.txt`` → ``a~b~plan``), or from its
  name when given itself; never from input order. Two inputs of one id (``plan.txt`` and ``plan.html``) are
  both errors, never one output overwriting the other; a document named ``manifest`` gets ``manifest_doc``.
- the manifest is the truth: every input seen has an entry (``ok``, ``error``, or ``skipped`` with the reason:
  an unsupported type, a symlinked folder, a FIFO, a hidden name; an unlistable folder is an error). Outputs
  a previous manifest of the folder listed for inputs that are gone are moved to ``.stale/`` (and reported);
  one run at a time writes a folder (a lock).
- ends: SIGTERM/SIGHUP/Ctrl-C stop the workers and still write the manifest (unfinished files are ``error``
  entries); workers die with the parent even when it is SIGKILLed (Linux ``PR_SET_PDEATHSIG``). A file that
  cannot be written is its own ``cannot write`` error; a manifest that cannot be written raises ``WriteError``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from policyx import __version__
from policyx.cache import CachedDocument, DocumentCache
from policyx.models import Manifest, ManifestEntry
from policyx.output import (
    WriteError,
    document_path,
    record_counts,
    write_document,
    write_if_changed,
    write_jsonl,
    write_manifest,
)
from policyx.read import InputError, InputRules, doc_id_for, relative_doc_id
from policyx.rules import RuleError, RuleSet, ruleset_for

if TYPE_CHECKING:
    from concurrent.futures import Future

OnDone = Callable[[ManifestEntry], None]


def __getattr__(name: str) -> Any:
    # ``extract_document`` is imported on first use, not with this module: a fully cached batch never needs
    # the pipeline (its imports and its rules)
    if name == "extract_document":
        from policyx.pipeline import extract_document

        globals()[name] = extract_document
        return extract_document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Job:
    path: str
    doc_id: str
    error: str | None = None  # set when the job must not run (its id is another input's too)


class InputFile(str):
    """An input path that knows its id (from its path below the folder it was found in)."""

    doc_id: str

    def __new__(cls, path: str, doc_id: str) -> InputFile:
        self = super().__new__(cls, path)
        self.doc_id = doc_id
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (InputFile, (str(self), self.doc_id))


@dataclass
class Scan:
    """What a walk of the inputs found: the files to extract, and every other entry it saw, with why."""

    files: list[InputFile] = field(default_factory=list)
    skipped: list[ManifestEntry] = field(default_factory=list)


def _skip(path: Path | str, reason: str, status: str = "skipped") -> ManifestEntry:
    return ManifestEntry(path=str(path), doc_id="", status=status, error=reason)  # type: ignore[arg-type]


def scan_inputs(paths: Iterable[str | os.PathLike[str]], rules: RuleSet, *, out_dir: Path | None = None) -> Scan:
    """Files as given; under each folder (recursively, in name order) every text/HTML/PDF/Word file (and
    legacy .doc/.wps/.ofd, which get their one-line refusal) or file without suffix. Everything else seen
    under a folder is recorded with its reason: a hidden name, another type (.xlsx, .png), a symlinked folder
    (not followed), a FIFO/socket/device, the output folder itself; a folder that cannot be listed is an
    ``error`` entry."""
    cfg = rules.get(InputRules)
    wanted = set(cfg.text_suffixes) | set(cfg.html_suffixes) | set(cfg.document_suffixes) | {""}  # hook: PDF, Word
    out_real = os.path.realpath(out_dir) if out_dir is not None else None
    scan = Scan()
    for p in map(Path, paths):
        if p.is_dir():
            _walk(p, Path(), wanted, out_real, scan)
        else:
            scan.files.append(InputFile(str(p), doc_id_for(str(p))))
    return scan


def _walk(root: Path, rel: Path, wanted: set[str], out_real: str | None, scan: Scan) -> None:
    folder = root / rel
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        scan.skipped.append(_skip(folder, f"cannot list folder: {exc.strerror or exc}", "error"))
        return
    for e in entries:
        sub, sub_rel = Path(e.path), rel / e.name
        try:
            is_link, is_dir = e.is_symlink(), e.is_dir()  # is_dir follows a symlink
            is_file, exists = e.is_file(), os.path.exists(e.path)
        except OSError as exc:
            scan.skipped.append(_skip(sub, f"cannot inspect: {exc.strerror or exc}", "error"))
            continue
        if e.name.startswith("."):
            scan.skipped.append(_skip(sub, "hidden name"))
        elif is_dir and out_real is not None and os.path.realpath(sub) == out_real:
            scan.skipped.append(_skip(sub, "the output folder"))
        elif is_dir and is_link:
            scan.skipped.append(_skip(sub, "symlinked folder (not followed)"))
        elif is_dir:
            _walk(root, sub_rel, wanted, out_real, scan)
        elif (is_file or not exists) and sub.suffix.lower() in wanted:  # a dangling symlink: its read says so
            scan.files.append(InputFile(str(sub), relative_doc_id(sub_rel)))
        elif is_file:
            scan.skipped.append(_skip(sub, f"unsupported type ({sub.suffix.lower()})"))
        elif not exists:
            scan.skipped.append(_skip(sub, "dangling symlink"))
        else:
            scan.skipped.append(_skip(sub, "not a regular file (a FIFO, socket or device)"))


def collect_inputs(
    paths: Iterable[str | os.PathLike[str]], rules: RuleSet, *, out_dir: Path | None = None
) -> list[InputFile]:
    """The files ``scan_inputs`` would extract (what it skips is in ``scan_inputs(...).skipped``)."""
    return scan_inputs(paths, rules, out_dir=out_dir).files


def plan_jobs(paths: list[str]) -> list[Job]:
    """One job per path, its id from ``collect_inputs`` (else from the file name). A path given twice runs
    once; paths that share an id (compared case-blind: a case-insensitive disk would merge them) are all
    errors, so an id never depends on which file came first and no output overwrites another."""
    jobs: list[Job] = []
    seen_paths: set[str] = set()
    by_id: dict[str, list[int]] = {}
    for path in paths:
        real = os.path.abspath(path)
        if real in seen_paths:
            continue
        seen_paths.add(real)
        doc_id = getattr(path, "doc_id", None) or doc_id_for(path)
        by_id.setdefault(doc_id.casefold(), []).append(len(jobs))
        jobs.append(Job(str(path), doc_id))
    for group in by_id.values():
        if len(group) > 1:
            for i in group:
                others = ", ".join(jobs[j].path for j in group if j != i)
                msg = f"id collision: {jobs[i].doc_id!r} is also the id of {others} (rename one; nothing written)"
                jobs[i] = Job(jobs[i].path, jobs[i].doc_id, msg)
    return jobs


@dataclass(frozen=True)
class Settings:
    """What every job of a batch shares; pickled once per job, small."""

    rules: RuleSet
    out_dir: Path | None  # None: return the document data to the parent (jsonl)
    cache_dir: Path | None  # None: no cache
    cache_read: bool = True  # False (--no-cache): extract everything again, and refresh the cache with it


def _document_cache(settings: Settings) -> DocumentCache | None:
    return None if settings.cache_dir is None else DocumentCache(settings.cache_dir, settings.rules.digest())


def _read_within_limit(path: str, rules: RuleSet) -> bytes | None:
    """The bytes of a regular file within the size limit, else None: ``extract_document(path)`` then says
    what is wrong (too large, a FIFO that would block a read, a directory, unreadable) as it does uncached."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > rules.get(InputRules).max_bytes:
            return None
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _served(job: Job, settings: Settings, doc: CachedDocument, cached: bool) -> tuple[ManifestEntry, Any]:
    """Write (or, for jsonl, return) one cached or just cached document under this job's doc_id and path."""
    output, data = None, None
    if settings.out_dir is None:
        data = doc.data(job.doc_id, job.path)
    else:
        target = document_path(settings.out_dir, job.doc_id)
        write_if_changed(target, doc.render(job.doc_id, job.path))
        output = str(target)
    entry = ManifestEntry(
        path=job.path, doc_id=job.doc_id, status="ok", output=output, counts=doc.counts, cached=cached
    )
    return entry, data


def _cache_hit(job: Job, settings: Settings, cache: DocumentCache) -> tuple[ManifestEntry, Any] | None:
    """In the parent: the job served from the cache, or None for a miss or any trouble (a worker reports it)."""
    try:
        raw = _read_within_limit(job.path, settings.rules)
        found = None if raw is None else cache.load(cache.key(raw))
        return None if found is None else _served(job, settings, found, cached=True)
    except Exception:
        return None


def _extract(job: Job, settings: Settings) -> tuple[ManifestEntry, Any]:
    """Extract one job (a cache miss, or no cache) and write or return it; fills the cache."""
    extract_document = sys.modules[__name__].extract_document  # the pipeline, imported on first use
    rules = settings.rules
    cache = _document_cache(settings)
    raw = None if cache is None else _read_within_limit(job.path, rules)
    if cache is None or raw is None:
        doc = extract_document(job.path, rules=rules)
        data = doc.model_copy(update={"doc_id": job.doc_id}).model_dump(mode="json")
        out_dir = settings.out_dir
        output = str(write_document(out_dir, data)) if out_dir is not None else None
        entry = ManifestEntry(
            path=job.path, doc_id=job.doc_id, status="ok", output=output, counts=record_counts(data), cached=False
        )
        return entry, (None if out_dir is not None else data)
    key = cache.key(raw)
    # a file of the same bytes may have been extracted since the parent looked
    twin = cache.load(key) if settings.cache_read else None
    if twin is not None:
        return _served(job, settings, twin, cached=True)
    data = extract_document(raw, name=job.path, rules=rules).model_dump(mode="json")
    fresh = CachedDocument.from_data(data)
    cache.store(key, fresh)
    return _served(job, settings, fresh, cached=False)


def _run_one(job: Job, settings: Settings) -> tuple[ManifestEntry, dict[str, Any] | None]:
    if job.error is not None:
        return ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=job.error), None
    try:
        return _extract(job, settings)
    except WriteError as exc:  # full disk, read-only folder: the output's fault, not the input's
        return ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=str(exc)), None
    except InputError as exc:
        return ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=str(exc)), None
    except OSError as exc:
        msg = f"cannot read: {exc.strerror or exc}"
        return ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=msg), None
    except RuleError:  # a broken rule file is no file's fault and would fail every one: stop the batch once
        raise
    except Exception as exc:  # a bug must not stop the batch: report it as this file's error
        msg = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
        return ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=msg), None


def _pool_results(
    todo: list[tuple[int, Job]], settings: Settings, n_jobs: int, in_flight: dict[int, Job]
) -> Iterator[tuple[int, ManifestEntry, dict[str, Any] | None]]:
    """Run ``todo`` on a pool; ``in_flight`` always holds the jobs submitted and not yet yielded."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # rules pickle as their folder and unpickle to the worker's cached RuleSet: compiled once per worker
    _warm_for_fork(settings)
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        pending: dict[Future[tuple[ManifestEntry, dict[str, Any] | None]], int] = {}
        queue = iter(todo)

        def submit(i: int, job: Job) -> None:
            pending[pool.submit(_run_one, job, settings)] = i
            in_flight[i] = job

        try:
            for i, job in queue:  # keep a bounded number in flight so memory stays flat on huge corpora
                submit(i, job)
                if len(pending) >= n_jobs * 4:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = pending.pop(fut)
                    result = fut.result()
                    del in_flight[i]
                    yield (i, *result)
                    nxt = next(queue, None)
                    if nxt is not None:
                        submit(*nxt)
        except BaseException as exc:
            # interrupted or a worker died: drop what has not started instead of waiting for all of it; when
            # interrupted, stop the workers too (each file they were writing is a temporary, never the output)
            if not isinstance(exc, BrokenProcessPool):
                _stop_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)
            raise


_PR_SET_PDEATHSIG = 1


def _worker_init(parent: int) -> None:
    """In each worker: die with the parent, even a SIGKILLed one (Linux), and leave Ctrl-C to the parent
    (it stops the workers itself), so no worker outlives the batch or prints a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _stop_workers(pool: Any) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for proc in list(processes.values()):
        with contextlib.suppress(Exception):
            proc.kill()


def _warm_for_fork(settings: Settings) -> None:
    """Where workers are forked, import the pipeline and load its rules once here, before the pool starts:
    each worker then begins with them (copy-on-write) instead of paying the imports and loads itself."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return
    from policyx.rules import RuleFile

    sys.modules[__name__].extract_document  # noqa: B018 - the pipeline's imports define its rule kinds
    kinds: list[type[RuleFile]] = []
    stack = list(RuleFile.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if hasattr(kind, "FILE") and kind.__module__.startswith("policyx."):  # policyx's own, not a caller's
            kinds.append(kind)
    for kind in kinds:
        if (settings.rules.root / kind.FILE).is_file():
            settings.rules.get(kind)


def _isolated(job: Job, settings: Settings) -> tuple[ManifestEntry, dict[str, Any] | None]:
    """One job in a process of its own: if it kills that process too, it is this file's error."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        try:
            return pool.submit(_run_one, job, settings).result()
        except BrokenProcessPool:
            msg = "worker process died (killed, or out of memory) while extracting this file"
            return ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=msg), None


def _results(
    jobs: list[Job], settings: Settings, n_jobs: int
) -> Iterator[tuple[int, ManifestEntry, dict[str, Any] | None]]:
    todo = list(enumerate(jobs))
    cache = _document_cache(settings)
    if cache is not None:  # hits are served here; only the misses need the pipeline, and a pool only for two or more
        misses = []
        for i, job in todo:
            hit = _cache_hit(job, settings, cache) if settings.cache_read and job.error is None else None
            if hit is None:
                misses.append((i, job))
            else:
                yield (i, *hit)
        todo = misses
    n_jobs = min(n_jobs, sum(job.error is None for _, job in todo))  # never a worker with nothing to do
    if n_jobs <= 1:
        for i, job in todo:
            yield (i, *_run_one(job, settings))
        return
    from concurrent.futures.process import BrokenProcessPool

    while todo:
        finished: set[int] = set()
        in_flight: dict[int, Job] = {}
        try:
            for i, entry, doc in _pool_results(todo, settings, n_jobs, in_flight):
                finished.add(i)
                yield i, entry, doc
            return
        except BrokenProcessPool:
            # a worker died (OOM killer, a signal): which of the jobs in flight did it is unknown, so each runs
            # again alone; the rest of the batch goes on in a fresh pool
            if not in_flight:  # broke before any job started: take the next one alone, so each round progresses
                i, job = next((i, job) for i, job in todo if i not in finished)
                in_flight[i] = job
            for i, job in sorted(in_flight.items()):
                finished.add(i)
                yield (i, *_isolated(job, settings))
            todo = [(i, job) for i, job in todo if i not in finished]


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived: raised in the main thread so the batch stops its workers and writes its
    manifest; the exit status is 128 + the signal's number, as if the signal had ended the process."""


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        raise Terminated(128 + signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One run at a time per output folder: a second one stops with a one-line error instead of mixing in."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    try:
        fd = os.open(out_dir / ".policyx.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError:  # a read-only folder: nothing can be written into it anyway, each file will say so
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"{out_dir}: another policyx extract is writing to this folder") from None
        yield
    finally:
        os.close(fd)


class BatchError(RuntimeError):
    """The batch cannot start (its output folder is in use or cannot be made); the message is one line."""


#: the folder (inside the output folder) that outputs of inputs no longer given are moved to
STALE_DIR = ".stale"


def _move_stale(out_dir: Path, current_ids: set[str]) -> list[Path]:
    """Move the outputs the folder's previous manifest listed for inputs this run does not have to ``.stale/``.

    Only ``<out_dir>/<id>.json`` files the manifest names are touched (whatever else the manifest says)."""
    try:
        previous = orjson.loads((out_dir / "manifest.json").read_bytes())
        entries = previous["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    moved: list[Path] = []
    for e in entries if isinstance(entries, list) else []:
        doc_id = e.get("doc_id") if isinstance(e, dict) else None
        if not isinstance(doc_id, str) or not doc_id or doc_id in current_ids or e.get("output") is None:
            continue
        path = document_path(out_dir, doc_id)
        if path.parent != out_dir or os.path.basename(doc_id) != doc_id or str(path) != e.get("output"):
            continue  # not an output this folder's runs write: never touched
        target = out_dir / STALE_DIR / path.name
        try:
            target.parent.mkdir(exist_ok=True)
            os.replace(path, target)
        except OSError:
            continue
        moved.append(target)
    return moved


def _remove_temporaries(out_dir: Path) -> None:
    """Temporaries a killed run left (``.<name>.<random>.tmp``): never outputs, safe to remove under the lock."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(out_dir):
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


INTERRUPTED = "not extracted: the run stopped before this file (interrupted)"


def run_batch(
    paths: list[str],
    out_dir: Path,
    *,
    rules: RuleSet | None = None,
    jobs: int = 1,
    fmt: str = "json",
    cache_dir: Path | None = None,
    cache_read: bool = True,
    on_done: OnDone | None = None,
    skipped: Iterable[ManifestEntry] = (),
    on_notice: Callable[[str], None] | None = None,
) -> Manifest:
    """Extract every path into ``out_dir``; returns (and writes) the manifest: the jobs in input order, then
    ``skipped`` (what ``scan_inputs`` saw and did not extract). The manifest is written however the run ends
    (an exception, Ctrl-C, SIGTERM); a manifest that cannot be written raises ``WriteError``.

    ``cache_read=False``: nothing is served from ``cache_dir``, every result is written to it afresh.
    ``on_notice``: told, in one line, of the outputs of a previous run moved aside."""
    rules = rules or ruleset_for()
    planned = plan_jobs(paths)
    skipped = list(skipped)
    entries: list[ManifestEntry | None] = [None] * len(planned)
    docs: list[dict[str, Any] | None] = [None] * len(planned)
    settings = Settings(
        rules=rules, out_dir=out_dir if fmt == "json" else None, cache_dir=cache_dir, cache_read=cache_read
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(exc.errno, f"cannot write {out_dir}: {exc.strerror or exc}") from None
    with _locked(out_dir), _terminate_cleanly():
        _remove_temporaries(out_dir)
        moved = _move_stale(out_dir, {job.doc_id for job in planned})
        if moved and on_notice is not None:
            on_notice(
                f"moved {len(moved)} output(s) of inputs this run does not have to {out_dir / STALE_DIR}"
                f" ({', '.join(p.name for p in moved[:5])}{', …' if len(moved) > 5 else ''})"
            )
        try:
            for i, entry, doc in _results(planned, settings, jobs):
                entries[i], docs[i] = entry, doc
                if on_done is not None:
                    on_done(entry)
        finally:
            done = [
                e or ManifestEntry(path=job.path, doc_id=job.doc_id, status="error", error=INTERRUPTED)
                for e, job in zip(entries, planned, strict=True)
            ]
            manifest = Manifest(policyx_version=__version__, entries=[*done, *skipped])
            _remove_temporaries(out_dir)
            if fmt == "jsonl":
                write_jsonl(out_dir / "documents.jsonl", (d for d in docs if d is not None))
            write_manifest(out_dir, manifest)
    return manifest
