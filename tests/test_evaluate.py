"""policyx eval: the scoring semantics on small hand-made gold/prediction pairs with known answers,
and agreement with the independent reference scorer when it is present (../shared/tools/score_gold.py).

The quotes are real sentences of corpus/ (from tests/gold/), so the edge cases are the ones the
corpus actually raises: full-width brackets and percent signs, spaced quotes, nested list numbers.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from policyx.batch import collect_inputs, run_batch
from policyx.cli import app
from policyx.evaluate import GoldError, evaluate, load_gold, load_outputs, score_document
from policyx.evaluate.floors import FloorError, load_floors, lowered_floors, unmet_floors
from policyx.evaluate.match import match_responsibilities, match_sections, match_targets, predicted_section_keys
from policyx.evaluate.text import char_f1, lcs_len, norm, num_eq, overlap, prf
from policyx.rules import RuleSet

from conftest import CORPUS, GOLD, ROOT

SCORER = ROOT.parent / "shared" / "tools" / "score_gold.py"


def tgt(quote: str, value: float, unit: str = "%", **extra: Any) -> dict[str, Any]:
    return {"quote": quote, "value": value, "unit": unit, **extra}


def resp(quote: str, units: list[str], lead: list[str] | None = None) -> dict[str, Any]:
    return {"quote": quote, "units": units, "lead": lead or []}


def doc(**parts: Any) -> dict[str, Any]:
    return {"source": {"path": "corpus/x.txt"}, "text": "", "meta": {}, **parts}


# ---------------------------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("特困人员供养服务设施（敬老院）护理型床位占比", "特困人员供养服务设施(敬老院)护理型床位占比"),
        ("护理型床位占比不低于５５％", "护理型床位占比不低于55%"),
        ("养老服务床位总量 达到\u30001600\n张", "养老服务床位总量达到1600张"),
        ("〔责任单位:市民政局〕", "〔责任单位:市民政局〕"),  # 〔〕 are not width variants: they stay
        (None, ""),
        (2025, "2025"),
    ],
)
def test_norm_folds_width_and_drops_white_space(raw: object, expected: str) -> None:
    assert norm(raw) == expected


def _lcs_dp(a: str, b: str) -> int:
    best, prev = 0, [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if ch == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


@given(st.text(alphabet="养老床位率达到%1", max_size=40), st.text(alphabet="养老床位率达到%1", max_size=40))
def test_lcs_len_is_the_longest_common_substring(a: str, b: str) -> None:
    assert lcs_len(a, b) == _lcs_dp(a, b)


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_overlap_is_symmetric_bounded_and_one_on_containment(a: str, b: str) -> None:
    o = overlap(a, b)
    assert o == overlap(b, a)
    assert 0.0 <= o <= 1.0
    if norm(a):
        assert overlap(a, a + b) == 1.0


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("护理型床位占比不低于55%", "到2025年,护理型床位占比不低于55%", 1.0),  # inside
        ("养老服务床位总量达到1600张", "床位总量达到1600张以上", 11 / 13),  # 床位总量达到1600张 of the shorter
        ("新生儿访视率达到85%以上", "", 0.0),
        ("〔责任单位:市民政局、市卫健局〕", "〔责任单位：市民政局、市卫健局〕", 1.0),  # full-width colon folds
    ],
)
def test_overlap_on_corpus_quotes(gold: str, pred: str, expected: float) -> None:
    assert overlap(gold, pred) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (55, 55.0, True),
        (55, 55.01, True),  # to 0.01
        (55, 55.02, False),
        (33.33, 100 / 3, True),
        (10_000_000, 10_000_009, True),  # one part in a million for large values
        (10_000_000, 10_000_011, False),
        ("4.5", 4.5, True),
        (None, 0, False),
        ("约五成", 50, False),
    ],
)
def test_num_eq(a: object, b: object, equal: bool) -> None:
    assert num_eq(a, b) is equal


@pytest.mark.parametrize(
    ("gold", "pred", "at_least_half"),
    [
        ("养老服务床位总量", "养老服务床位总量", True),
        ("每千人配备托位", "每千人口拥有托位数", True),  # 每千人托位: 5 of 7 and 9
        ("护理型床位占比", "覆盖率", False),
        ("普惠性托位占比", "", False),
    ],
)
def test_indicator_char_f1(gold: str, pred: str, at_least_half: bool) -> None:
    assert (char_f1(gold, pred) >= 0.5) is at_least_half


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((0, 0, 0), (1.0, 1.0, 1.0)),  # nothing expected, nothing found: perfect
        ((0, 3, 0), (0.0, 1.0, 0.0)),
        ((0, 0, 4), (0.0, 0.0, 0.0)),
        ((3, 1, 2), (0.75, 0.6, 2 * 0.75 * 0.6 / 1.35)),
    ],
)
def test_prf_edges(counts: tuple[int, int, int], expected: tuple[float, float, float]) -> None:
    assert prf(*counts) == pytest.approx(expected)


# ------------------------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("gold", "pred", "matched"),
    [
        (tgt("护理型床位占比不低于55%", 55), tgt("护理型床位占比不低于55%", 55.004), True),
        (tgt("护理型床位占比不低于55%", 55), tgt("护理型床位占比不低于55%", 55.5), False),  # value differs
        (tgt("护理型床位占比不低于55%", 55, "%"), tgt("护理型床位占比不低于55％", 55, "％"), True),  # unit folds
        (tgt("新增居家适老化改造户数", 10000, "户"), tgt("新增居家适老化改造户数", 1, "万户"), False),  # unit differs
        (tgt("80周岁以上老年人能力评估", 80), tgt("老年人能力评价占比达80", 80), False),  # 老年人能力评: 6/12
        (tgt("老年人能力评估占比", 80), tgt("老年人能力评价", 80), True),  # 6/7
        (tgt("应达到10个机构以上", 10, "个"), tgt("示范性婴幼儿照护服务机构应达到10个", 10, "个"), True),  # 6/10
        (tgt("每千人配备托位4.5个", 4.5, "个"), tgt("每千人配备托位", 4.5, "个"), True),  # prediction inside gold
    ],
)
def test_target_pairs_need_value_unit_and_quote_overlap(
    gold: dict[str, Any], pred: dict[str, Any], matched: bool
) -> None:
    assert (match_targets([gold], [pred]) == [(0, 0)]) is matched


def test_quote_overlap_threshold_is_inclusive_at_six_tenths() -> None:
    assert overlap("abcdefghij", "abcdefXXXX") == pytest.approx(0.6)
    assert match_targets([tgt("abcdefghij", 1)], [tgt("abcdefXXXX", 1)]) == [(0, 0)]
    assert match_targets([tgt("abcdefghij", 1)], [tgt("abcdeXXXXX", 1)]) == []


def test_targets_pair_one_to_one_by_best_overlap() -> None:
    # two gold targets with the same value; the first prediction covers the second gold best
    gold = [tgt("普惠性托位占比2023年达到10%以上", 10), tgt("培训补贴上浮10%", 10)]
    pred = [tgt("培训补贴上浮10%", 10), tgt("普惠性托位占比2023年达到10%", 10), tgt("托位占比达到10%", 10)]
    assert match_targets(gold, pred) == [(0, 1), (1, 0)]
    # one gold, two equally good predictions: the first wins, the other is a false positive
    score = score_document(
        {"targets": [tgt("新生儿访视率达到85%以上", 85)]},
        doc(targets=[tgt("新生儿访视率达到85%", 85), tgt("新生儿访视率达到85%", 85)]),
    )
    assert (score.targets.tp, score.targets.fp, score.targets.fn) == (1, 1, 0)
    assert score.targets_fp == ["新生儿访视率达到85% -> 85%"]


_QUOTES = [
    "护理型床位占比不低于55%",
    "护理型床位占比达到55%",
    "新生儿访视率达到85%以上",
    "新生儿访视率85%",
    "培训补贴上浮10%",
]
_targets = st.lists(
    st.builds(tgt, st.sampled_from(_QUOTES), st.sampled_from([10, 55, 85]), st.sampled_from(["%", "％", "个"])),
    max_size=6,
)


@given(_targets, _targets)
def test_target_pairing_is_one_to_one_valid_and_maximal(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
    pairs = match_targets(gold, pred)
    assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
    assert all(match_targets([gold[g]], [pred[p]]) == [(0, 0)] for g, p in pairs)
    free_g = set(range(len(gold))) - {g for g, _ in pairs}
    free_p = set(range(len(pred))) - {p for _, p in pairs}
    # greedy leaves no pair that could still be made
    assert not any(match_targets([gold[g]], [pred[p]]) for g in free_g for p in free_p)


def test_fields_scored_on_matched_targets_only() -> None:
    gold = {
        "targets": [
            tgt(
                "每千人配备托位4.5个",
                4.5,
                "个",
                indicator="每千人配备托位",
                comparator="=",
                year=2025,
                baseline={"value": 0.2, "year": 2020},
            ),
            tgt(
                "护理型床位占比不低于55%", 55, indicator="护理型床位占比", comparator=">=", year=2025, binding="binding"
            ),
            tgt("新生儿听力筛查率达到80%以上", 80, indicator="新生儿听力筛查率", comparator=">=", year=None),
            tgt("儿童健康管理率达到85%", 85, indicator="儿童健康管理率"),
        ]
    }
    pred = doc(
        targets=[
            tgt(
                "每千人配备托位4.5个",
                4.5,
                "个",
                indicator="托位",
                comparator=None,
                year=2025,
                baseline={"value": 0.2, "year": None},
            ),
            tgt(
                "护理型床位占比不低于55%", 55, indicator="护理型床位占比", comparator=">", year=2020, binding="expected"
            ),
            tgt(
                "新生儿听力筛查率达到80%以上",
                80,
                indicator="新生儿听力筛查率",
                comparator=">=",
                year=None,
                baseline={"value": 70},
            ),
            # 儿童健康管理率 is missed; this one matches nothing
            tgt("儿童健康管理率达到85%", 58, indicator="儿童健康管理率"),
        ]
    )
    score = score_document(gold, pred)
    f = score.target_fields
    assert (f["comparator"].ok, f["comparator"].total) == (2, 3)  # a missing comparator reads as "="
    assert (f["year"].ok, f["year"].total) == (2, 3)
    assert (f["indicator"].ok, f["indicator"].total) == (2, 3)  # 托位 vs 每千人配备托位: F1 0.44
    assert (f["baseline"].ok, f["baseline"].total) == (1, 2)  # a predicted baseline the gold lacks is wrong
    assert (f["binding"].ok, f["binding"].total) == (0, 1)  # only where the gold states binding
    # each wrong field is listed for the rule writer: field, gold quote, gold value, predicted value
    assert [(name, quote) for name, quote, _, _ in score.field_misses] == [
        ("indicator", "每千人配备托位4.5个"),
        ("comparator", "护理型床位占比不低于55%"),
        ("year", "护理型床位占比不低于55%"),
        ("binding", "护理型床位占比不低于55%"),
        ("baseline", "新生儿听力筛查率达到80%以上"),
    ]
    assert ("year", "护理型床位占比不低于55%", 2025, 2020) in score.field_misses


# ------------------------------------------------------------------------------------------ sections


def _sec(sid: str, number: str | None, title: str, parent: str | None = None) -> dict[str, Any]:
    return {"id": sid, "number": number, "title": title, "parent": parent}


def test_section_paths_walk_parents_and_unnumbered_headings_stand_by_title() -> None:
    pred = [
        _sec("s1", "三", "主要任务"),
        _sec("s2", "(一)", "完善养老服务体系", "s1"),
        _sec("s3", "1", "提升居家社区养老服务能力", "s2"),
        _sec("s4", None, "附件", None),
        _sec("s5", "1", "重点任务分工表", "s4"),
    ]
    assert [path for path, _ in predicted_section_keys(pred)] == [
        ("三",),
        ("三", "(一)"),
        ("三", "(一)", "1"),
        ("附件",),
        ("附件", "1"),
    ]


@pytest.mark.parametrize(
    ("gold_path", "gold_title", "hit"),
    [
        (["三", "(一)", "1"], "提升居家社区养老服务能力", True),
        (["三", "(一)", "1"], "提升居家服务", True),  # the first 4 characters decide
        (["三", "(一)", "1"], "提高居家社区养老服务能力", False),
        (["三", "（一）", "1"], "提升居家社区养老服务能力", True),  # full-width brackets fold
        (["三", "1"], "提升居家社区养老服务能力", False),  # a path must name every level
        (["附件", "1"], "重点", True),  # a gold title shorter than 4 compares whole
        (["附件", "1"], "", True),  # no title: the path decides
    ],
)
def test_section_match_on_path_and_title_prefix(gold_path: list[str], gold_title: str, hit: bool) -> None:
    pred = [
        _sec("s1", "三", "主要任务"),
        _sec("s2", "(一)", "完善养老服务体系", "s1"),
        _sec("s3", "1", "提升居家社区养老服务能力", "s2"),
        _sec("s4", None, "附件"),
        _sec("s5", "1", "重点任务分工表", "s4"),
    ]
    gold = [((*(norm(p) for p in gold_path),), norm(gold_title))]
    found = match_sections(gold, predicted_section_keys(pred))
    assert (found[0] is not None) is hit


def test_a_predicted_section_matches_one_gold_section_only() -> None:
    gold = {"sections": [{"path": ["一"], "title": "总体要求"}, {"path": ["一"], "title": "总体要求"}]}
    score = score_document(gold, doc(sections=[_sec("s1", "一", "总体要求")]))
    assert (score.sections.tp, score.sections.fp, score.sections.fn) == (1, 0, 1)
    assert score.sections_miss == ["一 总体要求"]


# ---------------------------------------------------------------------------------- responsibilities


@pytest.mark.parametrize(
    ("gold_units", "pred_units", "matched"),
    [
        (["市民政局", "市卫健局"], ["市民政局", "市卫健局"], True),
        (["市民政局", "市卫健局"], ["市民政局"], True),  # Jaccard 1/2
        (["市民政局", "市卫健局", "市医保局"], ["市民政局"], False),  # 1/3
        (["市民政局"], ["市民政局", "市卫健局", "市医保局"], False),
        (["市民政局"], ["市民政局 "], True),  # white space is not a difference
        ([], [], False),  # a gold record without units never matches
    ],
)
def test_responsibilities_need_overlapping_quotes_and_units_jaccard_half(
    gold_units: list[str], pred_units: list[str], matched: bool
) -> None:
    quote = "〔责任单位:市民政局、市卫健局、市医保局〕"
    assert (match_responsibilities([resp(quote, gold_units)], [resp(quote, pred_units)]) == [(0, 0)]) is matched


def test_responsibility_unit_counts_and_lead() -> None:
    gold = {
        "responsibilities": [
            resp("市发展改革委、市民政局、市卫健委牵头", ["市发展改革委", "市民政局", "市卫健委"], ["市发展改革委"]),
            resp("〔责任单位:市人社局、市教体局〕", ["市人社局", "市教体局"]),
            resp("〔责任单位:市妇联、市妇联〕", ["市妇联", "市妇联"]),  # unmatched: counted as written
        ]
    }
    pred = doc(
        responsibilities=[
            resp("市发展改革委、市民政局、市卫健委牵头", ["市发展改革委", "市民政局", "市财政局"], ["市发展改革委"]),
            resp("〔责任单位:市人社局、市教体局〕", ["市人社局", "市教体局"], ["市人社局"]),
            resp("〔责任单位:市税务局〕", ["市税务局"]),
        ]
    )
    s = score_document(gold, pred)
    assert (s.resp.tp, s.resp.fp, s.resp.fn) == (2, 1, 1)
    assert (s.resp_units.tp, s.resp_units.fp, s.resp_units.fn) == (4, 1 + 1, 1 + 2)
    assert (s.resp_lead.ok, s.resp_lead.total) == (1, 2)
    assert s.resp_miss == ["〔责任单位:市妇联、市妇联〕"]


# -------------------------------------------------------------------------------- meta and cleaning


def test_meta_and_cleaning() -> None:
    gold = {
        "meta": {
            "title": "泊头市“一老一小”整体解决方案",
            "issuer": None,
            "issued_on": "2022-03-10",
            "doc_type": "plan",
        },
        "boilerplate": ["网站地图", "打印本页"],
        "body": ["为贯彻落实积极应对人口老龄化国家战略", "健全监管体系"],
    }
    pred = doc(
        meta={"title": "泊头市“一老一小”整体解决方案 ", "issuer": "泊头市人民政府", "issued_on": "2022-03-11"},
        text="为贯彻落实积极应对人口老龄化 国家战略……打印本页",
    )
    s = score_document(gold, pred)
    assert (s.meta.ok, s.meta.total) == (1, 3)  # a null gold field is not scored
    assert s.meta_miss == [("issued_on", "2022-03-10", "2022-03-11"), ("doc_type", "plan", None)]
    assert (s.boilerplate_removed.ok, s.boilerplate_removed.total) == (1, 2)
    assert (s.body_kept.ok, s.body_kept.total) == (1, 2)


# ------------------------------------------------------------------------------------------- corpus


def test_a_missing_output_costs_its_gold_records_but_not_its_units() -> None:
    golds = {
        "a": {
            "sections": [{"path": ["一"], "title": "总体要求"}],
            "targets": [tgt("q", 1)],
            "responsibilities": [resp("r", ["市民政局"])],
        },
        "b": {"sections": [{"path": ["一"], "title": "总体要求"}]},
    }
    ev = evaluate(golds, {"b": doc(sections=[_sec("s1", "一", "总体要求")])})
    s = ev.summary()
    assert s["docs_missing"] == ["a"]
    assert (s["sections_p"], s["sections_r"]) == (1.0, 0.5)
    assert (s["targets_p"], s["targets_r"]) == (0.0, 0.0)
    assert s["resp_units_f1"] == 1.0  # the reference scorer leaves a missing document's units out
    assert s["tf_year"] is None
    assert evaluate(golds, {}).summary() == {
        "sections_f1": 0.0, "sections_p": 0.0, "sections_r": 0.0,
        "targets_f1": 0.0, "targets_p": 0.0, "targets_r": 0.0,
        "resp_f1": 0.0, "resp_p": 0.0, "resp_r": 0.0,
        "docs_missing": ["a", "b"],
    }  # fmt: skip


def test_gold_loads_keyed_by_document_stem() -> None:
    golds = load_gold(GOLD)
    assert sorted(golds) == sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert all(isinstance(g["targets"], list) for g in golds.values())


def test_two_gold_files_for_one_document_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("doc: 000_d432b4ee5b26c821.txt\ntargets: []\n", encoding="utf-8")
    with pytest.raises(GoldError, match="second gold file"):
        load_gold(tmp_path)


def test_a_perfect_prediction_scores_one(tmp_path: Path) -> None:
    golds = load_gold(GOLD)
    _write_predictions(tmp_path, golds, random.Random(0), noise=0.0)
    s = evaluate(golds, load_outputs(tmp_path)).summary()
    for key in ("sections_f1", "targets_f1", "resp_f1", "resp_units_f1", "meta", "body_kept", "boilerplate_removed",
                "tf_comparator", "tf_year", "tf_indicator", "tf_baseline", "tf_binding", "resp_lead"):  # fmt: skip
        assert s[key] == 1.0, key


# ----------------------------------------------------------------------------------------- floors


def test_floors_only_go_up(tmp_path: Path) -> None:
    assert lowered_floors({"targets_f1": [0.1, 0.4, 0.4], "sections_f1": [0.9, 0.8]}) == ["sections_f1"]
    path = tmp_path / "floors.yaml"
    path.write_text("floors:\n  targets_f1: [0.1, 0.4]\n  resp_f1: [0.5, 0.3]\n", encoding="utf-8")
    with pytest.raises(FloorError, match="resp_f1"):
        load_floors(path)
    path.write_text("floors:\n  targets_f1: [0.1, 0.4]\n  meta: 0.2\n", encoding="utf-8")
    assert load_floors(path) == {"targets_f1": 0.4, "meta": 0.2}


def test_unmet_floors() -> None:
    summary = {"targets_f1": 0.5, "resp_lead": None}
    assert unmet_floors(summary, {"targets_f1": 0.5, "resp_lead": 0.0}) == []
    assert len(unmet_floors(summary, {"targets_f1": 0.51})) == 1
    assert len(unmet_floors(summary, {"resp_lead": 0.2})) == 1  # nothing scored does not meet a real floor
    assert len(unmet_floors(summary, {"meta": 0.0})) == 1  # nor does an absent figure


# -------------------------------------------------------------------------------------------- CLI


def test_cli_json_and_floor_exit(tmp_path: Path) -> None:
    golds = load_gold(GOLD)
    _write_predictions(tmp_path, golds, random.Random(1), noise=0.3)
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(GOLD), str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] == evaluate(golds, load_outputs(tmp_path)).summary()
    assert set(data["per_doc"]) == set(golds)
    assert runner.invoke(app, ["eval", str(GOLD), str(tmp_path), "--floor", "sections_f1=1.01"]).exit_code == 1
    ok = runner.invoke(app, ["eval", str(GOLD), str(tmp_path), "--misses", "--floor", "body_kept=0"])
    assert ok.exit_code == 0
    assert "tgt miss" in ok.stdout and "overall" in ok.stdout
    assert runner.invoke(app, ["eval", str(GOLD)]).exit_code == 2  # neither OUT_DIR nor --docs
    assert "tgt field" in ok.stdout  # wrong fields of matched targets are listed too


JSON_DOC_KEYS = {
    "sections", "targets", "resp", "resp_units", "resp_lead", "meta", "boilerplate_removed", "body_kept",
    "target_fields", "figures", "sections_miss", "targets_miss", "targets_fp", "resp_miss", "meta_miss", "field_misses",
}  # fmt: skip


def test_json_structure_is_stable(tmp_path: Path) -> None:
    """Machines read --json: a change of shape must bump JSON_VERSION and this table together."""
    from policyx.evaluate.report import JSON_VERSION, evaluation_json

    golds = load_gold(GOLD)
    _write_predictions(tmp_path, golds, random.Random(2), noise=0.3)
    data = evaluation_json(evaluate(golds, load_outputs(tmp_path)))
    assert (JSON_VERSION, set(data)) == (1, {"version", "summary", "per_doc"})
    assert list(data["summary"]) == [
        *(f"{k}_{m}" for k in ("sections", "targets", "resp", "resp_units") for m in ("f1", "p", "r")),
        "meta", "boilerplate_removed", "body_kept", "resp_lead",
        "tf_comparator", "tf_year", "tf_indicator", "tf_baseline", "tf_binding", "docs_missing",
    ]  # fmt: skip
    for per_doc in data["per_doc"].values():
        assert set(per_doc) == JSON_DOC_KEYS
        assert set(per_doc["figures"]) == set(data["summary"]) - {"docs_missing"}


def test_cli_docs_extracts_only_documents_with_gold(tmp_path: Path) -> None:
    gold_dir, docs = tmp_path / "gold", tmp_path / "docs"
    gold_dir.mkdir()
    docs.mkdir()
    stem = "004_43f383356c749ae5"
    shutil.copy(GOLD / f"{stem}.yaml", gold_dir)
    shutil.copy(CORPUS / f"{stem}.txt", docs)
    (docs / "unrelated.txt").write_bytes(b"\xff\xfe not a policy text")  # no gold: never extracted, no error
    result = CliRunner().invoke(app, ["eval", str(gold_dir), "--docs", str(docs), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["per_doc"]) == [stem]
    assert data["summary"]["docs_missing"] == []
    assert data["per_doc"][stem]["sections"][0] > 0


def test_cli_refuses_an_empty_gold_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 2


# -------------------------------------------------------------------------- agreement with the reference


def _write_predictions(out: Path, golds: dict[str, Any], rng: random.Random, noise: float) -> None:
    """Predicted documents made from the gold, each record kept, bent or dropped at random, plus inventions."""

    def bent() -> bool:
        return rng.random() < noise

    for stem, gold in golds.items():
        secs: list[dict[str, Any]] = []
        ids: dict[tuple[str, ...], str] = {}
        for i, s in enumerate(gold.get("sections") or []):
            path = tuple(s["path"])
            if bent() and rng.random() < 0.3:
                continue
            title = s["title"] if not bent() else "改" + s["title"]
            number = None if path[-1] == s["title"] else path[-1]
            ids[path] = f"s{i}"
            secs.append({"id": f"s{i}", "number": number, "title": title, "parent": ids.get(path[:-1]),
                         "level": len(path), "span": [0, 0], "rule": "test"})  # fmt: skip
        targets: list[dict[str, Any]] = []
        for t in gold.get("targets") or []:
            if bent() and rng.random() < 0.3:
                continue
            p = dict(t)
            if bent():
                p["quote"] = (t.get("quote") or "")[: max(1, len(t.get("quote") or "") // 2)]
            if bent():
                p["value"] = float(t["value"]) + rng.choice([0.005, 0.5, 1])
            if bent():
                p["comparator"] = rng.choice([">=", "=", None, "~"])
            if bent():
                p["year"] = rng.choice([None, 2020, 2025])
            if bent():
                p["indicator"] = (t.get("indicator") or "")[-2:]
            if bent():
                p["baseline"] = rng.choice([None, {"value": 1.0, "year": 2020}])
            if bent():
                p["binding"] = rng.choice([None, "binding", "expected"])
            targets.append(p)
            if bent():  # a duplicate competes for the same gold target
                targets.append(dict(p, quote="到2025年," + str(p.get("quote"))))
        if bent():
            targets.append(tgt("全市户籍人口达到100万人", 100, "万人"))
        resps = []
        for r in gold.get("responsibilities") or []:
            if bent() and rng.random() < 0.3:
                continue
            units = list(r.get("units") or [])
            if bent() and units:
                units = units[: rng.randint(0, len(units))] + (["市财政局"] if bent() else [])
            lead = list(r.get("lead") or []) if not bent() else units[:1]
            resps.append({"quote": r.get("quote"), "units": units, "lead": lead})
        meta = {k: (v if not bent() else None) for k, v in (gold.get("meta") or {}).items()}
        text = "\n".join([*(gold.get("body") or [])[: None if not bent() else 1], *(
            b for b in gold.get("boilerplate") or [] if bent())])  # fmt: skip
        out_doc = doc(meta=meta, text=text, sections=secs, targets=targets, responsibilities=resps)
        out_doc["source"] = {"path": f"corpus/{gold['doc']}"}
        (out / f"{stem}.json").write_text(json.dumps(out_doc, ensure_ascii=False), encoding="utf-8")
    (out / "manifest.json").write_text("{}", encoding="utf-8")


def _reference(out: Path) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), str(out), "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)


def _assert_agree(out: Path) -> None:
    ref = _reference(out)
    result = CliRunner().invoke(app, ["eval", str(GOLD), str(out), "--json"])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)
    assert ours["summary"] == ref["summary"]
    assert set(ours["per_doc"]) == set(ref["per_doc"])
    for stem, theirs in ref["per_doc"].items():
        mine = ours["per_doc"][stem]
        assert (mine is None) == (theirs is None), stem
        if theirs is None:
            continue
        for key, value in theirs.items():  # every count and every miss line, in order
            assert json.loads(json.dumps(mine[key], ensure_ascii=False)) == value, (stem, key)


needs_reference = pytest.mark.skipif(not SCORER.is_file(), reason="../shared/tools/score_gold.py is not present")


@needs_reference
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_reference_on_bent_gold(tmp_path: Path, seed: int) -> None:
    _write_predictions(tmp_path, load_gold(GOLD), random.Random(seed), noise=0.25 + 0.1 * seed)
    _assert_agree(tmp_path)


@needs_reference
def test_agrees_with_reference_with_a_document_missing(tmp_path: Path) -> None:
    _write_predictions(tmp_path, load_gold(GOLD), random.Random(9), noise=0.2)
    next(p for p in sorted(tmp_path.glob("*.json")) if p.name != "manifest.json").unlink()
    _assert_agree(tmp_path)


@needs_reference
def test_agrees_with_reference_on_the_real_extraction(tmp_path: Path, rules: RuleSet) -> None:
    run_batch(collect_inputs([CORPUS], rules), tmp_path, rules=rules, jobs=1)
    _assert_agree(tmp_path)
