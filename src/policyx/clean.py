"""Stage 3, clean: fold full-width ASCII, collapse white space, lift metadata label blocks into
``meta.fields`` and drop web-page chrome (SPEC 10).

Chrome is recognised two ways, both data in ``rules/boilerplate.yaml``: phrase rules for what only a page
says (`网站标识码`, `ICP备`), and a structural classifier for what a line *is* (a label/value row, a
breadcrumb path, a keyword-stuffed portal title, a row of navigation words, a list of dated links, the
caption of such a block, a headline repeated as a trailer). The structural rules judge only the page's
head and tail: the lines before the first and after the last line of Chinese prose. Prose is never chrome
unless a phrase rule names it, so the body is kept whatever the page around it.

Every decision is taken on the simplified view of a line (``ScriptRules.simplify``, same length) while the
kept lines stay as written; values lifted into ``meta.fields`` are read from the simplified line.
Every later span indexes into the text this stage returns, so it runs before any extraction.
"""

from __future__ import annotations

import regex
from pydantic import PrivateAttr

from policyx.models import Document
from policyx.regions import Gazetteer
from policyx.rules import Pattern, Rule, RuleFile, RuleModel, RuleSet, check_ids_unique
from policyx.script import ScriptRules

# full-width ASCII → half-width; ideographic space, NBSP and the other typographic spaces → space
_FULLWIDTH = (
    {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
    | {0x3000: 0x20, 0xA0: 0x20, 0x202F: 0x20, 0x205F: 0x20}
    | {cp: 0x20 for cp in range(0x2000, 0x200B)}
    | {cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)}  # zero-width marks carry nothing
)
# Chinese punctuation stays: the block above only maps U+FF01–U+FF5E, where `、。“”《》〔〕【】` do not live
# scraped .txt files keep a few space entities as literal text; HTML pages had them decoded by the parser
_SPACE_ENTITIES = regex.compile(r"&(?:nbsp|ensp|emsp|#160|#12288);?", regex.IGNORECASE)
_SPACES = regex.compile(r" {2,}")
_AROUND_TAB = regex.compile(r" *\t *")
_BULLET = regex.compile(r"^[•·●▪■◆◇○]\s*")
_VALUE_STOP = regex.compile(r"[。;]")
# a label may follow white space or a comma (`来源:X局,发布时间:2024-03-15`)
_OTHER_LABEL = regex.compile(r"(?:\s+|\s*,\s*)\p{Han}{2,6}\s*:")


class LinePattern(Rule):
    pattern: Pattern


class Label(Rule):
    names: list[str]
    max_len: int
    keep: bool = True


class LabelRules(RuleModel):
    head: int
    tail: int
    items: list[Label]


class Artefacts(RuleModel):
    inline: list[LinePattern]  # removed inside a line (pinyin after each character)
    lines: list[LinePattern]  # lines removed whole (`? ? ?`)


class Prose(RuleModel):
    min_han: int
    punct: Pattern


class LabelRow(Rule):
    max_label: int
    min_place_run: int  # a place before the colon and this long a run of Chinese: a headline (`温州:今年新增…`)
    max_value: int
    org_value: Pattern  # a long value naming a body (发布机关: 广州市人民政府办公厅) is still a row
    max_value_run: int  # a lone unknown label before a longer run of Chinese is a headline (`郑州:24条创新举措…`)
    keep: list[str]  # labels of the document itself (附件, 责任单位 …): never chrome


class ChromeLabels(Rule):
    names: list[str]


class Separated(Rule):
    separators: Pattern
    min_parts: int
    max_part: int
    #: a line of this form is never such chrome (a Markdown table row `| 序号 | 项目 | 牵头单位 |`)
    not_line: Pattern | None = None


class NavWords(Rule):
    words: list[str]
    max_len: int


class LinkList(Rule):
    item: Pattern
    max_len: int
    min_items: int


class Caption(Rule):
    max_len: int


class Trailer(Rule):
    min_len: int


class PageTitle(Rule):
    separators: Pattern  # what joins the headline to the column and site names in a page's <title>


class DatedByline(Rule):
    date: Pattern  # the date and time a byline opens with
    edition: Pattern  # what may follow the date instead of labels: a newspaper edition (第01版)
    edition_field: str


class TailList(Rule):
    captions: list[str]


class Chrome(RuleModel):
    prose: Prose
    label_row: LabelRow
    chrome_labels: ChromeLabels
    path: Separated
    keyword_title: Separated
    nav_words: NavWords
    link_list: LinkList
    caption: Caption
    trailer: Trailer
    page_title: PageTitle
    dated_byline: DatedByline
    tail_list: TailList
    page_date: Pattern
    page_date_field: str
    dated_label: Pattern


