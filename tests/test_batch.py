"""The batch runner: same bytes whatever the route (cache, --jobs), and everything pickles for engines."""

from __future__ import annotations

import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from policyx.batch import collect_inputs, plan_jobs, run_batch
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


def test_same_file_name_in_two_folders_gets_two_ids(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(CORPUS / "004_43f383356c749ae5.txt", tmp_path / sub / "doc.txt")
    jobs = plan_jobs([str(tmp_path / "a" / "doc.txt"), str(tmp_path / "b" / "doc.txt")])
    assert [j.doc_id for j in jobs] == ["doc", "doc-2"]


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
