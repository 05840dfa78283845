"""Bad input (SPEC 11): each bad file gets one clear line in manifest.json and on stderr, the batch goes
on, the exit status says something failed, and no partial output file is left behind."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyx.batch import collect_inputs, run_batch
from policyx.cli import app
from policyx.pipeline import extract_document
from policyx.read import InputError, InputRules, read_document
from policyx.rules import RuleSet

from conftest import CORPUS

GOOD = "004_43f383356c749ae5.txt"

# name → (bytes or a maker, the words the one-line error must contain)
NON_POLICY_PAGE = (
    "<html><head><meta charset='utf-8'><title>用户登录</title></head><body>"
    "<div class='login'><p>用户名</p><p>密码</p><a>忘记密码</a></div></body></html>"
).encode()


def _make_bad_folder(folder: Path, rules: RuleSet) -> dict[str, str]:
    """Write one file of each bad kind next to a good one; returns name → expected error words."""
    folder.mkdir()
    shutil.copy(CORPUS / GOOD, folder / GOOD)
    expected = {
        "empty.txt": "empty file",
        "binary.txt": "binary file",
        "truncated_gbk.txt": "truncated",
        "huge.txt": "too large",
        "login.html": "not a policy text",
        "dangling.txt": "cannot read",
    }
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    gbk = (CORPUS / GOOD).read_text(encoding="utf-8")[:300].encode("gbk")
    (folder / "truncated_gbk.txt").write_bytes(gbk[:-1] if gbk[-1] >= 0x40 and gbk[-2] >= 0x81 else gbk + b"\xb0")
    with open(folder / "huge.txt", "wb") as fh:  # sparse: no 50 MB written to disk
        fh.truncate(rules.get(InputRules).max_bytes + 1)
    (folder / "login.html").write_bytes(NON_POLICY_PAGE)
    os.symlink(folder / "gone.txt", folder / "dangling.txt")  # unreadable even as root
    return expected


def test_batch_reports_each_bad_file_and_goes_on(tmp_path: Path, rules: RuleSet) -> None:
    expected = _make_bad_folder(tmp_path / "in", rules)
    inputs = collect_inputs([tmp_path / "in"], rules)
    manifest = run_batch(inputs, tmp_path / "out", rules=rules, jobs=1)
    by_name = {Path(e.path).name: e for e in manifest.entries}
    assert set(by_name) == {GOOD, *expected}
    assert by_name[GOOD].status == "ok"
    for name, words in expected.items():
        entry = by_name[name]
        assert entry.status == "error", name
        assert entry.error and words in entry.error and "\n" not in entry.error, (name, entry.error)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    # nothing partial, no temp file; the lock lets one run at a time write the folder
    assert written == sorted([GOOD.replace(".txt", ".json"), "manifest.json", ".policyx.lock"])
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in on_disk["entries"]].count("error") == len(expected)


def test_cli_prints_one_line_per_bad_file_and_exits_non_zero(tmp_path: Path, rules: RuleSet) -> None:
    expected = _make_bad_folder(tmp_path / "in", rules)
    args = ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "-j", "1", "--no-cache"]
    run = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert run.exit_code != 0
    for name, words in expected.items():
        lines = [line for line in run.stderr.splitlines() if name in line]
        assert len(lines) == 1 and words in lines[0], (name, run.stderr)
    assert (tmp_path / "out" / GOOD.replace(".txt", ".json")).is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, rules: RuleSet) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_document(fifo, rules)


def test_a_portal_menu_page_is_not_a_policy_text(rules: RuleSet) -> None:
    items = ["政务公开", "政策文件", "通知公告", "政策解读", "人事信息", "财政预决算", "建议提案办理", "统计信息"] * 4
    page = "<html><body><div class='list'><ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul></div></body></html>"
    with pytest.raises(InputError, match="sentence"):
        extract_document(page.encode(), name="index.html", rules=rules)


def test_a_directory_named_like_a_file_is_refused(tmp_path: Path, rules: RuleSet) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path / "folder.txt", rules)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path, rules: RuleSet) -> None:
    path = tmp_path / "secret.txt"
    shutil.copy(CORPUS / GOOD, path)
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="cannot read"):
            read_document(path, rules)
    finally:
        path.chmod(0o644)
