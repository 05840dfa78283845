"""An interrupted batch (Ctrl-C, a killed worker) leaves every finished file whole and the manifest consistent;
running the batch again completes it."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import orjson
import pytest

import policyx.batch
from policyx.batch import collect_inputs, run_batch
from policyx.rules import RuleSet

from conftest import CORPUS


def _corpus_copy(tmp_path: Path, extra: dict[str, str] | None = None) -> list[str]:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(CORPUS.glob("*.txt")):
        shutil.copy(p, src / p.name)
    for name, from_name in (extra or {}).items():
        shutil.copy(CORPUS / from_name, src / name)
    return [str(p) for p in sorted(src.glob("*.txt"))]


def _assert_consistent(out: Path) -> dict[str, str]:
    """The manifest parses, every ok entry's file is a whole document of that id, no temporary file is left."""
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    statuses = {}
    for e in manifest["entries"]:
        statuses[Path(e["path"]).name] = e["status"]
        if e["status"] == "ok":
            doc = orjson.loads(Path(e["output"]).read_bytes())  # raises on a truncated file
            assert doc["doc_id"] == e["doc_id"]
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    return statuses


def test_ctrl_c_leaves_whole_files_and_a_manifest_of_what_finished(tmp_path: Path, rules: RuleSet) -> None:
    inputs = _corpus_copy(tmp_path)
    out = tmp_path / "out"
    seen: list[str] = []

    def interrupt_after_two(entry) -> None:  # type: ignore[no-untyped-def]
        seen.append(entry.path)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(inputs, out, rules=rules, jobs=1, on_done=interrupt_after_two)
    statuses = _assert_consistent(out)
    finished = sorted(Path(p).name for p in seen)
    assert sorted(n for n, s in statuses.items() if s == "ok") == finished
    assert len(statuses) == 5  # the manifest still lists every input: the unfinished ones as errors
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert {e["error"] for e in manifest["entries"] if e["status"] != "ok"} == {policyx.batch.INTERRUPTED}

    again = run_batch(inputs, out, rules=rules, jobs=1)  # running again finishes the rest
    assert [e.status for e in again.entries] == ["ok"] * 5
    assert len(_assert_consistent(out)) == 5


def _dies_on_kill(path, *args, **kwargs):  # type: ignore[no-untyped-def]
    if "kill" in os.path.basename(os.fspath(path)):
        os._exit(137)  # what the OOM killer leaves behind: the worker is gone without a word
    return _REAL_EXTRACT(path, *args, **kwargs)


_REAL_EXTRACT = policyx.batch.extract_document


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers must inherit the patched function")
def test_a_killed_worker_costs_one_file_not_the_batch(tmp_path: Path, rules: RuleSet, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    inputs = _corpus_copy(tmp_path, {"002_kill.txt": "004_43f383356c749ae5.txt"})
    monkeypatch.setattr(policyx.batch, "extract_document", _dies_on_kill)
    out = tmp_path / "out"
    manifest = run_batch(inputs, out, rules=rules, jobs=2)
    statuses = _assert_consistent(out)
    assert len(statuses) == 6
    assert statuses.pop("002_kill.txt") == "error"
    assert set(statuses.values()) == {"ok"}
    killed = next(e for e in manifest.entries if Path(e.path).name == "002_kill.txt")
    assert "worker process died" in (killed.error or "")


def test_collect_inputs_skips_hidden_temporaries(tmp_path: Path, rules: RuleSet) -> None:
    inputs = _corpus_copy(tmp_path)
    (Path(inputs[0]).parent / ".000.json.abc.tmp").write_text("{", encoding="utf-8")
    assert len(collect_inputs([Path(inputs[0]).parent], rules)) == 5
