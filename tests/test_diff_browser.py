"""The HTML report in a real headless browser (Debian's ``chromium``): it renders, and the table is there."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from diff_gold import gold_documents
from policyx.diff.align import align
from policyx.diff.model import DiffTable
from policyx.diff.render import render
from policyx.rules import ruleset_for

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run installs it)"
)
WINDOW = (1200, 1600)


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={WINDOW[0]},{WINDOW[1]}", *args]
    # a private profile: no state shared with other runs, nothing written to the user's home
    cmd.insert(1, f"--user-data-dir={cwd / 'profile'}")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


def _png(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the inflated (still filtered) pixel data of a PNG, with the standard library only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


def _table() -> DiffTable:
    return align(gold_documents(), ruleset_for(str(ROOT / "rules")))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    html = render(_table(), "html")
    assert html is not None
    (out / "diff.html").write_text(html, encoding="utf-8")
    (out / "blank.html").write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    return out


def test_screenshot_is_not_blank(report: Path) -> None:
    for name in ("diff", "blank"):
        _chromium(f"--screenshot={report / name}.png", (report / f"{name}.html").as_uri(), cwd=report)
    shot, blank = report / "diff.png", report / "blank.png"
    assert shot.is_file(), "chromium wrote no screenshot"
    width, height, pixels = _png(shot)
    assert (width, height) == WINDOW
    # a page of one colour compresses to almost nothing and has a handful of distinct byte values
    assert shot.stat().st_size > 8 * blank.stat().st_size
    assert len(set(pixels[:: max(1, len(pixels) // 200_000)])) > 100


def test_dom_has_the_table_and_charts(report: Path) -> None:
    proc = _chromium("--dump-dom", (report / "diff.html").as_uri(), cwd=report)
    dom = proc.stdout
    assert '<table class="diff">' in dom, proc.stderr[-500:]
    assert dom.count("<svg") == len(_table().aligned())  # one chart per indicator two or more documents share
    assert "福彩公益金用于养老比例" in dom
    assert ">≥55% (2025)<" in dom  # 泊头 nursing beds, rendered as a cell
