"""The batch runner: same bytes whatever the route (cache, --jobs), and everything pickles for engines."""

from __future__ import annotations

import concurrent.futures
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import orjson

import policyx.batch
from policyx.batch import collect_inputs, plan_jobs, run_batch
from policyx.cache import CachedDocument
from policyx.output import dumps
from policyx.pipeline import extract_document
from policyx.rules import RuleSet

from conftest import CORPUS


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json")) if p.name != "manifest.json"}


def test_jobs_and_cache_give_byte_identical_output(tmp_path: Path, rules: RuleSet) -> None:
    inputs = collect_inputs([CORPUS], rules)
    assert len(inputs) == 5
    run_batch(inputs, tmp_path / "j1", rules=rules, jobs=1)
    run_batch(inputs, tmp_path / "j2", rules=rules, jobs=2)
    first = run_batch(inputs, tmp_path / "c1", rules=rules, jobs=2, cache_dir=tmp_path / "cache")
    again = run_batch(inputs, tmp_path / "c2", rules=rules, jobs=2, cache_dir=tmp_path / "cache")
    assert not any(e.cached for e in first.entries)
    assert all(e.cached for e in again.entries)
    reference = _outputs(tmp_path / "j1")
    assert len(reference) == 5
    for other in ("j2", "c1", "c2"):
        assert _outputs(tmp_path / other) == reference, other


def test_same_file_name_in_two_folders_gets_two_ids(tmp_path: Path, rules: RuleSet) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(CORPUS / "004_43f383356c749ae5.txt", tmp_path / sub / "doc.txt")
    jobs = plan_jobs(collect_inputs([tmp_path], rules))  # found in a folder: the path below it names them
    assert [(j.doc_id, j.error) for j in jobs] == [("a~doc", None), ("b~doc", None)]
    given = plan_jobs([str(tmp_path / "a" / "doc.txt"), str(tmp_path / "b" / "doc.txt")])  # given by name: one id
    assert [j.doc_id for j in given] == ["doc", "doc"] and all("id collision" in (j.error or "") for j in given)


def test_extract_document_and_rules_pickle_for_other_engines(rules: RuleSet) -> None:
    doc_path = str(CORPUS / "000_d432b4ee5b26c821.txt")
    local = extract_document(doc_path, rules=rules)
    # the shape a Dask bag or Spark mapPartitions uses: ship the function and the rules to a worker
    payload = pickle.dumps((extract_document, rules))
    fn, shipped = pickle.loads(payload)
    assert fn is extract_document and shipped.root == rules.root
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(extract_document, doc_path, rules=rules).result()
    assert remote == local


def _boom(*args: object, **kwargs: object) -> None:
    raise AssertionError("extracted although the cache had it")


def test_a_fully_cached_batch_needs_no_pool_and_no_pipeline(tmp_path: Path, rules: RuleSet, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    inputs = collect_inputs([CORPUS], rules)
    cache = tmp_path / "cache"
    run_batch(inputs, tmp_path / "first", rules=rules, jobs=2, cache_dir=cache)
    monkeypatch.setattr(policyx.batch, "extract_document", _boom)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _boom)
    again = run_batch(inputs, tmp_path / "again", rules=rules, jobs=2, cache_dir=cache)
    assert [e.status for e in again.entries] == ["ok"] * 5 and all(e.cached for e in again.entries)
    assert _outputs(tmp_path / "again") == _outputs(tmp_path / "first")


def test_only_changed_files_are_extracted_again(tmp_path: Path, rules: RuleSet) -> None:
    src = tmp_path / "in"
    shutil.copytree(CORPUS, src)
    inputs = collect_inputs([src], rules)
    cache = tmp_path / "cache"
    run_batch(inputs, tmp_path / "first", rules=rules, jobs=2, cache_dir=cache)
    changed = Path(inputs[2])
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件：无\n", encoding="utf-8")
    again = run_batch(inputs, tmp_path / "again", rules=rules, jobs=2, cache_dir=cache)
    assert [e.cached for e in again.entries] == [True, True, False, True, True]
    run_batch(inputs, tmp_path / "uncached", rules=rules, jobs=1)
    assert _outputs(tmp_path / "again") == _outputs(tmp_path / "uncached")


def test_a_hit_under_another_name_gets_its_own_doc_id_and_path(tmp_path: Path, rules: RuleSet) -> None:
    (tmp_path / "a").mkdir()
    shutil.copy(CORPUS / "000_d432b4ee5b26c821.txt", tmp_path / "a" / "same.txt")
    cache = tmp_path / "cache"
    run_batch([str(CORPUS / "000_d432b4ee5b26c821.txt")], tmp_path / "first", rules=rules, cache_dir=cache)
    again = run_batch([str(tmp_path / "a" / "same.txt")], tmp_path / "again", rules=rules, cache_dir=cache)
    assert again.entries[0].cached
    run_batch([str(tmp_path / "a" / "same.txt")], tmp_path / "uncached", rules=rules)
    assert _outputs(tmp_path / "again") == _outputs(tmp_path / "uncached")
    doc = orjson.loads((tmp_path / "again" / "same.json").read_bytes())
    assert doc["doc_id"] == "same" and doc["source"]["path"] == str(tmp_path / "a" / "same.txt")


