"""Targets and statistics from real corpus sentences (SPEC 4, 5): value, unit, comparator, year, indicator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policyx.models import Document, Meta, Source
from policyx.quantities import find_quantities
from policyx.rules import RuleSet
from policyx.targets import extract_quantities, quantity_decisions


def _doc(text: str, doc_type: str | None = None, issued_on: str | None = None) -> Document:
    return Document(
        doc_id="t",
        source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"),
        meta=Meta(doc_type=doc_type, issued_on=issued_on),  # type: ignore[arg-type]
        text=text,
    )


def _targets(rules: RuleSet, text: str, **meta: str) -> list[tuple]:
    doc = extract_quantities(_doc(text, **meta), rules)
    for r in (*doc.targets, *doc.statistics):
        assert doc.text[r.span[0] : r.span[1]] == r.quote  # provenance: the quote is the span
    return [(t.value, t.value_max, t.unit, t.comparator, t.year, t.indicator) for t in doc.targets]


# (sentence from corpus/, expected targets as (value, value_max, unit, comparator, year, indicator))
CASES = [
    (  # 000: a year stated once governs the clauses after it in the paragraph
        "养老方面:到2025年底,养老服务体系更加健全,养老服务床位总量达到1600张。城市社区日间照料服务设施覆盖率达到100%;"
        "养老机构照护能力大幅提升,护理型床位占比不低于55%;",
        [
            (1600, None, "张", "=", 2025, "养老服务床位总量"),
            (100, None, "%", "=", 2025, "城市社区日间照料服务设施覆盖率"),
            (55, None, "%", ">=", 2025, "护理型床位占比"),
        ],
    ),
    (  # 000: one number, one target; the year inside the clause; the second clause inherits the indicator
        "普惠性托位占比2023年达到10%以上,2025年达到20%。",
        [(10, None, "%", ">=", 2023, "普惠性托位占比"), (20, None, "%", "=", 2025, "普惠性托位占比")],
    ),
    (  # 000: a per-unit standard keeps its subject
        "每千名老年人配备1名社会工作者,每百张养老机构床位配备1名社会工作者。",
        [
            (1, None, "名", "=", None, "每千名老年人配备社会工作者"),
            (1, None, "名", "=", None, "每百张养老机构床位配备社会工作者"),
        ],
    ),
    (  # 000: a bracketed baseline is not a target, a calculation base is not one either
        "2025年末预期目标为每千人配备托位4.5个(2020年每千人0.2个),按全市总人口57万人测算,应配备托位达到2608个。",
        [(4.5, None, "个", "=", 2025, "每千人配备托位"), (2608, None, "个", "=", 2025, "配备托位")],
    ),
    (  # 000: 至少 with a verb between; a percent first, the noun after; a fraction
        "到2025年,全市至少建有1所老年大学,60%以上乡镇(街道)建有老年学校,1/3以上行政村(社区)建有老年大学学习点。",
        [
            (1, None, "所", ">=", 2025, "老年大学"),
            (60, None, "%", ">=", 2025, "乡镇(街道)建有老年学校"),
            (33.33, None, "%", ">=", 2025, "行政村(社区)建有老年大学学习点"),
        ],
    ),
    (  # 004: a ceiling
        "到2025年,政府运营养老床位比例不超过40%。",
        [(40, None, "%", "<=", 2025, "政府运营养老床位比例")],
    ),
    (  # 001: about
        "到2025年,每千人口拥有3岁以下婴幼儿托位数4.5个左右。",
        [(4.5, None, "个", "~", 2025, "每千人口拥有3岁以下婴幼儿托位数")],
    ),
    (  # 001: 万 folded into the value, the base unit kept
        "到2025年,完成居家适老化改造1万户。",
        [(10000, None, "户", "=", 2025, "完成居家适老化改造")],
    ),
    (  # 002: a range; 各县 makes it a per-unit standard, so the subject stays
        "到2023年,各县(市)均有1—2所老年医院、康复医院或护理院。",
        [(1, 2, "所", "=", 2023, "各县(市)均有老年医院、康复医院或护理院")],
    ),
    (  # 004: a condition (2万人以上城市社区) is not a target; the floor after it is
        "力争所有城镇社区建成1个以上托育机构,2万人以上城市社区建成不少于90个托位。",
        [(1, None, "个", ">=", None, "托育机构"), (90, None, "个", ">=", None, "2万人以上城市社区托位")],
    ),
    (  # 004: a rate inside a sentence about funds
        "福彩公益金按照不低于55%的比例用于养老服务。",
        [(55, None, "%", ">=", None, "福彩公益金")],
    ),
    (  # 001: the named object after an action verb; place names before it are not the indicator
        "宝应、高邮、仪征、江都、广陵、邗江各设立1所以上二级老年医院。",
        [(1, None, "所", ">=", None, "二级老年医院")],
    ),
    (  # 000: 截至 … makes statistics, not targets
        "截至2020年底,全市累计建成养老机构6家,床位达到1312张,已建成社区居家养老服务中心(站)32家。",
        [],
    ),
    (  # 000: a forecast
        "预计“十四五”期间,我市每年出生人口在0.55万人左右。",
        [],
    ),
    (  # 002: a condition
        "3万人以下的住宅区配建社区养老设施。",
        [],
    ),
    (  # 000: names and ages are not quantities
        "构建市区“十五分钟”养老服务圈,全市60周岁以上老年人口和0-3岁婴幼儿。",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_targets_from_real_sentences(rules: RuleSet, text: str, expected: list[tuple]) -> None:
    got = _targets(rules, text)
    assert [(v, vm, u, c, y) for v, vm, u, c, y, _ in got] == [e[:5] for e in expected]
    assert [g[5] for g in got] == [e[5] for e in expected]


def test_baseline_and_recurring(rules: RuleSet) -> None:
    doc = extract_quantities(_doc("2025年末预期目标为每千人配备托位4.5个(2020年每千人0.2个)。"), rules)
    assert doc.targets[0].baseline is not None
    assert (doc.targets[0].baseline.value, doc.targets[0].baseline.year) == (0.2, 2020)
    doc = extract_quantities(_doc("市政府逐步加大财政投入,每年用于支持发展养老服务福利彩票公益金达到55%以上。"), rules)
    assert [(t.value, t.comparator, t.recurring, t.year) for t in doc.targets] == [(55, ">=", "annual", None)]
    assert doc.targets[0].indicator_key == "welfare_lottery_elderly_share"


def test_statistics_carry_as_of(rules: RuleSet) -> None:
    doc = extract_quantities(_doc("截至2020年底,全市累计建成养老机构6家,床位达到1312张。"), rules)
    assert [(s.value, s.unit, s.as_of) for s in doc.statistics] == [(6, "家", "2020"), (1312, "张", "2020")]


def test_proposal_account_is_statistics(rules: RuleSet) -> None:
    text = "目前我市60岁及以上人口91.24万,占比为18.3%,高于全省18.08%的平均水平。"
    doc = extract_quantities(_doc(text, doc_type="proposal", issued_on="2024-09-04"), rules)
    assert doc.targets == []
    # 高于 compares 18.3 with 18.08: it is no comparator of 18.08 itself
    assert [(s.value, s.comparator) for s in doc.statistics] == [(18.3, "="), (18.08, "=")]


def test_reply_commitment_is_a_target(rules: RuleSet) -> None:
    text = "2024年共2个项目争取到中央资金1506万元。支持每个县(市、区)建设1个承担指导功能的示范性、综合性托育服务中心。"
    doc = extract_quantities(_doc(text, doc_type="reply", issued_on="2024-09-04"), rules)
    assert [(t.value, t.unit, t.year) for t in doc.targets] == [(1, "个", None)]
    assert [(s.value, s.unit) for s in doc.statistics] == [(2, "个"), (15060000, "元")]


def test_year_does_not_cross_paragraphs_or_go_backwards(rules: RuleSet) -> None:
    text = "新生儿访视率达到85%以上。到2025年,A覆盖率达到90%。\n基本养老保险参保率达到95%。"
    assert [(t.value, t.year) for t in extract_quantities(_doc(text), rules).targets] == [
        (85, None),
        (90, 2025),
        (95, None),
    ]


def test_ids_unique_and_existing_records_kept(rules: RuleSet) -> None:
    doc = extract_quantities(_doc("到2025年,A率达到90%,B率达到80%。"), rules)
    again = extract_quantities(doc, rules)  # the records already there stay, the text is not read twice over them
    assert [t.value for t in again.targets] == [90, 80]
    assert len({t.id for t in again.targets}) == len(again.targets)


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("比全省平均水平高出4.17个百分点", 4.17, "pp", "="),  # 001
        ("人口出生率下降到4.39‰", 4.39, "‰", "="),  # 001
        ("2.46万张", 24600, "张", "="),  # 001
        ("三成以上", 30, "%", ">="),
        ("百分之五十五", 55, "%", "="),
        ("三分之一", 33.33, "%", "="),
        ("千分之三", 3, "‰", "="),
        ("共培训养老护理员3385 人次", 3385, "人次", "="),  # 003: a space before the unit
        ("10-15%", 10, "%", "="),
        ("应达到10个机构以上", 10, "个", ">="),  # 000: a short noun between unit and 以上
        ("不低于60%的社会福利彩票公益金", 60, "%", ">="),  # 001
        ("≤40%", 40, "%", "<="),
        ("超过60%", 60, "%", ">"),
    ],
)
def test_matcher(rules: RuleSet, text: str, value: float, unit: str, comparator: str) -> None:
    (m,) = find_quantities(text, rules)
    assert (m.value, m.unit, m.comparator) == (pytest.approx(value), unit, comparator)


@pytest.mark.parametrize(
    "text",
    [
        "一家一策",
        "构建全市“养医康护”一张网",
        "40、50人员",
        "8\n支持",  # a number column and the next cell
        "第241号提案",
        "每1,000名",  # a per-unit base with a thousands comma: not 0 of 000名
        "2022年3月10日",
        "于本文印发后3个月内出台辖区实施方案",  # a duration
        "给予一次性补贴",
        "第三十三条、三十四条规定",
    ],
)
def test_matcher_ignores(rules: RuleSet, text: str) -> None:
    assert find_quantities(text, rules) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=100), st.sampled_from(["达到", "不低于", "为"]))
def test_any_percent_reads_back(rules: RuleSet, n: int, verb: str) -> None:
    (m,) = find_quantities(f"覆盖率{verb}{n}%", rules)
    assert (m.value, m.unit) == (n, "%")


@pytest.mark.parametrize(
    ("text", "indicators"),
    [
        (  # 001: the standard's object completes each base (每百户, 单处)
            "全面落实养老托育服务设施分区分级规划建设要求,新建居住小区分别按照每百户20平方米以上、"
            "单处不少于120平方米的标准配套建设社区养老服务用房。",
            ["新建居住小区分别每百户社区养老服务用房", "单处社区养老服务用房"],
        ),
        (  # 002: a measure (人均用地) needs no object
            "市、开发区、区县(市)在编制国土空间总体规划时,必须按照人均用地不少于0.2平方米的标准,规划设置养老服务设施。",
            ["人均用地"],
        ),
        (  # 000: the noun between unit and 以上 names a phrase of the sentence before, not the bracketed aside
            "积极培育示范性婴幼儿照护服务机构(沧州市级以上试点机构),按上级要求,我市应达到10个机构以上。",
            ["示范性婴幼儿照护服务机构"],
        ),
        (  # 002: a bare quantity measures the previous clause's object
            "已建成住宅区养老服务设施未达到标准要求的,要按照每百户20平方米以上的标准,"
            "通过购买、置换、租赁、调剂等方式配置居家社区养老服务设施,至少200平方米以上。",
            ["每百户居家社区养老服务设施", "居家社区养老服务设施"],
        ),
    ],
)
def test_indicator_named_elsewhere_in_the_sentence(rules: RuleSet, text: str, indicators: list[str]) -> None:
    assert [t[5] for t in _targets(rules, text)] == indicators


# ---- the decisions spec: tests/spec/targets.yaml (real sentences, expected targets or the rule that drops them) ----
_SPEC = Path(__file__).parent / "spec" / "targets.yaml"


def _spec_cases() -> list[dict[str, Any]]:
    return yaml.safe_load(_SPEC.read_text(encoding="utf-8"))["cases"]


def _decided(rules: RuleSet, text: str, doc_type: str = "plan") -> tuple[list[list[Any]], list[str]]:
    doc = _doc(text, doc_type=doc_type)
    targets = [[t.value, t.unit, t.comparator, t.rule.split("/")[0]] for t in extract_quantities(doc, rules).targets]
    drops = [d["rule"].split("/")[0] for d in quantity_decisions(doc, rules) if d["kind"] == "none"]
    return targets, drops


@pytest.mark.parametrize("case", _spec_cases(), ids=lambda c: f"{c['source']}:{c['text'][:12]}")
def test_spec_case(rules: RuleSet, case: dict[str, Any]) -> None:
    targets, drops = _decided(rules, case["text"], case.get("doc_type", "plan"))
    if "unsupported" in case:
        if case.get("document_only"):
            pytest.skip("fails only in its document: " + case["unsupported"])
        want = [[float(v), u, c] for v, u, c, _ in case["targets"]]
        assert [t[:3] for t in targets] != want, "an unsupported case now passes: move it to the supported ones"
        return
    if "not_target" in case:
        assert targets == []
        if case["not_target"] != "none":  # none: no quantity at all
            assert case["not_target"] in drops
        else:
            assert drops == []
        return
    assert targets == [[float(v), u, c, r] for v, u, c, r in case["targets"]]
    assert set(case.get("drops", [])) <= set(drops)
    doc = extract_quantities(_doc(case["text"], doc_type=case.get("doc_type", "plan")), rules)
    if "years" in case:
        assert [t.year for t in doc.targets] == case["years"]
    if "indicators" in case:
        assert [t.indicator for t in doc.targets] == case["indicators"]
    if "statistics" in case:
        want = [[float(v), u, r] for v, u, r in case["statistics"]]
        assert [[s.value, s.unit, s.rule.split("/")[0]] for s in doc.statistics] == want


def test_spec_exercises_each_phrase_rule_from_two_documents(rules: RuleSet) -> None:
    # a phrase entry earns its place with examples from at least two documents of different origin
    from policyx.targets import CueRules

    cues = rules.get(CueRules)
    # (the other parameter rules have their real sentences in tests/test_parameters.py)
    new_params = [r for r in cues.parameter if r.id == "param.benefit_level"]
    sources: dict[str, set[str]] = {r.id: set() for r in (*cues.evidence, *cues.never, *new_params)}
    for case in _spec_cases():
        if "unsupported" in case or case["source"].startswith("variant:"):
            continue  # a written variation of a real sentence is no document of its own
        for rule in [t[3] for t in case.get("targets", [])] + [case.get("not_target", ""), *case.get("drops", [])]:
            if rule in sources:
                sources[rule].add(case["source"])
    assert {r: sorted(s) for r, s in sources.items() if len(s) < 2} == {}


def test_a_headline_target_is_kept_once(rules: RuleSet) -> None:
    # dev 48's goal as a headline (a title-like line: no clause punctuation) and as its body sentence
    headline = "2025年底前全省养老机构护理型床位占比提高到60%以上"
    body = "优化兜底保障服务供给,优先支持发展护理型养老床位,2025年底前,全省养老机构护理型床位占比提高到60%以上。"
    alone = extract_quantities(_doc(f"{headline}\n优化兜底保障服务供给,优先支持发展护理型养老床位。"), rules)
    assert [(t.value, t.year, t.rule) for t in alone.targets] == [(60, 2025, "target.by/target.headline/unit.percent")]
    both = extract_quantities(_doc(f"{headline}\n{body}"), rules)
    assert [(t.value, t.year, t.rule) for t in both.targets] == [(60, 2025, "target.by/unit.percent")]


def test_every_drop_names_a_declared_rule(rules: RuleSet) -> None:
    # the decisions that drop a quantity name their rule too (quantity_decisions), declared in rules/*.yaml
    import regex

    from policyx.pipeline import STAGES
    from policyx.read import read_document

    root = Path(__file__).resolve().parents[1]
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((root / "rules").glob("*.yaml")))
    declared = set(regex.findall(r"\bid:\s*['\"]?([\w.\-]+)", text))
    used: set[str] = set()
    for path in sorted((root / "corpus").iterdir()):
        doc = read_document(path, rules)
        for stage in STAGES[: STAGES.index(extract_quantities)]:
            doc = stage(doc, rules)
        for d in quantity_decisions(doc, rules):
            used.update(d["rule"].split("/"))
    assert "target.to" in used and any(u.startswith(("skip.", "param.", "never.", "drop.")) for u in used)
    assert sorted(used - declared) == []


def test_url_encoded_bytes_are_no_percentages(rules: RuleSet) -> None:
    # a search link of html/12 (?keywords=社保): %E7%A4%BE holds no 7% nor 4%
    assert find_quantities("?keywords=%E7%A4%BE%E4%BF%9D 与 %E5%8C%BB%E4%BF%9D", rules) == []
