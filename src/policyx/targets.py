"""Target, statistic or neither: what each quantity of the text is, when it is due, and what it measures (SPEC 4, 5).

Per paragraph: the time expressions (``policyx.periods``) give every quantity its year — the nearest one
before it in the same paragraph, never from the next paragraph nor backwards, and a year inside brackets
stays inside them. Then evidence decides (``rules/cues.yaml``):
- account evidence (an as-of date, a past year, a statistic cue such as 目前/已/累计 earlier in the sentence, the
  account of a proposal or reply, a background section) makes a statistic;
- commitment evidence (a due year or period; a cue of ``evidence:`` such as 力争/将/达到/新增/建成/计划; a floor
  or ceiling; a goals section or a goals document) makes a target;
- with neither, the quantity is dropped (``drop.no_evidence``): a bare count is no goal.
Never targets, whatever the evidence (``never:``): penalties, a procedure's steps, conditions to qualify, counts of
places or of list items. A target must then pass two checks (``_still_target``): a parameter cue (a fee, grant,
payment rate, exact split of funds, eligibility condition) drops it unless a due year or a commitment governs it;
inside a regulation's articles (第X条) only a committed goal or a standard's shape (a floor or ceiling that is not
money) stays. Every decision, also a drop, names a rule id declared in ``rules/``; ``quantity_decisions`` lists them.
Records already present (the indicator tables' targets) are kept, and text inside tables is skipped, except
task tables and the standards cells of an indicator/monitoring table (``_standard_cells``): each such cell is
read as a paragraph of its own, and its targets are named by the row's indicator cell when the cell does not.
Headlines (the title, title-like lines) are read on their own and keep only targets the body does not repeat.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import regex
from pydantic import PrivateAttr

from policyx.indicators import indicator_key
from policyx.locate import SectionIndex
from policyx.models import Baseline, Document, DocWarning, Statistic, Target
from policyx.periods import PeriodRules, TimeExpr, find_times
from policyx.quantities import Mention, comparator_end, find_quantities, suffix_comparator
from policyx.rules import Pattern, Rule, RuleFile, RuleModel, RuleSet, check_ids_unique
from policyx.spans import Covering, depths
from policyx.tables.cells import squeeze
from policyx.tables.columns import cells_of_role, table_cells
from policyx.tables.read import bracket_unit
from policyx.tables.rules import TableRules


class CueRule(Rule):
    pattern: Pattern


class SkipRule(CueRule):
    #: ``sentence``: the cue anywhere earlier in the sentence; ``around``: the cue's match covers the number;
    #: ``clause``: the cue anywhere in the number's clause, before or after it (5万元运营经费);
    #: ``after``: the cue starts right after the quantity (四个方面的内容); ``paragraph``: anywhere earlier in the
    #: paragraph (an item that names who it is for, then lists per-person amounts after ;)
    scope: Literal["sentence", "around", "clause", "after", "paragraph"] = "sentence"
    #: only quantities in these units (empty: any unit)
    units: list[str] = []
    #: only quantities with these comparators (empty: any): an exact split is a rule, a floor is a commitment
    comparators: list[str] = []


class RegulationRule(Rule):
    """How a document of articles (第X条) is read: a rule sets rates and amounts, it rarely commits to a level."""

    section_rules: list[str]
    min_articles: int
    commit: Pattern
    shape: Pattern
    comparators: list[str]
    money_units: list[str]
    condition: Pattern


class StandardsRule(Rule):
    """A table stating each indicator's standard in words: its standards cells are read as sentences."""

    kinds: list[str]
    indicator: Pattern
    standard: Pattern
    numbering: Pattern
    weak: Pattern


class ConditionRule(Rule):
    units: list[str]
    after: Pattern


class EvidenceRule(CueRule):
    """Commitment evidence (SPEC 4): with no due year, a quantity is a target only when one of these applies.

    ``sentence``: the cue anywhere earlier in the sentence; ``clause``: earlier in the number's clause;
    ``before``: the cue ends right before the number (its comparator words included); ``after``: the cue starts
    right after the quantity (55%用于支持发展养老服务).
    """

    scope: Literal["sentence", "clause", "before", "after"] = "sentence"
    #: document types (meta.doc_type) where this cue alone is no evidence: a news report narrates what was built
    #: or organised (设置3个助餐点, 组织志愿者50名); there only a future word, a due year or a floor commits
    not_in: list[str] = []


class BaselineFromRule(Rule):
    """由2020年的30%提升至55%: the first quantity is the starting value (the baseline) of the second."""

    before: Pattern  # right before the starting value (由, 从 and an optional year)
    after: Pattern  # right after it (提升至, 增长到)


class RespectivelyRule(RuleModel):
    """A / B / C 分别达到 x、y、z: the values go to the listed indicators in order."""

    marker: Pattern  # ends an indicator phrase that lists several indicators (…分别)
    item_sep: Pattern  # between the listed indicators (、)
    joint: Pattern  # the whole phrase of a later value of the list (和, 、)
    max_head: int  # listed items this short are heads of the last one (一类、二类、三类区…面积)


class HeadlineRule(Rule):
    """A headline or title-like line is read for targets of these decisions, unless the body repeats them."""

    decisions: list[str]


class DropRules(RuleModel):
    """The ids of the decisions that drop a quantity (neither target nor statistic), so each drop names a rule."""

    no_evidence: Rule
    parameter_section: Rule
    regulation: Rule


