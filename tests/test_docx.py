"""Word .docx input (issue 16): the seeds written as .docx give the text files' sections, targets and duties."""

from __future__ import annotations

import json
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest

from policyx.evaluate import evaluate, load_gold
from policyx.evaluate.match import predicted_section_keys
from policyx.formats.docx import _read_numbering, chinese_counting, docx_text, format_number
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.read import InputError

from conftest import CORPUS, GOLD

pytest.importorskip("docx", reason="python-docx (the dev extra) builds the fixtures")

from docfixtures import RUNNING_HEADER, layout, to_docx

SEEDS = sorted(CORPUS.glob("*.txt"))


@cache
def _text_doc(seed: Path) -> Document:
    return extract_document(seed)


@cache
def _docx_bytes(seed: Path) -> bytes:
    return to_docx(layout(seed, ("indicator", "other")))  # 001: its indicator table and its project lists


def _scores(seed: Path, doc: Document) -> dict[str, float | None]:
    golds = load_gold(GOLD)
    return evaluate({seed.stem: golds[seed.stem]}, {seed.stem: json.loads(doc.model_dump_json())}).summary()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_as_docx_gives_the_text_files_records(seed: Path, tmp_path: Path) -> None:
    path = tmp_path / f"{seed.stem}.docx"
    path.write_bytes(_docx_bytes(seed))
    doc = extract_document(path)
    assert doc.source.format == "docx"
    summary = _scores(seed, doc)
    assert summary["targets_f1"] is None or summary["targets_f1"] >= 0.98, summary
    assert summary["resp_f1"] is None or summary["resp_f1"] >= 0.98, summary
    text_doc = _text_doc(seed)
    as_keys = predicted_section_keys
    assert as_keys([s.model_dump() for s in doc.sections]) == as_keys([s.model_dump() for s in text_doc.sections])


def test_numbering_is_written_back_and_headers_are_dropped() -> None:
    seed = CORPUS / "001_1add88e18a025895.txt"
    text = docx_text(_docx_bytes(seed))
    lines = text.split("\n")
    # the labels live in numbering.xml, not in the paragraphs: Word's rendering is rebuilt
    assert "一、实施背景" in lines
    assert "(一)发展基础" in lines
    assert any(line.startswith("21.建立工作机制。") for line in lines)  # numbering that runs on across sections
    assert RUNNING_HEADER not in text
    # the indicator table is a real Word table; its merged category cell is carried into every row it covers
    assert "居家社区养老\t1\t城乡基本养老保险参保缴费率(%)\t-\t≥90\t预期性" in lines
    assert "居家社区养老\t2\t老年人接受居家上门服务覆盖率(%)\t10.76\t18\t约束性" in lines


def test_indicator_table_of_001_becomes_a_table_record(tmp_path: Path) -> None:
    path = tmp_path / "001.docx"
    path.write_bytes(_docx_bytes(CORPUS / "001_1add88e18a025895.txt"))
    doc = extract_document(path)
    indicator = [t for t in doc.tables if t.kind == "indicator"]
    assert len(indicator) == 1
    assert indicator[0].header == ["分类", "序号", "指标", "2020年期初值", "2025年目标值", "指标属性"]
    assert indicator[0].rows[0] == ["居家社区养老", "1", "城乡基本养老保险参保缴费率(%)", "-", "≥90", "预期性"]


_NUMBERING = """<?xml version="1.0" encoding="UTF-8"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
 <w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%4"/>
   <w:isLgl/><w:suff w:val="space"/></w:lvl>
 </w:abstractNum>
 <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
 <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
 <w:num w:numId="3"><w:abstractNumId w:val="0"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>""".encode()


def test_multilevel_list_counts_restarts_and_continues_as_word_does() -> None:
    numbering = _read_numbering(_NUMBERING)
    shown = [numbering.label(num, lvl) for num, lvl in
             [("1", 0), ("1", 1), ("1", 2), ("1", 2), ("1", 1), ("1", 2), ("2", 0), ("2", 1), ("2", 3), ("3", 0)]]
    # a deeper level restarts under a new parent; numId 2 shares abstract 0 so it continues the list;
    # an isLgl level shows every counter in Arabic figures; a startOverride starts an instance of its own
    assert shown == ["一、", "（一）", "1.", "2.", "（二）", "1.", "二、", "（一）", "2.1 ", "五、"]


@pytest.mark.parametrize(("n", "fmt", "shown"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"),
    (20, "chineseCounting", "二十"), (105, "chineseCountingThousand", "一百零五"),
    (3, "ideographTraditional", "丙"), (3, "decimalEnclosedCircle", "③"), (28, "lowerLetter", "bb"),
    (4, "upperRoman", "IV"), (7, "decimal", "7"),
])
def test_word_number_formats(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown
    assert chinese_counting(11) == "十一"


def _zip(files: dict[str, str]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in files.items():
            zf.writestr(name, body)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "convert to .docx or .pdf first"),
    ("old.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "soffice --headless --convert-to docx"),
    ("plan.ofd", _zip({"OFD.xml": "<ofd:OFD/>"}), "OFD fixed-layout file: convert to .pdf first"),
    ("plan.docx", _zip({"other.xml": "<x/>"}), "not a Word document"),
    ("plan.docx", b"just text" * 20, "not a Word document: not a zip file"),
])
def test_legacy_and_broken_word_files_get_one_clear_line(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message.replace(".", r"\.")) as err:
        extract_document(data, name=name)
    assert "\n" not in str(err.value)
