"""What an analyst reads off the three real Guangzhou pages of ../shared/html (a plan with annex tables, two
regulations in 第X条 articles): annexes as sections, citations that are documents, records in the right place.

Unit cases quote a sentence or a heading of those pages; the whole-page tests skip when ../shared/html is absent
(the pages are never copied into the project).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from frontstages import front
from policyx.models import Document, Meta, Source
from policyx.pipeline import extract_document
from policyx.references import extract_references
from policyx.rules import RuleSet
from policyx.targets import extract_quantities

PLAN = "01_guangzhou_jiatingyisheng_shishifangan.html"
HOME_CARE = "02_guangzhou_jujiashequyanglao_banfa.html"
LONG_TERM_CARE = "12_guangzhou_changqihuli_banfa.html"


def _html(body: str) -> bytes:
    return (
        '<html><head><meta charset="utf-8"><title>关于推进广州市家庭医生签约服务高质量发展实施方案</title></head>'
        f'<body><div class="article">{body}</div></body></html>'
    ).encode()


BODY = (
    "<p>关于推进广州市家庭医生签约服务高质量发展实施方案</p><p>一、组织实施</p>"
    "<p>(一)加强宣传引导。各区、各部门要采取群众易于接受的方式,广泛宣传家庭医生签约服务的政策与内容。</p>"
)
ROWS = (
    "<tr><td>序号</td><td>工作事项</td><td>牵头单位</td></tr>"
    "<tr><td>1</td><td>有序扩大家庭医生来源。</td><td>各区政府</td></tr>"
    "<tr><td>2</td><td>不断优化签约服务团队。</td><td>各区政府</td></tr>"
)

# (case, table html, the annex section expected as (number, title) or None)
CAPTIONS = [
    (
        "a caption row spanning every column, two paragraphs",
        '<table><tr><td colspan="3"><p>附件2</p>'
        "<p>关于推进广州市家庭医生签约服务高质量发展工作的任务分工表</p></td></tr>" + ROWS + "</table>",
        ("附件2", "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表"),
    ),
    (
        "a caption row in one paragraph",
        '<table><tr><td colspan="3">附件1 广州市家庭医生签约服务质量监测指标体系(2023年版)</td></tr>'
        + ROWS
        + "</table>",
        ("附件1", "广州市家庭医生签约服务质量监测指标体系(2023年版)"),
    ),
    ("no caption row", "<table>" + ROWS + "</table>", None),
]


@pytest.mark.parametrize(("table", "annex"), [c[1:] for c in CAPTIONS], ids=[c[0] for c in CAPTIONS])
def test_a_table_caption_row_is_a_line_of_its_own(rules: RuleSet, table: str, annex: tuple[str, str] | None) -> None:
    doc = front(_html(BODY + table), rules, name="page.html")
    assert "序号\t工作事项\t牵头单位" in doc.text.split("\n")
    assert not [line for line in doc.text.split("\n") if "\t" in line and "附件" in line]
    annexes = [(s.number, s.title) for s in doc.sections if s.rule == "heading.annex"]
    assert annexes == ([annex] if annex else [])


def _page(shared_html: Path, name: str, rules: RuleSet) -> Document:
    return extract_document(shared_html / name, rules=rules)


def test_the_plan_annexes_are_sections_holding_their_tables(shared_html: Path, rules: RuleSet) -> None:
    doc = _page(shared_html, PLAN, rules)
    by_id = {s.id: s for s in doc.sections}
    annexes = [s for s in doc.sections if s.number and s.number.startswith("附件")]
    assert [(s.number, s.title, s.level) for s in annexes] == [
        ("附件1", "广州市家庭医生签约服务质量监测指标体系(2023年版)", 1),
        ("附件2", "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表", 1),
    ]
    # the last body section ends before the annexes; each table sits in its annex
    assert by_id[annexes[0].id].span[0] >= max(s.span[1] for s in doc.sections if s.number == "(三)")
    assert [by_id[t.section].number for t in doc.tables if t.section] == ["附件1", "附件2"]
    # the task-division table's rows assign work of 附件2, not of the body's last heading
    assert {by_id[r.section].number for r in doc.responsibilities if r.section} == {"附件2"}


def _text_doc(text: str) -> Document:
    return Document(
        doc_id="t",
        source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"),
        meta=Meta(doc_type="plan"),
        text=text,
    )


# (sentence, the citations it makes as (title, doc_number))
CITATIONS = [
    # a licence one obtains is no document cited (居家社区养老服务管理办法, 第三十六条)
    ("设置的医疗机构取得《医疗机构执业许可证》,并纳入基本医疗保险定点的,再增加一次性补贴5万元。", []),
    ("经营者应当依法取得《营业执照》。", []),
    (
        "根据《广东省养老服务条例》《广州市养老服务条例》等有关规定,结合本市实际,制定本办法。",
        [("广东省养老服务条例", None), ("广州市养老服务条例", None)],
    ),
    (
        "贯彻落实《广东省保障家庭医生签约居民优先预约挂号工作方案》(粤卫办医函〔2023〕33号)有关要求。",
        [("广东省保障家庭医生签约居民优先预约挂号工作方案", "粤卫办医函〔2023〕33号")],
    ),
]


@pytest.mark.parametrize(("sentence", "want"), CITATIONS)
def test_citations(rules: RuleSet, sentence: str, want: list[tuple[str, str | None]]) -> None:
    doc = extract_references(_text_doc(sentence), rules)
    assert [(r.title, r.doc_number) for r in doc.references] == want


# (sentence, its targets as (indicator, value, unit, comparator))
TARGETS = [
    # how much of a benefit a person may receive is a rule of the benefit, not a target (长期护理保险试行办法 第十二条)
    (
        "符合以下情形之一经延续护理评估符合条件的,在定点护理机构办理登记入住或建床手续后,可按规定享受1~3个月的长护险待遇,"
        "一个年度内享受待遇次数不超过2次:",
        [],
    ),
    # …nor how often a person entitled to it is served (SPEC 4: entitlements set for individuals, 每年一次免费体检)
    (
        "B类护理:享受长护险2级待遇的长期失能人员由定点护理机构派专职护理人员上门提供生活照料服务,其中职工参保人员每月上门次数"
        "不低于12次,每月服务时间为28小时;居民参保人员每月上门次数不低于6次,每月服务时间为14小时。",
        [],
    ),
    # the verb of a yearly increase is not part of what is measured (家庭医生 实施方案, 主要目标)
    (
        "在现有服务水平基础上,全人群和重点人群签约服务覆盖率每年提升1~3个百分点,逐年提高满意度。",
        [("全人群和重点人群签约服务覆盖率", 1, "pp", "=")],
    ),
    # 加强 / 探索在 lead the clause, they do not name the facilities counted
    (
        "实施基层中医药服务能力提升工程,100%的社区卫生服务中心和镇卫生院完成中医馆设置,加强15%的中医馆内涵建设,提升服务能力。"
        "探索在10%的社区卫生服务站设置中医阁。",
        [
            ("社区卫生服务中心和镇卫生院完成中医馆设置", 100, "%", "="),
            ("中医馆内涵建设", 15, "%", "="),
            ("社区卫生服务站设置中医阁", 10, "%", "="),
        ],
    ),
    # 原则上 hedges the standard, it is no part of the floor area (居家社区养老服务管理办法 第十条)
    (
        "每处建筑面积原则上不少于1000平方米,并应当具备全托、日托、上门服务、对下指导、统筹调配资源等功能。",
        [("每处建筑面积", 1000, "平方米", ">=")],
    ),
]


@pytest.mark.parametrize(("sentence", "want"), TARGETS)
def test_targets_of_real_sentences(rules: RuleSet, sentence: str, want: list[tuple[str, float, str, str]]) -> None:
    doc = extract_quantities(_text_doc(sentence), rules)
    assert [(t.indicator, t.value, t.unit, t.comparator) for t in doc.targets] == want
    for t in doc.targets:
        assert doc.text[t.span[0] : t.span[1]] == t.quote


def test_the_regulations_cite_documents_and_keep_their_standards(shared_html: Path, rules: RuleSet) -> None:
    home = _page(shared_html, HOME_CARE, rules)
    assert [r.title for r in home.references] == ["广东省养老服务条例", "广州市养老服务条例"]
    care = _page(shared_html, LONG_TERM_CARE, rules)
    # the visits a month an entitled person receives are entitlements (param.entitled), not targets: the insurance
    # rules commit the city to no level
    assert [(t.indicator, t.value) for t in care.targets] == []