class CueRules(RuleFile):
    FILE = "cues.yaml"
    decisions: list[Rule]
    statistic: list[CueRule]
    target: list[CueRule]
    skip: list[SkipRule]
    never: list[SkipRule]
    evidence: list[EvidenceRule]
    comparator_evidence: Rule
    goals_section: Rule
    goals_section_title: Pattern
    drop: DropRules
    parameter: list[SkipRule]
    parameter_section: Pattern
    parameter_commit: Pattern
    regulation: RegulationRule
    condition: ConditionRule
    background_section: Pattern
    project_section: Pattern
    account_doc_types: list[str]
    account_start: Pattern
    account_start_chars: int
    baseline: Pattern
    baseline_from: BaselineFromRule
    #: a year named relative to the document (今年, 明年) ends the reign of the year before it in the paragraph
    relative_year: Pattern
    headline: HeadlineRule
    respectively: RespectivelyRule
    clause_break: Pattern
    sentence_break: Pattern
    title_line_max: int
    read_tables: list[str]
    standards_table: StandardsRule
    lead_trim: list[Pattern]
    verb_trim: list[Pattern]
    max_indicator: int
    action_verbs: list[str]
    object_stop: Pattern
    filler: Pattern
    per_unit: Pattern
    max_object: int
    standard_object: Pattern
    standard_base: Pattern

    _stat: regex.Pattern[str] = PrivateAttr()
    _relative_year: regex.Pattern[str] = PrivateAttr()
    _target: regex.Pattern[str] = PrivateAttr()
    _skip: list[tuple[SkipRule, regex.Pattern[str]]] = PrivateAttr()
    _never: list[tuple[SkipRule, regex.Pattern[str]]] = PrivateAttr()
    _evidence: list[tuple[EvidenceRule, regex.Pattern[str]]] = PrivateAttr()
    _goals: regex.Pattern[str] = PrivateAttr()
    _param: list[tuple[SkipRule, regex.Pattern[str]]] = PrivateAttr()
    _param_commit: regex.Pattern[str] = PrivateAttr()
    _param_section: regex.Pattern[str] = PrivateAttr()
    _reg_commit: regex.Pattern[str] = PrivateAttr()
    _reg_shape: regex.Pattern[str] = PrivateAttr()
    _reg_condition: regex.Pattern[str] = PrivateAttr()
    _cond: regex.Pattern[str] = PrivateAttr()
    _background: regex.Pattern[str] = PrivateAttr()
    _project: regex.Pattern[str] = PrivateAttr()
    _account: regex.Pattern[str] = PrivateAttr()
    _baseline: regex.Pattern[str] = PrivateAttr()
    _from_before: regex.Pattern[str] = PrivateAttr()
    _from_after: regex.Pattern[str] = PrivateAttr()
    _resp_marker: regex.Pattern[str] = PrivateAttr()
    _resp_sep: regex.Pattern[str] = PrivateAttr()
    _resp_joint: regex.Pattern[str] = PrivateAttr()
    _clause: regex.Pattern[str] = PrivateAttr()
    _sentence: regex.Pattern[str] = PrivateAttr()
    _lead: list[regex.Pattern[str]] = PrivateAttr()
    _verb: list[regex.Pattern[str]] = PrivateAttr()
    _action_end: regex.Pattern[str] = PrivateAttr()
    _object_stop: regex.Pattern[str] = PrivateAttr()
    _filler: regex.Pattern[str] = PrivateAttr()
    _per_unit: regex.Pattern[str] = PrivateAttr()
    _standard_object: regex.Pattern[str] = PrivateAttr()
    _standard_base: regex.Pattern[str] = PrivateAttr()
    _action_any: regex.Pattern[str] = PrivateAttr()
    _std: dict[str, regex.Pattern[str]] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        d = self.drop
        own = [self.regulation, self.standards_table, self.condition, self.comparator_evidence, self.goals_section]
        own += [self.baseline_from, self.headline]
        own += [d.no_evidence, d.parameter_section, d.regulation]
        check_ids_unique(
            [*self.statistic, *self.target, *self.skip, *self.never, *self.evidence, *self.parameter, *own], self.FILE
        )
        self._stat = regex.compile("|".join(f"(?:{r.pattern})" for r in self.statistic))
        self._target = regex.compile("|".join(f"(?:{r.pattern})" for r in self.target))
        self._skip = [(r, regex.compile(r.pattern)) for r in self.skip]
        self._never = [(r, regex.compile(r.pattern)) for r in self.never]
        # a `before` cue must end where the number (or its comparator) starts: anchored at the end
        self._evidence = [
            (r, regex.compile(f"(?:{r.pattern})$" if r.scope == "before" else r.pattern)) for r in self.evidence
        ]
        self._goals = regex.compile(self.goals_section_title)
        self._relative_year = regex.compile(self.relative_year)
        self._param = [(r, regex.compile(r.pattern)) for r in self.parameter]
        self._param_commit = regex.compile(self.parameter_commit)
        self._param_section = regex.compile(self.parameter_section)
        self._reg_commit = regex.compile(self.regulation.commit)
        self._reg_shape = regex.compile(self.regulation.shape)
        self._reg_condition = regex.compile(self.regulation.condition)
        self._cond = regex.compile(self.condition.after)
        self._background = regex.compile(self.background_section)
        self._project = regex.compile(self.project_section)
        self._account = regex.compile(self.account_start)
        self._baseline = regex.compile(self.baseline)
        self._from_before = regex.compile(f"(?:{self.baseline_from.before})$")
        self._from_after = regex.compile(self.baseline_from.after)
        self._resp_marker = regex.compile(f"(?:{self.respectively.marker})$")
        self._resp_sep = regex.compile(self.respectively.item_sep)
        self._resp_joint = regex.compile(self.respectively.joint)
        self._clause = regex.compile(self.clause_break)
        self._sentence = regex.compile(self.sentence_break)
        self._lead = [regex.compile(p) for p in self.lead_trim]
        self._verb = [regex.compile(p) for p in self.verb_trim]
        verbs = "|".join(regex.escape(v) for v in sorted(self.action_verbs, key=len, reverse=True))
        self._action_end = regex.compile(f"(?:{verbs})$")
        self._object_stop = regex.compile(self.object_stop)
        self._filler = regex.compile(self.filler)
        self._per_unit = regex.compile(self.per_unit)
        self._standard_object = regex.compile(self.standard_object)
        self._standard_base = regex.compile(self.standard_base)
        self._action_any = regex.compile(f"(?:{verbs})")
        std = self.standards_table
        self._std = {k: regex.compile(getattr(std, k)) for k in ("indicator", "standard", "numbering", "weak")}


