"""policyx diff alignment: real indicator phrases of the corpus (gold) that must and must not share a row."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diff_gold import gold_documents
from policyx.diff.align import Aligner, align
from policyx.diff.config import DiffRules
from policyx.diff.load import label_columns
from policyx.diff.model import Column, DiffTable, Row
from policyx.diff.phrases import PhraseMatcher
from policyx.indicators import indicator_key
from policyx.models import Document, Meta, Source, Target
from policyx.rules import RuleError, RuleSet, ruleset_for

from conftest import ROOT


@cache
def matcher() -> PhraseMatcher:
    return PhraseMatcher(ruleset_for(str(ROOT / "rules")))


# pairs of real indicator phrases from tests/gold (document ids in the comments) that name ONE indicator
SAME = [
    ("养老服务床位总量", "養老服務床位總量"),  # 000 / a reprint in traditional script (../shared/dev 40)
    ("护理型床位占比", "護理型床位占比"),  # 000 / ../shared/dev 40
    ("护理型床位占比", "护理型床位数占养老机构床位总数比例"),  # 000 / 001 table
    ("护理型床位占比", "养老护理型床位占比"),  # 000 / 001
    ("养老护理型床位占比", "养老机构护理型床位占比"),  # 001 / 002
    ("护理型床位数占养老机构床位总数比例", "养老机构护理型床位占比"),  # 001 / 002
    ("用于支持发展养老服务福利彩票公益金", "社会福利彩票公益金用于支持发展养老服务"),  # 000 / 001
    ("用于支持发展养老服务福利彩票公益金", "全市各级福利彩票公益金投入养老服务的比例"),  # 000 / 002
    ("用于支持发展养老服务福利彩票公益金", "福彩公益金用于养老服务的比例"),  # 000 / 004
    ("全市各级福利彩票公益金投入养老服务的比例", "福彩公益金用于养老服务的比例"),  # 002 / 004
    ("每千人配备托位", "每千常住人口拥有3岁以下婴幼儿托位数"),  # 000 / 001 table
    ("每千人配备托位", "每千人口拥有3岁以下婴幼儿托位数"),  # 000 / 001
    ("城市社区日间照料服务设施覆盖率", "社区日间照料机构覆盖率"),  # 000 / 002
    ("适龄儿童国家免疫规划疫苗接种率", "适龄儿童免疫规划疫苗接种率"),  # 000 / 001
    ("新建居住(小)区配建养老服务设施达标率", "新建城区、新建居住(小)区配建养老服务设施达标率"),  # 001 / 002
    ("二级及以上综合性医院设立符合标准的老年医学科的比例", "二级及以上综合性医院设立老年医学科的比例"),  # 001 / 002
    ("示范性婴幼儿照护服务机构", "各市(州)示范性婴幼儿照护服务机构"),  # 000 / 004
    ("每百张养老机构床位配备社会工作者", "每百张养老机构床位配备社会工作者数"),  # 000 / 001
    ("建有老年学校的乡镇(街道)", "乡镇(街道)建有老年大学分校(老年学校)比例"),  # 000 / 001
    ("行政村(社区)建有老年大学学习点", "乡镇(村、社区)建有老年大学(老年学校)学习点"),  # 000 / 001 (extracted phrases)
    ("福彩公益金按照比例用于养老服务", "用于支持发展养老服务福利彩票公益金"),  # 004 / 000 (extracted phrases)
    ("城镇社区托育机构", "托育机构"),  # 004 gold / a shorter extraction of it
]

# pairs that share words but name DIFFERENT indicators
DIFFERENT = [
    ("社区日间照料机构覆盖率", "社区托育服务设施覆盖率"),  # 002 / 001
    ("城市社区日间照料服务设施覆盖率", "社区托育服务设施覆盖率"),  # 000 / 001
    ("基本养老保险参保率", "基本医疗保险参保率"),  # 000 / 000
    ("三级老年医院", "二级老年医院"),  # 001
    ("新生儿听力筛查率", "新生儿访视率"),  # 000
    ("每千名老年人配备社会工作者", "每百张养老机构床位配备社会工作者"),  # 000
    ("护理型床位占比", "特困人员供养服务设施(敬老院)护理型床位占比"),  # 000: general vs special-care facilities
    ("养老机构护理型床位占比", "农村特困人员供养服务机构护理型床位占比"),  # 002 / 001
    ("护理型床位占比", "基层医疗卫生机构护理床位占比"),  # 000 / 002: care homes vs primary health care
    ("普惠性托位占比", "护理型床位占比"),  # 000
    ("每千人配备托位", "2万人以上城市社区托位"),  # 000 / 004
    ("有集中供养意愿的特困人员集中供养率", "生活不能自理特困人员集中供养率"),  # 000 / 001
    ("城市街道综合性养老服务中心建成率", "乡(镇、街道)层面区域养老服务中心建有率"),  # 001 / 004
    ("社区托育服务设施覆盖率", "新建居住社区配套托育服务设施覆盖率"),  # 001
    ("政府运营养老床位比例", "养老机构护理型床位占比"),  # 004 / 002
    ("等级养老机构占比", "养老机构护理型床位占比"),  # 001 / 002
    ("建有老年学校的乡镇(街道)", "建有老年大学学习点的行政村(社区)"),  # 000
    ("养老服务床位总量", "养老服务人员培训人数"),  # 000 / 001
    ("累计培训养老护理员", "养老护理员岗前培训率"),  # 001 / 002
    ("儿童健康管理率", "65岁以上老年人健康管理率"),  # 000 / 001
    ("全市各级福利彩票公益金投入养老服务的比例", "养老机构护理型床位占比"),  # 002
    ("登记备案的托育机构数", "托育机构"),  # 001 / 004 (a short extraction of 城镇社区托育机构)
    ("登记备案的托育机构数", "城镇社区托育机构"),  # 001 / 004
]


def _aligns(a: str, b: str) -> bool:
    s = matcher().compare(a, b)
    return not s.vetoed and s.score >= matcher().cfg.similarity.threshold


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_indicator_phrases_align(a: str, b: str) -> None:
    s = matcher().compare(a, b)
    assert not s.vetoed, s.reason
    assert s.score >= matcher().cfg.similarity.threshold, s
    assert s.shared  # --explain has words to show


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_indicator_phrases_do_not_align(a: str, b: str) -> None:
    assert not _aligns(a, b)
    assert not _aligns(b, a)


def test_domain_terms_stay_whole() -> None:
    words = matcher().phrase("特困人员供养服务设施(敬老院)护理型床位占比").words
    assert "护理型床位" in words
    assert "特困人员" in words


def test_normalise_share_and_lottery() -> None:
    cfg = matcher().cfg
    assert cfg.normalise("护理型床位数占养老机构床位总数比例") == "护理型床位占比"
    assert cfg.normalise("全市各级福利彩票公益金投入养老服务的比例") == "福彩公益金投入养老服务占比"


_phrases = st.sampled_from(sorted({p for pair in SAME + DIFFERENT for p in pair}))


@settings(max_examples=60, deadline=None)
@given(_phrases, _phrases)
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    ab, ba = matcher().compare(a, b), matcher().compare(b, a)
    assert ab.score == pytest.approx(ba.score)
    assert ab.vetoed == ba.vetoed
    assert 0.0 <= ab.score <= 1.0
    assert matcher().compare(a, a).score == 1.0


# ---- whole documents: the five gold documents of the corpus ----


@cache
def gold_table(taxonomy: bool = True) -> DiffTable:
    return Aligner(ruleset_for(str(ROOT / "rules")), taxonomy=taxonomy).align(gold_documents())


def _row_of(table: DiffTable, label: str, phrase: str) -> Row:
    rows = [r for r in table.rows if any(e.indicator == phrase for e in r.cells[label])]
    assert len(rows) == 1, f"{label} {phrase}: {len(rows)} rows"
    return rows[0]


DONE_WHEN = [
    # the share of the welfare-lottery fund for elderly care: 泊头 000, 扬州 001, 郑州 002, 贵州 004
    (
        {
            "泊头市": "用于支持发展养老服务福利彩票公益金",
            "扬州市": "社会福利彩票公益金用于支持发展养老服务",
            "郑州市": "全市各级福利彩票公益金投入养老服务的比例",
            "贵州省": "福彩公益金用于养老服务的比例",
        }
    ),
    ({"泊头市": "护理型床位占比", "扬州市": "护理型床位数占养老机构床位总数比例", "郑州市": "养老机构护理型床位占比"}),
    ({"泊头市": "每千人配备托位", "扬州市": "每千常住人口拥有3岁以下婴幼儿托位数"}),
]


@pytest.mark.parametrize("taxonomy", [True, False], ids=["with-keys", "phrases-only"])
@pytest.mark.parametrize("cells", DONE_WHEN)
def test_corpus_indicators_line_up(cells: dict[str, str], taxonomy: bool) -> None:
    table = gold_table(taxonomy)
    rows = {id(_row_of(table, label, phrase)) for label, phrase in cells.items()}
    assert len(rows) == 1


@pytest.mark.parametrize("taxonomy", [True, False], ids=["with-keys", "phrases-only"])
def test_no_row_pairs_two_known_indicators(rules: RuleSet, taxonomy: bool) -> None:
    """Phrases alone never put two indicators the taxonomy tells apart into one row."""
    for row in gold_table(taxonomy).rows:
        keys = {indicator_key(e.indicator, rules) for entries in row.cells.values() for e in entries}
        assert len(keys - {None}) <= 1, (row.indicator, keys)


def test_every_target_lands_in_exactly_one_row() -> None:
    table = gold_table()
    placed = [(label, e.target_id) for r in table.rows for label, es in r.cells.items() for e in es]
    expected = [(c.label, t.id) for c, d in gold_documents() for t in d.targets]
    assert sorted(placed) == sorted(expected)


def test_rows_keep_units_apart_unless_rules_convert(rules: RuleSet) -> None:
    cfg = rules.get(DiffRules)
    for row in gold_table().rows:
        for entries in row.cells.values():
            for e in entries:
                assert cfg.factor(e.unit, row.unit) is not None, (row.indicator, e.unit, row.unit)


def test_shared_rows_come_first_most_shared_first() -> None:
    coverage = [r.coverage for r in gold_table().rows]
    assert coverage == sorted(coverage, reverse=True)
    assert gold_table().rows[0].indicator_key == "welfare_lottery_elderly_share"


# ---- constructed documents: units, years, labels ----


def _doc(doc_id: str, region: str | None, *targets: tuple[str, float, str, int | None]) -> Document:
    return Document(
        doc_id=doc_id,
        source=Source(path=f"{doc_id}.txt", sha256="", encoding="utf-8", format="text"),
        meta=Meta(region=region),
        targets=[
            Target(
                id=f"{doc_id}-{i}",
                section=None,
                span=(0, 1),
                quote="x",
                rule="t",
                indicator=ind,
                value=v,
                unit=u,
                year=y,
            )
            for i, (ind, v, u, y) in enumerate(targets)
        ],
    )


def _columns(*docs: Document) -> list[tuple[Column, Document]]:
    from pathlib import Path

    cols = label_columns([(Path(d.source.path), d) for d in docs])
    return list(zip(cols, docs, strict=True))


def test_percent_and_per_mille_convert(rules: RuleSet) -> None:
    a = _doc("a", "甲市", ("婴儿死亡率", 5, "‰", 2025))
    b = _doc("b", "乙市", ("婴儿死亡率", 0.45, "%", 2025))
    table = align(_columns(a, b), rules)
    assert len(table.rows) == 1
    row = table.rows[0]
    values = sorted(e.row_value for es in row.cells.values() for e in es if e.row_value is not None)
    assert values == pytest.approx([0.45, 0.5] if row.unit == "%" else [4.5, 5])


def test_same_phrase_different_units_never_share_a_row(rules: RuleSet) -> None:
    a = _doc("a", "甲市", ("普惠性托位", 20, "%", 2025))
    b = _doc("b", "乙市", ("普惠性托位", 2000, "个", 2025))
    assert len(align(_columns(a, b), rules).rows) == 2


def test_same_indicator_different_years_share_a_row(rules: RuleSet) -> None:
    a = _doc("a", "甲市", ("护理型床位占比", 55, "%", 2025))
    b = _doc("b", "乙市", ("养老机构护理型床位占比", 50, "%", 2023))
    (row,) = align(_columns(a, b), rules).rows
    assert [e.year for es in row.cells.values() for e in es] == [2025, 2023]


def test_one_document_two_values_for_one_year_are_two_indicators(rules: RuleSet) -> None:
    # 000 gives 配备托位 twice for 2025: 2608 places in all and 10 demonstration institutions
    a = _doc("a", "甲市", ("配备托位", 2608, "个", 2025), ("配备托位", 10, "个", 2025))
    b = _doc(
        "b", "乙市", ("必须按照人均用地标准", 0.2, "平方米", None), ("按照人均用地标准预留用地", 0.1, "平方米", None)
    )
    assert len(align(_columns(a, b), rules).rows) == 4


def test_one_document_restating_a_target_keeps_one_row(rules: RuleSet) -> None:
    a = _doc("a", "甲市", ("普惠性托位占比", 10, "%", 2023), ("普惠性托位占比", 20, "%", 2025))
    b = _doc(
        "b", "乙市", ("社区日间照料机构覆盖率", 100, "%", 2025), ("城市社区日间照料服务设施覆盖率", 100, "%", 2025)
    )
    assert sorted(r.coverage for r in align(_columns(a, b), rules).rows) == [1, 1]
    assert len(align(_columns(a, b), rules).rows) == 2


def test_labels_region_then_file_name_and_duplicates_told_apart() -> None:
    from pathlib import Path

    docs = [_doc("x1", "扬州市"), _doc("x2", "扬州市"), _doc("x3", None)]
    labels = [c.label for c in label_columns([(Path(f"{d.doc_id}.json"), d) for d in docs])]
    assert labels == ["扬州市 (x1)", "扬州市 (x2)", "x3"]


def test_min_cities_keeps_shared_rows() -> None:
    table = gold_table().keep(3)
    assert table.rows
    assert all(r.coverage >= 3 for r in table.rows)
    assert {"welfare_lottery_elderly_share", "nursing_bed_share"} <= {r.indicator_key for r in table.rows}


def _grouping(table: DiffTable) -> set[frozenset[tuple[str, str]]]:
    return {frozenset((label, e.target_id) for label, es in r.cells.items() for e in es) for r in table.rows}


@settings(max_examples=8, deadline=None)
@given(st.permutations(range(5)), st.booleans())
def test_rows_do_not_depend_on_document_order(order: list[int], taxonomy: bool) -> None:
    docs = gold_documents()
    shuffled = Aligner(ruleset_for(str(ROOT / "rules")), taxonomy=taxonomy).align([docs[i] for i in order])
    assert _grouping(shuffled) == _grouping(gold_table(taxonomy))


def test_a_typo_in_diff_yaml_fails_loudly(tmp_path: Path) -> None:
    for f in (ROOT / "rules").glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "diff.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\nthreshhold: 0.5\n")
    with pytest.raises(RuleError, match=r"diff\.yaml.*threshhold"):
        RuleSet(tmp_path).get(DiffRules)