class BoilerplateRules(RuleFile):
    FILE = "boilerplate.yaml"
    max_line_len: int
    lines: list[LinePattern]
    labels: LabelRules
    artefacts: Artefacts
    chrome: Chrome

    _drop: list[tuple[str, regex.Pattern[str]]] = PrivateAttr()
    _label_at: regex.Pattern[str] = PrivateAttr()
    _by_name: dict[str, Label] = PrivateAttr()

    @property
    def label_names(self) -> frozenset[str]:
        """Every metadata label name (发文字号, 索引号 …): html uses them to spot a page's label block."""
        return frozenset(self._by_name)

    _inline: list[regex.Pattern[str]] = PrivateAttr()
    _artefact_lines: list[tuple[str, regex.Pattern[str]]] = PrivateAttr()
    _c: dict[str, regex.Pattern[str]] = PrivateAttr()
    _nav: frozenset[str] = PrivateAttr()
    _chrome_labels: frozenset[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        ch = self.chrome
        structural: list[Rule] = [ch.label_row, ch.chrome_labels, ch.path, ch.keyword_title, ch.nav_words]
        structural += [ch.link_list, ch.caption, ch.trailer, ch.page_title, ch.dated_byline, ch.tail_list]
        check_ids_unique(
            [*self.lines, *self.labels.items, *self.artefacts.inline, *self.artefacts.lines, *structural], self.FILE
        )
        self._inline = [regex.compile(r.pattern) for r in self.artefacts.inline]
        self._artefact_lines = [(r.id, regex.compile(r.pattern)) for r in self.artefacts.lines]
        captions = "|".join(map(regex.escape, ch.tail_list.captions))
        self._c = {
            "punct": regex.compile(ch.prose.punct),
            "org_value": regex.compile(ch.label_row.org_value),
            "row": regex.compile(rf"(?:^|(?<=[\s,]))(\p{{Han}}{{2,{ch.label_row.max_label}}})\s*:"),
            "path": regex.compile(ch.path.separators),
            "keyword": regex.compile(ch.keyword_title.separators),
            "page_title": regex.compile(ch.page_title.separators),
            "link": regex.compile(ch.link_list.item),
            "date": regex.compile(ch.page_date),
            "dated_label": regex.compile(ch.dated_label),
            "byline_date": regex.compile(ch.dated_byline.date),
            "edition": regex.compile(ch.dated_byline.edition),
            "tail_caption": regex.compile(rf"^[【\[]?(?:{captions})[】\]]?\s*:?$"),
        }
        self._nav = frozenset(ch.nav_words.words)
        self._chrome_labels = frozenset(ch.chrome_labels.names)
        # one pattern per rule: measured ~3x faster than a single alternation of them all
        self._drop = [(r.id, regex.compile(r.pattern)) for r in self.lines]
        self._by_name = {name: item for item in self.labels.items for name in item.names}
        longest = max(map(len, self._by_name))
        # a word that starts the line or follows white space and ends in a colon; spaced-out words
        # (`标  题:`) align tables. Whether it is a label is a dict lookup (cheaper than one big regex).
        self._label_at = regex.compile(rf"(?:^|(?<=[\s,]))(\p{{Han}}(?: ?\p{{Han}}){{1,{longest - 1}}})\s*:")


def normalise(text: str) -> str:
    """Full-width folded, spaces collapsed (tabs kept: they separate table cells), lines stripped."""
    text = _SPACE_ENTITIES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_FULLWIDTH)
    lines = []
    for line in text.split("\n"):
        # the patterns only change a line holding two spaces or a tab: test for those first (most hold neither)
        if "  " in line:
            line = _SPACES.sub(" ", line)
        if "\t" in line:
            line = _AROUND_TAB.sub("\t", line)
        line = line.strip(" ")
        lines.append(line if line.strip() else "")
    return "\n".join(lines)


def _label_values(line: str, br: BoilerplateRules) -> dict[str, str] | None:
    """``label:value`` pairs of a line that starts with a known label, else None."""
    found = [m for m in br._label_at.finditer(line) if m.group(1).replace(" ", "") in br._by_name]
    if not found or found[0].start() != 0:
        return None
    values: dict[str, str] = {}
    for m, nxt in zip(found, [*found[1:], None], strict=True):
        raw = line[m.end() : nxt.start() if nxt else len(line)]
        raw = _OTHER_LABEL.split(raw, maxsplit=1)[0]  # `来源:X局 字号:大 中 小`: an unknown label ends the value
        cells = [c.strip(" ,") for c in raw.split("\t") if c.strip(" ,")]
        values[m.group(1).replace(" ", "")] = cells[0] if cells else ""  # colspan copies repeat the value: take it once
    return values