_OPEN, _CLOSE = "(（[【〔", ")）]】〕"
# compiled once: a module-level regex.search() looks its pattern up in regex's cache on every call (~15 µs)
_FULL_DATE = regex.compile(r"((?:19|20)\d\d)(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})")
_OBJECT_START = regex.compile(r"[\p{Han}“(（]")
_DIGIT = regex.compile(r"\d")
_QUOTE_OPEN, _QUOTE_CLOSE = "“‘《", "”’》"


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, pos + len(line)
        pos += len(line) + 1


@dataclass(slots=True)
class _Context:
    rules: RuleSet
    text: str
    cues: CueRules
    ref_year: int | None
    account: bool
    sections: SectionIndex
    titles: dict[str, str]  # section id → its title and every ancestor's, joined
    skip: Covering
    articles: set[str]  # sections inside a regulation's articles (第X条): parameters there unless committed
    goals_doc: bool = False  # the document's title names goals (…目标任务分解表): its quantities are goals
    doc_type: str | None = None


def _reference_year(doc: Document) -> int | None:
    """The document's own year: meta.issued_on, else the first full date in the text."""
    if doc.meta.issued_on:
        return int(doc.meta.issued_on[:4])
    m = _FULL_DATE.search(doc.text)
    return int(m.group(1)) if m else None


def _skip_spans(doc: Document, cues: CueRules) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(spans with no text quantities, headlines): tables, records already made, heading lines and title-like
    lines are skipped; the title and the title-like lines that open the document (before its first sentence,
    outside tables) are headlines, read on their own."""
    # task tables carry commitments in their cells (完成1-2个公建民营养老机构改革); indicator tables are read
    # by the tables stage and other tables (project lists) hold sizes, not targets
    tables = [t.span for t in doc.tables if t.kind not in cues.read_tables]
    spans = [*tables, *(r.span for r in (*doc.targets, *doc.statistics))]
    inside = [t.span for t in doc.tables if t.kind in cues.read_tables]
    spans += [s.span for s in doc.sections if cues._project.search(s.title)]
    for s in doc.sections:
        # a heading on a line of its own names a topic; a heading that leads its paragraph (1.到2025年,…达到55%。)
        # is also a sentence, and its quantities count
        line_end = doc.text.find("\n", s.span[0])
        line = doc.text[s.span[0] : line_end if line_end >= 0 else len(doc.text)].rstrip()
        if s.title and line.endswith(s.title.rstrip()):
            spans.append((s.span[0], s.span[0] + len(line)))
    headlines: list[tuple[int, int]] = []
    title = (doc.meta.title or "").strip()
    if title and title in doc.text:
        at = doc.text.find(title)
        spans.append((at, at + len(title)))
        headlines.append((at, at + len(title)))
    in_tables = Covering(inside)
    any_table = Covering(t.span for t in doc.tables)
    head = True  # the title-like lines before the first sentence of the body are the document's headlines
    for lo, hi in _paragraphs(doc.text):
        line = doc.text[lo:hi]
        in_table = in_tables.covers(lo)
        if not in_table and len(line.strip()) <= cues.title_line_max and not cues._clause.search(line.strip()):
            spans.append((lo, hi))
            if head and not any_table.covers(lo) and not (headlines and headlines[0][0] <= lo < headlines[0][1]):
                headlines.append((lo, hi))  # (the title's own line is already there)
        else:
            head = False
    return spans, headlines


@dataclass(slots=True)
class _StandardCell:
    """A standards cell of an indicator/monitoring table, and its row's indicator without number or unit bracket."""

    start: int
    end: int
    indicator: str


def _cell_spans(text: str, cells: list[str], lo: int, hi: int) -> list[tuple[int, int] | None]:
    """Each cell's span inside its row ``text[lo:hi]``.

    A TAB row splits on its TABs; a flattened row (one cell per line) is searched cell after cell, and a cell
    not written there (a merged category printed once, a word joined from fragments) has None.
    """
    row = text[lo:hi]
    if "\t" in row:
        out: list[tuple[int, int] | None] = []
        at = lo
        for part in row.split("\t"):
            a = at + len(part) - len(part.lstrip())
            out.append((a, a + len(part.strip())) if part.strip() else None)
            at += len(part) + 1
        return out if len(out) == len(cells) else [None] * len(cells)
    out, pos = [], lo
    for c in cells:
        c = c.strip()
        at = text.find(c, pos, hi) if c else -1
        out.append((at, at + len(c)) if at >= 0 else None)
        pos = at + len(c) if at >= 0 else pos
    return out


def _standard_cells(doc: Document, cues: CueRules, tr: TableRules) -> list[_StandardCell]:
    """The standards cells (评价标准, 目标值, …) of the tables whose header also names an indicator column."""
    std, pats = cues.standards_table, cues._std
    out: list[_StandardCell] = []
    for t in doc.tables:
        if t.kind not in std.kinds or len(t.row_spans) != len(t.rows):
            continue
        header = [squeeze(h) for h in t.header]
        names = [j for j, h in enumerate(header) if pats["indicator"].search(h)]
        col = next((j for j, h in enumerate(header) if pats["standard"].search(h)), None)
        if not names or col is None or names[-1] == col:
            continue
        for row, (lo, hi) in zip(t.rows, t.row_spans, strict=True):
            if len(row) != len(header):
                continue
            at = _cell_spans(doc.text, row, lo, hi)[col]
            # the text's quantities carry their own units: the bracket (万人) only leaves the name
            _, name = bracket_unit(pats["numbering"].sub("", row[names[-1]].strip(), count=1), tr)
            if at is not None and name:
                out.append(_StandardCell(at[0], at[1], name))
    return out


