"""PDF input (issue 16): the seeds printed to PDF, in one and two columns with a running header and page
numbers, give the text files' sections, targets and duties; what cannot be read gets one clear line."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from policyx.evaluate import evaluate, load_gold
from policyx.evaluate.match import predicted_section_keys
from policyx.formats.pdf import pdf_text
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.read import InputError

from conftest import CORPUS, GOLD

pytest.importorskip("reportlab", reason="reportlab (the dev extra) builds the fixtures")

from docfixtures import RUNNING_HEADER, encrypted_pdf, layout, scanned_pdf, to_pdf

SEEDS = sorted(CORPUS.glob("*.txt"))
TABLES = ("indicator", "other")  # drawn as ruled tables; 001's project list has cells wrapped over several lines


@cache
def _text_doc(seed: Path) -> Document:
    return extract_document(seed)


@cache
def _pdf_bytes(seed: Path, columns: int) -> bytes:
    return to_pdf(layout(seed, TABLES), columns)


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_as_pdf_gives_the_text_files_records(seed: Path, columns: int, tmp_path: Path) -> None:
    path = tmp_path / f"{seed.stem}.pdf"
    path.write_bytes(_pdf_bytes(seed, columns))
    doc = extract_document(path)
    assert doc.source.format == "pdf"
    golds = load_gold(GOLD)
    summary = evaluate({seed.stem: golds[seed.stem]}, {seed.stem: json.loads(doc.model_dump_json())}).summary()
    assert summary["targets_f1"] is None or summary["targets_f1"] >= 0.98, summary
    assert summary["resp_f1"] is None or summary["resp_f1"] >= 0.98, summary
    keys = predicted_section_keys
    assert keys([s.model_dump() for s in doc.sections]) == keys([s.model_dump() for s in _text_doc(seed).sections])
    assert RUNNING_HEADER not in doc.text


@pytest.mark.parametrize("columns", [1, 2])
def test_pdf_lines_rejoin_into_paragraphs_and_tables_into_tab_rows(columns: int) -> None:
    text = pdf_text(_pdf_bytes(CORPUS / "001_1add88e18a025895.txt", columns))
    lines = text.split("\n")
    # a wrapped paragraph is one line again, with no space between Chinese characters
    assert any(line.startswith("1.政策体系不断完善。“十三五”以来,市委市政府坚持把构建高质量养老托育政策体系作为积极")
               and line.endswith("相互衔接、互为支撑的养老托育服务政策体系。") for line in lines)
    # the ruled indicator table: one TAB row per table row, the merged category carried down
    assert "分类\t序号\t指标\t2020年期初值\t2025年目标值\t指标属性" in lines
    assert "居家社区养老\t2\t老年人接受居家上门服务覆盖率(%)\t10.76\t18\t约束性" in lines
    # a ruled table whose cells wrap over several lines: still one row per line, each cell whole
    assert ("1\t扬州同盛颐养养老护理服务项目\t普惠养老\t2021-2022\t江都区\t"
            "总建筑面积22000平方米,建设普惠养老床位620张。\t4840\t1240") in lines
    # running header and page numbers are gone
    assert RUNNING_HEADER not in text
    assert not any(line.strip().startswith("- ") and line.strip().endswith(" -") for line in lines)


def test_scanned_pdf_is_refused_in_one_line() -> None:
    with pytest.raises(InputError, match=r"^no text layer: scanned image; run OCR first") as err:
        extract_document(scanned_pdf(), name="scan.pdf")
    assert "\n" not in str(err.value)


def test_encrypted_pdf_is_refused_in_one_line() -> None:
    with pytest.raises(InputError, match=r"^encrypted PDF: it needs a password to open") as err:
        extract_document(encrypted_pdf("扬州市人民政府关于印发整体解决方案的通知"), name="locked.pdf")
    assert "\n" not in str(err.value)


def test_a_file_named_pdf_that_is_not_one_is_refused() -> None:
    with pytest.raises(InputError, match=r"^not a PDF: no %PDF- header"):
        extract_document("扬州市人民政府".encode() * 20, name="plan.pdf")


def test_a_folder_of_attachments_gives_one_manifest_line_each(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    from docfixtures import to_docx
    from policyx.batch import collect_inputs, run_batch

    seed = CORPUS / "004_43f383356c749ae5.txt"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.pdf").write_bytes(_pdf_bytes(seed, 1))
    (folder / "plan_word.docx").write_bytes(to_docx(layout(seed, TABLES)))
    (folder / "plan.docx").write_bytes(to_docx(layout(seed, TABLES)))
    (folder / "plan.txt").write_bytes(seed.read_bytes())  # a notice and its attachments share a name
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    (folder / "locked.pdf").write_bytes(encrypted_pdf("扬州市人民政府关于印发整体解决方案的通知"))
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    manifest = run_batch(collect_inputs([folder], rules), tmp_path / "out", rules=rules, jobs=1)
    by_name = {Path(e.path).name: e for e in manifest.entries}
    assert sorted(by_name) == ["locked.pdf", "old.doc", "plan.docx", "plan.pdf", "plan.txt", "plan_word.docx",
                               "scan.pdf"]
    # an attachment's id keeps its suffix, so the three plans do not collide
    assert [by_name[n].doc_id for n in ("plan.txt", "plan.pdf", "plan.docx")] == ["plan", "plan.pdf", "plan.docx"]
    assert by_name["plan.txt"].counts == by_name["plan.pdf"].counts == by_name["plan.docx"].counts
    assert by_name["plan.pdf"].status == "ok" and by_name["plan_word.docx"].status == "ok"
    assert by_name["plan.pdf"].counts == by_name["plan_word.docx"].counts
    expected = {"scan.pdf": "no text layer: scanned image; run OCR first", "locked.pdf": "encrypted PDF",
                "old.doc": "convert to .docx or .pdf first"}
    for name, message in expected.items():
        entry = by_name[name]
        assert entry.status == "error" and message in (entry.error or "") and "\n" not in (entry.error or "")


def test_check_points_at_page_and_line_of_a_pdf(tmp_path: Path) -> None:
    from policyx.check import locate
    from policyx.checks.findings import Finding
    from policyx.formats.pdf import pdf_lines

    path = tmp_path / "001.pdf"
    data = _pdf_bytes(CORPUS / "001_1add88e18a025895.txt", 1)
    path.write_bytes(data)
    doc = extract_document(path)
    quote = "完善居住区配套设施建设"
    start = doc.text.index(quote)
    finding = Finding("x", "warning", "m", str(path), doc.doc_id, span=(start, start + len(quote)), quote=quote)
    locate([finding], doc)
    assert finding.page is not None and finding.line is not None
    on_page = [text for page, text in pdf_lines(data) if page == finding.page]
    assert quote in on_page[finding.line - 1]
    assert finding.where == f"{path}: page {finding.page}, line {finding.line}:{finding.col}"


@pytest.mark.parametrize(("line", "is_number"), [
    ("- 3 -", True), ("— 12 —", True), ("第3页", True), ("第 3 页 共 12 页", True), ("3/12", True), ("17", True),
    ("2025年", False), ("一、总体要求", False), ("3.加强组织领导", False),
])
def test_page_numbers_in_the_margins_are_recognised(line: str, is_number: bool) -> None:
    from policyx.formats.pdf import _PAGE_NUMBER

    assert bool(_PAGE_NUMBER.match(line)) is is_number


def test_a_text_layer_of_unmapped_glyphs_counts_as_unreadable() -> None:
    from policyx.formats.pdf import unmapped_share

    # a CID font without a ToUnicode map: PDFium yields private-use code points or U+FFFD, not Chinese
    assert unmapped_share("\ue001\ue002\ue003\ufffd 扬州") > 0.3
    assert unmapped_share("扬州市人民政府关于印发整体解决方案的通知\t2025年") == 0.0