def _lone_label(line: str, br: BoilerplateRules) -> Label | None:
    return br._by_name.get(line.rstrip(":").replace(" ", ""))


def lift_labels(lines: list[str], br: BoilerplateRules) -> tuple[list[str], dict[str, str]]:
    """Remove metadata label lines from the head and tail of the page; return their values."""
    drop, fields = _label_lines(lines, br)
    return [line for i, line in enumerate(lines) if i not in drop], fields


def _label_lines(lines: list[str], br: BoilerplateRules) -> tuple[set[int], dict[str, str]]:
    """The indices of the known metadata label lines in the head and tail of the page, and their values."""
    cfg = br.labels
    n = len(lines)
    zone = set(range(min(cfg.head, n))) | set(range(max(0, n - cfg.tail), n))
    fields: dict[str, str] = {}
    drop: set[int] = set()

    def keep(label: str, value: str) -> None:
        if br._by_name[label].keep and value and not fields.get(label):
            fields[label] = value

    bare = {i: _BULLET.sub("", lines[i]) for i in zone}
    labelled = {i for i, line in bare.items() if _lone_label(line, br) or _label_values(line, br) is not None}
    for i in sorted(zone):
        if i in drop:
            continue
        line = bare[i]
        pairs = _label_values(line, br)
        if pairs is not None:
            drop.add(i)
            for label, value in pairs.items():
                keep(label, value)
            continue
        label = _lone_label(line, br)
        # a bare word like 分类 is a label only inside a block of labels, not as a table cell
        if label is None or not any(j in labelled for j in (i - 2, i - 1, i + 1, i + 2)):
            continue
        drop.add(i)
        j = i + 1
        if j < n and j not in drop:
            value = _BULLET.sub("", lines[j]).strip()
            fits = value and len(value) <= label.max_len and not _VALUE_STOP.search(value)
            if fits and _lone_label(value, br) is None and _label_values(value, br) is None:
                drop.add(j)
                keep(line.rstrip(":").replace(" ", ""), value)
    return drop, fields


def is_boilerplate(line: str, br: BoilerplateRules) -> str | None:
    """The id of the phrase or artefact rule a line matches, or None."""
    for rule_id, pat in br._artefact_lines:
        if pat.search(line):
            return rule_id
    if len(line) > br.max_line_len:
        return None
    for rule_id, pat in br._drop:
        if pat.search(line):
            return rule_id
    return None


_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")
_BRACKETS = regex.compile(r"[【】\[\]]")


def _han(line: str) -> int:
    return len(_HAN.findall(line))


def _squash(line: str) -> str:
    return "".join(line.split())


def label_row(line: str, br: BoilerplateRules, gaz: Gazetteer | None = None) -> dict[str, str] | None:
    """``label: value`` pairs of a metadata row (`文件编号: X`, `时间:… 来源:… 作者:…`), or None when the line is
    not one: it must start with a short label, every value must be short and hold no sentence end, and no label
    may be one the document itself uses (附件, 责任单位)."""
    cfg = br.chrome.label_row
    if line.startswith(("【", "[")):  # bracketed rows: `【来源:XX】【作者:XX】`
        line = _BRACKETS.sub(" ", line).strip()
    found = list(br._c["row"].finditer(line))
    if not found or found[0].start() != 0:
        return None
    pairs: dict[str, str] = {}
    for m, nxt in zip(found, [*found[1:], None], strict=True):
        label = m.group(1)
        if label in cfg.keep:
            return None
        value = line[m.end() : nxt.start() if nxt else len(line)].strip(" |,")
        chrome_label = label in br._chrome_labels
        if not chrome_label and (len(value) > cfg.max_value or _VALUE_STOP.search(value)):
            return None
        pairs.setdefault(label, value)
    if not any(pairs.values()) and not (pairs.keys() & br._chrome_labels):
        return None  # `各幼儿园:` addresses the reader; a label row has a value
    if len(pairs) == 1 and not (pairs.keys() & (br._chrome_labels | br._by_name.keys())):
        ((label, value),) = pairs.items()
        longest = max((len(run) for run in _HAN_RUN.findall(value)), default=0)
        place = gaz is not None and gaz.first_in(label) is not None
        if (place and longest >= cfg.min_place_run) or (
            longest > cfg.max_value_run and not br._c["org_value"].search(value)
        ):
            # `郑州:24条创新举措积极应对人口老龄化`, `温州:今年新增普惠托位3000个`, `广电总局:不得播出偶像养成类节目`:
            # a headline, not a row (a place names no field of a page)
            return None
    return pairs