_GOVERNING = frozenset({"to", "by", "as_of", "bare", "period"})


@dataclass(slots=True)
class _Times:
    """A paragraph's time expressions of some kinds, in text order (they never overlap, so ends are sorted too)."""

    times: list[TimeExpr]
    ends: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.ends = [t.end for t in self.times]

    def last(self, pos: int, depth: list[int], lo: int) -> TimeExpr | None:
        """The nearest expression ending before ``pos`` that is not inside brackets closed since."""
        here = depth[pos - lo] if pos - lo < len(depth) else 0
        for i in range(bisect_right(self.ends, pos) - 1, -1, -1):
            t = self.times[i]
            if depth[t.start - lo] > here:
                continue  # (2020年每千人0.2个): a year in brackets does not govern what follows them
            return t
        return None


@dataclass(slots=True)
class _Par:
    """One paragraph's sentence and clause breaks, found once: each quantity's boundaries are then bisections
    (a page may be one line of a million characters)."""

    lo: int
    hi: int
    brackets: list[int]  # depth at each offset of text[lo:hi + 1]
    sentence_ends: list[int]
    clause_starts: list[int]
    clause_ends: list[int]
    around: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)  # rule id → its cue's matches

    @classmethod
    def read(cls, text: str, lo: int, hi: int, cues: CueRules, brackets: list[int]) -> _Par:
        clauses = [m.span() for m in cues._clause.finditer(text, lo, hi)]
        sentence_ends = [m.end() for m in cues._sentence.finditer(text, lo, hi)]
        return cls(lo, hi, brackets, sentence_ends, [a for a, _ in clauses], [b for _, b in clauses])

    def sentence_start(self, pos: int) -> int:
        """Just after the last sentence break before ``pos`` (or the paragraph start)."""
        i = bisect_right(self.sentence_ends, pos) - 1
        return self.sentence_ends[i] if i >= 0 else self.lo

    def clause_start(self, lo: int, pos: int) -> int:
        """Just after the last clause break before ``pos``, or ``lo`` when that is further back."""
        i = bisect_right(self.clause_ends, pos) - 1
        return max(lo, self.clause_ends[i]) if i >= 0 else lo

    def clause_end(self, pos: int) -> int:
        """The first clause break at or after ``pos`` (or the paragraph end)."""
        i = bisect_left(self.clause_starts, pos)
        return self.clause_starts[i] if i < len(self.clause_starts) else self.hi

    def covered(self, rule: SkipRule, pat: regex.Pattern[str], text: str, lo: int, pos: int) -> bool:
        """A match of ``pat`` over the paragraph that starts at or after ``lo`` covers ``pos``."""
        found = self.around.get(rule.id)
        if found is None:
            spans = [m.span() for m in pat.finditer(text, self.lo, self.hi)]
            found = self.around[rule.id] = ([a for a, _ in spans], [b for _, b in spans])
        starts, ends = found
        i = bisect_right(starts, pos) - 1  # matches never overlap: only the last one starting by `pos` can cover it
        return i >= 0 and starts[i] >= lo and ends[i] > pos


def _trim(phrase: str, pats: list[regex.Pattern[str]]) -> tuple[str, bool]:
    changed, any_change = True, False
    while changed and phrase:
        changed = False
        for p in pats:
            new = p.sub("", phrase, count=1).strip(" ,，、")
            if new != phrase:
                phrase, changed, any_change = new, True, True
    return phrase, any_change


@dataclass(slots=True)
class _Found:
    mention: Mention
    kind: str  # target / statistic
    year: int | None
    as_of: str | None
    recurring: bool
    indicator: str
    span: tuple[int, int]
    baseline: Baseline | None
    rule: str
    years: tuple[int, ...] = ()  # 到2022年和2030年: the years a 分别 list pairs its values with


@dataclass(slots=True)
class _Phrase:
    indicator: str
    start: int  # quote start
    end: int  # quote end
    used_to: int  # where the next quantity's clause may begin (after this one's object)


def _object(ctx: _Context, m: Mention, hi: int) -> tuple[str, int]:
    """The noun the number counts when it follows the unit directly (5家领跑企业): (head noun, raw end)."""
    cues, text = ctx.cues, ctx.text
    stop = cues._object_stop.search(text, m.end, min(len(text), hi + 40))  # its lookaheads may need to see past hi
    end = min(stop.start(), hi) if stop else hi
    raw = text[m.end : end]
    if not raw or not _OBJECT_START.match(raw) or raw.startswith(("(", "（")):
        return "", m.end
    head = raw.rsplit("的", 1)[-1] if "的" in raw[1:] else raw.removeprefix("的")
    return head[: cues.max_object].strip(" 、"), end


def _indicator(ctx: _Context, par: _Par, m: Mention, lo: int, hi: int, prev: str | None) -> _Phrase:
    """The shortest phrase naming what is measured: the clause before the number, or the noun after it."""
    cues, text = ctx.cues, ctx.text
    prefix, _ = _trim(text[lo : m.start].strip(" 、,"), cues._lead)
    prefix, linked = _trim(prefix, [*cues._verb, comparator_end(ctx.rules)])
    prefix = cues._filler.sub("", prefix)[-cues.max_indicator :]
    has_gap = m.start < m.num_start and cues._action_end.search(text[m.start : m.num_start]) is not None
    linked = linked or (m.start < m.num_start and not has_gap)  # 不低于55%: the comparator links name and number
    action = has_gap or bool(prefix and cues._action_end.search(prefix))
    obj, obj_end = _object(ctx, m, hi)
    obj = cues._filler.sub("", obj)
    at = text.rfind(prefix, lo, m.start) if prefix else -1
    q_start = at if at >= 0 else m.start
    so = cues._standard_object.match(text, m.end) if not prefix or cues._standard_base.search(prefix) else None
    if so:  # 每百户20平方米以上、单处不少于120平方米的标准配套建设社区养老服务用房: the standard's object
        return _Phrase(prefix + so.group("obj"), q_start, m.end, m.end)
    if prefix and linked and obj and cues._action_end.search(prefix):
        # 2万人以上城市社区建成不少于90个托位: the subject and the counted noun, without the verb between
        return _Phrase(cues._action_end.sub("", prefix) + obj, q_start, m.end, m.end)
    if prefix and (linked or not obj):
        return _Phrase(prefix, q_start, m.end, m.end)
    if obj and action and not cues._per_unit.search(prefix):
        return _Phrase(obj, m.start, obj_end, obj_end)  # 各设立1所以上二级老年医院: the object names it
    if obj:
        return _Phrase(prefix + obj, q_start, obj_end, obj_end)  # 每千名老年人配备1名社会工作者
    earlier = _earlier_noun(ctx, par, m, lo) if not prefix else None
    return _Phrase(earlier or prev or text[m.num_start : m.unit_end], m.start, m.end, m.end)


