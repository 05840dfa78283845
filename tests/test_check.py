"""``policyx check``: each sanity rule fires on a document made to break it, and only then; findings point at the
raw file's line:col; a changed golden output is reported record by record; ``--changed-since`` in a real git repo.

The documents are built from real sentences of corpus/000 (泊头市). Records are set explicitly on the extracted
Document, so these tests hold whatever the extraction stages produce while they are being written.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from policyx.check import check_file, locate
from policyx.checks.config import CheckRules
from policyx.checks.golden import diff_documents
from policyx.checks.rawpos import RawLocator, fold
from policyx.checks.report import format_github
from policyx.checks.sanity import check_schema, run_sanity
from policyx.cli import app
from policyx.models import Document, DocWarning, Meta, Responsibility, Target
from policyx.pipeline import extract_document
from policyx.rules import RuleSet

from conftest import CORPUS

# line numbers matter: tests assert the raw line a finding points at
PLAN = """泊头市“一老一小”整体解决方案
一、实施背景
截至2020年底,全市累计建成养老机构6家,床位达到1312张。
二、发展目标
养老方面:到2025年底,养老服务体系更加健全,养老服务床位总量达到1600张。城市社区日间照料服务设施覆盖率达到100%;护理型床位占比不低于55%。〔责任单位:市民政局、市卫健局〕
三、重点任务
持续推进特困人员供养服务设施(敬老院)改造提升,到2025年特困人员供养服务设施(敬老院)护理型床位占比不少于60%。〔责任单位:市民政局、市卫健局〕
"""
GOOD_META = Meta(title="泊头市“一老一小”整体解决方案", region="泊头市", issued_on="2022-03-10", doc_type="plan")


def _target(doc: Document, quote: str, indicator: str, value: float, unit: str, year: int | None = 2025) -> Target:
    start = doc.text.index(quote)
    return Target(
        id=f"t{start}",
        section=None,
        span=(start, start + len(quote)),
        quote=quote,
        rule="test",
        indicator=indicator,
        value=value,
        unit=unit,
        year=year,
    )


def _resp(doc: Document, quote: str) -> Responsibility:
    start = doc.text.index(quote)
    return Responsibility(
        id=f"r{start}", section=None, span=(start, start + len(quote)), quote=quote, rule="test", units=["市民政局"]
    )


def _good_records(doc: Document) -> dict[str, object]:
    return {
        "meta": GOOD_META,
        "targets": [_target(doc, "护理型床位占比不低于55%", "护理型床位占比", 55, "%")],
        "responsibilities": [_resp(doc, "〔责任单位:市民政局、市卫健局〕")],
        "warnings": [],
    }


def _doc(tmp_path: Path, rules: RuleSet, raw: str, edit: Callable[[Document], dict[str, object]]) -> Document:
    path = tmp_path / "plan.txt"
    path.write_text(raw, encoding="utf-8")
    doc = extract_document(path, rules=rules)
    return doc.model_copy(update={**_good_records(doc), **edit(doc)})


def _rule_ids(doc: Document, rules: RuleSet) -> list[str]:
    return [f.rule for f in run_sanity(doc, rules.get(CheckRules))]


def test_the_good_plan_passes_every_sanity_rule(tmp_path: Path, rules: RuleSet) -> None:
    doc = _doc(tmp_path, rules, PLAN, lambda d: {})
    assert _rule_ids(doc, rules) == []


# (rule expected to fire, raw text, what to change on the Document, raw line the finding points at or None)
BREAKS: list[tuple[str, str, Callable[[Document], dict[str, object]], int | None]] = [
    (
        "check.percent_over_100",
        PLAN.replace("覆盖率达到100%", "覆盖率达到150%"),
        lambda d: {"targets": [_target(d, "城市社区日间照料服务设施覆盖率达到150%", "覆盖率", 150, "%")]},
        5,
    ),
    (
        "check.percent_over_100",
        PLAN,
        lambda d: {
            "targets": [
                _target(d, "护理型床位占比不低于55%", "护理型床位占比", 55, "%").model_copy(update={"value_max": 155.0})
            ]
        },
        5,
    ),
    (
        "check.target_year",
        PLAN.replace("到2025年特困", "到2045年特困"),
        lambda d: {"targets": [_target(d, "护理型床位占比不少于60%", "护理型床位占比", 60, "%", year=2045)]},
        7,
    ),
    (
        "check.target_year",
        PLAN.replace("到2025年特困", "到2020年特困"),
        lambda d: {"targets": [_target(d, "护理型床位占比不少于60%", "护理型床位占比", 60, "%", year=2020)]},
        7,
    ),
    ("check.heading_numbers", PLAN.replace("三、重点任务", "五、重点任务"), lambda d: {"warnings": d.warnings}, 6),
    ("check.heading_numbers", PLAN.replace("三、重点任务", "二、重点任务"), lambda d: {"warnings": d.warnings}, 6),
    (
        "check.pipeline_warning",
        PLAN,
        lambda d: {"warnings": [DocWarning(code="table_unbuilt", message="x", span=(d.text.index("截至"), 30))]},
        3,
    ),
    ("check.unclosed_bracket", PLAN.replace("市卫健局〕\n三", "市卫健局\n三"), lambda d: {}, 5),
    ("check.unclosed_bracket", PLAN.replace("(敬老院)改造", "【敬老院改造"), lambda d: {}, 7),
    ("check.no_commitments", PLAN, lambda d: {"targets": [], "responsibilities": []}, None),
    (
        "check.no_commitments",
        PLAN,
        lambda d: {"targets": [], "responsibilities": [], "meta": GOOD_META.model_copy(update={"doc_type": "opinion"})},
        None,
    ),
    ("check.region_missing", PLAN, lambda d: {"meta": GOOD_META.model_copy(update={"region": None})}, None),
    (
        "check.provenance",
        PLAN,
        lambda d: {
            "targets": [
                _target(d, "护理型床位占比不低于55%", "护理型床位占比", 55, "%").model_copy(
                    update={"quote": "护理型床位占比不低于56%"}
                )
            ]
        },
        5,
    ),
    (
        "check.provenance",
        PLAN,
        lambda d: {
            "responsibilities": [_resp(d, "〔责任单位:市民政局、市卫健局〕").model_copy(update={"section": "s99"})]
        },
        5,
    ),
    (
        "check.boilerplate",
        "首页\n政务公开\n网站地图\n联系我们\n" * 60
        + PLAN
        + "主办单位:某市人民政府办公室 备案号:冀ICP备00000000号\n" * 3,
        lambda d: {},
        None,
    ),
]


@pytest.mark.parametrize(("rule", "raw", "edit", "line"), BREAKS, ids=[f"{b[0]}-{i}" for i, b in enumerate(BREAKS)])
def test_each_sanity_rule_fires_on_a_document_made_to_break_it(
    tmp_path: Path, rules: RuleSet, rule: str, raw: str, edit: Callable[[Document], dict[str, object]], line: int | None
) -> None:
    doc = _doc(tmp_path, rules, raw, edit)
    findings = run_sanity(doc, rules.get(CheckRules))
    assert [f.rule for f in findings] == [rule]
    locate(findings, doc)
    assert findings[0].line == line
    assert findings[0].severity == {c.id: c.severity for c in rules.get(CheckRules).all_checks()}[rule]


def test_percentage_points_above_100_are_fine(tmp_path: Path, rules: RuleSet) -> None:
    doc = _doc(tmp_path, rules, PLAN, lambda d: {"targets": [_target(d, "护理型床位占比不低于55%", "x", 150, "pp")]})
    assert _rule_ids(doc, rules) == []


def test_a_target_without_issue_date_is_not_judged(tmp_path: Path, rules: RuleSet) -> None:
    meta = GOOD_META.model_copy(update={"issued_on": None})
    doc = _doc(
        tmp_path,
        rules,
        PLAN,
        lambda d: {"meta": meta, "targets": [_target(d, "护理型床位占比不低于55%", "x", 5, "%", 2090)]},
    )
    assert _rule_ids(doc, rules) == []


def test_the_schema_check_reports_a_field_of_the_wrong_type(tmp_path: Path, rules: RuleSet) -> None:
    doc = _doc(tmp_path, rules, PLAN, lambda d: {})
    data = doc.model_dump(mode="json")
    data["targets"][0]["value"] = "fifty-five"
    data["sections"][0]["level"] = 0
    found = check_schema(data, doc, rules.get(CheckRules))
    assert [f.rule for f in found] == ["check.schema", "check.schema"]
    assert "targets.0.value" in found[1].message + found[0].message
    assert check_schema(doc.model_dump(mode="json"), doc, rules.get(CheckRules)) == []


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_every_corpus_document_passes_without_errors(rules: RuleSet, name: str) -> None:
    result = check_file(str(CORPUS / name), name[:-4], rules, expected_dir=None)
    assert [f.message for f in result.findings if f.severity == "error"] == []


def test_a_broken_file_is_an_extract_finding_not_a_crash(tmp_path: Path, rules: RuleSet) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\x00\x01\x02 binary")
    result = check_file(str(path), "bad", rules, expected_dir=None)
    assert [(f.rule, f.severity) for f in result.findings] == [("check.extract", "error")]
    assert "binary" in result.findings[0].message


# --- raw line:col ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "quote", "expected"),
    [
        ("标题\n  养老服务床位总量达到1600张。\n", "养老服务床位总量达到1600张", (2, 3)),
        # full-width characters and spaces in the raw file are folded/collapsed in the cleaned text
        ("标题\r\n\r\n护理型床位占比不低于５５％。\r\n", "护理型床位占比不低于55%", (3, 1)),
        ("<p>养老方面:到2025年底,<b>养老服务床位</b>总量达到1600张</p>", "养老服务床位总量达到1600张", (1, 20)),
        ("a\n到2025年\n到2025年\n", "到2025年", (3, 1)),
        (
            "<tr>\n<td>序号</td><td>工作事项</td></tr>",
            "序号\t工作事项",
            (2, 5),
        ),  # a table row: its first cell  # two hits: the one near the span's position
        ("标题\n正文\n", "找不到的句子", None),
    ],
)
def test_raw_locator_maps_a_quote_back_to_the_raw_file(raw: str, quote: str, expected: tuple[int, int] | None) -> None:
    clean_len = 20
    span = (18, 18 + len(quote)) if raw.startswith("a\n") else (0, len(quote))
    assert RawLocator(raw, clean_len).line_col(quote, span) == expected


# --- golden comparison -----------------------------------------------------------------------------------


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_a_changed_golden_file_is_reported_record_by_record(tmp_path: Path) -> None:
    doc_path = tmp_path / "corpus" / "000_d432b4ee5b26c821.txt"
    doc_path.parent.mkdir()
    shutil.copy(CORPUS / doc_path.name, doc_path)
    expected = tmp_path / "expected"
    code, out = _run(["check", str(doc_path), "--expected", str(expected), "--update"])
    assert code == 0, out
    golden = expected / "000_d432b4ee5b26c821.json"
    assert golden.is_file() and "updated the expected output" in out
    assert _run(["check", str(doc_path), "--expected", str(expected)])[0] == 0

    data = orjson.loads(golden.read_bytes())
    text = data["text"]
    quote = "护理型床位占比不低于55%"
    start = text.index(quote)
    data["targets"].append(
        {
            "id": "t-old",
            "section": None,
            "span": [start, start + len(quote)],
            "quote": quote,
            "rule": "old",
            "indicator": "护理型床位占比",
            "value": 50.0,
            "unit": "%",
            "comparator": ">=",
            "year": 2025,
        }
    )
    removed = data["sections"].pop(1)  # the new output has it: "added"
    data["sections"][0]["level"] = 2  # "changed"
    region = data["meta"]["region"]
    data["meta"]["region"] = "沧州市"
    golden.write_bytes(orjson.dumps(data))

    code, out = _run(["check", str(doc_path), "--expected", str(expected), "--format", "json"])
    assert code == 1
    findings = [f for d in orjson.loads(out)["documents"] for f in d["findings"] if f["rule"] == "check.golden"]
    messages = [f["message"] for f in findings]
    assert f"targets '{quote}': removed" in messages
    assert f"sections '{removed['number']} {removed['title']}': added" in messages
    assert any(m.startswith("sections '一 实施背景': level 2 → 1") for m in messages), messages
    assert f"meta 'region': region '沧州市' → {region if region is None else repr(region)}" in messages
    removed_target = next(f for f in findings if f["message"].startswith("targets"))
    assert (removed_target["line"], removed_target["col"]) == (17, 108)  # the raw line of the quote

    assert _run(["check", str(doc_path), "--expected", str(expected), "--update"])[0] == 0
    assert _run(["check", str(doc_path), "--expected", str(expected)])[0] == 0


def test_diff_matches_records_by_quote_not_by_id() -> None:
    rec = {"id": "t1", "section": "s1", "span": [0, 3], "quote": "55%", "rule": "r", "value": 55}
    old = {"text": "abc", "sections": [{"id": "s1", "number": "一", "title": "目标"}], "targets": [rec]}
    new = {
        "text": "abc",
        "sections": [{"id": "s9", "number": "一", "title": "目标"}],
        "targets": [{**rec, "id": "t7", "section": "s9"}],
    }
    assert diff_documents(old, new, ["id"]) == []
    changed = diff_documents(old, {**new, "targets": [{**rec, "section": "s9", "value": 60}]}, ["id"])
    assert [(c.kind, c.op, c.key, c.fields) for c in changed] == [("targets", "changed", "55%", {"value": (55, 60)})]


# --- command line: formats, exit status ------------------------------------------------------------------


def _broken_plan(path: Path) -> None:
    path.write_text(
        PLAN.replace("市卫健局〕\n三", "市卫健局\n三").replace("三、重点任务", "五、重点任务"), encoding="utf-8"
    )


def test_formats_and_exit_status(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    _broken_plan(bad)
    code, out = _run(["check", str(bad), "--expected", str(tmp_path / "none")])
    assert code == 1
    assert f"{bad}:5:77: error check.unclosed_bracket: unclosed '〔'" in out
    assert f"{bad}:6:1: warning check.heading_numbers: heading numbering jumps: 五" in out
    code, out = _run(["check", str(bad), "--format", "github", "--expected", str(tmp_path / "none")])
    assert f"::error file={bad},line=5,col=77,title=check.unclosed_bracket::unclosed '〔'" in out
    code, out = _run(["check", str(bad), "--format", "json", "--expected", str(tmp_path / "none")])
    assert orjson.loads(out)["summary"]["errors"] >= 1
    assert _run(["check", str(bad), "--format", "xml"])[0] == 2
    assert _run(["check"])[0] == 2


def test_a_percent_over_100_is_reported_once(tmp_path: Path) -> None:
    # the pipeline warns percent_over_100 too; the gate reports it by its own rule only, not again as pipeline_warning
    bad = tmp_path / "over.txt"
    bad.write_text(PLAN.replace("覆盖率达到100%", "覆盖率达到150%"), encoding="utf-8")
    code, out = _run(["check", str(bad), "--expected", str(tmp_path / "none")])
    assert code == 1
    lines = [ln for ln in out.splitlines() if "150%" in ln or "percent_over_100" in ln]
    assert len(lines) == 1 and "error check.percent_over_100" in lines[0]


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text(PLAN.replace("三、重点任务", "五、重点任务"), encoding="utf-8")
    assert _run(["check", str(doc), "--expected", str(tmp_path / "none")])[0] == 0
    assert _run(["check", str(doc), "--strict", "--expected", str(tmp_path / "none")])[0] == 1


def test_github_format_escapes_what_would_end_a_workflow_command(tmp_path: Path, rules: RuleSet) -> None:
    from policyx.checks.findings import Finding
    from policyx.checks.report import DocResult

    f = Finding("check.x", "warning", "50%\nnext", "a,b:c.txt", "d", line=1, col=2)
    out = format_github([DocResult("a,b:c.txt", "d", [f])])
    assert out.splitlines()[0] == "::warning file=a%2Cb%3Ac.txt,line=1,col=2,title=check.x::50%25%0Anext"


# --- --changed-since in a real git repository ------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "corpus").mkdir()
    shutil.copy(CORPUS / "004_43f383356c749ae5.txt", tmp_path / "corpus" / "old.txt")
    (tmp_path / "README.md").write_text("# not a policy text\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "seed")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_changed_since_fails_on_an_added_broken_document(repo: Path) -> None:
    _broken_plan(repo / "corpus" / "broken.txt")
    (repo / "README.md").write_text("# changed, but outside corpus/\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add a broken plan")
    code, out = _run(["check", "corpus", "--changed-since", "HEAD~1"])
    assert code == 1
    assert "corpus/broken.txt:5:77: error check.unclosed_bracket" in out
    assert "old.txt" not in out and "README" not in out
    assert "checked 1 document:" in out


def test_changed_since_passes_on_an_added_good_document_and_sees_untracked_ones(repo: Path) -> None:
    shutil.copy(CORPUS / "000_d432b4ee5b26c821.txt", repo / "corpus" / "good.txt")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add a good plan")
    code, out = _run(["check", "corpus", "--changed-since", "HEAD~1"])
    assert code == 0, out
    assert "checked 1 document:" in out
    _broken_plan(repo / "corpus" / "draft.txt")  # not committed yet: still checked
    code, out = _run(["check", "corpus", "--changed-since", "HEAD"])
    assert code == 1 and "corpus/draft.txt:5:77" in out and "good.txt" not in out


def test_changed_since_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    code, out = _run(["check", "corpus", "--changed-since", "no-such-rev"])
    assert code == 2
    assert "unknown revision 'no-such-rev'" in out


def test_a_news_page_may_report_targets_due_before_it_was_published(tmp_path: Path, rules: RuleSet) -> None:
    # corpus/002 is a news page of 2024-12-21 about a policy with 2023 targets: not an extraction error
    meta = GOOD_META.model_copy(update={"doc_type": "news", "issued_on": "2024-12-21"})
    doc = _doc(
        tmp_path,
        rules,
        PLAN,
        lambda d: {"meta": meta, "targets": [_target(d, "护理型床位占比不低于55%", "x", 5, "%", 2023)]},
    )
    assert _rule_ids(doc, rules) == []


# --- properties ------------------------------------------------------------------------------------------

_CLEAN_CHARS = "养老服务床位达到以上不低于市民政局、,。:()%0123456789AB\n"
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in ",:()%0123456789AB"}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    text=st.text(alphabet=_CLEAN_CHARS, min_size=1, max_size=300),
    data=st.data(),
)
def test_raw_locator_finds_every_quote_through_spacing_and_full_width(text: str, data: st.DataObject) -> None:
    # the raw file: the cleaned text with full-width characters and runs of white space put back
    widen = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    pads = data.draw(
        st.lists(st.sampled_from(["", "", " ", "\u3000", "\r\n", "\t "]), min_size=len(text), max_size=len(text))
    )
    raw = "".join(pad + (_FULLWIDTH.get(c, c) if w else c) for c, w, pad in zip(text, widen, pads, strict=True))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    loc = RawLocator(raw, len(text))
    off = loc.offset(quote, (start, end))
    if fold(quote):
        assert off is not None
        assert fold(raw[off:]).startswith(fold(quote))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"quote": st.sampled_from(["55%", "1600张", "〔责任单位:市民政局〕"]), "value": st.integers(0, 3)}
        ),
        max_size=8,
    )
)
def test_a_document_does_not_differ_from_itself_and_changes_pair_up(records: list[dict[str, object]]) -> None:
    recs = [{"id": f"t{i}", "span": [0, 1], **r} for i, r in enumerate(records)]
    doc = {"text": "x", "targets": recs}
    assert diff_documents(doc, doc, ["id"]) == []
    dropped = {"text": "x", "targets": recs[1:]}
    back = diff_documents(dropped, doc, ["id"])
    forth = diff_documents(doc, dropped, ["id"])
    count = {op: sum(c.op == op for c in back) for op in ("added", "removed", "changed")}
    assert count == {
        op: sum(c.op == mirror for c in forth)
        for op, mirror in (("added", "removed"), ("removed", "added"), ("changed", "changed"))
    }
    assert len(back) <= len(recs)


def test_changed_since_counts_a_moved_document_as_added(repo: Path) -> None:
    (repo / "corpus" / "2024").mkdir()
    _git(repo, "mv", "corpus/old.txt", "corpus/2024/moved.txt")
    _git(repo, "commit", "-q", "-m", "move")
    code, out = _run(["check", "corpus", "--changed-since", "HEAD~1"])
    assert "checked 1 document:" in out and code == 0, out


def test_a_check_that_crashes_is_a_finding_not_a_crash(
    tmp_path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyx.checks.sanity as sanity

    def broken(doc: Document, cfg: CheckRules) -> list:  # type: ignore[type-arg]
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(sanity, "SANITY_CHECKS", (broken, *sanity.SANITY_CHECKS))
    doc = _doc(tmp_path, rules, PLAN, lambda d: {})
    findings = run_sanity(doc, rules.get(CheckRules))
    assert [(f.rule, f.message) for f in findings] == [
        ("check.internal", "broken failed: ZeroDivisionError: division by zero")
    ]
