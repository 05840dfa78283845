"""policyx diff output: every format parses back to the same table; the HTML report is self-contained."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diff_gold import gold_documents
from policyx.cli import app
from policyx.diff.align import align
from policyx.diff.cells import value_text
from policyx.diff.model import DiffTable, Entry
from policyx.diff.render import render
from policyx.output import write_document
from policyx.rules import ruleset_for

from conftest import ROOT


@cache
def table() -> DiffTable:
    return align(gold_documents(), ruleset_for(str(ROOT / "rules")))


def _entry(**kw: object) -> Entry:
    base = {"indicator": "x", "value": 55, "unit": "%", "target_id": "t", "span": (0, 1), "quote": "x", "rule": "r"}
    return Entry.model_validate(base | kw)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"comparator": ">=", "year": 2025}, "≥55% (2025)"),
        ({"comparator": "=", "year": None}, "55%"),
        ({"value": 4.5, "unit": "个", "comparator": "~", "year": 2025}, "≈4.5个 (2025)"),
        ({"value": 33.333, "comparator": ">="}, "≥33.33%"),
        ({"value": 1, "value_max": 2, "unit": "所"}, "1–2所"),
        ({"value": 48400000, "unit": "元", "comparator": "<="}, "≤48400000元"),
    ],
)
def test_value_text(fields: dict[str, object], text: str) -> None:
    assert value_text(_entry(**fields)) == text


def test_markdown_table_shape() -> None:
    md = render(table(), "markdown")
    assert md is not None
    lines = md.splitlines()
    n = 2 + len(table().columns)
    assert len(lines) == 2 + len(table().rows)
    # every line has one cell per column (escaped pipes inside cells do not count)
    assert all(len(re.findall(r"(?<!\\)\|", line)) == n + 1 for line in lines)
    assert lines[1] == "|" + "---|" * n
    assert "| 福彩公益金用于养老比例 | 4/5 | ≥55% |" in lines[2]


def test_csv_parses_back() -> None:
    text = render(table(), "csv")
    assert text is not None
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["indicator", "indicator_key", "unit", "coverage"]
    assert len(rows[0]) == 4 + 3 * len(table().columns)
    assert len(rows) == 1 + len(table().rows)
    head = rows[0]
    nursing = next(r for r in rows if r[1] == "nursing_bed_share")
    assert nursing[head.index("泊头市")] == "≥55% (2025)"
    assert nursing[head.index("扬州市 baseline")] == "67.8% (2020)"
    assert nursing[head.index("平顶山市")] == ""


def test_json_round_trips() -> None:
    text = render(table(), "json")
    assert text is not None
    back = DiffTable.model_validate_json(text)
    assert back == table()
    data = json.loads(text)
    assert [c["label"] for c in data["columns"]] == ["泊头市", "扬州市", "郑州市", "平顶山市", "贵州省"]


def test_terminal_table_lists_every_row() -> None:
    text = render(table().keep(2), "table")
    assert text is not None
    assert "福彩公益金用于养老比例" in text
    assert "基线 67.8% (2020)" in text


_EXTERNAL = re.compile(r"""(?:https?:|ftp:)?//[\w.-]+\.\w+|<link\b|<script\b[^>]*\bsrc=|@import|url\(""", re.I)


def test_html_is_self_contained() -> None:
    html = render(table(), "html")
    assert html is not None
    assert not _EXTERNAL.search(html), _EXTERNAL.search(html)
    assert html.count("<svg") == len(table().aligned())
    assert "Noto Sans CJK SC" in html  # a CJK font stack
    assert '<meta charset="utf-8">' in html
    assert html.count("<tr") == 1 + len(table().rows) + 2  # header, rows, two group headings


def test_html_escapes_text() -> None:
    docs = gold_documents()
    col, doc = docs[0]
    evil = doc.model_copy(update={"targets": [doc.targets[0].model_copy(update={"indicator": "<b>x</b>&"})]})
    html = render(align([(col, evil), docs[1]], ruleset_for(str(ROOT / "rules"))), "html")
    assert html is not None
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in html


# ---- the command ----


@pytest.fixture(scope="module")
def json_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("extracted")
    for _, doc in gold_documents():
        write_document(out, doc)
    (out / "manifest.json").write_text("{}", encoding="utf-8")  # batch output: not a document
    return out


def test_cli_formats_to_files(json_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("markdown", "csv", "json", "html"):
        out = tmp_path / f"diff.{fmt}"
        result = runner.invoke(app, ["diff", str(json_dir), "--format", fmt, "-o", str(out), "--min-cities", "2"])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert len(data["columns"]) == 5
    assert all(sum(1 for v in r["cells"].values() if v) >= 2 for r in data["rows"])


def test_cli_explain_says_why(json_dir: Path) -> None:
    files = [str(json_dir / f"{c.doc_id}.json") for c, _ in gold_documents()[:2]]
    result = CliRunner().invoke(app, ["diff", *files, "--explain", "--min-cities", "2"])
    assert result.exit_code == 0, result.output
    assert "same indicator_key nursing_bed_share [diff.align.key]" in result.output
    assert "泊头市「护理型床位占比」" in result.output


def test_cli_needs_two_documents(json_dir: Path) -> None:
    one = str(json_dir / f"{gold_documents()[0][0].doc_id}.json")
    result = CliRunner().invoke(app, ["diff", one])
    assert result.exit_code == 1


def test_cli_import_does_not_load_jieba() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from policyx.cli import app"],  # the app with every command
        capture_output=True,
        text=True,
        check=True,
    )
    assert "policyx.cli.diff" in proc.stderr
    assert "jieba" not in proc.stderr