def is_prose(line: str, br: BoilerplateRules) -> bool:
    """A line of Chinese prose: enough Chinese characters and sentence punctuation."""
    return _han(line) >= br.chrome.prose.min_han and bool(br._c["punct"].search(line))


def _parts(line: str, sep: regex.Pattern[str]) -> list[str]:
    return [p.strip() for p in sep.split(line) if p.strip()]


def _separated(line: str, sep: regex.Pattern[str], cfg: Separated) -> bool:
    """A line of several short Chinese parts joined by separators (`首页 > 政务公开 > 通知`)."""
    if cfg.not_line is not None and regex.search(cfg.not_line, line):
        return False
    parts = _parts(line, sep)
    return len(parts) >= cfg.min_parts and all(_han(p) >= 1 and len(p) <= cfg.max_part for p in parts)


def _nav_line(line: str, br: BoilerplateRules) -> bool:
    cfg = br.chrome.nav_words
    if len(line) > cfg.max_len:
        return False
    tokens = [t.rstrip(":") for t in regex.split(r"[\s|]+", br._c["date"].sub(" ", line))]
    tokens = [t for t in tokens if t and t not in "()[]【】"]
    return bool(tokens) and all(t in br._nav for t in tokens)


def _structural(line: str, br: BoilerplateRules) -> str | None:
    """The id of the structural chrome rule a line of the page's head or tail matches, or None."""
    ch = br.chrome
    if _nav_line(line, br):
        return ch.nav_words.id
    if br._c["punct"].search(line) is None or _han(line) < ch.prose.min_han:
        if _separated(line, br._c["path"], ch.path):
            return ch.path.id
        if _separated(line, br._c["keyword"], ch.keyword_title):
            return ch.keyword_title.id
    return None


