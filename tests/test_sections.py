"""Sections (SPEC 3): heading styles, relative levels, inline headings, annexes, numbering warnings.

The lines are real headings and sentences from the corpus; each case builds a small document from them
and checks the section tree the stage gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyx.rules import RuleSet
from policyx.sections import HeadingRules, build_sections


def _tree(text: str, rules: RuleSet) -> list[tuple[int, str | None, str]]:
    sections, _ = build_sections(text, rules.get(HeadingRules))
    return [(s.level, s.number, s.title) for s in sections]


def test_levels_follow_the_order_styles_are_met(rules: RuleSet) -> None:
    # corpus/000: 一、 then (一) then 1. — and a later 二、 pops back to the top
    text = "\n".join(
        [
            "一、实施背景",
            "(一)发展基础",
            "泊头市位于河北省东南部。",
            "二、发展目标",
            "(一)整体目标",
            "三、重点任务",
            "(一)兜底线、促普惠、市场化协同发展",
            "1.“兜底线”",
            "强化政府保基本兜底线职能。",
            "2.“促普惠”",
        ]
    )
    assert _tree(text, rules) == [
        (1, "一", "实施背景"),
        (2, "(一)", "发展基础"),
        (1, "二", "发展目标"),
        (2, "(一)", "整体目标"),
        (1, "三", "重点任务"),
        (2, "(一)", "兜底线、促普惠、市场化协同发展"),
        (3, "1", "“兜底线”"),
        (3, "2", "“促普惠”"),
    ]


def test_levels_are_relative_to_the_first_style(rules: RuleSet) -> None:
    # a document that starts at (一) has (一) at level 1, not 2
    text = "(一)发展基础\n1.政策体系不断完善。出台了一系列文件。\n2.基础设施持续改善。建成各类养老床位5.1万张。"
    assert [lvl for lvl, _, _ in _tree(text, rules)] == [1, 2, 2]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        # corpus/001: an inline heading ends at its first full stop; the rest of the line is body
        ("1.政策体系不断完善。出台了《关于加强养老服务体系建设的实施意见》等文件。", "政策体系不断完善"),
        ("2.面临挑战。在面临发展机遇同时,也要清醒认识把握实践中存在的新挑战和突出问题。", "面临挑战"),
    ],
)
def test_inline_heading_title_stops_at_the_first_full_stop(line: str, title: str, rules: RuleSet) -> None:
    sections, _ = build_sections(f"一、发展基础\n{line}", rules.get(HeadingRules))
    assert [s.title for s in sections] == ["发展基础", title]
    # the section still covers its whole paragraph
    assert sections[1].span[1] >= len(f"一、发展基础\n{line}") - 1


@pytest.mark.parametrize(
    "line",
    [
        "2.54",  # a table cell of corpus/001's indicator table (每千人口托位数 2020: 2.54)
        "2021-2024",  # a period cell of the project list
        "到2025年,全市护理型床位占比达到55%以上。",  # a year at the start of a sentence
    ],
)
def test_numbers_in_running_text_are_not_headings(line: str, rules: RuleSet) -> None:
    text = f"一、发展目标\n{line}\n二、重点任务"
    assert [n for _, n, _ in _tree(text, rules)] == ["一", "二"]


def test_an_annex_starts_a_new_top_level_branch(rules: RuleSet) -> None:
    text = "一、重点任务\n(一)强化居家社区服务\n内容。\n附件1\n重点任务分工表\n序号\t重点任务"
    tree = _tree(text, rules)
    assert tree[0][:2] == (1, "一")
    annex = tree[-1]
    assert annex[0] == 1 and annex[1] == "附件1"


@pytest.mark.parametrize(
    ("headings", "message"),
    [
        (["一、实施背景", "(一)发展基础", "(三)发展趋势"], "heading numbering jumps: (三) after (一)"),
        (["一、实施背景", "二、发展目标", "二、重点任务"], "heading numbering repeats: 二 after 二"),
    ],
)
def test_numbering_that_skips_or_repeats_warns(headings: list[str], message: str, rules: RuleSet) -> None:
    _, warnings = build_sections("\n".join(headings), rules.get(HeadingRules))
    assert [w.message for w in warnings] == [message]
    assert all(w.code == "heading_skip" for w in warnings)


def test_a_restart_at_one_under_a_new_parent_is_not_a_skip(rules: RuleSet) -> None:
    text = "一、目标\n(一)整体目标\n(二)具体目标\n二、任务\n(一)兜底线\n(二)促普惠"
    _, warnings = build_sections(text, rules.get(HeadingRules))
    assert warnings == []


def test_sections_nest_inside_their_parents(rules: RuleSet) -> None:
    text = "一、目标\n(一)整体目标\n正文一。\n(二)具体目标\n正文二。\n二、任务\n正文三。"
    sections, _ = build_sections(text, rules.get(HeadingRules))
    by_id = {s.id: s for s in sections}
    for s in sections:
        if s.parent is not None:
            p = by_id[s.parent]
            assert p.span[0] <= s.span[0] and s.span[1] <= p.span[1]
    # a section ends before the next heading of its own level
    first, second = sections[0], sections[3]
    assert first.span[1] <= second.span[0]
    assert text[second.span[0] : second.span[1]].startswith("二、任务")


def test_section_ends_match_the_stripped_prefix_on_a_long_document(rules: RuleSet) -> None:
    # corpus/000's headings repeated: each section ends where the text before the next heading of its level ends
    block = "一、实施背景\n(一)发展基础\n泊头市位于河北省东南部。  \n\n(二)发展趋势\n强化政府保基本兜底线职能。\n\n"
    text = block * 400
    sections, _ = build_sections(text, rules.get(HeadingRules))
    starts = [s.span[0] for s in sections]
    levels = [s.level for s in sections]
    for k, s in enumerate(sections):
        nxt = next((starts[j] for j in range(k + 1, len(sections)) if levels[j] <= levels[k]), len(text))
        assert s.span[1] == len(text[:nxt].rstrip())


def test_markdown_markers_are_not_part_of_the_heading(rules: RuleSet) -> None:
    # dev/55 (LawRefBook Markdown): `## 第一章  总则` is chapter 第一章 titled 总则; its span starts at the line
    text = "# 河南省老年人权益保障条例\n\n## 第一章 总则\n\n第一条 为了保障老年人合法权益,制定本条例。\n"
    sections, _ = build_sections(text, rules.get(HeadingRules), "河南省老年人权益保障条例")
    assert [(s.level, s.number, s.title) for s in sections] == [
        (1, "第一章", "总则"),
        (2, "第一条", "为了保障老年人合法权益,制定本条例"),
    ]
    assert text[sections[0].span[0] :].startswith("## 第一章")


def test_a_traditional_text_is_matched_through_its_view_and_keeps_its_own_titles(rules: RuleSet) -> None:
    # dev/55 and dev/56 lines in traditional script: found through the simplified view, reported as written
    from policyx.script import ScriptRules

    simplify = rules.get(ScriptRules).simplify
    hr = rules.get(HeadingRules)
    text = "## 第一章 總則\n第一條 為了保障老年人合法權益,制定本條例。"
    sections, _ = build_sections(text, hr, None, simplify(text))
    assert [(s.level, s.number, s.title) for s in sections] == [
        (1, "第一章", "總則"),
        (2, "第一條", "為了保障老年人合法權益,制定本條例"),
    ]
    text = "\n".join(
        [
            "第五條 鼓勵社會組織和個人以投資、捐贈、捐助等方式支持養老服務發展。",
            "規劃與設施建設",
            "第六條 市、區(市)民政部門應當會同有關部門,制定養老服務發展專項規劃。",
        ]
    )
    sections, _ = build_sections(text, hr, None, simplify(text))
    assert [(s.level, s.number, s.title[:4]) for s in sections] == [
        (1, "第五條", "鼓勵社會"),
        (1, None, "規劃與設"),
        (2, "第六條", "市、區("),
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).resolve().parents[1] / "corpus").glob("*.txt")))
def test_a_corpus_document_in_traditional_script_gives_the_same_tree_through_its_view(
    name: str, rules: RuleSet
) -> None:
    opencc = pytest.importorskip("opencc")
    from policyx.clean import normalise
    from policyx.script import ScriptRules

    text = normalise((Path(__file__).resolve().parents[1] / "corpus" / name).read_text(encoding="utf-8"))
    trad = opencc.OpenCC("s2t").convert(text)
    assert len(trad) == len(text)
    hr = rules.get(HeadingRules)
    want, _ = build_sections(text, hr)
    got, _ = build_sections(trad, hr, None, rules.get(ScriptRules).simplify(trad))
    assert [(s.level, s.parent, s.span, s.rule) for s in got] == [(s.level, s.parent, s.span, s.rule) for s in want]
    assert [s.title for s in got] == [opencc.OpenCC("s2t").convert(s.title) for s in want]  # titles as written


def test_parts_of_a_plan_and_numbers_closed_by_one_bracket(rules: RuleSet) -> None:
    # written variations of the seeds' outline (review): 第一部分 on its own line heads the 一、 headings under it,
    # and 1) 2) (the dress of (1) (2) in some texts) number items when the numbering runs on
    text = "\n".join(
        [
            "第一部分 总体要求",
            "一、工作目标",
            "到2025年,全市养老床位总数达到1.5万张,护理型床位占比达到60%。",
            "第二部分 重点任务",
            "一、完善设施网络",
            "1)每个街道建设1个综合养老服务中心;",
            "2)每个社区建设1个养老服务站。",
            "二、加强队伍建设",
            "第三部分 保障措施",
        ]
    )
    assert _tree(text, rules) == [
        (1, "第一部分", "总体要求"),
        (2, "一", "工作目标"),
        (1, "第二部分", "重点任务"),
        (2, "一", "完善设施网络"),
        (3, "1)", "每个街道建设1个综合养老服务中心"),
        (3, "2)", "每个社区建设1个养老服务站"),
        (2, "二", "加强队伍建设"),
        (1, "第三部分", "保障措施"),
    ]