def _after_verb(phrase: str, cues: CueRules) -> str:
    """The object of the last action verb in ``phrase`` (积极培育示范性…机构 → 示范性…机构), else the phrase."""
    ends = [x.end() for x in cues._action_any.finditer(phrase)]
    return phrase[ends[-1] :] if ends and ends[-1] < len(phrase) else phrase


def _earlier_noun(ctx: _Context, par: _Par, m: Mention, lo: int) -> str | None:
    """An indicator the clause does not name, read from what came before it in the paragraph.

    ``应达到10个机构以上``: the noun between unit and comparator (机构) names a phrase of an earlier sentence
    (积极培育示范性婴幼儿照护服务机构); ``…方式配置居家社区养老服务设施,至少200平方米以上``: the previous clause of
    the sentence, when it holds no number, is what the bare quantity measures.
    """
    cues, text = ctx.cues, ctx.text
    par_lo, depth = par.lo, par.brackets
    # 10个机构以上: the Han characters between unit and suffix comparator (rules/quantities.yaml suffix_gap)
    gap = suffix_comparator(ctx.rules).match(text, m.unit_end, m.end)
    if gap and len(gap.group("gap")) == 2:
        noun = gap.group("gap")
        at = text.rfind(noun, par_lo, lo)
        while at >= 0 and depth[at - par_lo]:
            at = text.rfind(noun, par_lo, at)  # (沧州市级以上试点机构): a bracket names an aside
        if at >= 0:
            start = par.clause_start(par_lo, at)
            return _after_verb(text[start : at + len(noun)], cues)[-cues.max_indicator :] or None
        return None
    if lo <= par_lo:
        return None
    start = par.clause_start(par_lo, lo - 1)
    before = text[start : lo - 1].strip()
    if not before or _DIGIT.search(before) or cues._sentence.search(text, start, lo):
        return None
    return _after_verb(before, cues)[-cues.max_indicator :] or None


def _classify(ctx: _Context, lo: int, hi: int) -> list[_Found]:
    """Every quantity of ``text[lo:hi]`` decided: a target, a statistic, or ``none`` (dropped), each with its rule."""
    text, cues = ctx.text, ctx.cues
    mentions = [m for m in find_quantities(text, ctx.rules, lo, hi) if not ctx.skip.covers(m.num_start)]
    if not mentions:
        return []
    times = find_times(text, ctx.rules.get(PeriodRules), lo, hi)
    governing_times = _Times([t for t in times if t.kind in _GOVERNING])
    recurring_times = _Times([t for t in times if t.kind == "recurring"])
    brackets = depths(text, lo, hi + 1, _OPEN, _CLOSE)
    quotes = depths(text, lo, hi + 1, _QUOTE_OPEN, _QUOTE_CLOSE)
    par = _Par.read(text, lo, hi, cues, brackets)
    out: list[_Found] = []
    taken_until = lo  # past a baseline bracket or the previous quantity's object
    prev_indicator: str | None = None
    pending: tuple[Baseline, int] | None = None  # a starting value (由…) and where its phrase starts

    def drop(m: Mention, rule: str) -> None:
        out.append(_Found(m, "none", None, None, False, "", (m.start, m.end), None, rule))

    for k, m in enumerate(mentions):
        if m.num_start < taken_until or quotes[m.num_start - lo]:
            continue  # inside a baseline bracket already read, or a name in quotes (“十五分钟”养老服务圈)
        sent_lo = par.sentence_start(m.start)
        clause_lo = max(par.clause_start(lo, m.start), taken_until)
        clause_hi = par.clause_end(m.end)
        if k + 1 < len(mentions):
            clause_hi = min(clause_hi, mentions[k + 1].start)
        before = text[sent_lo : m.start]
        skip = _hit(ctx, par, cues._skip, m, sent_lo)
        if skip is not None:
            drop(m, skip.id)
            continue
        if m.unit in cues.condition.units and cues._cond.match(text, m.unit_end):
            drop(m, cues.condition.id)  # 3万人以下的住宅区: a condition, not a quantity committed to
            continue
        fb = cues._from_before.search(text, clause_lo, m.start)
        if fb and k + 1 < len(mentions) and cues._from_after.match(text, m.end):
            # 由2020年的30%提升至…: the starting value of the next quantity, not a record of its own
            year_of = fb.group("y")
            pending = (Baseline(value=m.value, year=int(year_of) if year_of else None), fb.start())
            drop(m, cues.baseline_from.id)
            continue
        baseline = None
        bm = cues._baseline.match(text, m.end)
        if bm:
            baseline = Baseline(value=float(bm.group("num")), year=int(bm.group("y")))
        from_at = None
        if pending is not None:
            baseline, from_at = pending
            pending = None
        governing = governing_times.last(m.start, brackets, lo)
        if governing is not None and cues._relative_year.search(text, governing.end, m.start):
            governing = None  # 力争到2027年,…;今年将新增120处: 今年 is a year of its own (one the text does not number)
        recurring = recurring_times.last(m.start, brackets, lo)
        is_recurring = recurring is not None and recurring.start >= sent_lo
        kind, year, as_of, rule = _decide(ctx, par, m, governing, before, sent_lo)
        if kind != "statistic":
            never = _hit(ctx, par, cues._never, m, sent_lo)
            if never is not None:
                drop(m, never.id)  # a penalty, a procedure's count, an eligibility threshold, a count of list items
                continue
        if kind == "none":
            drop(m, rule)
            continue
        if kind == "target":
            kept, why = _still_target(ctx, par, m, governing, sent_lo)
            if not kept:
                drop(m, why)  # a rate, fee, grant or allocation the measure sets: not a level it commits to reach
                continue
            rule = why or rule
        elif ctx.sections.at(m.start) in ctx.articles:
            param = _hit(ctx, par, cues._param, m, sent_lo)
            if param is not None:
                drop(m, param.id)  # a regulation's fee base or rate is no account of the present either
                continue
        phrase = _indicator(ctx, par, m, clause_lo, clause_hi, prev_indicator)
        if from_at is not None and from_at > clause_lo:
            # 护理型床位占比由…提升至55%: what is measured is named before 由
            named, _ = _trim(text[clause_lo:from_at].strip(" 、,"), cues._lead)
            if named:
                phrase = replace(phrase, indicator=named[-cues.max_indicator :], start=text.rfind(named, lo, from_at))
        prev_indicator = phrase.indicator
        taken_until = bm.end() if bm else phrase.used_to
        years = _paired_years(text, governing_times, governing) if kind == "target" else ()
        out.append(
            _Found(
                m, kind, year, as_of, is_recurring, phrase.indicator, (phrase.start, phrase.end), baseline, rule, years
            )
        )
    _respectively(out, cues)
    return out


