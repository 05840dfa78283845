"""What policyx guarantees around the pipeline (issue 14), each tested the way a careless or hostile user found
it broken: ids, the manifest, the document cache, full disks, hostile names and encodings, CSV cells, umask,
--jobs, ``show``. Kills with real processes are in test_kills.py, the compiled-rules cache in test_rulecache.py."""

from __future__ import annotations

import codecs
import errno
import os
import shutil
import tempfile
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import policyx.output
from policyx.batch import STALE_DIR, collect_inputs, run_batch, scan_inputs
from policyx.cache import DocumentCache
from policyx.cli import app
from policyx.diff.render_text import csv_cell, csv_text
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.rules import RuleSet

from conftest import CORPUS

DOCS = sorted(CORPUS.glob("*.txt"))


def _manifest(out: Path) -> list[dict[str, object]]:
    return orjson.loads((out / "manifest.json").read_bytes())["entries"]  # type: ignore[no-any-return]


def _doc_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("*.json") if p.name != "manifest.json")


# -- 1. ids: from the path below the input root, never input order or the manifest's name; never overwrite ------


def test_same_names_in_folders_never_overwrite_each_other(tmp_path: Path, rules: RuleSet) -> None:
    src = tmp_path / "in"
    for rel, doc in (("a/plan.txt", 0), ("b/plan.txt", 1), ("c/plan-2.txt", 2), ("manifest.txt", 3)):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DOCS[doc], src / rel)
    out = tmp_path / "out"
    manifest = run_batch(collect_inputs([src], rules), out, rules=rules)
    assert sorted(e.doc_id for e in manifest.entries) == ["a~plan", "b~plan", "c~plan-2", "manifest_doc"]
    assert all(e.status == "ok" for e in manifest.entries)
    assert _doc_files(out) == ["a~plan.json", "b~plan.json", "c~plan-2.json", "manifest_doc.json"]
    for e in manifest.entries:  # each output holds its own input, and the manifest is the manifest
        assert orjson.loads(Path(e.output or "").read_bytes())["source"]["path"] == e.path
    assert orjson.loads((out / "manifest.json").read_bytes())["entries"]


def test_an_id_does_not_move_when_a_file_is_added(tmp_path: Path, rules: RuleSet) -> None:
    src = tmp_path / "in"
    (src / "z").mkdir(parents=True)
    shutil.copy(DOCS[0], src / "z" / "index.txt")
    before = {e.path: e.doc_id for e in run_batch(collect_inputs([src], rules), tmp_path / "o1", rules=rules).entries}
    (src / "a").mkdir()
    shutil.copy(DOCS[1], src / "a" / "index.txt")  # sorts first: an order-based id would take "index" from z
    after = {e.path: e.doc_id for e in run_batch(collect_inputs([src], rules), tmp_path / "o2", rules=rules).entries}
    assert all(after[p] == before[p] for p in before)


def test_two_inputs_of_one_id_are_both_errors_and_nothing_is_written(tmp_path: Path, rules: RuleSet) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOCS[0], src / "plan.txt")
    (src / "plan.html").write_text("<p>" + DOCS[1].read_text(encoding="utf-8") + "</p>", encoding="utf-8")
    shutil.copy(DOCS[2], src / "other.txt")
    out = tmp_path / "out"
    manifest = run_batch(collect_inputs([src], rules), out, rules=rules)
    by_name = {Path(e.path).name: e for e in manifest.entries}
    assert by_name["other.txt"].status == "ok"
    for name in ("plan.txt", "plan.html"):
        assert by_name[name].status == "error" and "id collision" in (by_name[name].error or "")
    assert _doc_files(out) == ["other.json"]


# -- 2. the manifest is the truth ------------------------------------------------------------------------------


