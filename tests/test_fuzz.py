"""The pipeline never falls over: any input ends in a Document or an InputError, in bounded time.

Hypothesis feeds ``extract_document(bytes, name=...)`` random Unicode, random bytes, policy-like text built from
real corpus fragments, truncated GBK and HTML soup; fixed cases cover a 10^6-character single line, thousands of
headings, deeply nested and enormous HTML. Every pattern in ``rules/*.yaml`` is timed on adversarial strings
(catastrophic backtracking). The ``ci`` profile (default) keeps this file around 30 s; set
``POLICYX_FUZZ_PROFILE=fuzz`` for a long run.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import regex
import yaml
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.read import InputError
from policyx.rules import RuleSet

from conftest import CORPUS, ROOT

_COMMON = {
    "deadline": None,  # the per-case budget below is the time limit; hypothesis's deadline is too jittery
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=1000, **_COMMON)
FUZZ = settings.get_profile(os.environ.get("POLICYX_FUZZ_PROFILE", "ci"))

CASE_BUDGET_S = 5.0  # one generated input (a few KB) through every stage


class OverBudget(BaseException):  # BaseException: no stage's `except Exception` may swallow it
    """A case ran past its time budget."""


#: wall time a case may take per second of its CPU budget before it is stopped anyway (a loaded machine shares
#: its cores: the CPU budget is what measures the code; this only ends a case that stopped using the CPU)
WALL_PER_CPU = 10


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of this process's CPU time (SIGPROF: user + system time, so a
    machine loaded by other work does not make a case fail), or after ``WALL_PER_CPU`` times that of wall time."""

    def _raise(signum: int, frame: object) -> None:
        clock = "CPU" if signum == signal.SIGPROF else "wall"
        raise OverBudget(f"over the {seconds:g} s {clock} budget")

    old = {sig: signal.signal(sig, _raise) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_PER_CPU)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _event(what: str) -> None:
    if currently_in_test_context():  # the statistics (--hypothesis-show-statistics) show how deep inputs got
        event(what)


def outcome(data: bytes, name: str, rules: RuleSet, seconds: float = CASE_BUDGET_S) -> Document | InputError:
    """A Document or an InputError; anything else (or running over budget) propagates and fails the test."""
    with budget(seconds):
        try:
            doc = extract_document(data, name=name, rules=rules)
        except InputError as exc:
            assert str(exc) and "\n" not in str(exc), "an InputError is one clear line"
            _event(f"InputError: {str(exc).split(':')[0]}")
            return exc
    _event("Document")
    for kind in ("targets", "statistics", "deadlines", "responsibilities", "references", "tables"):
        for rec in getattr(doc, kind):
            assert doc.text[rec.span[0] : rec.span[1]] == rec.quote, (kind, rec.id)
    return doc


# --- generated inputs ------------------------------------------------------------------------------------

# real fragments of the corpus and the shapes the stages look for: headings, tags, numbers, brackets, tables
FRAGMENTS = [
    "一、", "(一)", "（二）", "1.", "2、", "(3)", "①", "第一章 ", "第二条 ", "附件1", "附件:", "\n", "\n\n", "\t",
    "到2025年,", "2022年底前", "“十四五”期间", "每年", "2021年1月—2022年7月", "截至2020年底,",
    "护理型床位占比不低于55%", "养老服务床位总量达到1600张", "2.46万张", "三分之一", "1/3", "4.39‰", "个百分点",
    "〔责任单位:市民政局、市卫健局〕", "(牵头单位:市民政局;配合单位:市财政局)", "【责任单位:", "〔", "〕",
    "《国务院办公厅关于促进养老托育服务健康发展的意见》", "国办发〔2020〕52号", "冀政办字[2021]68号", "《", "》",
    "各县(市、区)、功能区负责", "、", ",", "。", ";", ":", "—", "-", "~", "%", "％", "１２３", "　",
    "序号\n指标\n2020年\n期初值\n2025年\n目标值\n属性\n", "约束性", "预期性", "泊头市人民政府办公室", "2022年3月10日",
    "发文字号:扬府发〔2022〕80号", "网站地图", "扫一扫在手机打开当前页", "&nbsp;", "\u00a0", "\ufeff", "\u200b",
]  # fmt: skip
ALPHABET = "0123456789.、,。:;()（）〔〕【】《》%一二三四五六七八九十百千万亿零两年月日到达不低于以上市局\n\t "

# half the cases open like a real plan, so that they pass the guard and reach every stage
HEAD = (
    "泊头市“一老一小”整体解决方案\n为贯彻落实积极应对人口老龄化国家战略,促进养老托育服务健康发展,制定本方案。"
    "到2025年,养老服务床位总量达到1600张。\n"
)
policy_text = st.builds(
    str.__add__,
    st.sampled_from(["", HEAD]),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ALPHABET, max_size=30)), min_size=1, max_size=300
    ).map("".join),
)

