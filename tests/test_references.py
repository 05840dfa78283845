"""References: 《》 titles and document numbers, paired when the number follows its title; ``policyx refs``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from policyx.clean import clean
from policyx.cli import app
from policyx.html import html_to_text
from policyx.meta import extract_meta
from policyx.models import Document, Meta, Source
from policyx.read import read_document
from policyx.references import ReferenceRules, _number_stretches, extract_references, find_references
from policyx.refs import most_cited
from policyx.rules import RuleSet
from policyx.sections import split_sections

from conftest import CORPUS


def _refs(text: str, rules: RuleSet) -> list[tuple[str | None, str | None, str]]:
    return [(f.title, f.doc_number, f.rule) for f in find_references(text, rules.get(ReferenceRules))]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (  # corpus/000
            "根据《国务院办公厅关于促进养老托育服务健康发展的意见》(国办发〔2020〕52号)精神",
            [("国务院办公厅关于促进养老托育服务健康发展的意见", "国办发〔2020〕52号", "ref.paired")],
        ),
        (  # corpus/001: spaces around the bracket
            "《国务院办公厅关于促进养老托育服务健康发展的意见》 ( 国办发〔2020〕52号)和",
            [("国务院办公厅关于促进养老托育服务健康发展的意见", "国办发〔2020〕52号", "ref.paired")],
        ),
        (  # corpus/000: two in a row, the second from a province
            "《意见》(国办发〔2020〕52号)《河北省人民政府办公厅关于促进养老托育服务健康发展的实施意见》(冀政办字〔2021〕68号)",
            [
                ("意见", "国办发〔2020〕52号", "ref.paired"),
                ("河北省人民政府办公厅关于促进养老托育服务健康发展的实施意见", "冀政办字〔2021〕68号", "ref.paired"),
            ],
        ),
        (  # corpus/002: a title nesting another in <>
            "《中共中央办公厅 国务院办公厅印发<关于推进基本养老服务体系建设的意见>的通知》(中办发〔2022〕42号)等",
            [
                (
                    "中共中央办公厅 国务院办公厅印发<关于推进基本养老服务体系建设的意见>的通知",
                    "中办发〔2022〕42号",
                    "ref.paired",
                )
            ],
        ),
        (  # corpus/003: a title with no number
            "印发了《平顶山市托育机构备案办事指南(试行)》,成立市级指导中心",
            [("平顶山市托育机构备案办事指南(试行)", None, "ref.title")],
        ),
        (
            "《郑州市养老设施布局专项规划(2019—2035)》要求",
            [("郑州市养老设施布局专项规划(2019—2035)", None, "ref.title")],
        ),
    ],
)
def test_titles_and_pairs_from_the_corpus(rules: RuleSet, text: str, want: list[tuple[str, str | None, str]]) -> None:
    assert _refs(text, rules) == want


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("(冀政办字〔2021〕68号)", "冀政办字〔2021〕68号"),
        ("(冀政办字[2021]68号)", "冀政办字[2021]68号"),
        ("(冀政办字(2021)68号)", "冀政办字(2021)68号"),
        ("(冀政办字（2021）68号)", "冀政办字（2021）68号"),
        ("(冀政办字【2021】68号)", "冀政办字【2021】68号"),
        ("(冀政办字〔2021〕 68号)", "冀政办字〔2021〕68号"),
        ("扬州市人民政府文件\n扬府发〔2022〕80号\n", "扬府发〔2022〕80号"),
        ("市政府印发扬府发〔2022〕80号文件", "扬府发〔2022〕80号"),
        ("根据国办发〔2020〕52号文件精神", "国办发〔2020〕52号"),
    ],
)
def test_document_numbers_in_every_bracket(rules: RuleSet, text: str, number: str) -> None:
    assert _refs(text, rules) == [(None, number, "ref.number")]


@given(
    title=st.text(alphabet="关于促进养老托育服务健康发展的意见实施方案通知", min_size=2, max_size=40),
    issuer=st.sampled_from(["国办发", "冀政办字", "苏政办发", "郑发改社会", "国卫老龄发", "扬府发"]),
    year=st.integers(1990, 2035),
    serial=st.integers(1, 999),
    year_brackets=st.sampled_from([("〔", "〕"), ("[", "]"), ("(", ")"), ("（", "）"), ("【", "】")]),
    outer=st.sampled_from([("(", ")"), ("（", "）"), (" ( ", ")")]),
)
def test_any_title_and_number_pair(
    rules: RuleSet,
    title: str,
    issuer: str,
    year: int,
    serial: int,
    year_brackets: tuple[str, str],
    outer: tuple[str, str],
) -> None:
    number = f"{issuer}{year_brackets[0]}{year}{year_brackets[1]}{serial}号"
    text = f"根据《{title}》{outer[0]}{number}{outer[1]}精神"
    assert _refs(text, rules) == [(title, number, "ref.paired")]


def _whole_text_numbers(text: str, rr: ReferenceRules) -> list[tuple[int, int]]:
    return [m.span() for m in rr._number.finditer(text)]


def _anchored_numbers(text: str, rr: ReferenceRules) -> list[tuple[int, int]]:
    return [m.span() for lo, hi in _number_stretches(text, rr) for m in rr._number.finditer(text, lo, hi)]


NUMBER_SHAPES = [
    "根据国办发\n〔2020〕52号文件",  # a line break between issuer and year
    "国办发 〔 2020 〕 第 52 号",
    "(冀政办字[2021]68号)",
    "按照国发〔2019〕\n5\n号",
    "国办发〔2020〕52号、国办发〔2021〕1号和苏政发〔2022〕3号",  # several in one run and in separate runs
    "〔2020〕52号",  # a year with no issuer
    "各县(市、区)〔2020〕",
]


@pytest.mark.parametrize("text", NUMBER_SHAPES + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))])
def test_numbers_searched_around_their_anchor_are_those_of_the_whole_text(rules: RuleSet, text: str) -> None:
    rr = rules.get(ReferenceRules)
    assert _anchored_numbers(text, rr) == _whole_text_numbers(text, rr)


NUMBER_PARTS = ["国办发", "〔", "〕", "2020", "52", "号", "第", " ", "\n", "根据", "，", "、", "(", ")", "的"]


@given(st.lists(st.sampled_from(NUMBER_PARTS)))
def test_numbers_searched_around_their_anchor_on_any_mix(rules: RuleSet, parts: list[str]) -> None:
    text = "".join(parts)
    rr = rules.get(ReferenceRules)
    assert _anchored_numbers(text, rr) == _whole_text_numbers(text, rr)


@pytest.mark.parametrize(
    "text", ["截至2020年底,床位达到1312张", "(2020年每千人0.2个)", "2021年1月—2022年7月", "第241号提案"]
)
def test_numbers_that_are_not_document_numbers(rules: RuleSet, text: str) -> None:
    assert _refs(text, rules) == []


def test_records_carry_provenance_and_skip_the_documents_own_title_and_number(rules: RuleSet) -> None:
    text = "扬府发〔2022〕80号\n现将《扬州市“一老一小”整体解决方案》印发给你们。根据《意见》(国办发〔2020〕52号)"
    doc = Document(
        doc_id="t",
        source=Source(path="t", sha256="0", encoding="utf-8", format="text"),
        meta=Meta(title="扬州市“一老一小”整体解决方案", doc_number="扬府发〔2022〕80号"),
        text=text,
    )
    refs = extract_references(doc, rules).references
    assert [(r.title, r.doc_number) for r in refs] == [("意见", "国办发〔2020〕52号")]
    (r,) = refs
    assert r.quote == text[r.span[0] : r.span[1]] == "《意见》(国办发〔2020〕52号)"
    assert r.id == "ref1"


def _extracted(rules: RuleSet) -> list[Document]:
    docs = []
    for path in sorted(CORPUS.glob("*.txt")):
        doc = read_document(path, rules)
        for stage in (html_to_text, clean, extract_meta, split_sections, extract_references):
            doc = stage(doc, rules)
        docs.append(doc)
    return docs


def test_most_cited_joins_titles_to_their_number(rules: RuleSet) -> None:
    top = most_cited(_extracted(rules))[0]
    assert top.doc_number == "国办发〔2020〕52号"
    assert top.title == "国务院办公厅关于促进养老托育服务健康发展的意见"
    assert list(top.citing) == ["000_d432b4ee5b26c821", "001_1add88e18a025895"]


def test_refs_command_reads_extracted_json(tmp_path: Path, rules: RuleSet) -> None:
    for doc in _extracted(rules):
        (tmp_path / f"{doc.doc_id}.json").write_text(doc.model_dump_json(), encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(app, ["refs", str(tmp_path), "--format", "json", "--top", "3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert rows[0]["doc_number"] == "国办发〔2020〕52号"
    assert rows[0]["citing"] == ["000_d432b4ee5b26c821", "001_1add88e18a025895"]
    assert rows[0]["cited_by"] == 2


def test_refs_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["refs", "--help"])
    assert result.exit_code == 0
    assert "Example: policyx refs corpus/" in result.output


def test_refs_command_extracts_raw_documents_on_the_fly() -> None:
    paths = [str(CORPUS / "000_d432b4ee5b26c821.txt"), str(CORPUS / "001_1add88e18a025895.txt")]
    result = CliRunner().invoke(app, ["refs", *paths, "--format", "json", "--min-docs", "2"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["doc_number"], r["citing"]) for r in rows] == [
        ("国办发〔2020〕52号", ["000_d432b4ee5b26c821", "001_1add88e18a025895"])
    ]