def _paired_years(text: str, times: _Times, t: TimeExpr | None) -> tuple[int, ...]:
    """到2022年和2030年: the years of a time expression joined to the one before it by 和/、/及 (else ())."""
    if t is None or t.year is None:
        return ()
    i = bisect_left(times.ends, t.end)  # expressions never overlap: ends are sorted, t is the one ending there
    if i == 0 or i >= len(times.times) or times.times[i] is not t:
        return ()
    prev = times.times[i - 1]
    if prev.year is None or text[prev.end : t.start] not in {"和", "、", "及", "与"}:
        return ()
    return (prev.year, t.year)


def _respectively(found: list[_Found], cues: CueRules) -> None:
    """A、B、C分别达到x、y、z: each value goes to its listed indicator; with one indicator and two paired years
    (到2022年和2030年…分别达到50和90) each value goes to its year. Runs of targets sharing one phrase ending
    in 分别 are rewritten in place."""
    rr = cues.respectively
    i = 0
    while i < len(found):
        f = found[i]
        if f.kind != "target" or not cues._resp_marker.search(f.indicator):
            i += 1
            continue
        j = i
        while (
            j < len(found)
            and found[j].kind == "target"
            and (found[j].indicator == f.indicator or (j > i and cues._resp_joint.fullmatch(found[j].indicator)))
        ):
            j += 1  # …分别达到50和90: the second value's phrase is just the joint word
        run = found[i:j]
        phrase = cues._resp_marker.sub("", f.indicator)
        items = [x for x in cues._resp_sep.split(phrase) if x]
        names = [phrase] * len(run)
        if len(items) == len(run) > 1:
            head = len(items[0])
            short = all(len(x) <= rr.max_head for x in items[:-1]) and len(items[-1]) > head
            tail = items[-1][head:] if short else ""
            names = [x + tail for x in items[:-1]] + [items[-1]]
        elif f.years:
            for k, g in enumerate(run):
                g.year = f.years[min(k, len(f.years) - 1)]
        for g, name in zip(run, names, strict=True):
            g.indicator = name
        i = j


def _decide(
    ctx: _Context, par: _Par, m: Mention, t: TimeExpr | None, before: str, sent_lo: int
) -> tuple[str, int | None, str | None, str]:
    """(target|statistic|none, year, as_of, rule id) of one quantity.

    Account evidence (an as-of date, a past year, a statistic cue, the account of a reply or a background
    section) makes a statistic; commitment evidence (a due year or period, a commitment cue, a comparator,
    a goals section) a target; with neither the quantity is no target (``none``, ``drop.no_evidence``).
    """
    cues = ctx.cues
    section = ctx.sections.at(m.start)
    background = section is not None and bool(cues._background.search(ctx.titles.get(section, "")))
    commit = [x.end() for x in cues._target.finditer(before)]
    ref = ctx.ref_year
    year_of = t.year if t is not None and t.year is not None else None
    # a year before the document's own (or its own year, in a proposal or reply) tells what was, not what is due;
    # 到2021年 in a background section too
    past = (
        year_of is not None
        and ref is not None
        and (
            (year_of < ref and (t.kind in {"bare", "period"} or background))
            or (year_of == ref and t.kind == "bare" and ctx.account)
        )
    )
    if t is not None and (t.kind == "as_of" or past):
        if commit and t.kind != "as_of":
            return "target", None, None, "target.cue"
        return "statistic", None, _as_of(t), f"statistic.{t.kind}"
    stat = [x.end() for x in cues._stat.finditer(before)]
    due = t is not None and t.kind in {"to", "by"}
    # a statistic cue earlier in the sentence wins unless a commitment or a target year comes after it
    if stat and not (commit and commit[-1] > stat[-1]) and not (due and t.start >= sent_lo + stat[-1]):
        return "statistic", None, _as_of(t) if t is not None and t.kind != "to" else None, "statistic.cue"
    if (ctx.account or background) and not (commit or due):
        return "statistic", None, _as_of(t) if t is not None else None, "statistic.account"
    if t is not None and t.kind in {"to", "by", "bare", "period"}:
        return "target", t.year, None, f"target.{t.kind}"
    evidence = _evidence(ctx, par, m, sent_lo, section)
    if evidence is None:
        return "none", None, None, cues.drop.no_evidence.id
    return "target", None, None, evidence