HTML_BITS = [
    "<div>", "</div>", "<p>", "</p>", "<br>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>",
    '<td rowspan="3">', '<td colspan="0">', '<td rowspan="-1">', "<th>", "<span>", "</span>", "<script>",
    "</script>", "<style>", "<!--", "-->", "<![CDATA[", "&nbsp;", "&lt;", "&#12345;", "&#xFFFFFF;",
    "<meta charset=gbk>",
    '<div class="article">', '<div id="zoom">', "<title>", "</title>", "<", ">", "</", "<body>", "</html>",
]  # fmt: skip

html_soup = st.lists(st.one_of(st.sampled_from(HTML_BITS), policy_text), min_size=1, max_size=120).map("".join)

NAMES = st.sampled_from(["doc.txt", "doc.html", "doc", "doc.htm", "doc.md"])


@FUZZ
@given(text=st.text(max_size=3000), name=NAMES)
def test_random_unicode(rules: RuleSet, text: str, name: str) -> None:
    outcome(text.encode("utf-8", "surrogatepass"), name, rules)


@FUZZ
@given(data=st.binary(max_size=4000), name=NAMES)
def test_random_bytes(rules: RuleSet, data: bytes, name: str) -> None:
    outcome(data, name, rules)


@FUZZ
@given(text=policy_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_policy_like_text_in_any_encoding(rules: RuleSet, text: str, encoding: str) -> None:
    outcome(text.encode(encoding), "doc.txt", rules)


@FUZZ
@given(soup=html_soup, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_html_soup(rules: RuleSet, soup: str, encoding: str) -> None:
    outcome(soup.encode(encoding, "replace"), "page.html", rules)


GBK_DOCS = sorted(CORPUS.glob("*.txt"))


@FUZZ
@given(which=st.integers(0, len(GBK_DOCS) - 1), cut=st.floats(0.0, 1.0), html=st.booleans())
def test_truncated_gbk(rules: RuleSet, which: int, cut: float, html: bool) -> None:
    text = GBK_DOCS[which].read_text(encoding="utf-8")
    if html:
        text = (
            '<html><head><meta charset="gbk"></head><body><div>' + text.replace("\n", "<br>") + "</div></body></html>"
        )
    data = text.encode("gb18030")
    outcome(data[: max(1, int(len(data) * cut))], "page.html" if html else "doc.txt", rules)


def test_truncated_gbk_mid_character_is_a_clear_input_error(rules: RuleSet) -> None:
    data = (CORPUS / "000_d432b4ee5b26c821.txt").read_text(encoding="utf-8").encode("gb18030")
    result = outcome(data[:-1], "doc.txt", rules)
    assert isinstance(result, InputError)
    assert "truncated" in str(result)


# --- big inputs: bounded time ----------------------------------------------------------------------------

SENTENCE = "到2025年,护理型床位占比不低于55%,养老服务床位总量达到1600张〔责任单位:市民政局、市卫健局〕。"


def _line_of(n: int) -> str:
    return (SENTENCE * (n // len(SENTENCE) + 1))[:n]


def _headings(n: int) -> str:
    parts = []
    for i in range(1, n + 1):
        parts.append(f"{i}.第{i}项任务\n({i})分项{i}。护理型床位占比达到{i % 100}%。\n一、总体要求\n")
    return "".join(parts)


def _nested_html(depth: int) -> str:
    return "<html><body>" + "<div>养老服务床位达到1600张。" * depth + "</div>" * depth + "</body></html>"


def _nested_lists(depth: int) -> str:
    # a menu of lists nested `depth` deep beside the article: every list is a candidate label block
    menu = "<ul><li>养老服务" * depth + "</li></ul>" * depth
    return f"<html><body>{menu}<div class='article'>{HEAD}{SENTENCE * 20}</div></body></html>"


def _wide_row(cells: int) -> str:
    return HEAD + "序号\t责任单位\n1\t" + "\t".join(["市民政局"] * cells) + "\n"


def _enormous_html(rows: int) -> str:
    row = "<tr><td>{i}</td><td>护理型床位占比</td><td>55%</td><td>〔责任单位:市民政局、市卫健局〕第{i}行</td></tr>"
    paras = "".join(f"<p>第{i}段:{SENTENCE}</p>" for i in range(rows))
    table = "<table>" + "".join(row.format(i=i) for i in range(rows)) + "</table>"
    return f"<html><body><div class='article'>{paras}{table}</div></body></html>"


# (name, input, file name, budget in seconds, known problem or None). Budgets are several times what a linear
# pipeline takes, to catch superlinear blow-ups without flaking on a slow CI machine. A case with a known problem
# (reported to the stage's owner) is an xfail that gives up after KNOWN_BUDGET_S under the ci profile, so the file
# stays fast; the fuzz profile gives it the full budget. Fixed, it XPASSes: then drop the reason.
KNOWN_BUDGET_S = 3.0
BIG: list[tuple[str, Callable[[], str], str, float, str | None]] = [
    ("single line of 10^6 characters", lambda: _line_of(1_000_000), "doc.txt", 30.0, None),
    ("single line of 10^6 digits", lambda: "养老服务床位" * 10 + "1" * 1_000_000, "doc.txt", 15.0, None),
    ("2000 numbered headings of three styles", lambda: _headings(2000), "doc.txt", 15.0, None),
    ("HTML nested 3000 deep", lambda: _nested_html(3000), "page.html", 10.0, None),
    ("HTML with lists nested 3000 deep beside the article", lambda: _nested_lists(3000), "page.html", 10.0, None),
    ("a table row of 20000 tab-separated cells", lambda: _wide_row(20_000), "doc.txt", 5.0, None),
    ("HTML of 1.5 MB: 10000 paragraphs and a 10000-row table", lambda: _enormous_html(10000), "page.html", 20.0,
     None),
]  # fmt: skip


def _big_cases() -> list[object]:
    full = os.environ.get("POLICYX_FUZZ_PROFILE") == "fuzz"
    cases = []
    for name, make, fname, seconds, known in BIG:
        marks = [pytest.mark.xfail(reason=known, raises=OverBudget, strict=False)] if known else []
        limit = seconds if full or not known else KNOWN_BUDGET_S
        cases.append(pytest.param(make, fname, limit, id=name, marks=marks))
    return cases


@pytest.mark.parametrize(("make", "fname", "seconds"), _big_cases())
def test_big_inputs_end_in_bounded_time(rules: RuleSet, make, fname: str, seconds: float) -> None:  # type: ignore[no-untyped-def]
    data = make().encode("utf-8")
    start = time.process_time()  # CPU time: what the code costs, whatever else the machine runs
    result = outcome(data, fname, rules, seconds)
    assert isinstance(result, Document | InputError)
    assert time.process_time() - start < seconds


# --- every pattern in rules/*.yaml against adversarial strings -------------------------------------------

_META = set(".^$*+?{}[]()|\\")
ADVERSARIAL = {
    "digits": "1" * 20_000,
    "decimal digits": "1.1" * 7_000,
    "chinese numerals": "一二三四五六七八九十百千万亿零两" * 1_300,
    "brackets": "〔(（【《[" * 3_400,
    "dun": "、" * 20_000,
    "units and dun": "市民政局、" * 4_000,
    "heading tokens": "(一)1.一、①第一章" * 1_800,
    "years": "2025年" * 4_000,
    "percent": "55%," * 5_000,
    # cleaned text never holds a run of white space (clean.py collapses them): single separators, many of them
    "spaces": "养 " * 10_000,
    "newlines": "一\n" * 10_000,
    "cjk without punctuation": "养老服务体系建设" * 2_500,
    "unclosed tag": "〔责任单位:" * 3_400,
    "colons": "责任单位::" * 3_300,
    "mixed": "到2025年,达到1600张以上、不低于55%" * 1_000,
}  # fmt: skip
PATTERN_BUDGET_S = 0.2
# (file, pattern) → why a pattern slower than the budget is tolerated; none is
KNOWN_SLOW: dict[tuple[str, str], str] = {}


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def rule_patterns() -> list[tuple[str, str]]:
    """(file, pattern) for every string in rules/*.yaml that compiles and has regex metacharacters."""
    found: dict[tuple[str, str], None] = {}
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue  # a broken rule file is test_rules' business
        for s in _strings(data):
            if not _META.intersection(s):
                continue
            try:
                regex.compile(s)
            except (regex.error, RecursionError):
                continue
            found[(path.name, s)] = None
    return list(found)


def test_rule_files_have_patterns_to_test() -> None:
    assert len(rule_patterns()) >= 20


def test_no_rule_pattern_backtracks_catastrophically() -> None:
    slow: list[str] = []
    for fname, pattern in rule_patterns():
        if (fname, pattern) in KNOWN_SLOW:
            continue
        compiled = regex.compile(pattern)
        for label, text in ADVERSARIAL.items():
            start = time.process_time()
            try:  # regex's timeout is wall time: it only ends a hopeless search; the CPU time below is the test
                compiled.search(text, timeout=PATTERN_BUDGET_S * WALL_PER_CPU)
            except TimeoutError:
                slow.append(f"{fname}: {pattern!r} on {label}: over {PATTERN_BUDGET_S * WALL_PER_CPU} s of wall time")
                continue
            took = time.process_time() - start
            if took > PATTERN_BUDGET_S:
                slow.append(f"{fname}: {pattern!r} on {label}: {took:.2f} s")
    assert slow == [], "\n".join(slow)


# --- the gate itself never falls over --------------------------------------------------------------------


@FUZZ
@given(text=st.one_of(policy_text, html_soup), html=st.booleans())
def test_policyx_check_turns_any_input_into_findings(rules: RuleSet, text: str, html: bool) -> None:
    from policyx.check import check_file
    from policyx.checks.config import CheckRules

    known = {c.id for c in rules.get(CheckRules).all_checks()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("page.html" if html else "doc.txt")
        path.write_bytes(text.encode("utf-8"))
        with budget(CASE_BUDGET_S):
            result = check_file(str(path), "doc", rules, expected_dir=Path(tmp) / "expected")
    assert {f.rule for f in result.findings} <= known - {"check.internal"}
    for f in result.findings:
        assert f.line is None or (f.line >= 1 and f.col is not None and f.col >= 1)