class _Page:
    """The lines of a page (as written and simplified) and what the chrome classifier decided about them."""

    def __init__(self, written: list[str], simple: list[str], br: BoilerplateRules, gaz: Gazetteer) -> None:
        self.written, self.simple, self.br, self.gaz = written, simple, br, gaz
        self.dropped: dict[int, str] = {}
        self.fields: dict[str, str] = {}

    def drop(self, i: int, rule: str) -> None:
        self.dropped.setdefault(i, rule)

    def classify(self) -> None:
        br, ch, simple = self.br, self.br.chrome, self.simple
        label_drop, self.fields = _label_lines(simple, br)
        for i in label_drop:
            self.drop(i, "label_block")
        for i, line in enumerate(simple):
            rule = is_boilerplate(line, br)
            if rule:
                self.drop(i, rule)
            elif (pairs := label_row(line, br, self.gaz)) and pairs.keys() & br._chrome_labels:
                self.drop(i, ch.chrome_labels.id)
                self._keep_fields(pairs)
        prose = [i for i, line in enumerate(simple) if i not in self.dropped and is_prose(line, br)]
        if not prose:
            return  # no prose, no body to frame: nothing is judged by position (the guard judges the page)
        zones = [range(prose[0]), range(prose[-1] + 1, len(simple))]
        for zone in zones:
            for i in zone:
                if i in self.dropped:
                    continue
                line = simple[i]
                if self._dated_byline(i):
                    continue
                pairs = label_row(line, br, self.gaz)
                if pairs is not None:
                    self.drop(i, ch.label_row.id)
                    self._keep_fields(pairs)
                    continue
                rule = _structural(line, br)
                if rule:
                    self.drop(i, rule)
            self._link_lists(zone)
            self._captions(zone)
        self._tail_list(zones[1])
        self._trailer(zones[0], zones[1])
        self._page_title(zones[0])
        self._page_date(zones[0])

    def _dated_byline(self, i: int) -> bool:
        """`2025年03月07日14:51 来源:人民网`, `2026年09月29日 第01版`: a date opening a byline or an edition line
        (a date alone is the signature's date line, and stays)."""
        cfg, line = self.br.chrome.dated_byline, self.simple[i]
        m = self.br._c["byline_date"].match(line)
        rest = line[m.end() :].strip() if m else ""
        if not rest:
            return False
        if self.br._c["edition"].match(rest):
            self.fields.setdefault(cfg.edition_field, rest)
        elif (pairs := label_row(rest, self.br, self.gaz)) is not None:
            self._keep_fields(pairs)
        else:
            return False
        self.drop(i, cfg.id)
        return True

    def _tail_list(self, tail: range) -> None:
        """After the body, a `相关阅读` caption and everything below it: a list of other pages."""
        pat = self.br._c["tail_caption"]
        start = next((i for i in tail if i not in self.dropped and pat.match(self.simple[i])), None)
        if start is not None:
            for i in range(start, tail.stop):
                self.drop(i, self.br.chrome.tail_list.id)

    def _keep_fields(self, pairs: dict[str, str]) -> None:
        for label, value in pairs.items():
            if value and not self.fields.get(label):
                self.fields[label] = value

    def _link_lists(self, zone: range) -> None:
        """Runs of lines that each end in a date (`【文字解读】《…》政策解读 2025-05-30`): related-article lists."""
        cfg, pat = self.br.chrome.link_list, self.br._c["link"]
        run: list[int] = []
        for i in [*zone, None]:
            line = self.simple[i] if i is not None else ""
            if i is not None and i not in self.dropped and len(line) <= cfg.max_len and pat.search(line):
                run.append(i)
                continue
            if i is not None and i in self.dropped and run:
                continue  # a line already dropped does not break the run
            if len(run) >= cfg.min_items:
                for j in run:
                    self.drop(j, cfg.id)
            run = []

    def _captions(self, zone: range) -> None:
        """A short word heading a block of chrome (`基本信息`, `政策解读`) goes with it."""
        cfg = self.br.chrome.caption
        for i in zone:
            line = self.simple[i]
            if i in self.dropped or len(line) > cfg.max_len or _han(line) != len(line):
                continue
            nxt = next((j for j in range(i + 1, len(self.simple)) if self.simple[j]), None)
            if nxt is not None and self.dropped.get(nxt) in (self.br.chrome.label_row.id, self.br.chrome.link_list.id):
                self.drop(i, cfg.id)

    def _trailer(self, head: range, tail: range) -> None:
        """The headline repeated after the body (`上海市出台…规划` again under the article)."""
        cfg, date = self.br.chrome.trailer, self.br._c["date"]
        heads = {_squash(self.simple[i]) for i in head if i not in self.dropped}
        for i in tail:
            if i in self.dropped or len(self.simple[i]) < cfg.min_len or _squash(self.simple[i]) not in heads:
                continue
            nxt = next((j for j in range(i + 1, len(self.simple)) if j not in self.dropped), None)
            if nxt is None or not date.match(self.simple[nxt]):  # a name above a date is a signature
                self.drop(i, cfg.id)

    def _page_title(self, head: range) -> None:
        """The page's <title> above its headline: the headline, then column and site names after _ or |
        (`宁波市民政局关于…的通知_通知公告_宁波市民政局` over `宁波市民政局关于…的通知`)."""
        cfg, sep = self.br.chrome.page_title, self.br._c["page_title"]
        lines = {i: _squash(self.simple[i]) for i in head if i not in self.dropped}
        heads = {h for h in lines.values() if len(h) >= self.br.chrome.trailer.min_len}
        for i, line in lines.items():
            # each separator of the line ends a candidate headline: a set lookup, linear in the head's length
            if any(line[: m.start()] in heads for m in sep.finditer(line)):
                self.drop(i, cfg.id)

    def _page_date(self, head: range) -> None:
        """The date a dropped head line carries (a byline, an e-paper's edition line): the page's date."""
        name = self.br.chrome.page_date_field
        skip = self.br._c["dated_label"]
        for i in head:  # a known label block or a dated label (失效日期) already gave its date a name
            if self.dropped.get(i, "label_block") != "label_block" and name not in self.fields:
                if (pairs := label_row(self.simple[i], self.br)) and any(skip.search(k) for k in pairs):
                    continue
                m = self.br._c["date"].search(self.simple[i])
                if m:
                    self.fields[name] = m.group()

    def kept(self) -> list[str]:
        return [line for i, line in enumerate(self.written) if i not in self.dropped]


def strip_artefacts(line: str, br: BoilerplateRules) -> str:
    """Conversion artefacts inside a line: pinyin after each character (`發(fā)布` → `發布`)."""
    for pat in br._inline:
        if "(" in line:
            line = pat.sub("", line)
    return line


def clean(doc: Document, rules: RuleSet) -> Document:
    br = rules.get(BoilerplateRules)
    script = rules.get(ScriptRules)
    written = [strip_artefacts(line, br) for line in normalise(doc.text).split("\n") if line]
    written = [line for line in written if line.strip()]
    page = _Page(written, [script.simplify(line) for line in written], br, rules.get(Gazetteer))
    page.classify()
    meta = doc.meta.model_copy(update={"fields": {**page.fields, **doc.meta.fields}})
    return doc.model_copy(update={"text": "\n".join(page.kept()), "meta": meta})