def _evidence(ctx: _Context, par: _Par, m: Mention, sent_lo: int, section: str | None) -> str | None:
    """The id of the first commitment evidence for ``m`` that has no due year, or None."""
    cues, text = ctx.cues, ctx.text
    for r, pat in cues._evidence:
        if ctx.doc_type in r.not_in:
            continue
        if r.scope == "before":
            if pat.search(text[max(sent_lo, m.num_start - 24) : m.num_start]):
                return r.id
        elif r.scope == "after":
            if pat.match(text, m.end):
                return r.id
        else:
            lo = sent_lo if r.scope == "sentence" else par.clause_start(sent_lo, m.start)
            if pat.search(text, lo, m.start):
                return r.id
    if m.comparator in cues.regulation.comparators:
        return cues.comparator_evidence.id  # 不少于二十平方米, 80%以上: a floor or ceiling is a commitment
    if ctx.goals_doc or (section is not None and cues._goals.search(ctx.titles.get(section, ""))):
        return cues.goals_section.id
    return None


def _as_of(t: TimeExpr | None) -> str | None:
    if t is None or t.year is None:
        return None
    return f"{t.year:04d}-{t.month:02d}" if t.month and t.kind != "period" else f"{t.year:04d}"


def _hit(
    ctx: _Context, par: _Par, rules: list[tuple[SkipRule, regex.Pattern[str]]], m: Mention, sent_lo: int
) -> SkipRule | None:
    """The first rule of ``rules`` whose cue applies to ``m`` (its unit, comparator and scope), or None."""
    text = ctx.text
    for r, pat in rules:
        if (r.units and m.unit not in r.units) or (r.comparators and m.comparator not in r.comparators):
            continue
        if r.scope == "around":
            if par.covered(r, pat, text, sent_lo, m.num_start):
                return r
        elif r.scope == "clause":
            if pat.search(text, par.clause_start(sent_lo, m.num_start), par.clause_end(m.end)):
                return r
        elif r.scope == "after":
            if pat.match(text, m.end):
                return r
        elif pat.search(text, par.lo if r.scope == "paragraph" else sent_lo, m.start):
            return r
    return None


def _still_target(ctx: _Context, par: _Par, m: Mention, t: TimeExpr | None, sent_lo: int) -> tuple[bool, str]:
    """(kept, rule id) of a target after the parameter and regulation checks: a kept target's id is "" when the
    decided id stands; a dropped one's names the rule that dropped it.

    A due year (到2025年) or a commitment word earlier in the sentence makes any quantity a goal. Without one,
    a parameter cue (a fee, a grant, a payment rate, an exact split of funds) drops it; in a document of
    articles only a standard on something other than money stays: a floor or ceiling (每处建筑面积不少于1000平方米)
    or a per-unit standard (每5000名户籍老年人配备1名).
    """
    cues, text = ctx.cues, ctx.text
    if t is not None and t.kind in {"to", "by"}:
        return True, ""
    if not cues._param_commit.search(text, sent_lo, m.start):
        section = ctx.sections.at(m.start)
        if section is not None and cues._param_section.search(ctx.titles.get(section, "")):
            return False, cues.drop.parameter_section.id  # an item under 缴费基数及费率标准如下
        param = _hit(ctx, par, cues._param, m, sent_lo)
        if param is not None:
            return False, param.id
    if ctx.sections.at(m.start) not in ctx.articles or cues._reg_commit.search(text, sent_lo, m.start):
        return True, ""
    reg = cues.regulation
    if m.unit in reg.money_units or cues._reg_condition.match(text, m.end):
        return False, cues.drop.regulation.id
    standard = m.comparator in reg.comparators or cues._reg_shape.search(text, sent_lo, m.start)
    return (True, reg.id) if standard else (False, cues.drop.regulation.id)


def _article_sections(doc: Document, cues: CueRules) -> set[str]:
    """Ids of the articles (第X条) and everything under them, when the document has enough articles to be a regulation.

    Per section, not per document: a plan with a regulation as its annex keeps reading its own goals as a plan.
    """
    reg = cues.regulation
    if sum(s.rule in reg.section_rules for s in doc.sections) < reg.min_articles:
        return set()
    inside: set[str] = set()
    for s in doc.sections:  # parents come before their children
        if s.rule in reg.section_rules or s.parent in inside:
            inside.add(s.id)
    return inside


def _lineage_titles(doc: Document) -> dict[str, str]:
    by_id = {s.id: s for s in doc.sections}
    out: dict[str, str] = {}
    for s in doc.sections:
        parent = out.get(s.parent, "") if s.parent in by_id else ""
        out[s.id] = f"{parent}/{s.title}"
    return out


def _is_account(doc: Document, cues: CueRules) -> bool:
    """A proposal, a reply or news describes the present: meta says so, or the opening words do."""
    if doc.meta.doc_type is not None:
        return doc.meta.doc_type in cues.account_doc_types
    return bool(cues._account.search(doc.text[: cues.account_start_chars]))


