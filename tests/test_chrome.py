"""The chrome classifier against tests/spec/chrome.yaml: real lines of pages of several origins with the rule
expected to drop each, the lines that must stay and the values lifted into meta.fields (SPEC 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from policyx.clean import BoilerplateRules, _Page, clean, label_row, normalise, strip_artefacts
from policyx.models import Document, Source
from policyx.regions import Gazetteer
from policyx.rules import RuleSet
from policyx.script import ScriptRules

SPEC = yaml.safe_load((Path(__file__).parent / "spec" / "chrome.yaml").read_text(encoding="utf-8"))["pages"]


def _decisions(text: str, rules: RuleSet) -> tuple[dict[str, str], list[str], dict[str, str]]:
    br = rules.get(BoilerplateRules)
    script = rules.get(ScriptRules)
    written = [strip_artefacts(line, br) for line in normalise(text).split("\n") if line.strip()]
    page = _Page(written, [script.simplify(line) for line in written], br, rules.get(Gazetteer))
    page.classify()
    dropped = {written[i]: rule for i, rule in page.dropped.items()}
    return dropped, page.kept(), page.fields


@pytest.mark.parametrize("case", SPEC, ids=[c["source"][:40] for c in SPEC])
def test_chrome_spec(case: dict[str, Any], rules: RuleSet) -> None:
    if "unsupported" in case:
        pytest.xfail(case["unsupported"])
    dropped, kept, fields = _decisions(case["text"], rules)
    want = {normalise(k): v for k, v in (case.get("dropped") or {}).items()}
    assert {k: dropped.get(k) for k in want} == want
    for line in case.get("kept") or []:
        assert normalise(str(line)) in kept, line
    for label, value in (case.get("fields") or {}).items():
        assert fields.get(label) == value, label


def test_phrase_rules_have_two_origins() -> None:
    """Every rule that carries phrases (a word list, a label list, a notice) is shown on pages of at least two
    different sources; a page quoting two sites names both (`dev/41 … and 人人文库 …`)."""
    origins: dict[str, int] = {}
    for case in SPEC:
        if "unsupported" in case:
            continue
        weight = 2 if " and " in case["source"] else 1
        for rule in set((case.get("dropped") or {}).values()):
            origins[rule] = origins.get(rule, 0) + weight
    phrase_rules = {"nav_words", "chrome_label", "share_notice", "markup_comment", "tail_list", "dated_byline"}
    phrase_rules |= {"code_residue"}
    assert {rule: n for rule, n in origins.items() if rule in phrase_rules and n < 2} == {}


def _doc(text: str) -> Document:
    return Document(doc_id="t", source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"), text=text)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("發(fā)布時間", "發布時間"),  # the examples: pinyin with tone marks after each character
        ("統計數(shù)據", "統計數據"),
        ("为IO(X)人提供康复辅具社区租赁服务", "为IO(X)人提供康复辅具社区租赁服务"),  # dev 41: OCR, not pinyin
        ("各县(市、区)、功能区负责", "各县(市、区)、功能区负责"),  # brackets of the text itself stay
    ],
)
def test_pinyin_artefacts_are_cut_out(line: str, expected: str, rules: RuleSet) -> None:
    assert strip_artefacts(line, rules.get(BoilerplateRules)) == expected


def test_question_mark_runs_go(rules: RuleSet) -> None:
    text = "? ? ?\n?\n我县共建设养老机构3家,日间照料中心9所,互助幸福院10所,养老机构达到县域内全覆盖。"
    assert clean(_doc(text), rules).text == text.split("\n")[-1]


def test_decisions_are_taken_on_the_simplified_line_and_kept_as_written(rules: RuleSet) -> None:
    # dev 40: 當前位置 / 時間 / 本文標題 only match as 当前位置 / 时间 / 本文标题
    text = SPEC[0]["text"]
    doc = clean(_doc(text), rules)
    assert "本報訊 (記者 張 俊) 日前" in doc.text  # written form kept
    assert doc.meta.fields["本文标题"] == "上海市出台养老服务设施布局专项规划"  # value from the simplified line


@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        # dev 40 byline (simplified view), seed 003 header, bracketed and bar-separated portal rows
        (
            "时间:2022-10-15 17:34 来源: 作者:小杰 人浏览",
            {"时间": "2022-10-15 17:34", "来源": "", "作者": "小杰 人浏览"},
        ),
        (
            "【来源:潼关县民政局】【发布时间:2024-09-11 11:23】",
            {"来源": "潼关县民政局", "发布时间": "2024-09-11 11:23"},
        ),
        ("发布日期:2024-09-04 | 来源:市政协提案委", {"发布日期": "2024-09-04", "来源": "市政协提案委"}),
        # the same byline with its fields joined by a comma (a written variation of dev 45's row): two fields, so
        # 发布时间 reaches issued_on
        ("来源:潼关县民政局,发布时间:2024-09-11 11:23", {"来源": "潼关县民政局", "发布时间": "2024-09-11 11:23"}),
        ("各幼儿园:", None),  # dev 54's addressee: no value
        ("附件:附件1 2026年公办小学积分入学招生计划表.xls", None),  # canary 100: the document's own attachment
        ("责任单位:市民政局、市卫健局", None),  # a responsibility tag (SPEC 7)
        ("郑州:24条创新举措积极应对人口老龄化", None),  # seed 002's headline
        ("温州:今年新增普惠托位3000个", None),  # the same form with a short run (a variation): a place is no label
    ],
)
def test_label_rows(line: str, pairs: dict[str, str] | None, rules: RuleSet) -> None:
    assert label_row(line, rules.get(BoilerplateRules), rules.get(Gazetteer)) == pairs


def test_a_table_header_in_the_head_is_no_keyword_title(rules: RuleSet) -> None:
    # dev 58's header cells written as a Markdown table right under a title: its rows are prose, so the header
    # stands in the page's head, where a line of short parts joined by | would be a keyword-stuffed <title>
    header = "| 项目名称 | 内容 | 牵头单位 | 进展情况(7月) |"
    text = (
        "2024年民生实事项目进展表\n"
        f"{header}\n"
        "|---|---|---|---|\n"
        "| 婴幼儿童照护服务项目 | 新增示范型儿童之家12家,新增婴幼儿照护服务托位180个以上。 | 区民政局、区卫生健康局 |"
        " 已新增示范型儿童之家10家。 |\n"
    )
    assert header in clean(_doc(text), rules).text
