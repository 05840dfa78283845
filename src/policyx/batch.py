"""Run ``extract_document`` over many files: a process pool, one manifest entry per input.

A bad file becomes an ``error`` entry and the batch goes on; each document file is written
atomically by the worker that made it, so an interrupted batch leaves only whole files.

With a cache, the parent process serves every hit itself (hash the bytes, splice doc_id and path
into the cached output, write it) and only the misses go to workers, so an unchanged corpus
starts no pool at all and never imports the pipeline or compiles a rule.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyx import __version__
from policyx.cache import CachedDocument, DocumentCache
from policyx.models import Manifest, ManifestEntry
from policyx.output import (
    document_path,
    record_counts,
    write_document,
    write_if_changed,
    write_jsonl,
    write_manifest,
)
from policyx.read import InputError, InputRules, doc_id_for
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


def collect_inputs(paths: Iterable[str | os.PathLike[str]], rules: RuleSet) -> list[str]:
    """Files as given, and under each folder (recursively) every text/HTML/PDF/Word file or file without suffix."""
    cfg = rules.get(InputRules)
    wanted = set(cfg.text_suffixes) | set(cfg.html_suffixes) | set(cfg.document_suffixes) | {""}  # hook: PDF, Word
    found: list[str] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                rel = sub.relative_to(p)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if (sub.is_file() or not sub.exists()) and sub.suffix.lower() in wanted:
                    found.append(str(sub))
        else:
            found.append(str(p))
    return found


def plan_jobs(paths: list[str]) -> list[Job]:
    """One job per path; a doc_id already taken by an earlier path gets the path's position appended."""
    seen: dict[str, int] = {}
    jobs = []
    for path in paths:
        doc_id = doc_id_for(path)
        n = seen.get(doc_id, 0)
        seen[doc_id] = n + 1
        jobs.append(Job(path, doc_id if n == 0 else f"{doc_id}-{n + 1}"))
    return jobs


@dataclass(frozen=True)
class Settings:
    """What every job of a batch shares; pickled once per job, small."""

    rules: RuleSet
    out_dir: Path | None  # None: return the document data to the parent (jsonl)
    cache_dir: Path | None  # None: no cache


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
    twin = cache.load(key)  # a file of the same bytes may have been extracted since the parent looked
    if twin is not None:
        return _served(job, settings, twin, cached=True)
    data = extract_document(raw, name=job.path, rules=rules).model_dump(mode="json")
    fresh = CachedDocument.from_data(data)
    cache.store(key, fresh)
    return _served(job, settings, fresh, cached=False)


def _run_one(job: Job, settings: Settings) -> tuple[ManifestEntry, dict[str, Any] | None]:
    try:
        return _extract(job, settings)
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

    # rules pickle as their folder and unpickle to the worker's cached RuleSet: compiled once per worker
    _warm_for_fork(settings)
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
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
        except BaseException:
            # interrupted or a worker died: drop what has not started instead of waiting for all of it
            pool.shutdown(wait=False, cancel_futures=True)
            raise


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

    with ProcessPoolExecutor(max_workers=1) as pool:
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
            hit = _cache_hit(job, settings, cache)
            if hit is None:
                misses.append((i, job))
            else:
                yield (i, *hit)
        todo = misses
    if n_jobs <= 1 or len(todo) <= 1:
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


def run_batch(
    paths: list[str],
    out_dir: Path,
    *,
    rules: RuleSet | None = None,
    jobs: int = 1,
    fmt: str = "json",
    cache_dir: Path | None = None,
    on_done: OnDone | None = None,
) -> Manifest:
    """Extract every path into ``out_dir``; returns (and writes) the manifest, in input order."""
    rules = rules or ruleset_for()
    planned = plan_jobs(paths)
    entries: list[ManifestEntry | None] = [None] * len(planned)
    docs: list[dict[str, Any] | None] = [None] * len(planned)
    settings = Settings(rules=rules, out_dir=out_dir if fmt == "json" else None, cache_dir=cache_dir)
    try:
        for i, entry, doc in _results(planned, settings, jobs):
            entries[i], docs[i] = entry, doc
            if on_done is not None:
                on_done(entry)
    finally:
        manifest = Manifest(policyx_version=__version__, entries=[e for e in entries if e is not None])
        out_dir.mkdir(parents=True, exist_ok=True)
        if fmt == "jsonl":
            write_jsonl(out_dir / "documents.jsonl", (d for d in docs if d is not None))
        write_manifest(out_dir, manifest)
    return manifest