def test_every_input_seen_has_an_entry(tmp_path: Path, rules: RuleSet, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    shutil.copy(DOCS[0], src / "plan.txt")
    shutil.copy(DOCS[1], src / "locked" / "hidden_from_us.txt")
    (src / "scan.pdf").write_bytes(b"%PDF-1.4\n")  # read by policyx.formats: a damaged one is an error
    (src / "memo.docx").write_bytes(b"PK\x03\x04")
    (src / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    os.mkfifo(src / "pipe.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(DOCS[2], elsewhere / "x.txt")
    os.symlink(elsewhere, src / "linked")
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "locked":  # what chmod 000 does to anyone but root
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    scan = scan_inputs([src], rules)
    monkeypatch.setattr(os, "scandir", real_scandir)
    manifest = run_batch(scan.files, tmp_path / "out", rules=rules, skipped=scan.skipped)
    seen = {Path(e.path).name: (e.status, e.error) for e in manifest.entries}
    assert seen["plan.txt"] == ("ok", None)
    assert seen["locked"][0] == "error" and "cannot list folder" in (seen["locked"][1] or "")
    assert seen["scan.pdf"][0] == "error" and (seen["scan.pdf"][1] or "").startswith("damaged PDF")
    assert seen["memo.docx"] == ("error", "damaged .docx: not a readable zip")
    assert seen["sheet.xlsx"] == ("skipped", "unsupported type (.xlsx)")
    assert seen["pipe.txt"][0] == "skipped" and "FIFO" in (seen["pipe.txt"][1] or "")
    assert seen["linked"] == ("skipped", "symlinked folder (not followed)")
    assert [e["status"] for e in _manifest(tmp_path / "out")].count("skipped") == 3


def test_a_rerun_moves_the_outputs_of_removed_inputs_aside_and_says_so(tmp_path: Path, rules: RuleSet) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in DOCS[:3]:
        shutil.copy(p, src / p.name)
    out = tmp_path / "out"
    run_batch(collect_inputs([src], rules), out, rules=rules)
    assert len(_doc_files(out)) == 3
    (src / DOCS[2].name).unlink()
    notes: list[str] = []
    run_batch(collect_inputs([src], rules), out, rules=rules, on_notice=notes.append)
    gone = DOCS[2].stem + ".json"
    assert _doc_files(out) == sorted(p.stem + ".json" for p in DOCS[:2])
    assert (out / STALE_DIR / gone).is_file()
    assert len(notes) == 1 and "moved 1 output" in notes[0] and gone in notes[0]


def test_a_manifest_cannot_make_a_rerun_move_files_outside_its_folder(tmp_path: Path, rules: RuleSet) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "precious.json"
    victim.write_text("{}", encoding="utf-8")
    entry = {"path": "x", "doc_id": "../precious", "status": "ok", "output": str(victim)}
    (out / "manifest.json").write_bytes(orjson.dumps({"policyx_version": "0", "entries": [entry]}))
    run_batch([str(DOCS[0])], out, rules=rules)
    assert victim.is_file()


def test_diff_refs_and_eval_read_the_manifest_not_every_json(tmp_path: Path, rules: RuleSet) -> None:
    from policyx.diff.load import collect
    from policyx.evaluate.load import load_outputs
    from policyx.refs import load_documents

    src = tmp_path / "in"
    src.mkdir()
    for p in DOCS[:3]:
        shutil.copy(p, src / p.name)
    out = src / "out"  # the outputs inside the corpus folder: a folder of raw files and their outputs
    run_batch(collect_inputs([src], rules, out_dir=out), out, rules=rules)
    shutil.copy(out / (DOCS[0].stem + ".json"), out / "left_by_someone.json")  # a json the manifest does not list
    assert len(collect([out], rules)) == 3
    assert len(collect([src], rules)) == 3  # raw files of extracted bytes are not read a second time
    docs, errors = load_documents([src], rules)
    assert errors == [] and len(docs) == 3
    assert len(load_outputs(out)) == 3


# -- 3. document cache entries are verified before use ---------------------------------------------------------


def _one_entry(cache: Path) -> Path:
    (entry,) = [p for p in cache.rglob("*.doc")]
    return entry


@pytest.mark.parametrize("damage", ["truncate", "flip-value"])
def test_a_damaged_cache_entry_is_never_served(tmp_path: Path, rules: RuleSet, damage: str) -> None:
    cache = tmp_path / "cache"
    first = run_batch([str(DOCS[0])], tmp_path / "o1", rules=rules, cache_dir=cache)
    expected = Path(first.entries[0].output or "").read_bytes()
    entry = _one_entry(cache)
    good = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(good[: len(good) // 2])
    else:  # a value changed while its quote still says what the document says
        doc = orjson.loads(expected)
        value = str(doc["targets"][0]["value"]).encode()
        at = good.index(b'"value": ' + value)
        entry.write_bytes(good[:at] + b'"value": 99999' + good[at + len(b'"value": ' + value) :])
    again = run_batch([str(DOCS[0])], tmp_path / "o2", rules=rules, cache_dir=cache)
    assert again.entries[0].status == "ok" and not again.entries[0].cached
    assert Path(again.entries[0].output or "").read_bytes() == expected
    assert entry.read_bytes() == good  # dropped and rebuilt


def test_no_cache_replaces_a_bad_entry(tmp_path: Path, rules: RuleSet) -> None:
    cache = tmp_path / "cache"
    run_batch([str(DOCS[0])], tmp_path / "o1", rules=rules, cache_dir=cache)
    entry = _one_entry(cache)
    good = entry.read_bytes()
    entry.write_bytes(b"garbage")
    run_batch([str(DOCS[0])], tmp_path / "o2", rules=rules, cache_dir=cache, cache_read=False)
    assert entry.read_bytes() == good


def test_a_shared_document_cache_folder_is_not_used(tmp_path: Path, rules: RuleSet, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    run_batch([str(DOCS[0])], tmp_path / "o1", rules=rules, cache_dir=cache)
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)  # the folder is now another user's
    again = run_batch([str(DOCS[0])], tmp_path / "o2", rules=rules, cache_dir=cache)
    assert not again.entries[0].cached
    assert DocumentCache(cache, rules.digest()).load("0" * 64) is None


# -- 7. a full or read-only output folder: one line per file, "cannot write", an exit status, no traceback -----


def _full_disk(monkeypatch, spare: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Every new file fails as on a full disk (ENOSPC), except those whose name starts with ``spare``."""
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        if spare is not None and str(kwargs.get("prefix", "")).startswith(f".{spare}"):
            return real(*args, **kwargs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(policyx.output.tempfile, "mkstemp", mkstemp)


def _extract(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["extract", *args, "-q", "-j", "1"], env={"COLUMNS": "300"})


def test_a_full_disk_is_one_cannot_write_line_per_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in"
    src.mkdir()
    for p in DOCS[:2]:
        shutil.copy(p, src / p.name)
    _full_disk(monkeypatch, spare="manifest.json")
    run = _extract([str(src), "-o", str(tmp_path / "out"), "--no-cache"])
    assert (run.exit_code == 1 and run.exception is None) or isinstance(run.exception, SystemExit)
    lines = run.stderr.splitlines()
    assert len(lines) == 2 and all("cannot write" in line and "No space left" in line for line in lines), lines
    assert "Traceback" not in run.output + run.stderr
    assert [e["status"] for e in _manifest(tmp_path / "out")] == ["error", "error"]


def test_a_disk_too_full_for_the_manifest_is_one_more_line_and_exit_2(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _full_disk(monkeypatch)
    run = _extract([str(DOCS[0]), str(DOCS[1]), "-o", str(tmp_path / "out"), "--no-cache"])
    assert run.exit_code == 2 and isinstance(run.exception, SystemExit)
    lines = run.stderr.splitlines()
    assert len(lines) == 3 and all("cannot write" in line for line in lines), lines
    assert "manifest.json" in lines[-1]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder (the full-disk tests patch)")
def test_a_read_only_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        run = _extract([str(DOCS[0]), "-o", str(out), "--no-cache"])
    finally:
        out.chmod(0o700)
    assert run.exit_code == 2 and "cannot write" in run.stderr and "Traceback" not in run.stderr


# -- 9. UTF-32 is decoded, not read as UTF-16 with NULs ----------------------------------------------------------


@pytest.mark.parametrize("bom, enc", [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_utf32_with_a_bom_is_decoded(rules: RuleSet, bom: bytes, enc: str) -> None:
    text = DOCS[0].read_text(encoding="utf-8")
    doc = extract_document(bom + text.encode(enc), name="plan.txt", rules=rules)
    expected = extract_document(text.encode("utf-8"), name="plan.txt", rules=rules)
    assert doc.source.encoding == enc and "\x00" not in doc.text
    assert [t.quote for t in doc.targets] == [t.quote for t in expected.targets]


# -- 10. CSV cells a spreadsheet would run are neutralised -------------------------------------------------------


def test_csv_cells_cannot_be_formulas(rules: RuleSet) -> None:
    from policyx.diff import align, load_documents

    table = align(load_documents(DOCS[:3], rules), rules)
    table.rows[0].indicator = '=HYPERLINK("http://evil.example","点击")'  # an indicator as a hostile page words it
    text = csv_text(table)
    assert "=HYPERLINK" in text and "\"'=HYPERLINK" in text.replace('""', '"')
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "@", "\t", "\r")), cell
    assert [csv_cell(v) for v in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "-5", "+3.5%", "55%")] == [
        "'=1+1",
        "'+cmd",
        "'-2+3",
        "'@SUM(A1)",
        "-5",
        "+3.5%",
        "55%",
    ]


# -- 11. umask, escaped names, --jobs, show ----------------------------------------------------------------------


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(tmp_path: Path, rules: RuleSet, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        manifest = run_batch([str(DOCS[0])], tmp_path / "out", rules=rules)
    finally:
        os.umask(old)
    assert os.stat(manifest.entries[0].output or "").st_mode & 0o777 == mode
    assert (tmp_path / "out" / "manifest.json").stat().st_mode & 0o777 == mode


def test_escape_sequences_in_names_are_shown_escaped(tmp_path: Path) -> None:
    bad = tmp_path / "evil\x1b]0;owned\x07\x1b[2J.txt"
    bad.write_bytes(b"")
    run = _extract([str(bad), "-o", str(tmp_path / "out")])
    assert run.exit_code == 1
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert "evil\\x1b]0;owned\\x07\\x1b[2J.txt" in run.stderr


def test_github_annotations_show_escape_sequences_escaped() -> None:
    from policyx.checks.findings import Finding
    from policyx.checks.report import DocResult, format_github

    finding = Finding("extract", "error", "cannot read \x1b[31m", "a\x1b[2Jb.txt", "ab")
    text = format_github([DocResult("a\x1b[2Jb.txt", "ab", [finding])])
    assert "\x1b" not in text and "a\\x1b[2Jb.txt" in text


def test_jobs_are_capped_to_the_cores_unless_forced(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import policyx.batch

    asked: list[int] = []

    def fake_run_batch(files, out, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs["jobs"])
        return policyx.batch.Manifest(policyx_version="0", entries=[])

    monkeypatch.setattr(policyx.batch, "run_batch", fake_run_batch)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    capped = CliRunner().invoke(app, ["extract", str(DOCS[0]), "-o", str(tmp_path / "o"), "--jobs", "64"])
    forced = CliRunner().invoke(app, ["extract", str(DOCS[0]), "-o", str(tmp_path / "o"), "-j", "64", "--force-jobs"])
    assert capped.exit_code == 0 and forced.exit_code == 0
    assert asked == [2, 64]
    assert "capped to the 2 cores" in capped.stderr


def test_a_pool_never_has_more_workers_than_files(tmp_path: Path, rules: RuleSet) -> None:
    from policyx.batch import Job, Settings, _results

    seen: list[int] = []
    import concurrent.futures

    real = concurrent.futures.ProcessPoolExecutor

    class Spy(real):  # type: ignore[misc, valid-type]
        def __init__(self, max_workers=None, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)

    jobs = [Job(str(p), p.stem) for p in DOCS[:2]]
    settings = Settings(rules=rules, out_dir=tmp_path, cache_dir=None)
    concurrent.futures.ProcessPoolExecutor = Spy  # type: ignore[misc]
    try:
        results = list(_results(jobs, settings, 64))
    finally:
        concurrent.futures.ProcessPoolExecutor = real  # type: ignore[misc]
    assert len(results) == 2 and seen == [2]


@pytest.mark.parametrize("content", [b'{"doc_id": 1', b'{"doc_id": 1}', b"\xff\xfe", b"[]"])
def test_show_of_a_bad_json_is_one_line(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    run = CliRunner().invoke(app, ["show", str(bad)], env={"COLUMNS": "300"})
    assert run.exit_code == 1 and isinstance(run.exception, SystemExit)
    assert len(run.stderr.splitlines()) == 1 and "not an extracted policyx document" in run.stderr


# -- 5. linear time: echoes ----------------------------------------------------------------------------------------


def _echo_doc(n: int) -> Document:
    """``n`` body sentences and ``n`` table cells that state the same target in other words around it: every
    pair has the same key and quote, and no cell copies the body."""
    from policyx.models import Source, Table, Target

    sentence = "到2025年,全市养老机构护理型床位占比达到55%"
    body = [f"({i}){sentence},社区日间照料中心覆盖率达到90%。" for i in range(n)]
    cells = [f"{i}\t表{i}:{sentence},其余事项另行规定并组织实施。" for i in range(n)]
    text = "\n".join(body) + "\n" + "\n".join(cells)
    start = len("\n".join(body)) + 1
    rows, pos = [], start
    for c in cells:
        rows.append((pos, pos + len(c)))
        pos += len(c) + 1
    quote = "全市养老机构护理型床位占比达到55%"
    spans = [(i, i + len(quote)) for i in range(len(text)) if text.startswith(quote, i)]
    targets = [
        Target(
            id=f"t{k}", section=None, span=span, quote=quote, rule="target.x", indicator="护理型床位占比",
            value=55.0, unit="%", comparator=">=", year=2025,
        )
        for k, span in enumerate(spans, 1)
    ]  # fmt: skip
    table = Table(
        id="tab1", section=None, span=(start, len(text)), quote=text[start:], rule="table.tab_rows", header=[],
        rows=[], row_spans=rows,
    )  # fmt: skip
    return Document(
        doc_id="t", source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"), text=text,
        targets=targets, tables=[table],
    )  # fmt: skip


def test_echoes_meet_each_table_record_with_a_bounded_number_of_twins(rules: RuleSet, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Trying every body twin for every cell was quadratic (27 s at 1600 cells)."""
    from policyx import echoes

    n = 3000
    tried: list[int] = []
    real = echoes._copies

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        tried.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(echoes, "_copies", counting)
    out = echoes.merge_echoes(_echo_doc(n), rules)
    assert len(out.targets) == 2 * n  # nothing merged
    assert len(tried) <= n * echoes.MAX_TWINS


def test_echoes_take_time_linear_in_the_records(rules: RuleSet) -> None:
    """Four times the records, about four times the CPU time (quadratic: eight to sixteen); ~2 s at 16000."""
    import time

    from policyx import echoes

    took = []
    for n in (4000, 16000):
        doc = _echo_doc(n)
        began = time.process_time()
        echoes.merge_echoes(doc, rules)
        took.append(time.process_time() - began)
    assert took[1] < 6 * took[0], took


def test_a_second_run_into_a_busy_folder_stops_instead_of_mixing_in(tmp_path: Path, rules: RuleSet) -> None:
    import fcntl

    from policyx.batch import BatchError

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".policyx.lock", "w") as held:  # what a running batch holds
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BatchError, match="another policyx extract"):
            run_batch([str(DOCS[0])], out, rules=rules)
    assert not (out / "manifest.json").exists()
    assert run_batch([str(DOCS[0])], out, rules=rules).entries[0].status == "ok"