def test_jsonl_is_the_same_from_the_cache(tmp_path: Path, rules: RuleSet) -> None:
    inputs = collect_inputs([CORPUS], rules)
    cache = tmp_path / "cache"
    run_batch(inputs, tmp_path / "plain", rules=rules, jobs=1, fmt="jsonl")
    run_batch(inputs, tmp_path / "first", rules=rules, jobs=1, fmt="jsonl", cache_dir=cache)
    again = run_batch(inputs, tmp_path / "again", rules=rules, jobs=1, fmt="jsonl", cache_dir=cache)
    assert all(e.cached for e in again.entries)
    plain = (tmp_path / "plain" / "documents.jsonl").read_bytes()
    assert (tmp_path / "first" / "documents.jsonl").read_bytes() == plain
    assert (tmp_path / "again" / "documents.jsonl").read_bytes() == plain


def test_a_damaged_cache_entry_is_extracted_again(tmp_path: Path, rules: RuleSet) -> None:
    inputs = collect_inputs([CORPUS], rules)
    cache = tmp_path / "cache"
    first = run_batch(inputs, tmp_path / "first", rules=rules, jobs=1, cache_dir=cache)
    entries = sorted(cache.glob("??/*.doc"))
    assert len(entries) == 5
    entries[0].write_bytes(b'{"format": 1, "holes": [0, 99999999], "counts": {}}\n{}')
    entries[1].write_bytes(entries[1].read_bytes()[:100])
    entries[2].write_bytes(b"")
    again = run_batch(inputs, tmp_path / "again", rules=rules, jobs=1, cache_dir=cache)
    assert sum(not e.cached for e in again.entries) == 3
    assert [e.counts for e in again.entries] == [e.counts for e in first.entries]
    assert _outputs(tmp_path / "again") == _outputs(tmp_path / "first")


def test_bad_files_with_the_cache_give_the_same_errors(tmp_path: Path, rules: RuleSet) -> None:
    from test_bad_input import _make_bad_folder

    _make_bad_folder(tmp_path / "in", rules)
    inputs = collect_inputs([tmp_path / "in"], rules)
    plain = run_batch(inputs, tmp_path / "plain", rules=rules, jobs=1)
    for run in ("first", "again"):
        cached = run_batch(inputs, tmp_path / run, rules=rules, jobs=2, cache_dir=tmp_path / "cache")
        assert [(e.status, e.error) for e in cached.entries] == [(e.status, e.error) for e in plain.entries]
        assert _outputs(tmp_path / run) == _outputs(tmp_path / "plain")


def test_a_cached_document_splices_doc_id_and_path_exactly() -> None:
    data = {"schema_version": "1.0", "doc_id": "x", "source": {"path": "p", "sha256": "s"}, "text": "doc_id"}
    data.update({k: [] for k in ("sections", "targets", "statistics", "deadlines", "responsibilities")})
    data.update({k: [] for k in ("references", "tables", "warnings")})
    entry = CachedDocument.from_data(data)
    assert data["doc_id"] == "x" and data["source"]["path"] == "p"  # left as it was
    clone = CachedDocument.from_bytes(entry.to_bytes())
    for doc_id, path in (("x", "p"), ("名", 'we"ird\\path/文件.txt'), ("", "")):
        expected = dumps({**data, "doc_id": doc_id, "source": {**data["source"], "path": path}}) + b"\n"
        assert clone.render(doc_id, path) == expected


def test_a_twin_in_the_same_first_run_is_extracted_once(tmp_path: Path, rules: RuleSet, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("a.txt", "b.txt"):
        shutil.copy(CORPUS / "004_43f383356c749ae5.txt", tmp_path / name)
    inputs = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    calls: list[object] = []
    real = policyx.batch.extract_document

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(policyx.batch, "extract_document", counting)
    first = run_batch(inputs, tmp_path / "out", rules=rules, jobs=1, cache_dir=tmp_path / "cache")
    assert [e.cached for e in first.entries] == [False, True] and len(calls) == 1
    run_batch(inputs, tmp_path / "uncached", rules=rules, jobs=1)
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "uncached")


def test_a_cached_rerun_into_the_same_folder_rewrites_only_what_differs(tmp_path: Path, rules: RuleSet) -> None:
    inputs = collect_inputs([CORPUS], rules)
    out, cache = tmp_path / "out", tmp_path / "cache"
    run_batch(inputs, out, rules=rules, jobs=1, cache_dir=cache)
    before = _outputs(out)
    inodes = {p.name: p.stat().st_ino for p in out.glob("0*.json")}
    damaged = sorted(out.glob("0*.json"))[0]
    damaged.write_bytes(damaged.read_bytes()[:-10])  # cut short, as by a crash before outputs were atomic
    again = run_batch(inputs, out, rules=rules, jobs=1, cache_dir=cache)
    assert all(e.cached for e in again.entries)
    assert _outputs(out) == before  # the damaged file is whole again
    for p in out.glob("0*.json"):  # an identical output is left as it was (a write would be a new inode)
        assert (p.stat().st_ino == inodes[p.name]) == (p != damaged), p.name
