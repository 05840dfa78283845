"""Workers die with their parent and the manifest is written on every exit that can write it: real processes,
real signals (issue 14, point 6). A caller reading the batch's pipes must see them close, never hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from conftest import CORPUS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG")

N_FILES = 90  # ~10 s of work on two workers: a signal sent once the first outputs exist lands mid-batch


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}  # a zombie is dead; only its parent (maybe PID 1) has yet to reap it


def _start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    src = tmp_path / "in"
    src.mkdir()
    docs = sorted(CORPUS.glob("*.txt"))
    for i in range(N_FILES):
        text = docs[i % len(docs)].read_text(encoding="utf-8")
        (src / f"doc{i:02d}.txt").write_text(f"{text}\n附{i}。\n", encoding="utf-8")
    policyx = Path(sys.executable).with_name("policyx")
    args = [str(policyx), "extract", str(src), "-o", str(tmp_path / "out"), "-j", "2", "--force-jobs", "--no-cache"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.05)
    out = tmp_path / "out"
    while time.monotonic() < deadline and not list(out.glob("doc*.json")):  # past the start: extracting
        time.sleep(0.05)
    if len(workers) < 2 or not list(out.glob("doc*.json")) or proc.poll() is not None:
        proc.kill()
        proc.communicate()
        pytest.fail("the batch never got its two workers extracting")
    return proc, workers


def _state(proc: subprocess.Popen[bytes], err: bytes, out: Path) -> str:
    """What to show when an assertion fails."""
    files = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    return f"exit {proc.returncode}; stderr: {err.decode(errors='replace')[-2000:]!r}; out: {len(files)} files"


def _all_gone(pids: set[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def _manifest_lists_everything(out: Path) -> list[str]:
    entries = orjson.loads((out / "manifest.json").read_bytes())["entries"]
    assert len(entries) == N_FILES
    for e in entries:
        if e["status"] == "ok":
            orjson.loads(Path(e["output"]).read_bytes())  # whole
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    return [e["status"] for e in entries]


@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGHUP, 128 + signal.SIGHUP)])
def test_sigterm_stops_the_workers_and_writes_the_manifest(tmp_path: Path, sig: int, status: int) -> None:
    proc, workers = _start(tmp_path)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=30)  # the pipes close: nothing holds them
    assert proc.returncode == status, _state(proc, err, tmp_path / "out")
    assert b"Traceback" not in err
    assert _all_gone(workers, 10)
    statuses = _manifest_lists_everything(tmp_path / "out")
    assert "error" in statuses  # the unfinished ones, as errors: no input unaccounted for


def test_ctrl_c_stops_the_workers_and_writes_the_manifest(tmp_path: Path) -> None:
    proc, workers = _start(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert b"Traceback" not in err, _state(proc, err, tmp_path / "out")
    assert _all_gone(workers, 10)
    assert (tmp_path / "out" / "manifest.json").is_file(), _state(proc, err, tmp_path / "out")
    _manifest_lists_everything(tmp_path / "out")


def test_sigkill_of_the_parent_takes_the_workers_with_it(tmp_path: Path) -> None:
    proc, workers = _start(tmp_path)
    proc.kill()
    _out, _err = proc.communicate(timeout=30)  # returns only once every holder of the pipes is gone
    assert proc.returncode == -signal.SIGKILL
    assert _all_gone(workers, 10)
    out = tmp_path / "out"
    for p in out.glob("*.json"):  # whatever was written is whole
        if p.name != "manifest.json":
            orjson.loads(p.read_bytes())