def _decisions(doc: Document, rules: RuleSet) -> tuple[_Context, list[_Found]]:
    """Every quantity of the text decided (targets, statistics and the dropped ones), in reading order."""
    cues = rules.get(CueRules)
    skip, headlines = _skip_spans(doc, cues)
    ctx = _Context(
        rules=rules,
        text=doc.text,
        cues=cues,
        ref_year=_reference_year(doc),
        account=_is_account(doc, cues),
        sections=SectionIndex(doc.sections),
        titles=_lineage_titles(doc),
        skip=Covering(skip),
        articles=_article_sections(doc, cues),
        goals_doc=bool(cues._goals.search(doc.meta.title or "")),
        doc_type=doc.meta.doc_type,
    )
    whole = set(skip)  # a title-like line is skipped whole: no need to look for its quantities
    found = [f for lo, hi in _paragraphs(doc.text) if (lo, hi) not in whole for f in _classify(ctx, lo, hi)]
    # --- hook (tables): a progress column (进展情况, 完成情况) reports what was done, so its quantities are
    # statistics, never targets (policyx.tables.columns); the rest of the decision is this module's.
    # (cells_of_role(doc, rules, "task") gives the cells of task/target columns: commitment evidence)
    progress_rule, progress_cells = cells_of_role(doc, rules, "progress")
    progress = Covering(progress_cells)
    no_evidence = ctx.cues.drop.no_evidence.id
    for f in found:
        # the column is the account evidence a bare number there lacks
        if (f.kind == "target" or f.rule == no_evidence) and progress.covers(f.mention.num_start):
            f.kind, f.year, f.rule = "statistic", None, progress_rule
    # a quantity's phrase stays inside its table cell (the cells before it are other columns)
    cells = table_cells(doc, rules)
    for f in found:
        at = cells.start_of(f.mention.num_start)
        if at is not None and f.span[0] < at:
            cut = doc.text[f.span[0] : at]
            f.span = (at, f.span[1])
            f.indicator = f.indicator.removeprefix(cut).strip() or f.indicator
    # --- end of hook
    # a standards cell is read on its own, so no clause or year of its neighbours' cells reaches into it
    cell_ctx = replace(ctx, skip=Covering(r.span for r in (*doc.targets, *doc.statistics)))
    std_rule = f"/{cues.standards_table.id}"
    for cell in _standard_cells(doc, cues, rules.get(TableRules)):
        for f in _classify(cell_ctx, cell.start, cell.end):
            if f.kind != "target":
                continue  # a standard says what is due; a past level there only explains it
            if cues._std["weak"].search(f.indicator):
                f.indicator = cell.indicator  # 2023年达到80%: the row's indicator cell names what reaches 80%
            f.rule += std_rule
            found.append(f)
    # a headline states a target the body may not repeat (山东:到2025年护理型床位占比提高到60%): read on its own,
    # kept only on a due year or a commitment, and only when no target of the body has its value and unit
    body = {(f.mention.value, f.mention.unit) for f in found if f.kind == "target"}
    head = cues.headline
    for lo, hi in headlines:
        for f in _classify(cell_ctx, lo, hi):
            key = (f.mention.value, f.mention.unit)
            if f.kind == "target" and f.rule.split("/")[0] in head.decisions and key not in body:
                f.rule += f"/{head.id}"
                body.add(key)
                found.append(f)
    return ctx, found


def quantity_decisions(doc: Document, rules: RuleSet) -> list[dict[str, Any]]:
    """Why each quantity of the text is a target, a statistic or neither (a debug listing): one dict per
    quantity with ``kind`` (target / statistic / none), the deciding ``rule`` id, the quantity and its context.

    ``doc`` is the document as the quantities stage receives it (after the tables stage)."""
    _, found = _decisions(doc, rules)
    out = []
    for f in found:
        m = f.mention
        lo, hi = f.span
        out.append(
            {
                "kind": f.kind,
                "rule": f"{f.rule}/{m.rule}",
                "span": f.span,
                "quote": doc.text[lo:hi],
                "value": m.value,
                "unit": m.unit,
                "comparator": m.comparator,
                "indicator": f.indicator,
                "context": doc.text[max(0, lo - 30) : hi + 10].replace("\n", "⏎"),
            }
        )
    return out


def extract_quantities(doc: Document, rules: RuleSet) -> Document:
    """The quantities stage: every quantity of the text (quantities.find_quantities) decided a target, a
    statistic or neither, next to the tables' records; ids renumbered."""
    ctx, found = _decisions(doc, rules)
    # the tables' records, then the fields of the text's: each is built once, numbered (see _numbered)
    targets: list[Target | dict[str, Any]] = list(doc.targets)
    statistics: list[Statistic | dict[str, Any]] = list(doc.statistics)
    warnings = list(doc.warnings)
    for f in found:
        if f.kind == "none":
            continue  # dropped: quantity_decisions() says which rule dropped it
        m = f.mention
        common = {
            "section": ctx.sections.at(f.span[0]),
            "span": f.span,
            "quote": doc.text[f.span[0] : f.span[1]],
            "rule": f"{f.rule}/{m.rule}",
            "indicator": f.indicator,
            "value": m.value,
            "value_max": m.value_max,
            "unit": m.unit,
            "comparator": m.comparator,
        }
        if f.kind == "target":
            targets.append(
                {**common, "year": f.year, "recurring": "annual" if f.recurring else None, "baseline": f.baseline}
            )
        elif f.kind == "statistic":
            statistics.append({**common, "as_of": f.as_of})
        if m.unit == "%" and max(m.value, m.value_max or 0) > 100:
            warnings.append(DocWarning(code="percent_over_100", message=f"{m.value}% is over 100", span=f.span))
    return doc.model_copy(
        update={
            "targets": _numbered(targets, Target, "t", rules),
            "statistics": _numbered(statistics, Statistic, "st", rules),
            "warnings": warnings,
        }
    )


Q = TypeVar("Q", Target, Statistic)


def _numbered(records: list[Q | dict[str, Any]], model: type[Q], prefix: str, rules: RuleSet) -> list[Q]:
    """The records in text order, numbered, with their indicator keys. A record found in the text is still a
    dict of fields: it is validated once, with them, instead of built and then copied for them."""
    records.sort(key=lambda r: r["span"] if isinstance(r, dict) else r.span)
    out: list[Q] = []
    for i, r in enumerate(records, 1):
        if isinstance(r, dict):
            out.append(model(**r, id=f"{prefix}{i}", indicator_key=indicator_key(r["indicator"], rules)))
        else:
            key = r.indicator_key or indicator_key(r.indicator, rules)
            out.append(r.model_copy(update={"id": f"{prefix}{i}", "indicator_key": key}))
    return out
